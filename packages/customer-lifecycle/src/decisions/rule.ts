import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { LifecycleCommand, LifecycleCommandOf } from '../commands.js'
import { type LifecycleError, lifecycleError } from '../errors.js'
import type { LifecycleEvent } from '../events.js'
import type { LifecyclePolicy } from '../policy.js'
import type { LifecycleState } from '../state.js'

export type Decision = Either<LifecycleError, ReadonlyArray<LifecycleEvent>>

/** The rule of one command: the events it brings, or why it is refused. */
export type Rule<T extends LifecycleCommand['type']> = (
  c: LifecycleCommandOf<T>,
  s: LifecycleState,
  policy: LifecyclePolicy,
) => Decision

export const refuse = (code: LifecycleError['code'], message: string): Decision =>
  left(lifecycleError(code, message))

export const none: Decision = right([])
