import { type Decider, eventRegistry, eventType } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { checkReplayDeterminism } from '../src/replay-determinism.js'

const Deposited = eventType('Deposited', t.type({ fen: t.number, at: t.string }))
const Withdrawn = eventType('Withdrawn', t.type({ fen: t.number }))
const registry = eventRegistry([Deposited, Withdrawn])
type E = NonNullable<(typeof registry)['_E']>
type C = { readonly type: 'deposit' | 'withdraw'; readonly fen: number }
type S = { readonly balance: number; readonly history: ReadonlyArray<number> }

const wallet: Decider<C, E, S> = {
  initialState: { balance: 0, history: [] },
  decide: (c, s) =>
    c.fen <= 0
      ? left({ code: 'NotPositive', message: 'amount must be positive' })
      : c.type === 'deposit'
        ? right([Deposited.make({ fen: c.fen, at: '2026-01-01' })])
        : c.fen > s.balance
          ? left({ code: 'Insufficient', message: 'not enough money' })
          : right([Withdrawn.make({ fen: c.fen })]),
  evolve: (s, e) =>
    e.type === 'Deposited'
      ? { balance: s.balance + e.data.fen, history: [...s.history, e.data.fen] }
      : { balance: s.balance - e.data.fen, history: [...s.history, -e.data.fen] },
}

const commands = fc.array(
  fc.record({
    type: fc.constantFrom('deposit' as const, 'withdraw' as const),
    fen: fc.integer({ min: -10, max: 500 }),
  }),
  { maxLength: 12 },
)

describe('checkReplayDeterminism', () => {
  it('passes for a decider whose stored events reproduce its state', async () => {
    await checkReplayDeterminism({ decider: wallet, registry, streamName: 'wallet-1', commands, numRuns: 50 })
  })

  it('passes with a history already in the stream', async () => {
    await checkReplayDeterminism({
      decider: wallet,
      registry,
      streamName: 'wallet-1',
      commands,
      history: [Deposited.make({ fen: 100, at: '2025-12-31' })],
      numRuns: 20,
    })
  })

  it('fails, with a shrunk counterexample, when the state depends on something not in the events', async () => {
    let calls = 0
    const leaky: Decider<C, E, S> = {
      ...wallet,
      // evolve counts its calls: a replay gives a different balance than the live fold
      evolve: (s, e) => ({ ...wallet.evolve(s, e), balance: wallet.evolve(s, e).balance + (calls++ % 2) }),
    }
    const error = await checkReplayDeterminism({
      decider: leaky,
      registry,
      streamName: 'wallet-1',
      commands,
      numRuns: 50,
      seed: 1,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(String(error)).toMatch(/replaying the stored events gives/)
    expect(String(error)).toMatch(/Counterexample/)
  })

  it('fails when an event does not survive encoding to JSON and back', async () => {
    const At = eventType('Deposited', t.type({ fen: t.number, at: t.unknown }))
    const lossy: Decider<C, E, S> = {
      ...wallet,
      decide: (c, s) =>
        c.type === 'deposit' && c.fen > 0
          ? right([{ type: 'Deposited', data: { fen: c.fen, at: new Date(0) as unknown as string } }])
          : wallet.decide(c, s),
      evolve: (s, e) =>
        e.type === 'Deposited' && typeof e.data.at !== 'string'
          ? { ...wallet.evolve(s, e), history: [...s.history, 0] }
          : wallet.evolve(s, e),
    }
    await expect(
      checkReplayDeterminism({
        decider: lossy,
        registry: eventRegistry([At, Withdrawn]) as typeof registry,
        streamName: 'wallet-1',
        commands,
        numRuns: 50,
        seed: 2,
      }),
    ).rejects.toThrow(/replaying the stored events gives/)
  })

  it('fails when a decided event breaks its codec (a store error)', async () => {
    const broken: Decider<C, E, S> = {
      ...wallet,
      decide: (c, s) =>
        c.type === 'withdraw' && c.fen > 0 && c.fen <= s.balance
          ? right([Withdrawn.make({ fen: 'x' as unknown as number })])
          : wallet.decide(c, s),
    }
    await expect(
      checkReplayDeterminism({
        decider: broken,
        registry,
        streamName: 'wallet-1',
        commands,
        numRuns: 100,
        seed: 3,
      }),
    ).rejects.toThrow(/failed in the store/)
  })
})
