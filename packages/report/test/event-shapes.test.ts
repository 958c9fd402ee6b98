import { dealershipRegistry } from '@dealer-crm/dealership'
import type { Event, EventsIn } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  type ComplaintReportEvent,
  complaintSeriesProjection,
  type LifecycleReportEvent,
  type LoyaltyReportEvent,
  lifecycleSeriesProjection,
  loyaltySeriesProjection,
  type ReferralReportEvent,
  referralSeriesProjection,
} from '../src/index.js'

type Stored = EventsIn<typeof dealershipRegistry>
type ReportEvent = ComplaintReportEvent | ReferralReportEvent | LoyaltyReportEvent | LifecycleReportEvent

/** The report's event types whose stored data lacks a field the report reads, or that the registry lacks. */
type Misfits<R extends Event> =
  R extends Event<infer T, infer D>
    ? [Extract<Stored, { type: T }>] extends [never]
      ? T
      : Extract<Stored, { type: T }> extends { data: D }
        ? never
        : T
    : never

// Compiles only while every shape the report declares is what the dealership's registry stores.
const everyShapeFits: [Misfits<ReportEvent>] extends [never] ? true : Misfits<ReportEvent> = true

describe("the events the report reads are the dealership registry's", () => {
  it('declares only fields the stored events have (checked by the compiler above)', () => {
    expect(everyShapeFits).toBe(true)
  })

  it('names only event types the registry holds', () => {
    const handled = [
      lifecycleSeriesProjection,
      complaintSeriesProjection,
      referralSeriesProjection,
      loyaltySeriesProjection,
    ].flatMap((p) => [...p.handles])
    expect(handled.filter((t) => !dealershipRegistry.types.includes(t))).toEqual([])
  })
})
