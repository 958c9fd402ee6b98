import { epochMs, type Instant, isBefore, type Projection } from '@dealer-crm/eventsourcing'
import type { LifecycleEvent } from '../events.js'
import type { ContactChannel, Purpose, TouchpointKind, TouchpointOutcome } from '../vocabulary.js'

export interface CalendarEntry {
  customerId: string
  touchpointId: string
  kind: TouchpointKind
  purpose: Purpose
  channel: ContactChannel
  dueAt: Instant
  familyMemberId: string | null
  plannedBy: string
  status: 'planned' | 'done' | 'cancelled'
  outcome: TouchpointOutcome | null
  doneAt: Instant | null
}

/** Keyed by `${customerId}/${touchpointId}`. */
export type TouchpointCalendar = Map<string, CalendarEntry>

const key = (customerId: string, touchpointId: string) => `${customerId}/${touchpointId}`

/** The touchpoint calendar: every planned care contact and how it went (docs/domain.md §1 care touchpoints). */
export const touchpointCalendarProjection: Projection<TouchpointCalendar, LifecycleEvent> = {
  name: 'customer-lifecycle.touchpoint-calendar',
  version: 1,
  handles: ['TouchpointPlanned', 'TouchpointDone', 'TouchpointCancelled'],
  init: () => new Map(),
  apply: (calendar, e) => {
    switch (e.type) {
      case 'TouchpointPlanned':
        calendar.set(key(e.data.customerId, e.data.touchpointId), {
          customerId: e.data.customerId,
          touchpointId: e.data.touchpointId,
          kind: e.data.kind,
          purpose: e.data.purpose,
          channel: e.data.channel,
          dueAt: e.data.dueAt,
          familyMemberId: e.data.familyMemberId,
          plannedBy: e.data.by.id,
          status: 'planned',
          outcome: null,
          doneAt: null,
        })
        break
      case 'TouchpointDone': {
        const entry = calendar.get(key(e.data.customerId, e.data.touchpointId))
        if (entry !== undefined)
          Object.assign(entry, { status: 'done', outcome: e.data.outcome, doneAt: e.data.at })
        break
      }
      case 'TouchpointCancelled': {
        const entry = calendar.get(key(e.data.customerId, e.data.touchpointId))
        if (entry !== undefined) entry.status = 'cancelled'
        break
      }
    }
    return calendar
  },
}

/** Planned contacts due in [from, to), soonest first. */
export const dueBetween = (
  calendar: TouchpointCalendar,
  from: Instant,
  to: Instant,
): ReadonlyArray<CalendarEntry> =>
  [...calendar.values()]
    .filter((e) => e.status === 'planned' && !isBefore(e.dueAt, from) && isBefore(e.dueAt, to))
    .sort((a, b) => epochMs(a.dueAt) - epochMs(b.dueAt) || a.touchpointId.localeCompare(b.touchpointId))

/** Planned contacts whose time has passed without an outcome. */
export const overdueAt = (calendar: TouchpointCalendar, at: Instant): ReadonlyArray<CalendarEntry> =>
  [...calendar.values()]
    .filter((e) => e.status === 'planned' && isBefore(e.dueAt, at))
    .sort((a, b) => epochMs(a.dueAt) - epochMs(b.dueAt))
