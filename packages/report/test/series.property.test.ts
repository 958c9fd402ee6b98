import {
  type ComplaintEvent,
  causeRanking,
  causeRankingProjection,
  complaintMetricsProjection,
} from '@dealer-crm/complaint-workflow'
import { complaintHistoryArb } from '@dealer-crm/complaint-workflow/testing'
import { type Event, type Instant, project, type RecordedEvent } from '@dealer-crm/eventsourcing'
import {
  type LoyaltyEvent,
  levelDistributionProjection as levelDistribution,
  loyaltyMetrics,
  loyaltyTotalsProjection as loyaltyTotals,
} from '@dealer-crm/loyalty-points'
import { loyaltyHistoryArb } from '@dealer-crm/loyalty-points/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  causePareto,
  complaintClocks,
  complaintSeriesProjection,
  loyaltyMonths,
  loyaltySeriesProjection,
  severities,
} from '../src/index.js'

/** Domain events as a store would read them back, on one stream. */
const recorded = <E extends Event>(events: ReadonlyArray<E>, streamName: string): RecordedEvent<E>[] =>
  events.map((e, i) => ({
    ...e,
    metadata: {
      eventId: `0190a0a0-0000-7000-8000-${String(i).padStart(12, '0')}`,
      streamName,
      streamPosition: i + 1,
      globalPosition: BigInt(i + 1),
      committedAt: new Date(0),
      recordedAt: new Date(0),
      schemaVersion: 1,
      correlationId: null,
      causationId: null,
      commandId: null,
      actor: null,
      prevHash: '',
      hash: '',
    },
  }))

const sumOf = <T>(values: Iterable<T>, pick: (v: T) => number) => [...values].reduce((n, v) => n + pick(v), 0)

describe('the monthly series add up to the domains’ own read models (properties over decided histories)', () => {
  it('loyalty: the months’ points add up to the programme totals; the last month ends with its liability and levels', () => {
    fc.assert(
      fc.property(loyaltyHistoryArb(), (history) => {
        const events = recorded<LoyaltyEvent>(history, 'member-m-0001')
        const series = project(loyaltySeriesProjection, events)
        const totals = project(loyaltyTotals, events)
        const months = [...loyaltyMonths(series).values()]
        expect(sumOf(months, (m) => m.issued)).toBe(totals.issued)
        expect(sumOf(months, (m) => m.redeemed)).toBe(totals.redeemed)
        expect(sumOf(months, (m) => m.expired)).toBe(totals.expired)
        expect(sumOf(months, (m) => m.reversed)).toBe(totals.reversed)
        if (series.cursor === null) return
        const last = loyaltyMonths(series).get(series.cursor)
        const asOf = history.at(-1)?.data.at as Instant
        expect(last?.liabilityPoints).toBe(loyaltyMetrics(totals, asOf).pointsLiability)
        expect(last?.prepaidFen).toBe(totals.prepaidLiabilityFen)
        const levels = project(levelDistribution, events).members
        expect(last?.levelsAtEnd).toEqual(Object.fromEntries(Object.entries(levels).filter(([, n]) => n > 0)))
      }),
    )
  })

  it('complaints: intake, SLA clocks, escalations and causes add up to the complaint metrics', () => {
    fc.assert(
      fc.property(complaintHistoryArb(), (history) => {
        const events = recorded<ComplaintEvent>(history, 'complaint-complaint-0001')
        const series = project(complaintSeriesProjection, events)
        const tally = project(complaintMetricsProjection, events)
        const months = [...series.months.values()]
        expect(sumOf(months, (m) => sumOf(severities, (k) => m.received[k]))).toBe(tally.received.size)
        for (const clock of complaintClocks) {
          const suffix = `/${clock}`
          expect(
            sumOf(months, (m) => m.met[clock]),
            clock,
          ).toBe([...tally.slaMet].filter((k) => k.endsWith(suffix)).length)
          expect(
            sumOf(months, (m) => m.breached[clock]),
            clock,
          ).toBe([...tally.slaBreached].filter((k) => k.endsWith(suffix)).length)
        }
        expect(sumOf(months, (m) => m.escalated)).toBe(tally.escalated.size)
        expect(causePareto(series).map((c) => [c.rootCause, c.complaints])).toEqual(
          causeRanking(project(causeRankingProjection, events)).map((c) => [c.rootCause, c.complaints]),
        )
      }),
    )
  })
})
