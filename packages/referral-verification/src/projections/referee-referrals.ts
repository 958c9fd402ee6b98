import type { CustomerId, PhoneHash, Projection } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'
import type { ReferralId } from '../ids.js'

interface Referee {
  readonly refereeId: CustomerId
  readonly phoneHash: PhoneHash
}

/**
 * The referee's live referral, for the guard "one referrer per referee; the earliest valid registration
 * wins" (docs/domain.md §2, §5 Referrals). One referral stream cannot see the others, so the application looks
 * the referee up here and passes the answer in `RegisterReferral.refereeLiveReferralId`.
 */
export interface RefereeReferrals {
  readonly byReferee: Record<string, ReferralId>
  readonly byPhoneHash: Record<string, ReferralId>
  readonly referees: Record<string, Referee>
}

const claim = (s: RefereeReferrals, referralId: ReferralId, referee: Referee) => {
  s.byReferee[referee.refereeId] ??= referralId
  s.byPhoneHash[referee.phoneHash] ??= referralId
}

const release = (s: RefereeReferrals, referralId: ReferralId) => {
  const referee = s.referees[referralId]
  if (referee === undefined) return
  if (s.byReferee[referee.refereeId] === referralId) delete s.byReferee[referee.refereeId]
  if (s.byPhoneHash[referee.phoneHash] === referralId) delete s.byPhoneHash[referee.phoneHash]
}

export const refereeReferralsProjection: Projection<RefereeReferrals, ReferralEvent> = {
  name: 'referral-verification.referee-referrals',
  version: 2,
  handles: [
    'ReferralRegistered',
    'ReferralScreened',
    'DeliveryChecked',
    'ReferralFaked',
    'ReferralVoided',
    'ReferralReopened',
    'ManualReviewClosed',
  ],
  init: () => ({ byReferee: {}, byPhoneHash: {}, referees: {} }),
  apply: (s, e) => {
    switch (e.type) {
      case 'ReferralRegistered': {
        const referee = { refereeId: e.data.referee.subjectId, phoneHash: e.data.referee.phoneHash }
        s.referees[e.data.referralId] = referee
        claim(s, e.data.referralId, referee)
        return s
      }
      case 'ReferralScreened':
        if (e.data.outcome === 'screened-out') release(s, e.data.referralId)
        return s
      case 'DeliveryChecked':
        if (e.data.outcome === 'licence-mismatch') release(s, e.data.referralId)
        return s
      case 'ReferralFaked':
      case 'ReferralVoided':
      case 'ManualReviewClosed':
        release(s, e.data.referralId)
        return s
      case 'ReferralReopened': {
        const referee = s.referees[e.data.referralId]
        if (e.data.previousOutcome === 'faked' && referee !== undefined) claim(s, e.data.referralId, referee)
        return s
      }
      default:
        return s
    }
  },
}

/** The live referral holding this referee, by customer or by phone, or null: pass it to `RegisterReferral`. */
export const liveReferralOf = (
  s: RefereeReferrals,
  referee: { customerId: string; phoneHash: string },
): ReferralId | null => s.byReferee[referee.customerId] ?? s.byPhoneHash[referee.phoneHash] ?? null
