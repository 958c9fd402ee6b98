import { epochMs, type Instant } from '@dealer-crm/eventsourcing'
import type { LifecyclePolicy } from './policy.js'
import { consentKey, type LifecycleState } from './state.js'
import type { ContactChannel, Purpose, TouchpointKind } from './vocabulary.js'

/**
 * Which consent a touchpoint needs (docs/domain.md §1 care touchpoints, §5 Consent): reminders of
 * maintenance, annual inspection and insurance renewal are service-necessary; the periodic
 * call-back asking about the car is a survey; everything else is marketing.
 */
export const purposeOf: Readonly<Record<TouchpointKind, Purpose>> = {
  'maintenance-reminder': 'service-reminder',
  'annual-inspection-reminder': 'service-reminder',
  'insurance-renewal-reminder': 'service-reminder',
  'periodic-call-back': 'survey',
  'birthday-greeting': 'marketing',
  'holiday-greeting': 'marketing',
  'event-invitation': 'marketing',
  offer: 'marketing',
  'vip-gift': 'marketing',
  'annual-reception': 'marketing',
}

/**
 * Live consent: for a purpose that needs opting in (marketing always, docs/domain.md §5 Consent; the
 * others if the policy says so), the latest word is "granted"; for the others, the customer has
 * not opted out (docs/domain.md §1: opted-out customers receive only service-necessary contact).
 */
export const hasLiveConsent = (
  s: LifecycleState,
  purpose: Purpose,
  channel: ContactChannel,
  policy: LifecyclePolicy,
) => {
  const consent = s.consents[consentKey(purpose, channel)]
  return purpose === 'marketing' || policy.consentRequired[purpose]
    ? consent?.status === 'granted'
    : consent?.status !== 'withdrawn'
}

/** Minutes after local midnight at the policy's offset from UTC. */
const localMinuteOfDay = (at: Instant, utcOffsetMinutes: number): number => {
  const minutes = Math.floor(epochMs(at) / 60_000) + utcOffsetMinutes
  return ((minutes % 1440) + 1440) % 1440
}

/** Contact is not made between the policy's quiet hours, local time (docs/domain.md §5 Consent). */
export const inQuietHours = (at: Instant, policy: LifecyclePolicy): boolean => {
  const { fromMinute, toMinute, utcOffsetMinutes } = policy.quietHours
  const m = localMinuteOfDay(at, utcOffsetMinutes)
  return fromMinute > toMinute ? m >= fromMinute || m < toMinute : m >= fromMinute && m < toMinute
}

/**
 * The most marketing touchpoints (planned or done) that any window of the cap's length holding
 * `dueAt` would contain if one more were planned then.
 */
export const busiestMarketingWindow = (
  s: LifecycleState,
  dueAt: Instant,
  policy: LifecyclePolicy,
): number => {
  const width = policy.marketingCap.withinDays * 86_400_000
  const due = epochMs(dueAt)
  const times = [
    due,
    ...Object.values(s.touchpoints)
      .filter((tp) => tp.purpose === 'marketing' && tp.status !== 'cancelled')
      .map((tp) => epochMs(tp.dueAt))
      .filter((t) => Math.abs(t - due) < width),
  ]
  const starts = times.filter((t) => t <= due)
  return Math.max(...starts.map((start) => times.filter((t) => t >= start && t < start + width).length))
}
