import { ERASED_KEY, isErased, PII_KEY, project } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { type ComplaintEvent, complaintEvents, complaintTimelineProjection } from '../src/index.js'
import {
  close,
  contact,
  customerId,
  decider,
  followUp,
  historyOf,
  mondayAt,
  throughExecution,
} from './fixtures.js'

const history = historyOf(
  ...throughExecution(),
  followUp(mondayAt(8)),
  close(mondayAt(9)),
  contact(mondayAt(10), 'The noise is back'),
)

const encode = (e: ComplaintEvent): unknown => complaintEvents.get(e.type)?.codec.encode(e.data)

/** What a store returns once the customer's key is destroyed: every personal field erased. */
const forgotten = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(forgotten)
    : typeof value === 'object' && value !== null
      ? PII_KEY in value
        ? { [ERASED_KEY]: customerId }
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forgotten(v)]))
      : value

describe('personal data (ARCHITECTURE.md audit and privacy)', () => {
  it('marks the personal fields and names the customer as their subject', () => {
    const personal = history.filter((e) => JSON.stringify(encode(e)).includes(PII_KEY))
    expect(personal.map((e) => e.type)).toEqual([
      'ComplaintReceived',
      'ProblemConfirmed',
      'FollowUpCallMade',
      'ComplaintReopened',
    ])
    for (const e of personal) {
      const subject = complaintEvents.get(e.type)?.subject
      expect(subject?.(e.data as never)).toBe(customerId)
    }
  })

  it('replays a forgotten customer to the same state and a timeline without the erased values', () => {
    const erased = history.map((e): ComplaintEvent => {
      const decoded = complaintEvents.get(e.type)?.decodeVersion(1, forgotten(encode(e)))
      if (decoded?._tag !== 'Right') throw new Error(`${e.type} did not decode`)
      return { type: e.type, data: decoded.right } as ComplaintEvent
    })
    const received = erased[0]
    expect(received?.type === 'ComplaintReceived' && isErased(received.data.account)).toBe(true)
    expect(erased.reduce(decider.evolve, decider.initialState)).toEqual(
      history.reduce(decider.evolve, decider.initialState),
    )
    const withMetadata = erased.map((e, i) => ({
      ...e,
      metadata: {
        eventId: `event-${i}`,
        streamName: `complaint-${e.data.complaintId}`,
        streamPosition: i + 1,
        globalPosition: BigInt(i + 1),
        committedAt: new Date(e.data.at),
        recordedAt: new Date(e.data.at),
        schemaVersion: 1,
        correlationId: null,
        causationId: null,
        commandId: null,
        actor: null,
        prevHash: '',
        hash: '',
      },
    }))
    expect(
      project(complaintTimelineProjection, withMetadata).get(String(received?.data.complaintId)),
    ).toHaveLength(erased.length)
  })
})
