import { epochMs, type Instant } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { addBusinessMs, type BusinessCalendar, businessMsBetween } from './calendar.js'

/**
 * The three SLA clocks of a complaint (docs/domain.md §5 Complaints, dealer deadlines): the first
 * response (stops at acknowledgement), the investigation (stops at analysis) and the resolution
 * (stops when the resolution is carried out). All start when the complaint is received.
 */
export const SlaClockName = t.keyof({ response: null, investigation: null, resolution: null }, 'SlaClockName')
export type SlaClockName = t.TypeOf<typeof SlaClockName>

export const slaClockNames: ReadonlyArray<SlaClockName> = ['response', 'investigation', 'resolution']

/** Target business minutes of each clock. */
export const SlaTargets = t.type(
  { response: t.number, investigation: t.number, resolution: t.number },
  'SlaTargets',
)
export type SlaTargets = t.TypeOf<typeof SlaTargets>

/**
 * A clock as the events leave it: the business time spent up to `runningSince` (or up to the
 * pause or stop), the moment it last started running (null while paused or stopped), and
 * whether it has ever been breached — a breach stays a breach.
 */
export interface SlaClock {
  readonly targetMinutes: number
  readonly spentMs: number
  readonly runningSince: Instant | null
  readonly stopped: boolean
  readonly breached: boolean
}

export const startedClock = (targetMinutes: number, at: Instant): SlaClock => ({
  targetMinutes,
  spentMs: 0,
  runningSince: at,
  stopped: false,
  breached: false,
})

/** Business time spent on a clock up to `at`; paused and stopped periods never count. */
export const elapsedMs = (calendar: BusinessCalendar, clock: SlaClock, at: Instant): number =>
  clock.runningSince === null
    ? clock.spentMs
    : clock.spentMs + businessMsBetween(calendar, epochMs(clock.runningSince), epochMs(at))

/** Business time left before the target (negative once overdue). */
export const timeLeftMs = (calendar: BusinessCalendar, clock: SlaClock, at: Instant): number =>
  clock.targetMinutes * 60_000 - elapsedMs(calendar, clock, at)

/** The clock is past its target at `at` and has not been recorded as breached yet. */
export const isNewlyBreached = (calendar: BusinessCalendar, clock: SlaClock, at: Instant): boolean =>
  !clock.stopped && !clock.breached && timeLeftMs(calendar, clock, at) < 0

/** When a running clock will reach its target, as epoch ms; null if paused, stopped or already past. */
export const deadlineMs = (calendar: BusinessCalendar, clock: SlaClock, at: Instant): number | null => {
  const left = timeLeftMs(calendar, clock, at)
  return clock.runningSince === null || clock.stopped || left < 0
    ? null
    : addBusinessMs(calendar, epochMs(at), left)
}
