import { type ComplaintState, type SlaBoardRow, slaBoardAt } from '@dealer-crm/complaint-workflow'
import { type ChurnRiskEntry, contactThisWeek, type LifecycleState } from '@dealer-crm/customer-lifecycle'
import {
  type CheckpointStore,
  type Clock,
  createCatchUpRunner,
  createProcessManagerRunner,
  createStateCache,
  decodeCommand,
  defaultRetry,
  defaultTenant,
  type Erasure,
  type HandleOptions,
  type HandleResult,
  Instant,
  inMemoryCheckpointStore,
  instantOf,
  type KeyVault,
  type Logger,
  loadState,
  type ProcessManagerRunner,
  type Projection,
  type ProjectorRun,
  type Random,
  type ReadModelStore,
  type RetryPolicy,
  type StateCacheOptions,
  type Subscription,
  serial,
  TenantMismatchError,
  tenantOf,
} from '@dealer-crm/eventsourcing'
import { type LoyaltyState, type MemberStatement, memberStatement } from '@dealer-crm/loyalty-points'
import {
  type CallBackDraw,
  type CallToMake,
  callsDueOn,
  drawCallBack,
  liveReferralOf,
  type ReferralState,
  type ReferrerAccount,
  referralStream,
} from '@dealer-crm/referral-verification'
import { type AccessLogSecret, PurposeRequiredError } from './access-log.js'
import { type ActingDealership, actingDealership } from './acting.js'
import { crossStreamFactsProjection } from './cross-stream-facts.js'
import { type Customer360, customer360Of } from './customer-360.js'
import { membersByCustomerProjection } from './members-by-customer.js'
import { orThrow } from './or-throw.js'
import { NoPersistedReadModelsError, persistedQueries } from './persisted-read-models.js'
import { type DealershipPolicies, defaultDealershipPolicies } from './policy.js'
import { type Principal, sendAs, systemPrincipal } from './principal.js'
import { createProcessDispatch, type ProcessRejection } from './process-dispatch.js'
import { dealershipProcessManagers } from './process-managers/index.js'
import { dealershipReadModels, type ReadModelName, type ReadModelState } from './read-models.js'
import { createInMemoryDealershipStore, type DealershipEvent, type DealershipStore } from './registry.js'
import { dealershipRoutes } from './routes.js'
import { createSend, type Send } from './send.js'

export interface DealershipOptions {
  /** Any kernel EventStore over `dealershipRegistry`; default: an in-memory one. The facade owns it: `close()` closes it. */
  readonly store?: DealershipStore
  /** "Now" for queries (SLA clocks, spendable points); commands carry their own `at`. */
  readonly clock: Clock
  /** Draws call-backs and jitters retries; pass a seeded one for reproducible runs. */
  readonly random: Random
  readonly policies?: Partial<DealershipPolicies>
  /** The key vault of the in-memory store the facade creates when no store is given. */
  readonly keyVault?: KeyVault
  /** Where process managers remember how far they got (default: in memory). */
  readonly checkpoints?: CheckpointStore
  /** Told of every command a process manager asked for and a domain refused. */
  readonly onRejection?: (rejection: ProcessRejection) => void
  /**
   * Told when a live process manager stops (then `close()` also rejects with it): on a permanent
   * failure, or a transient one past `reconnect.maxAttempts`. Transient failures (a lost connection)
   * are retried from the checkpoint; a redelivered event repeats no command (deterministic ids).
   */
  readonly onProcessFailure?: (error: unknown) => void
  /** Backoff of live process managers after a transient failure (default: forever, 100 ms to 10 s). */
  readonly reconnect?: RetryPolicy
  /** Told of each retried failure of a live process manager, and of one that stops it. */
  readonly logger?: Logger
  /** The bound of the commands' state cache (docs/adr/0018-command-state-cache.md; default 10,000 streams). */
  readonly commandCache?: StateCacheOptions
  /**
   * Persisted read models (ADR 0017): `customer360`, `slaBoard`, `memberLedger`, `churnRisk`,
   * `callBackQueue` and `referrerLedger` are then served from them,
   * caught up from their checkpoint, so a restarted process answers without replaying the log.
   */
  readonly readModels?: ReadModelStore
  /**
   * The secret of the keyed hash naming each person's access-log stream (`vaultAccessLogSecret(store.keyVault)`
   * keeps it in the store's vault). Without it, reads of personal data as a principal are refused.
   */
  readonly accessLogSecret?: AccessLogSecret
  /**
   * The dealer this facade serves (default `default`). The store must be that tenant's (a SQLite
   * file records its tenant, a PostgreSQL store is opened for one): another's is refused with a
   * TenantMismatchError (ADR 0022). Give `readModels` and `checkpoints` of the same tenant.
   */
  readonly tenant?: string
}

/** What a caller may attach to a command: its id makes it idempotent; the actor is who did it. */
export type CommandOptions = Pick<
  HandleOptions,
  'commandId' | 'correlationId' | 'causationId' | 'actor' | 'expectedVersion'
>

export interface ProcessRun {
  /** The next global position of each process manager. */
  readonly positions: Readonly<Record<string, bigint>>
  /** What the domains refused during this run. */
  readonly rejections: ReadonlyArray<ProcessRejection>
}

/**
 * Commands of the four domains. Input is untrusted: it is decoded with the domain's command codec (a
 * `CommandValidationError` names the field path and nothing is written), then handled on the stream
 * its id names. A refusal by the rules rejects with a `DomainRejectedError`. The facade has them, and
 * so has the facade acting as a principal (`as`).
 */
export interface DomainCommands {
  readonly customerLifecycle: (
    input: unknown,
    options?: CommandOptions,
  ) => Promise<HandleResult<DealershipEvent, LifecycleState>>
  readonly referralVerification: (
    input: unknown,
    options?: CommandOptions,
  ) => Promise<HandleResult<DealershipEvent, ReferralState>>
  readonly complaintWorkflow: (
    input: unknown,
    options?: CommandOptions,
  ) => Promise<HandleResult<DealershipEvent, ComplaintState>>
  /** Every loyalty command names its member card (`memberId`): it is handled on `member-<memberId>`. */
  readonly loyaltyPoints: (
    input: unknown,
    options?: CommandOptions,
  ) => Promise<HandleResult<DealershipEvent, LoyaltyState>>
}

export interface Dealership extends DomainCommands {
  readonly store: DealershipStore
  /** The dealer served (ADR 0022). */
  readonly tenant: string
  readonly policies: DealershipPolicies
  /**
   * The one command path, for callers who keep errors as values: decode the untrusted input with
   * the domain's codec, supply the facts the command needs from other streams, decide on the stream
   * the command names, append. Resolves with `Left` for bad input, a contradicted fact, a rule's
   * refusal or a store failure; the four methods below are this with the `Left` thrown.
   */
  readonly send: Send
  /**
   * The facade as the principal the host authenticated: commands act as them and reads of personal
   * data need a purpose and are recorded in the person's access log (docs/privacy.md, "Who acts, and who saw what").
   */
  readonly as: (principal: Principal) => ActingDealership
  /** The call-back draw for a referral, from the facade's Random (for `ScheduleCallBack`); null if not possible. */
  readonly drawCallBack: (referralId: string) => Promise<CallBackDraw | null>
  /**
   * One customer across the four domains, now (or at the ISO instant `at`), caught up with the log.
   * Refused (`PurposeRequired`) when the facade has an `accessLogSecret`: then every decrypting read
   * goes through `as(principal).customer360(customerId, { purpose })` and is recorded.
   */
  readonly customer360: (customerId: string, at?: string) => Promise<Customer360 | undefined>
  /** The open complaints at the ISO instant `at` (default now), safety first (docs/domain.md §5), caught up with the log. */
  readonly slaBoard: (at?: string) => Promise<ReadonlyArray<SlaBoardRow>>
  /** A member's statement (points by lot, pending, expiring) now or at the ISO instant `at`, caught up with the log. */
  readonly memberLedger: (memberId: string, at?: string) => Promise<MemberStatement | undefined>
  /** The customers to contact in the week from the ISO instant `weekStart` (default now), most urgent first. */
  readonly churnRisk: (weekStart?: string) => Promise<ReadonlyArray<ChurnRiskEntry>>
  /** The call-backs to make on the showroom's day of the ISO instant `at` (default now), longest waiting first. */
  readonly callBackQueue: (at?: string) => Promise<ReadonlyArray<CallToMake>>
  /** One referrer's account: successful referrals, tier, rewards pending and paid, block. */
  readonly referrerLedger: (referrerId: string) => Promise<ReferrerAccount | undefined>
  /** A read model by name, caught up with the log. */
  readonly readModel: <K extends ReadModelName>(name: K) => Promise<ReadModelState<K>>
  /**
   * Bring every persisted read model (the `readModels` option) up to the end of the log, each under
   * its lease, and say how far each got; queries do this on their own, this is for a process that
   * keeps them current for others (the demo, `dealer-crm catch-up`). Without the option it throws.
   */
  readonly catchUpReadModels: () => Promise<Readonly<Record<string, ProjectorRun>>>
  /** Run every process manager once over what the log holds now, from its checkpoint. */
  readonly runProcessManagers: () => Promise<ProcessRun>
  /** Run the process managers live until `close()`. */
  readonly start: () => Promise<void>
  readonly rejections: () => ReadonlyArray<ProcessRejection>
  /**
   * Crypto-shred a person (PIPL right to deletion): their key is destroyed and the read models are
   * folded afresh on the next query, so none keeps a value read before. The result says whether
   * old copies of the key are gone from the store's storage (`KeyVault.forget`, docs/privacy.md).
   */
  readonly forget: (subjectId: string) => Promise<Erasure>
  readonly close: () => Promise<void>
}

/** The whole dealership behind one object: the four domains, their process managers and read models. */
export const createDealership = (options: DealershipOptions): Dealership => {
  const { clock, random } = options
  const tenant = tenantOf(options.tenant)
  const storeTenant = options.store?.log.tenant ?? defaultTenant
  if (storeTenant !== tenant) throw new TenantMismatchError('the store given', storeTenant, tenant)
  const store =
    options.store ??
    createInMemoryDealershipStore({
      clock,
      ...(options.keyVault === undefined ? {} : { keyVault: options.keyVault }),
    })
  const policies: DealershipPolicies = { ...defaultDealershipPolicies, ...options.policies }
  const checkpoints = options.checkpoints ?? inMemoryCheckpointStore()
  const retry: RetryPolicy = { ...defaultRetry, random }

  const routes = dealershipRoutes(policies)

  const cache = createStateCache(options.commandCache)
  const handleOptions = (o: CommandOptions = {}): HandleOptions => ({ ...o, retry, cache })
  /** A query's time: the ISO instant given (any offset, read in UTC), or the clock's now. */
  const instantAt = (at: string | undefined): Instant =>
    at === undefined ? instantOf(clock.now()) : orThrow(decodeCommand(Instant, at))

  // Read models are folded in memory on first use and caught up on every query, one at a time.
  const resets: Array<() => void> = []
  const query = <S>(projection: Projection<S, DealershipEvent>): (() => Promise<S>) => {
    const fresh = () => createCatchUpRunner({ store, projection }) // in memory only: no checkpoint copies
    let runner = fresh()
    const once = serial()
    resets.push(() => {
      runner = fresh()
    })
    return () =>
      once(async () => {
        await runner.catchUp()
        return runner.state()
      })
  }
  const m = dealershipReadModels
  const queries: { readonly [K in ReadModelName]: () => Promise<ReadModelState<K>> } = {
    customerProfiles: query(m.customerProfiles),
    churnRisk: query(m.churnRisk),
    touchpointCalendar: query(m.touchpointCalendar),
    lifecycleMetrics: query(m.lifecycleMetrics),
    callBackQueue: query(m.callBackQueue),
    referrerLedger: query(m.referrerLedger),
    fraudReport: query(m.fraudReport),
    referralMetrics: query(m.referralMetrics),
    refereeReferrals: query(m.refereeReferrals),
    slaBoard: query(m.slaBoard),
    complaintTimelines: query(m.complaintTimelines),
    complaintCauses: query(m.complaintCauses),
    complaintMetrics: query(m.complaintMetrics),
    memberLedgers: query(m.memberLedgers),
    levelDistribution: query(m.levelDistribution),
    loyaltyTotals: query(m.loyaltyTotals),
    customer360: query(m.customer360),
  }
  const membersByCustomer = query(membersByCustomerProjection)
  const send = createSend({
    store,
    routes,
    sources: {
      facts: query(crossStreamFactsProjection),
      // The persisted referrer ledger (one lookup) where the facade keeps read models; else in memory.
      referrerAccount: async (referrerId) =>
        persisted !== null
          ? persisted.referrerLedger(referrerId)
          : (await queries.referrerLedger()).accounts[referrerId],
      liveReferralFallback: async (referee) => liveReferralOf(await queries.refereeReferrals(), referee),
    },
  })
  const calendar = policies.complaintWorkflow.calendar
  const persisted =
    options.readModels === undefined ? null : persistedQueries(store, options.readModels, calendar)

  // Process managers: checkpoints in the given store, commands through the dispatcher.
  const allRejections: ProcessRejection[] = []
  const reported = new Set<string>()
  let runRejections: ProcessRejection[] | null = null
  const dispatch = createProcessDispatch({
    send: sendAs(send, systemPrincipal('process-managers')),
    membership: policies.processes.membership,
    cache,
    memberOf: async (customerId) => (await membersByCustomer())[customerId],
    onRejection: (rejection) => {
      // An event delivered again (after a transient failure or a restart) repeats its commands'
      // ids: a refusal already reported is not reported twice.
      if (reported.has(rejection.commandId)) return
      reported.add(rejection.commandId)
      allRejections.push(rejection)
      runRejections?.push(rejection)
      options.onRejection?.(rejection)
    },
    retry,
  })
  const processRunners: ReadonlyArray<{ readonly name: string; readonly runner: ProcessManagerRunner }> =
    dealershipProcessManagers(policies).map((processManager) => ({
      name: processManager.name,
      runner: createProcessManagerRunner({
        store,
        processManager,
        checkpoints,
        dispatch,
        ...(options.reconnect === undefined ? {} : { retry: options.reconnect }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      }),
    }))
  const customer360 = async (customerId: string, at?: string) => {
    const when = instantAt(at)
    if (persisted !== null) return persisted.customer360(customerId, when)
    return customer360Of(await queries.customer360(), customerId, when, { calendar })
  }
  const memberLedger = async (memberId: string, at?: string) => {
    const when = instantAt(at)
    if (persisted !== null) return persisted.memberLedger(memberId, when)
    return memberStatement(await queries.memberLedgers(), memberId, when)
  }
  const referrerLedger = async (referrerId: string) => {
    if (persisted !== null) return persisted.referrerLedger(referrerId)
    return (await queries.referrerLedger()).accounts[referrerId]
  }
  const processes = serial()
  let live: ReadonlyArray<Subscription> | null = null
  let failure: { readonly error: unknown } | null = null
  const watch = (subscription: Subscription) => {
    subscription.done.catch((error: unknown) => {
      failure ??= { error }
      options.onProcessFailure?.(error)
    })
    return subscription
  }

  return {
    store,
    tenant,
    policies,
    send,
    as: (principal) =>
      actingDealership(
        {
          send,
          handleOptions,
          customer360,
          memberLedger,
          referrerLedger,
          store,
          clock,
          accessLogSecret: options.accessLogSecret,
        },
        principal,
      ),
    customerLifecycle: async (input, o) => orThrow(await send('customer-lifecycle', input, handleOptions(o))),
    referralVerification: async (input, o) =>
      orThrow(await send('referral-verification', input, handleOptions(o))),
    complaintWorkflow: async (input, o) => orThrow(await send('complaint-workflow', input, handleOptions(o))),
    loyaltyPoints: async (input, o) => orThrow(await send('loyalty-points', input, handleOptions(o))),
    drawCallBack: async (referralId) => {
      const { state } = await loadState(
        store,
        routes['referral-verification'].decider,
        referralStream(referralId),
      )
      return 'referee' in state ? drawCallBack(random, state) : null
    },
    // With an access log configured, a decrypting read goes through a principal and a purpose.
    customer360: async (customerId, at) => {
      if (options.accessLogSecret !== undefined) throw new PurposeRequiredError('customer360')
      return customer360(customerId, at)
    },
    slaBoard: async (at) => {
      const when = instantAt(at)
      if (persisted !== null) return persisted.slaBoard(when)
      return slaBoardAt(await queries.slaBoard(), calendar, when)
    },
    memberLedger,
    churnRisk: async (weekStart) => {
      const when = instantAt(weekStart)
      if (persisted !== null) return persisted.churnRisk(when)
      return contactThisWeek(await queries.churnRisk(), when)
    },
    callBackQueue: async (at) => {
      const when = instantAt(at)
      if (persisted !== null) return persisted.callBackQueue(when)
      return callsDueOn(await queries.callBackQueue(), when)
    },
    referrerLedger,
    readModel: (name) => queries[name](),
    catchUpReadModels: async () => {
      if (persisted === null) throw new NoPersistedReadModelsError()
      return persisted.catchUp()
    },
    runProcessManagers: () =>
      processes(async () => {
        if (live !== null)
          throw new Error('the process managers are running live: close() before running them once')
        const rejections: ProcessRejection[] = []
        runRejections = rejections
        try {
          const positions: Record<string, bigint> = {}
          for (const { name, runner } of processRunners) positions[name] = await runner.catchUp()
          return { positions, rejections }
        } finally {
          runRejections = null
        }
      }),
    start: () =>
      processes(async () => {
        if (live !== null) return
        live = await Promise.all(processRunners.map(async ({ runner }) => watch(await runner.start())))
      }),
    rejections: () => [...allRejections],
    forget: async (subjectId) => {
      const erasure = await store.forget(subjectId)
      cache.clear() // cached states may hold the erased person's fields
      for (const reset of resets) reset()
      await persisted?.reset() // persisted documents hold decrypted personal data: rebuilt on next query
      return erasure
    },
    close: () =>
      processes(async () => {
        const subscriptions = live ?? []
        live = null
        await Promise.all(subscriptions.map((s) => s.close()))
        await store.close()
        if (failure !== null) throw failure.error
      }),
  }
}
