import { isBefore } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { CheckAtDelivery, RegisterReferral, ScreenReferral } from '../commands.js'
import { referralError } from '../errors.js'
import { samePhone } from '../phone.js'
import { defaultReportingRoles, type ReferralPolicy } from '../policy.js'
import type { Referral, ReferralState } from '../state.js'
import { type Decision, roleNotAllowed, wrongStage } from './refusals.js'

// docs/domain.md §2.1 advance registration; §2.2 late claims; §2 + §5 one referrer per referee, no self-referral.
export const registerReferral = (c: RegisterReferral, s: ReferralState, policy: ReferralPolicy): Decision => {
  const d = c.data
  if (s.stage !== 'unregistered')
    return left(referralError('AlreadyRegistered', `referral ${d.referralId} is already on file`))
  if (!policy.registeringRoles.includes(d.registeredBy.role))
    return roleNotAllowed(d.registeredBy, 'register a referral', policy.registeringRoles)
  const reportingRoles = policy.reportingRoles ?? defaultReportingRoles
  if (!reportingRoles.includes(d.reportedBy.role))
    return roleNotAllowed(d.reportedBy, 'report a referral', reportingRoles)
  // Both phones are in the command: compared normalised, not only through the caller's hashes.
  if (
    samePhone(d.referee.phone, d.referrer.phone) ||
    d.referee.phoneHash === d.referrer.phoneHash ||
    d.referee.customerId === d.referrer.customerId
  )
    return left(
      referralError(
        'SelfReferral',
        'the referrer and the referee are the same person; nobody can refer themself',
      ),
    )
  if (d.refereeLiveReferralId !== null && d.refereeLiveReferralId !== d.referralId)
    return left(
      referralError(
        'RefereeAlreadyReferred',
        `the referee is already registered under referral ${d.refereeLiveReferralId}; the earliest registration wins`,
      ),
    )
  if (d.refereeDeliveredAt !== null && !isBefore(d.at, d.refereeDeliveredAt))
    return right([
      {
        type: 'LateClaimRejected',
        data: {
          referralId: d.referralId,
          refereeId: d.referee.customerId,
          referrerId: d.referrer.customerId,
          reportedBy: d.reportedBy,
          registeredBy: d.registeredBy,
          claimedAt: d.at,
          deliveredAt: d.refereeDeliveredAt,
          reason: 'late-claim',
        },
      },
    ])
  return right([
    {
      type: 'ReferralRegistered',
      data: {
        referralId: d.referralId,
        registeredAt: d.at,
        reportedBy: d.reportedBy,
        registeredBy: d.registeredBy,
        referee: {
          subjectId: d.referee.customerId,
          phoneHash: d.referee.phoneHash,
          name: d.referee.name,
          phone: d.referee.phone,
          purchase: d.referee.purchase,
        },
        referrer: {
          subjectId: d.referrer.customerId,
          phoneHash: d.referrer.phoneHash,
          name: d.referrer.name,
          phone: d.referrer.phone,
          vehicle: d.referrer.vehicle,
        },
        policy,
      },
    },
  ])
}

// docs/domain.md §2.3 preliminary screening: an owner's referral, and the referrer helped.
export const screenReferral = (c: ScreenReferral, s: Referral): Decision => {
  if (s.stage !== 'registered')
    return wrongStage('NotAwaitingScreening', s, 'only a newly registered referral is screened')
  if (!s.policy.screeningRoles.includes(c.data.by.role))
    return roleNotAllowed(c.data.by, 'screen a referral', s.policy.screeningRoles)
  return right([
    {
      type: 'ReferralScreened',
      data: {
        referralId: s.referralId,
        by: c.data.by,
        ownersReferral: c.data.ownersReferral,
        referrerHelped: c.data.referrerHelped,
        outcome: c.data.ownersReferral && c.data.referrerHelped ? 'passed' : 'screened-out',
        at: c.data.at,
      },
    },
  ])
}

// docs/domain.md §2.4 delivery check against the referrer's licence; §5: keep the outcome, never the document.
export const checkAtDelivery = (c: CheckAtDelivery, s: Referral): Decision => {
  if (s.stage !== 'screened')
    return wrongStage('NotAwaitingDeliveryCheck', s, 'the delivery check follows screening')
  if (!s.policy.deliveryCheckRoles.includes(c.data.by.role))
    return roleNotAllowed(c.data.by, 'check a referral at delivery', s.policy.deliveryCheckRoles)
  return right([
    {
      type: 'DeliveryChecked',
      data: {
        referralId: s.referralId,
        by: c.data.by,
        licenceMatches: c.data.licenceMatches,
        outcome: c.data.licenceMatches ? 'matches' : 'licence-mismatch',
        deliveredAt: c.data.at,
      },
    },
  ])
}
