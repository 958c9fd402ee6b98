import type { Either } from 'fp-ts/lib/Either.js'
import { left } from 'fp-ts/lib/Either.js'
import { type ReferralError, referralError } from '../errors.js'
import type { ReferralEvent } from '../events.js'
import type { ReferralActor, ReferralRole } from '../roles.js'
import type { Referral } from '../state.js'

/** What a command comes to: the events it records, or why it was refused. */
export type Decision = Either<ReferralError, ReadonlyArray<ReferralEvent>>

const stageInWords: Record<Referral['stage'], string> = {
  registered: 'registered and awaiting screening',
  screened: 'screened and awaiting the delivery check',
  delivered: 'delivered and awaiting a call-back',
  'call-back-scheduled': 'waiting for its call-back',
  verified: 'verified',
  faked: 'faked',
  inconclusive: 'inconclusive, in manual review',
  rejected: 'rejected',
  voided: 'voided',
}

/** The referral is not at the stage the command needs. */
export const wrongStage = (code: ReferralError['code'], s: Referral, expected: string): Decision =>
  left(referralError(code, `referral ${s.referralId} is ${stageInWords[s.stage]}; ${expected}`))

/** The actor's role may not do this under the referral's policy. */
export const roleNotAllowed = (
  who: ReferralActor,
  what: string,
  roles: ReadonlyArray<ReferralRole>,
): Decision =>
  left(
    referralError(
      'RoleNotAllowed',
      `${who.id} acts as ${who.role}; only ${roles.join(', ') || 'nobody'} may ${what}`,
    ),
  )

/** docs/domain.md §5 Referrals: the consultant who sold the car never verifies its referral. */
export const verifierIsSeller = (s: Referral): Decision =>
  left(
    referralError('VerifierIsSeller', `${s.sellingConsultant} sold this car and may not verify its referral`),
  )
