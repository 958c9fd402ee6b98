// A counter: one event type and a decider, written with the kernel given (ESM or CommonJS copy).
import * as t from 'io-ts'

export const counter = (kernel) => {
  const Incremented = kernel.eventType('Incremented', t.type({ by: t.number, note: t.string }))
  const registry = kernel.eventRegistry([Incremented])
  const decider = {
    initialState: 0,
    decide: (command) => ({
      _tag: 'Right',
      right: [Incremented.make({ by: command.by, note: command.note })],
    }),
    evolve: (total, event) => total + event.data.by,
  }
  return { Incremented, registry, decider }
}
