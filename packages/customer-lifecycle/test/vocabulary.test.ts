import { decodeCommand } from '@dealer-crm/eventsourcing'
import { rewriteInstants } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultLifecyclePolicy,
  LifecycleCommand,
  LifecycleRole,
  lifecycleCommandTypes,
  lifecycleDecider,
  lifecycleDomain,
  lifecycleEvents,
  lifecycleRoles,
  lifecycleStreamOf,
} from '../src/index.js'
import { lifecycleCommandInputArb } from '../src/testing.js'
import { deliver, eventsOf, register } from './support.js'

// Issue #19: the customer lifecycle speaks the kernel's vocabulary (one instant codec, one id codec,
// the actor of the lifecycle's roles, commands built one way, one Domain value).

describe('one instant with +08:00 is accepted by every lifecycle command', () => {
  it('every command type, written in China time, decodes to the same command as in UTC', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(lifecycleCommandInputArb(), (input) => {
        seen.add(input.type)
        expect(JSON.stringify(input)).toContain('+08:00')
        const china = decodeCommand(LifecycleCommand, input)
        const utc = decodeCommand(LifecycleCommand, rewriteInstants(input, 0))
        expect(china._tag).toBe('Right')
        expect(china).toEqual(utc)
      }),
      { numRuns: 500 },
    )
    expect([...seen].sort()).toEqual([...lifecycleCommandTypes].sort())
  })

  it('an instant without an offset is refused naming its field', () => {
    const decoded = decodeCommand(LifecycleCommand, {
      ...register(),
      data: { ...register().data, at: '2024-01-10T10:00:00' },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.at'])
  })

  it('events hold the instant in UTC, whatever offset the command used', () => {
    const [registered] = eventsOf(register('2024-01-10T10:00:00+08:00'))
    expect(registered?.data.at).toBe('2024-01-10T02:00:00.000Z')
  })
})

describe('ids and actors are the kernel ones', () => {
  it('a customer id with a space, or empty, is refused naming data.customerId', () => {
    for (const customerId of ['c 1', '']) {
      const decoded = decodeCommand(LifecycleCommand, {
        ...register(),
        data: { ...register().data, customerId },
      })
      expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.customerId'])
    }
  })

  it('the lifecycle declares its roles once, the scheduler among them; another role is refused', () => {
    expect(lifecycleRoles).toContain('scheduler')
    expect(LifecycleRole.is('scheduler')).toBe(true)
    const decoded = decodeCommand(LifecycleCommand, {
      ...register(),
      data: { ...register().data, by: { id: 'gm-1', role: 'general-manager' } },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.by.role'])
  })
})

describe('the lifecycle domain in one value', () => {
  it('binds the decider, the default policy, the command codec, the events and the stream of each command', () => {
    const delivery = deliver('2024-02-01T10:00:00+08:00')
    expect(lifecycleDomain.name).toBe('customer-lifecycle')
    expect(lifecycleDomain.defaultPolicy).toBe(defaultLifecyclePolicy)
    expect(lifecycleDomain.events).toBe(lifecycleEvents)
    expect(lifecycleDomain.command).toBe(LifecycleCommand)
    expect(lifecycleDomain.streamOf(delivery)).toBe('customer-c-1')
    expect(lifecycleStreamOf(delivery)).toBe('customer-c-1')
    const initial = lifecycleDecider().initialState
    expect(lifecycleDomain.decider(defaultLifecyclePolicy).decide(register(), initial)).toEqual(
      lifecycleDecider().decide(register(), initial),
    )
  })
})
