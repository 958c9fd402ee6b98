import { decodeCommand } from '@dealer-crm/eventsourcing'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { ComplaintCommand, complaintEvents } from '../src/index.js'
import {
  advisor,
  approve,
  close,
  decider,
  historyOf,
  mondayAt,
  propose,
  receive,
  serviceManager,
  throughAnalysis,
} from './fixtures.js'

/** The failing field paths of a malformed command. */
const pathsOf = (input: unknown): ReadonlyArray<string> => {
  const decoded = decodeCommand(ComplaintCommand, input)
  if (decoded._tag === 'Right') throw new Error('the command was accepted')
  expect(decoded.left.message).toContain('is malformed')
  return decoded.left.errors.map((e) => e.path)
}

const json = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value))
const withData = (command: unknown, data: Record<string, unknown>) => {
  const c = json(command)
  return { ...c, data: { ...json(c.data), ...data } }
}

describe('bad input is rejected with the path of the failing field', () => {
  it('accepts a well-formed command as it is', () => {
    const decoded = decodeCommand(ComplaintCommand, json(receive(mondayAt(0))))
    expect(decoded).toEqual({ _tag: 'Right', right: receive(mondayAt(0)) })
  })

  it('rejects an unknown channel', () => {
    expect(pathsOf(withData(receive(mondayAt(0)), { channel: 'fax' }))).toEqual(['data.channel'])
  })

  it('rejects an unknown command type', () => {
    const paths = pathsOf({ type: 'RefundEverything', data: {} })
    expect(paths).toEqual(['type'])
  })

  it('rejects negative and fractional amounts', () => {
    const command = withData(propose(mondayAt(4), []), {
      compensation: [
        { kind: 'price-correction', amount: -100 },
        { kind: 'service-voucher', amount: 10.5 },
      ],
    })
    expect(pathsOf(command)).toEqual(['data.compensation.0.amount', 'data.compensation.1.amount'])
  })

  it('rejects a discount above 100 % and an unknown kind of compensation', () => {
    const command = withData(propose(mondayAt(4), []), {
      compensation: [
        { kind: 'discount', percent: 120, onAmount: 1000 },
        { kind: 'free-car', value: 1 },
      ],
    })
    expect(pathsOf(command)).toEqual(['data.compensation.0.percent', 'data.compensation.1.kind'])
  })

  it('rejects an unknown role, an empty staff id and a time that is not ISO-8601', () => {
    const command = withData(approve(mondayAt(5)), { by: { id: ' ', role: 'intern' }, at: '5 March 2026' })
    expect(pathsOf(command)).toEqual(['data.by.id', 'data.by.role', 'data.at'])
  })

  it('rejects moments that do not exist: 30 February, hour 24, no offset', () => {
    for (const at of ['2026-02-30T10:00:00+08:00', '2026-03-02T24:00:00Z', '2026-03-02T10:00:00'])
      expect(pathsOf(withData(approve(mondayAt(5)), { at }))).toEqual(['data.at'])
  })

  it('rejects a close without a root-cause category', () => {
    const { rootCause: _dropped, ...data } = json(close(mondayAt(9)).data)
    expect(pathsOf({ type: 'CloseComplaint', data })).toEqual(['data.rootCause'])
  })

  it('rejects an approval by a role below the tier, naming by.role', () => {
    const offer = historyOf(
      ...throughAnalysis(),
      propose(mondayAt(4), [{ kind: 'service-voucher', amount: 200_000 }]),
    )
    const error = deciderSpec(decider)
      .given(offer)
      .when(approve(mondayAt(5), serviceManager))
      .thenError('ApproverRoleTooLow')
    expect(error.message).toMatch(/^by\.role: .*after-sales-director/)
    expect(
      deciderSpec(decider)
        .given(offer)
        .when(approve(mondayAt(5), advisor))
        .thenError('ApproverRoleTooLow'),
    ).toBeTruthy()
  })

  it('encodes personal fields of events for the store to encrypt', () => {
    const [received] = historyOf(receive(mondayAt(0)))
    const type = complaintEvents.get('ComplaintReceived')
    expect(type?.codec.encode(received?.data)).toMatchObject({
      account: { $pii: 'The air conditioner still makes a noise after the service' },
    })
  })
})
