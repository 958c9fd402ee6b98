import type * as t from 'io-ts'
import type { DomainError } from '../errors.js'
import type { EventRegistry } from '../events/registry.js'
import type { CommandOf } from './command.js'
import type { Decider, Event } from './decider.js'

/**
 * A domain bound once: its decider under a policy, the codec that decodes its untrusted commands,
 * the event types it writes, and the stream each command acts on. An application routes every
 * command of the domain through this one value (decode, pick the stream, decide, append).
 */
export interface Domain<C extends CommandOf, E extends Event, S, Err extends DomainError, P> {
  /** The package's name without scope, e.g. `complaint-workflow`. */
  readonly name: string
  readonly decider: (policy: P) => Decider<C, E, S, Err>
  readonly defaultPolicy: P
  /** Decodes untrusted input into a command (use with `decodeCommand`). */
  readonly command: t.Type<C, unknown, unknown>
  readonly events: EventRegistry<E>
  /** The stream a command acts on: the stream of the aggregate id the command names. */
  readonly streamOf: (command: C) => string
}
