import { isBefore } from '@dealer-crm/eventsourcing'
import { right } from 'fp-ts/lib/Either.js'
import { satisfactionOf } from '../segments.js'
import { consentKey } from '../state.js'
import { busiestMarketingWindow, hasLiveConsent, inQuietHours, purposeOf } from '../touchpoints.js'
import { none, type Rule, refuse } from './rule.js'

const greetings = new Set(['birthday-greeting', 'holiday-greeting'])

// §1 care touchpoints; §5 consent per purpose × channel, frequency caps and quiet hours.
export const planTouchpoint: Rule<'PlanTouchpoint'> = (c, s, policy) => {
  const { touchpointId, kind, channel, dueAt, familyMemberId } = c.data
  const purpose = purposeOf[kind]
  if (s.touchpoints[touchpointId] !== undefined)
    return refuse('TouchpointAlreadyPlanned', `touchpoint ${touchpointId} is already planned`)
  if (isBefore(dueAt, c.data.at)) return refuse('DueInThePast', `the touchpoint is due ${dueAt}, before now`)
  if (familyMemberId !== null && !greetings.has(kind))
    return refuse('GreetingOnlyForFamily', 'only birthday and holiday greetings go to family members')
  if (familyMemberId !== null && s.familyMembers[familyMemberId] === undefined)
    return refuse('UnknownFamilyMember', `family member ${familyMemberId} is not recorded`)
  if (kind === 'vip-gift' && !s.flags.vip) return refuse('NotEligible', 'gifts go to VIP customers')
  if (kind === 'annual-reception' && !s.flags.vip && !s.flags['big-account'] && s.valueTier !== 'key')
    return refuse('NotEligible', 'the annual reception is for VIP, big-account and key-tier customers')
  if (!hasLiveConsent(s, purpose, channel, policy))
    return refuse('NoLiveConsent', `the customer has no live ${purpose} consent for ${channel}`)
  if (inQuietHours(dueAt, policy))
    return refuse('QuietHours', `${dueAt} falls in the quiet hours when customers are not contacted`)
  if (purpose === 'marketing' && busiestMarketingWindow(s, dueAt, policy) > policy.marketingCap.max)
    return refuse(
      'FrequencyCapReached',
      `more than ${policy.marketingCap.max} marketing contacts within ${policy.marketingCap.withinDays} days`,
    )
  return right([
    { type: 'TouchpointPlanned', data: { ...c.data, purpose, policyVersion: policy.policyVersion } },
  ])
}

// §1: each touchpoint is done with an outcome; consent is checked again when the contact is made.
export const recordTouchpointOutcome: Rule<'RecordTouchpointOutcome'> = (c, s, policy) => {
  const tp = s.touchpoints[c.data.touchpointId]
  if (tp === undefined) return refuse('UnknownTouchpoint', `touchpoint ${c.data.touchpointId} is not planned`)
  if (tp.status !== 'planned')
    return refuse('TouchpointClosed', `touchpoint ${tp.touchpointId} is ${tp.status}`)
  if (!hasLiveConsent(s, tp.purpose, tp.channel, policy))
    return refuse(
      'NoLiveConsent',
      `the customer withdrew ${tp.purpose} consent for ${tp.channel}; cancel the touchpoint instead`,
    )
  return right([
    { type: 'TouchpointDone', data: { ...c.data, kind: tp.kind, purpose: tp.purpose, channel: tp.channel } },
  ])
}

export const cancelTouchpoint: Rule<'CancelTouchpoint'> = (c, s) => {
  const tp = s.touchpoints[c.data.touchpointId]
  return tp === undefined
    ? refuse('UnknownTouchpoint', `touchpoint ${c.data.touchpointId} is not planned`)
    : tp.status !== 'planned'
      ? refuse('TouchpointClosed', `touchpoint ${tp.touchpointId} is ${tp.status}`)
      : right([{ type: 'TouchpointCancelled', data: c.data }])
}

// §5 consent: granted with its source and time; granting live consent again changes nothing.
export const grantConsent: Rule<'GrantConsent'> = (c, s) =>
  s.consents[consentKey(c.data.purpose, c.data.channel)]?.status === 'granted'
    ? none
    : right([{ type: 'ConsentGranted', data: c.data }])

// §5 consent: an opt-out is always recorded, even before any grant.
export const withdrawConsent: Rule<'WithdrawConsent'> = (c, s) =>
  s.consents[consentKey(c.data.purpose, c.data.channel)]?.status === 'withdrawn'
    ? none
    : right([{ type: 'ConsentWithdrawn', data: c.data }])

// §1 satisfaction (seed 001): the score against the expectation, recorded per contact.
export const recordSatisfaction: Rule<'RecordSatisfaction'> = (c, s, policy) =>
  s.surveys[c.data.surveyId] !== undefined
    ? refuse('SurveyAlreadyRecorded', `survey ${c.data.surveyId} is already recorded`)
    : c.data.touchpointId !== null && s.touchpoints[c.data.touchpointId] === undefined
      ? refuse('UnknownTouchpoint', `touchpoint ${c.data.touchpointId} is not planned`)
      : !hasLiveConsent(s, 'survey', c.data.channel, policy)
        ? refuse('NoLiveConsent', `the customer opted out of surveys by ${c.data.channel}`)
        : right([
            {
              type: 'SatisfactionRecorded',
              data: { ...c.data, classification: satisfactionOf(c.data.score, c.data.expectation) },
            },
          ])
