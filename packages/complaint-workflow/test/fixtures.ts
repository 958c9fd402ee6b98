import { CustomerId, decodeCommand, Instant, StaffId } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'
import {
  type Compensation,
  ComplaintActor,
  ComplaintCommand,
  type ComplaintEvent,
  ComplaintId,
  complaintDecider,
  complaintEvents,
  type PauseReason,
} from '../src/index.js'
import type { ComplaintActorInput, ComplaintCommandInput } from '../src/testing.js'

/** A value as its codec decodes it; a fixture that does not decode is a broken test. */
const decoded = <A, O>(codec: t.Type<A, O, unknown>, input: O): A => {
  const result = codec.decode(input)
  if (result._tag === 'Left') throw new Error(`${codec.name}: ${JSON.stringify(input)} does not decode`)
  return result.right
}

/** Decode a command as the application would receive it. */
export const command = (input: ComplaintCommandInput): ComplaintCommand => {
  const result = decodeCommand(ComplaintCommand, input)
  if (result._tag === 'Left') throw result.left
  return result.right
}

/** An instant as the application would pass it (ISO 8601 with an offset, decoded to UTC). */
export const instant = (text: string): Instant => decoded(Instant, text)

export const decider = complaintDecider()

export const complaintId = decoded(ComplaintId, 'complaint-0001')
export const customerId = decoded(CustomerId, 'customer-0007')
export const staffId = (id: string): StaffId => decoded(StaffId, id)

type Actor = ComplaintActorInput
export const advisor = decoded(ComplaintActor, { id: 'advisor-wang', role: 'service-advisor' })
export const serviceManager = decoded(ComplaintActor, { id: 'manager-li', role: 'service-manager' })
export const director = decoded(ComplaintActor, { id: 'director-zhao', role: 'after-sales-director' })
export const callBack = decoded(ComplaintActor, { id: 'callback-chen', role: 'call-back-staff' })
export const scheduler = decoded(ComplaintActor, { id: 'sla-scheduler', role: 'system' })

type Data<T extends ComplaintCommandInput['type']> = Extract<ComplaintCommandInput, { type: T }>['data']

/** Monday 2 March 2026, 09:00 China time, plus whole hours. */
export const mondayAt = (hours: number): Instant =>
  instant(new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString())

export const receive = (at: string, overrides: Partial<Data<'ReceiveComplaint'>> = {}) =>
  command({
    type: 'ReceiveComplaint',
    data: {
      complaintId,
      customerId,
      channel: 'phone',
      account: 'The air conditioner still makes a noise after the service',
      remedySought: 'Fix it properly',
      vehicleId: null,
      repairOrderId: null,
      owner: advisor.id,
      severity: 'general',
      safetyRelated: false,
      priorComplaints: { count: 0, lastReceivedAt: null },
      by: advisor,
      at,
      ...overrides,
    },
  })

export const acknowledge = (at: string, by: Actor = advisor): ComplaintCommand =>
  command({
    type: 'AcknowledgeComplaint',
    data: { complaintId, by, at },
  })

export const confirm = (at: string, by: Actor = advisor): ComplaintCommand =>
  command({
    type: 'ConfirmProblem',
    data: {
      complaintId,
      courseOfEvents: 'Noise reported at the first service; nothing found; noise again two days later',
      cause: 'Blower motor broken',
      keyFactors: ['first inspection incomplete'],
      by,
      at,
    },
  })

export const analyse = (
  at: string,
  overrides: Partial<Data<'AnalyseComplaint'>> = {},
  by: Actor = serviceManager,
): ComplaintCommand =>
  command({
    type: 'AnalyseComplaint',
    data: {
      complaintId,
      severity: 'general',
      safetyRelated: false,
      justified: true,
      needsFurtherInvestigation: false,
      wantsBeyondMoney: [],
      by,
      at,
      ...overrides,
    },
  })

export const propose = (
  at: string,
  compensation: ReadonlyArray<t.OutputOf<typeof Compensation>>,
  explanations: Data<'ProposeResolution'>['explanations'] = [],
  by: Actor = serviceManager,
): ComplaintCommand =>
  command({
    type: 'ProposeResolution',
    data: { complaintId, compensation, explanations, by, at },
  })

export const approve = (at: string, by: Actor = serviceManager): ComplaintCommand =>
  command({
    type: 'ApproveResolution',
    data: { complaintId, by, at },
  })

export const accept = (at: string, by: Actor = serviceManager): ComplaintCommand =>
  command({
    type: 'RecordCustomerDecision',
    data: { complaintId, decision: 'accept', reason: null, by, at },
  })

export const reject = (at: string, reason: string, by: Actor = serviceManager): ComplaintCommand =>
  command({
    type: 'RecordCustomerDecision',
    data: { complaintId, decision: 'reject', reason, by, at },
  })

export const execute = (at: string, by: Actor = advisor): ComplaintCommand =>
  command({
    type: 'ExecuteResolution',
    data: { complaintId, by, at },
  })

export const followUp = (at: string, satisfied = true, by: Actor = callBack): ComplaintCommand =>
  command({
    type: 'RecordFollowUpCall',
    data: { complaintId, satisfied, customerSaid: satisfied ? 'The noise is gone' : 'Still noisy', by, at },
  })

export const close = (
  at: string,
  overrides: Partial<Data<'CloseComplaint'>> = {},
  by: Actor = serviceManager,
): ComplaintCommand =>
  command({
    type: 'CloseComplaint',
    data: {
      complaintId,
      rootCause: 'incomplete-inspection',
      lessonsLearned: 'Check the blower on every air-conditioner noise report',
      correctiveActions: ['add the blower to the A/C inspection checklist'],
      internalNotice: null,
      by,
      at,
      ...overrides,
    },
  })

export const escalate = (
  at: string,
  reason = 'the customer asks for the manager',
  by: Actor = advisor,
): ComplaintCommand => command({ type: 'EscalateComplaint', data: { complaintId, reason, by, at } })

export const contact = (
  at: string,
  note = 'The customer called again',
  by: Actor = advisor,
): ComplaintCommand =>
  command({
    type: 'RecordCustomerContact',
    data: { complaintId, channel: 'phone', note, by, at },
  })

export const pause = (
  at: string,
  reason: PauseReason = 'waiting-for-parts',
  by: Actor = advisor,
): ComplaintCommand =>
  command({
    type: 'PauseComplaint',
    data: { complaintId, reason, by, at },
  })

export const resume = (at: string, by: Actor = advisor): ComplaintCommand =>
  command({
    type: 'ResumeComplaint',
    data: { complaintId, by, at },
  })

export const evaluateAt = (at: string): ComplaintCommand =>
  command({
    type: 'EvaluateComplaint',
    data: { complaintId, by: scheduler, at },
  })

/** The events the commands produce in turn; fails loudly if one is refused. */
export const historyOf = (...commands: ReadonlyArray<ComplaintCommand>): ReadonlyArray<ComplaintEvent> => {
  const history: ComplaintEvent[] = []
  for (const command of commands) {
    const decision = decider.decide(command, history.reduce(decider.evolve, decider.initialState))
    if (decision._tag === 'Left') throw new Error(`${command.type} refused: ${decision.left.message}`)
    history.push(...decision.right)
  }
  return history
}

/** A complaint taken to a stage with the default steps, an hour apart from Monday 09:00. */
export const throughAnalysis = () => [
  receive(mondayAt(0)),
  acknowledge(mondayAt(1)),
  confirm(mondayAt(2)),
  analyse(mondayAt(3)),
]

export const discount = { kind: 'discount', percent: 20, onAmount: 120_000 } as const

export const throughExecution = () => [
  ...throughAnalysis(),
  propose(mondayAt(4), [discount]),
  approve(mondayAt(5)),
  accept(mondayAt(6)),
  execute(mondayAt(7)),
]

/**
 * Events as a test expects them, written as plain values and put through the registry's codecs as a
 * store would (encoded, then decoded), so an expectation holds the same branded values the decider
 * records; one that does not decode is a broken test.
 */
export const expected = (
  events: ReadonlyArray<{ readonly type: ComplaintEvent['type']; readonly data: unknown }>,
): ReadonlyArray<ComplaintEvent> =>
  events.map((e) => {
    const codec = complaintEvents.get(e.type)?.codec
    const data = codec?.decode(codec.encode(e.data))
    if (data === undefined || data._tag === 'Left')
      throw new Error(`${e.type}: ${JSON.stringify(e.data)} does not decode`)
    return { type: e.type, data: data.right } as ComplaintEvent // decoded by the codec of its type
  })
