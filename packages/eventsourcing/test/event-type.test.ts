import {
  CorruptEventError,
  createEventStore,
  createInMemoryEventLog,
  createInMemoryEventStore,
  EventDecodeError,
  eventRegistry,
  eventType,
  mergeRegistries,
  UnknownEventTypeError,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { accountRegistry, collect, rejection } from './support.js'
import { CustomerNamed, CustomerNamedV1, CustomerNamedV2 } from './upcasting-chain.js'

describe('event types', () => {
  it('start at schema version 1 and make events of their type', () => {
    const Noted = eventType('Noted', t.type({ text: t.string }))
    expect(Noted.schemaVersion).toBe(1)
    expect(Noted.make({ text: 'hi' })).toEqual({ type: 'Noted', data: { text: 'hi' } })
    expect(Noted.decodeVersion(1, { text: 'hi' })).toEqual({ _tag: 'Right', right: { text: 'hi' } })
  })

  it('count their versions along an upgrade chain', () => {
    expect([CustomerNamedV1, CustomerNamedV2, CustomerNamed].map((d) => d.schemaVersion)).toEqual([1, 2, 3])
  })

  it('decode data stored at any version into the latest shape', () => {
    expect(CustomerNamed.decodeVersion(1, { name: 'Li Wei' })).toEqual({
      _tag: 'Right',
      right: { firstName: 'Li', lastName: 'Wei', title: null },
    })
    expect(CustomerNamed.decodeVersion(2, { firstName: 'Li', lastName: 'Wei' })).toEqual({
      _tag: 'Right',
      right: { firstName: 'Li', lastName: 'Wei', title: null },
    })
    expect(CustomerNamed.decodeVersion(3, { firstName: 'Li', lastName: 'Wei', title: 'Dr' })).toEqual({
      _tag: 'Right',
      right: { firstName: 'Li', lastName: 'Wei', title: 'Dr' },
    })
  })

  it('validate stored data against the codec of the version it was written with', () => {
    const v1AsV2 = CustomerNamed.decodeVersion(2, { name: 'Li Wei' })
    expect(v1AsV2._tag).toBe('Left')
    const invalid = CustomerNamed.decodeVersion(1, { name: 42 })
    expect(invalid).toMatchObject({ _tag: 'Left', left: { _tag: 'Invalid' } })
  })

  it('report an unknown version, naming the latest', () => {
    for (const version of [0, 4, -1])
      expect(CustomerNamed.decodeVersion(version, {})).toEqual({
        _tag: 'Left',
        left: { _tag: 'UnknownVersion', version, latest: 3 },
      })
  })
})

describe('event registries', () => {
  it('refuse a type registered twice', () => {
    const A = eventType('A', t.string)
    expect(() => eventRegistry([A, eventType('A', t.number)])).toThrow(/registered twice/)
  })

  it('merge the types of several registries', () => {
    const merged = mergeRegistries(accountRegistry, eventRegistry([CustomerNamed]))
    expect([...merged.types].sort()).toEqual([
      'AccountOpened',
      'CustomerNamed',
      'PointsEarned',
      'PointsRedeemed',
    ])
    expect(merged.get('CustomerNamed')?.schemaVersion).toBe(3)
    expect(merged.get('Nope')).toBeUndefined()
  })
})

describe('upcasting through a store', () => {
  const stores = () => {
    const log = createInMemoryEventLog()
    return {
      old: createEventStore(log, { registry: eventRegistry([CustomerNamedV1]) }),
      middle: createEventStore(log, { registry: eventRegistry([CustomerNamedV2]) }),
      current: createEventStore(log, { registry: eventRegistry([CustomerNamed]) }),
      log,
    }
  }

  it('records the schema version an event was written with and reads it at the latest', async () => {
    const { old, middle, current } = stores()
    await old.appendToStream('customer-1', [CustomerNamedV1.make({ name: 'Li Wei' })])
    await middle.appendToStream('customer-1', [CustomerNamedV2.make({ firstName: 'Zhang', lastName: 'San' })])
    await current.appendToStream('customer-1', [
      CustomerNamed.make({ firstName: 'Wang', lastName: 'Fang', title: 'Ms' }),
    ])
    const read = await collect(current.readStream('customer-1'))
    expect(read.map((e) => e.metadata.schemaVersion)).toEqual([1, 2, 3])
    expect(read.map((e) => e.data)).toEqual([
      { firstName: 'Li', lastName: 'Wei', title: null },
      { firstName: 'Zhang', lastName: 'San', title: null },
      { firstName: 'Wang', lastName: 'Fang', title: 'Ms' },
    ])
    const raw = await collect(current.log.readStream('customer-1', { from: 1, to: 1, maxCount: 1 }))
    expect(raw[0]!.data).toEqual({ name: 'Li Wei' })
  })

  it('a version newer than the registry knows is a typed CorruptEventError naming stream and position', async () => {
    const { old, current } = stores()
    await current.appendToStream('customer-2', [
      CustomerNamed.make({ firstName: 'A', lastName: 'B', title: null }),
    ])
    const error = await rejection(collect(old.readStream('customer-2')))
    expect(error).toBeInstanceOf(CorruptEventError)
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'customer-2', streamPosition: 1 })
    expect((error as Error).message).toMatch(/schema version 3.*1\.\.1/)
    expect(await rejection(collect(old.readAll()))).toBeInstanceOf(CorruptEventError)
  })

  it('stored data that no longer matches its codec is an EventDecodeError naming the field path', async () => {
    const log = createInMemoryEventLog()
    const loose = createEventStore(log, {
      registry: eventRegistry([eventType('CustomerNamed', t.type({ name: t.unknown }))]),
    })
    await loose.appendToStream('customer-3', [{ type: 'CustomerNamed', data: { name: 7 } }])
    const strict = createEventStore(log, { registry: eventRegistry([CustomerNamed]) })
    const error = await rejection(collect(strict.readStream('customer-3')))
    expect(error).toBeInstanceOf(EventDecodeError)
    expect(error).toMatchObject({ streamName: 'customer-3', streamPosition: 1, eventType: 'CustomerNamed' })
    expect((error as EventDecodeError).errors.map((e) => e.path)).toEqual(['name'])
  })

  it('an event type the reader does not know is an UnknownEventTypeError', async () => {
    const log = createInMemoryEventLog()
    await createEventStore(log, { registry: eventRegistry([CustomerNamed]) }).appendToStream('customer-4', [
      CustomerNamed.make({ firstName: 'A', lastName: 'B', title: null }),
    ])
    const other = createEventStore(log, { registry: accountRegistry })
    const error = await rejection(collect(other.readStream('customer-4')))
    expect(error).toBeInstanceOf(UnknownEventTypeError)
    expect(error).toMatchObject({ eventType: 'CustomerNamed', streamName: 'customer-4', streamPosition: 1 })
  })

  it('an unknown type on append is rejected before anything is written', async () => {
    const store = createInMemoryEventStore({ registry: eventRegistry([CustomerNamed]) })
    const error = await rejection(store.appendToStream('customer-5', [{ type: 'Nope', data: {} } as never]))
    expect(error).toMatchObject({ code: 'UnknownEventType', streamPosition: null })
    expect(await store.streamVersion('customer-5')).toBe(0)
  })
})
