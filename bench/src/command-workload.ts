import {
  type Decider,
  type DomainError,
  decodeCommand,
  domainError,
  type EventStore,
  handleCommand,
  type StateCache,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { type BenchEvent, ServiceVisited } from './ours.js'
import { visit } from './workload.js'

/**
 * The command the command benchmarks send, as a domain package would declare it: recording a
 * service visit decodes the input, loads the vehicle's stream, checks the visit and appends one
 * `ServiceVisited`, the same event the bare appends write.
 */
export const RecordVisit = t.type(
  {
    type: t.literal('RecordVisit'),
    data: t.type({
      customerId: t.string,
      vin: t.string,
      mileageKm: t.number,
      repairOrder: t.string,
      advisor: t.string,
      amountFen: t.number,
      at: t.string,
    }),
  },
  'RecordVisit',
)
export type RecordVisit = t.TypeOf<typeof RecordVisit>

export interface VisitLog {
  readonly visits: number
  readonly revenueFen: number
  readonly repairOrders: number
}

export const visitDecider: Decider<RecordVisit, BenchEvent, VisitLog, DomainError> = {
  initialState: { visits: 0, revenueFen: 0, repairOrders: 0 },
  decide: (command) =>
    command.data.amountFen < 0
      ? { _tag: 'Left', left: domainError('NegativeAmount', 'a visit cannot cost less than nothing') }
      : { _tag: 'Right', right: [ServiceVisited.make(command.data)] },
  evolve: (state, event) => ({
    visits: state.visits + 1,
    revenueFen: state.revenueFen + event.data.amountFen,
    repairOrders: state.repairOrders + (event.data.repairOrder === '' ? 0 : 1),
  }),
}

/** The command's input as it arrives (unknown JSON), for command number `n`. */
export const visitInput = (n: number): unknown => ({ type: 'RecordVisit', data: visit(n) })

/** What a facade does with one command: decode, load, decide, append (with or without the cache). */
export const sendCommand = async (
  store: EventStore<BenchEvent>,
  stream: string,
  input: unknown,
  cache: StateCache | undefined,
): Promise<void> => {
  const command = decodeCommand(RecordVisit, input)
  if (command._tag === 'Left') throw command.left
  const result = await handleCommand(
    store,
    visitDecider,
    stream,
    command.right,
    cache === undefined ? {} : { cache },
  )()
  if (result._tag === 'Left') throw new Error(result.left.message)
}
