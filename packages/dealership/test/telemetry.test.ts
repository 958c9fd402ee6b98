import { attr, manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  installTelemetry,
  parentOf,
  type ReadableSpan,
  type Telemetry,
} from '../../eventsourcing/test/telemetry-support.js'
import { createDealership, type Dealership } from '../src/index.js'
import { liSi, mondayAt, zhangSan } from './fixtures.js'
import { leakedInto, personalValues } from './personal-values.js'
import { runStory } from './scenario.js'

/** A span and its ancestors, nearest first, by name. */
const ancestry = (spans: ReadonlyArray<ReadableSpan>, span: ReadableSpan): ReadableSpan[] => {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]))
  const chain = [span]
  for (let parent = byId.get(parentOf(span)); parent !== undefined; parent = byId.get(parentOf(parent)))
    chain.push(parent)
  return chain
}

describe('the dealership under OpenTelemetry', () => {
  let telemetry: Telemetry
  let dealership: Dealership
  let spans: ReadableSpan[]
  beforeAll(async () => {
    telemetry = installTelemetry()
    dealership = createDealership({ clock: manualClock(mondayAt(0)), random: seededRandom(7) })
    await runStory(dealership)
    spans = telemetry.spans()
  })
  afterAll(async () => {
    await dealership.close()
    await telemetry.uninstall()
  })

  it('names each command by its domain and type', () => {
    const delivery = spans.find((s) => s.name === 'command RecordDelivery')
    expect(delivery?.attributes).toMatchObject({
      [attr.domain]: 'customer-lifecycle',
      [attr.commandType]: 'RecordDelivery',
      [attr.outcome]: 'appended',
    })
  })

  it('follows a delivery through the membership process manager to the card it issued, in one trace', () => {
    const enrolment = spans.find(
      (s) =>
        s.name === 'command EnrolMember' &&
        ancestry(spans, s).some((a) => a.name === 'react delivery-membership'),
    )
    expect(enrolment).toBeDefined()
    if (enrolment === undefined) return
    const chain = ancestry(spans, enrolment)
    expect(chain.map((s) => s.name)).toEqual([
      'command EnrolMember',
      'react delivery-membership',
      'command RecordDelivery',
    ])
    expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1)
    expect(enrolment.attributes[attr.domain]).toBe('loyalty-points')
  })

  it("follows a referral's reward through the process managers to the loyalty points it earned", () => {
    const award = spans.find(
      (s) =>
        s.name === 'command AwardPoints' &&
        ancestry(spans, s).some((a) => a.name === 'react loyalty-earnings'),
    )
    expect(award).toBeDefined()
    if (award === undefined) return
    const root = ancestry(spans, award).at(-1)
    expect(root?.attributes[attr.domain]).toBe('referral-verification')
    expect(root?.spanContext().traceId).toBe(award.spanContext().traceId)
  })

  it('puts no personal data in any span or metric', async () => {
    const personal = await personalValues(dealership.store)
    // The story's own people are among the sealed values: the check looks for the right things.
    for (const value of [zhangSan.name, zhangSan.phone, liSi.name, liSi.phone])
      expect(personal).toContain(value)
    const exported = await telemetry.exportedText()
    expect(exported).toContain('command RecordDelivery')
    expect(leakedInto(exported, personal)).toEqual([])
  })
})
