import { describe, expect, it } from 'vitest'
import { inSequence } from '../src/index.js'

describe('inSequence: the steps of one decision, each on the state the events before it left', () => {
  const evolve = (total: number, event: number) => total + event

  it('gives every step the state after the events of the steps before it', () => {
    const seen: number[] = []
    const step =
      (events: (now: number) => ReadonlyArray<number>) =>
      (now: number): ReadonlyArray<number> => {
        seen.push(now)
        return events(now)
      }
    const events = inSequence(
      evolve,
      10,
      step(() => [1, 2]),
      step(() => []),
      step((now) => [now]),
    )
    expect(seen).toEqual([10, 13, 13])
    expect(events).toEqual([1, 2, 13])
  })

  it('with no steps decides nothing', () => {
    expect(inSequence(evolve, 0)).toEqual([])
  })
})
