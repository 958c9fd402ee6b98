import {
  type CustomerId,
  decodeCommand,
  type EventMetadata,
  Instant,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import {
  LifecycleCommand,
  type LifecycleCommandOf,
  type LifecycleEvent,
  lifecycleDecider,
} from '../src/index.js'
import type { LifecycleCommandInput } from '../src/testing.js'

const decider = lifecycleDecider()

export const clerk = { id: 'staff-1', role: 'customer-manager' } as const
export const scheduler = { id: 'scheduler', role: 'scheduler' } as const
export const customerId = 'c-1' as CustomerId
export const vin = 'LSGKB54U0BA123456'
export const otherVin = 'LFV2A21K5G3045678'

type Data<T extends LifecycleCommand['type']> = Extract<LifecycleCommandInput, { type: T }>['data']
type Extra<T extends LifecycleCommand['type']> = Omit<Data<T>, 'customerId' | 'by'> &
  Partial<Pick<Data<T>, 'by'>>

const isCommandOf = <T extends LifecycleCommand['type']>(
  type: T,
  c: { type: string },
): c is LifecycleCommandOf<T> => c.type === type

/**
 * A command for customer c-1, by the clerk unless told otherwise, decoded as the application decodes it
 * (instants to UTC). Input the codec refuses is passed on as written: bad input is tested too.
 */
export const cmd = <T extends LifecycleCommand['type']>(type: T, data: Extra<T>): LifecycleCommandOf<T> => {
  const raw = { type, data: { customerId, by: clerk, ...data } }
  const decoded = decodeCommand(LifecycleCommand, raw)
  const c: { type: string } = decoded._tag === 'Right' ? decoded.right : raw
  if (!isCommandOf(type, c)) throw new Error(`not a ${type}`)
  return c
}

export const register = (at = '2024-01-10T10:00:00+08:00') =>
  cmd('RegisterProspect', {
    at,
    source: 'showroom',
    kind: 'person',
    name: '张三',
    phone: '13812345678',
    phoneHash: 'a'.repeat(64),
    birthday: '1985-06-30',
  })

export const deliver = (at: string, v = vin, mileageKm = 10) =>
  cmd('RecordDelivery', {
    at,
    vin: v,
    model: 'Sagitar',
    colour: 'white',
    plate: '粤B12345',
    mileageKm,
    previousOwnerId: null,
  })

let repairOrders = 0
export const visit = (at: string, mileageKm: number, v = vin) =>
  cmd('RecordServiceVisit', {
    at,
    vin: v,
    repairOrderNumber: `RO-${++repairOrders}`,
    mileageKm,
    rework: false,
    amountFen: 50_000,
  })

export const evaluate = (at: string) => cmd('EvaluateCustomer', { at, by: scheduler })

/** The events the commands produce, one after the other; fails on the first refusal. */
export const eventsOf = (...commands: ReadonlyArray<LifecycleCommand>): ReadonlyArray<LifecycleEvent> => {
  const events: LifecycleEvent[] = []
  for (const c of commands) {
    const state = events.reduce(decider.evolve, decider.initialState)
    const decision = decider.decide(c, state)
    if (decision._tag === 'Left') throw new Error(`${c.type}: ${decision.left.code} ${decision.left.message}`)
    events.push(...decision.right)
  }
  return events
}

/** Recorded events, as a store would hand them to a projection. */
export const recorded = (
  events: ReadonlyArray<LifecycleEvent>,
  streamName = `customer-${customerId}`,
): ReadonlyArray<RecordedEvent<LifecycleEvent>> =>
  events.map((e, i) => {
    const metadata: EventMetadata = {
      eventId: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
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
    }
    return { ...e, metadata }
  })

/** The same command for another customer. */
export const forCustomer = <C extends LifecycleCommand>(id: string, c: C): C => ({
  ...c,
  data: { ...c.data, customerId: id as CustomerId },
})

/** The events of one customer's commands, written for customer `id`. */
export const customerEvents = (id: string, ...commands: ReadonlyArray<LifecycleCommand>) =>
  eventsOf(...commands.map((c) => forCustomer(id, c)))

/** An instant as the application passes it (ISO 8601 with an offset, decoded to UTC). */
export const instant = (text: string): Instant => {
  const decoded = Instant.decode(text)
  if (decoded._tag === 'Left') throw new Error(`not an instant: ${text}`)
  return decoded.right
}

/** The same command with some data changed, decoded again (input the codec refuses is passed on as written). */
export const withData = <C extends LifecycleCommand>(c: C, patch: Readonly<Record<string, unknown>>): C => {
  const raw = { ...c, data: { ...c.data, ...patch } }
  const decoded = decodeCommand(LifecycleCommand, raw)
  return (decoded._tag === 'Right' ? decoded.right : raw) as C
}
