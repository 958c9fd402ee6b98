import {
  type CommandValidationError,
  type DomainError,
  type EventSourcingError,
  type HandleOptions,
  type HandleResult,
  handleCommand,
} from '@dealer-crm/eventsourcing'
import type { Either } from 'fp-ts/lib/Either.js'
import { left } from 'fp-ts/lib/Either.js'
import {
  type FactMismatchError,
  type FactSources,
  factsFor,
  givenFacts,
  FactMismatchError as Mismatch,
  withFacts,
} from './facts.js'
import type { DealershipEvent, DealershipStore } from './registry.js'
import { type ReserveFallback, reserveReferee } from './reserve-referee.js'
import type { DealershipRoutes, DomainName, StateFor } from './routes.js'

/** Why a command was not written: bad input, a contradicted fact, the rules, or the store. */
export type SendError = CommandValidationError | FactMismatchError | DomainError | EventSourcingError

export type SendResult<D extends DomainName> = Either<SendError, HandleResult<DealershipEvent, StateFor<D>>>

/** Send untrusted input to a domain: decode, supply cross-stream facts, decide on its stream, append. */
export type Send = <D extends DomainName>(
  domain: D,
  input: unknown,
  options?: HandleOptions,
) => Promise<SendResult<D>>

export interface SendDependencies {
  readonly store: DealershipStore
  readonly routes: DealershipRoutes
  readonly sources: FactSources & { readonly liveReferralFallback: ReserveFallback }
}

/**
 * The dealership's one command path (docs/architecture.md, "The command path"): every public
 * method and every process manager's command goes through here, and every failure stays a value
 * (`Left`) until the facade's edge.
 */
export const createSend =
  ({ store, routes, sources }: SendDependencies): Send =>
  async <D extends DomainName>(domain: D, input: unknown, options: HandleOptions = {}) => {
    // TypeScript cannot tie `routes[domain]` to `D`; every route has this shape over its own command,
    // and the command it handles is the one its own `decode` returned, so one route type serves.
    const route = routes[domain] as unknown as DealershipRoutes['referral-verification']
    const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined
    const data = typeof input === 'object' && input !== null ? (input as { data?: unknown }).data : undefined
    const facts =
      typeof type === 'string' && typeof data === 'object' && data !== null
        ? await factsFor(sources, type, data as Record<string, unknown>)
        : {}
    const decoded = route.decode(withFacts(input, facts))
    if (decoded._tag === 'Left') return decoded
    const command = decoded.right
    // The live referral of a referee is checked where it is reserved (reserve-referee.ts).
    const given = givenFacts(input, facts).filter((field) => field !== 'refereeLiveReferralId')
    if (given.length > 0) {
      const fromStore = route.decode(withFacts(input, facts, { override: true }))
      if (fromStore._tag === 'Left') return fromStore
      for (const field of given) {
        const a = JSON.stringify((command.data as Record<string, unknown>)[field])
        const b = JSON.stringify((fromStore.right.data as Record<string, unknown>)[field])
        if (a !== b) return left(new Mismatch(command.type, field, JSON.parse(a), JSON.parse(b)))
      }
    }
    // The domain names the command in its span and metrics (docs/observability.md).
    const traced: HandleOptions = { ...options, domain }
    if (
      domain === 'referral-verification' &&
      (command.type === 'RegisterReferral' || command.type === 'ReopenReferral')
    )
      return (await reserveReferee({
        store,
        route,
        fallback: sources.liveReferralFallback,
        facts: sources.facts,
        input,
        command,
        options: traced,
      })) as SendResult<D>
    return (await handleCommand(
      store,
      route.decider,
      route.streamOf(command),
      command,
      traced,
    )()) as SendResult<D>
  }
