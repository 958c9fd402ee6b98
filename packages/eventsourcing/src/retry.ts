import { type Random, systemRandom } from './ports.js'

/** How often and how patiently an operation is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included (`Infinity`: never give up). */
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Source of the jitter (default: system randomness). */
  readonly random?: Random
}

/**
 * The pause before retry number `attempt` (1 for the first retry): the base doubled per attempt,
 * capped at the maximum, then jittered to between half and all of it, so that processes that
 * failed together do not come back together.
 */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number => {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return capped * (0.5 + (policy.random ?? systemRandom).next() / 2)
}

/**
 * How followers (subscriptions, catch-up and process-manager runners, SQL projections) reconnect
 * after a transient failure: without end, from 100 ms doubling up to 10 s between attempts.
 */
export const defaultReconnect: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
}

/**
 * True when the failure may pass by itself: the store flagged it `transient` (a lost connection, a
 * terminated backend, a deadlock or serialization failure, a server not accepting connections), or
 * it was caused by such a failure (its `cause` chain holds one). Everything else (a handler's own
 * error, a corrupt event, a conflict, bad input) is permanent: trying again gives the same answer.
 * Each store decides which of its failures are transient; this is the one place that reads it.
 */
export const isTransient = (error: unknown): boolean => {
  let current: unknown = error
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { transient?: unknown }).transient === true) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}
