import {
  defaultRetry,
  type EventSourcingError,
  type HandleOptions,
  handleCommand,
  isConcurrencyError,
  isEventSourcingError,
  loadState,
  StoreError,
} from '@dealer-crm/eventsourcing'
import { isLiveReferral, type ReferralCommand, referralStream } from '@dealer-crm/referral-verification'
import { left } from 'fp-ts/lib/Either.js'
import type { CrossStreamFacts } from './cross-stream-facts.js'
import { FactMismatchError } from './facts.js'
import { holderAfter, type Reservation, reservationStreamsOf } from './referee-reservations.js'
import type { DealershipStore } from './registry.js'
import type { DealershipRoutes } from './routes.js'

/** The live referral a read model knows of for a referee (for logs written before reservations). */
export type ReserveFallback = (referee: { customerId: string; phoneHash: string }) => Promise<string | null>

type Route = DealershipRoutes['referral-verification']
type Registering = Extract<ReferralCommand, { type: 'RegisterReferral' | 'ReopenReferral' }>

interface ReserveInput {
  readonly store: DealershipStore
  readonly route: Route
  readonly facts: () => Promise<CrossStreamFacts>
  readonly fallback: ReserveFallback
  /** The caller's input, to see whether it named the live referral itself. */
  readonly input: unknown
  readonly command: Registering
  readonly options: HandleOptions
}

const readReservation = async (store: DealershipStore, streamName: string): Promise<Reservation> => {
  let holder: string | null = null
  let version = 0
  for await (const event of store.readStream(streamName)) {
    if (event.type === 'RefereeReserved' || event.type === 'RefereeReleased')
      holder = holderAfter(holder, event)
    version = event.metadata.streamPosition
  }
  return { streamName, holder, version }
}

/** The referee a registration names, or (for a reopening) the referee its referral was registered for. */
const refereeOf = async (
  command: Registering,
  facts: () => Promise<CrossStreamFacts>,
): Promise<{ customerId: string; phoneHash: string } | null> => {
  if (command.type === 'RegisterReferral')
    return { customerId: command.data.referee.customerId, phoneHash: command.data.referee.phoneHash }
  const parties = (await facts()).referrals[command.data.referralId]
  return parties === undefined ? null : { customerId: parties.refereeId, phoneHash: parties.refereePhoneHash }
}

const asKernelError = (error: unknown): EventSourcingError =>
  isEventSourcingError(error)
    ? error
    : new StoreError(String((error as Error)?.message ?? error), { cause: error })

/**
 * Register (or reopen) a referral with the referee reserved for it (referee-reservations.ts). The
 * live referral the rules compare with is the holder of the referee's reservations: a referral that
 * is live, or whose registration is under way (reserved, not yet written). A conflict on a
 * reservation means another server reserved first: read again and decide again.
 */
export const reserveReferee = async ({
  store,
  route,
  facts,
  fallback,
  input,
  command,
  options,
}: ReserveInput) => {
  const referralId = command.data.referralId
  const given = (input as { data?: Record<string, unknown> }).data ?? {}
  const retry = options.retry === false ? null : (options.retry ?? defaultRetry)
  const attempts = retry === null ? 1 : retry.maxAttempts
  for (let attempt = 1; ; attempt++) {
    const who = await refereeOf(command, facts)
    const reservations =
      who === null ? [] : await Promise.all(reservationStreamsOf(who).map((s) => readReservation(store, s)))
    let live: string | null = null
    for (const r of reservations) {
      if (r.holder === null || r.holder === referralId) continue
      const holder = await loadState(store, route.decider, referralStream(r.holder))
      if (holder.version === 0 || isLiveReferral(holder.state)) {
        live = r.holder
        break
      }
    }
    if (live === null && who !== null) {
      const known = await fallback(who)
      if (known !== null && known !== referralId) live = known
    }
    // Naming the referral itself as the referee's live one says the same as null: it blocks nothing.
    const named = given.refereeLiveReferralId === referralId ? null : given.refereeLiveReferralId
    if ('refereeLiveReferralId' in given && named !== live)
      return left(
        new FactMismatchError(command.type, 'refereeLiveReferralId', given.refereeLiveReferralId, live),
      )
    const decided = { ...command, data: { ...command.data, refereeLiveReferralId: live } } as Registering
    const stream = route.streamOf(decided)
    const loaded = await loadState(store, route.decider, stream)
    const repeated = options.commandId !== undefined && loaded.commandIds.has(options.commandId)
    const reserved: Reservation[] = []
    if (!repeated) {
      const decision = route.decider.decide(decided, loaded.state)
      if (decision._tag === 'Left') return decision
      if (isLiveReferral(decision.right.reduce(route.decider.evolve, loaded.state)))
        try {
          for (const r of reservations) {
            if (r.holder === referralId) continue
            await store.appendToStream(
              r.streamName,
              [{ type: 'RefereeReserved', data: { referralId, at: decided.data.at } }],
              {
                expectedVersion: r.version,
                metadata: {
                  ...((options.correlationId ?? options.commandId) === undefined
                    ? {}
                    : { correlationId: (options.correlationId ?? options.commandId) as string }),
                  ...(options.actor === undefined ? {} : { actor: options.actor }),
                },
              },
            )
            reserved.push({ ...r, version: r.version + 1 })
          }
        } catch (error) {
          if (isConcurrencyError(error) && attempt < attempts) continue
          return left(asKernelError(error))
        }
    }
    const result = await handleCommand(store, route.decider, stream, decided, options)()
    if (result._tag === 'Left')
      for (const r of reserved)
        await store
          .appendToStream(
            r.streamName,
            [{ type: 'RefereeReleased', data: { referralId, at: decided.data.at } }],
            {
              expectedVersion: r.version,
            },
          )
          .catch(() => undefined) // best effort: a later reservation finds the referral not live anyway
    return result
  }
}
