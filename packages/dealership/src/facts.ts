import { EventSourcingError, isEventSourcingError } from '@dealer-crm/eventsourcing'
import { accountStanding, type ReferrerAccount } from '@dealer-crm/referral-verification'
import { type CrossStreamFacts, deliveredAtOf, priorComplaintsOf } from './cross-stream-facts.js'

/**
 * A command carried a fact about other streams that the store contradicts (docs/architecture.md,
 * "Cross-stream facts"): e.g. `priorComplaints` of 0 for a customer with two complaints on file.
 * Nothing is written. Leave the fact out and the facade supplies it.
 */
export class FactMismatchError extends EventSourcingError {
  readonly code = 'FactMismatch' as const
  constructor(
    readonly commandType: string,
    readonly field: string,
    readonly given: unknown,
    readonly expected: unknown,
  ) {
    super(
      `${commandType}: data.${field} is ${JSON.stringify(given)}, but the store says ${JSON.stringify(expected)}; leave it out and the facade supplies it`,
    )
    this.name = 'FactMismatchError'
  }
}

/** True for a `FactMismatchError` from either module format (decided by `code`, see `isEventSourcingError`). */
export const isFactMismatchError = (error: unknown): error is FactMismatchError =>
  isEventSourcingError(error) && error.code === 'FactMismatch'

/** What the facade reads to supply facts: its read models, caught up with the log. */
export interface FactSources {
  readonly facts: () => Promise<CrossStreamFacts>
  /** One referrer's account: from the persisted referrer ledger when the facade keeps one. */
  readonly referrerAccount: (referrerId: string) => Promise<ReferrerAccount | undefined>
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}

/**
 * The facts a command needs from other streams, by command type, computed from the input's ids
 * (JSON form, as a caller would write them). Input too malformed to name its ids gets no facts:
 * decoding then refuses it. The live referral of a referee is not here: reservations supply it
 * (`referee-reservations.ts`), since a read model cannot hold it under concurrency.
 */
export const factsFor = async (
  sources: FactSources,
  type: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown>> => {
  switch (type) {
    case 'RegisterReferral': {
      const referee = record(data.referee)
      const purchase = record(referee.purchase)
      const refereeId = text(referee.customerId)
      const model = text(purchase.model)
      const colour = text(purchase.colour)
      const at = text(data.at)
      if (refereeId === null || model === null || colour === null || at === null) return {}
      return {
        refereeDeliveredAt: deliveredAtOf(await sources.facts(), refereeId, { model, colour }, at),
        refereeLiveReferralId: null, // a placeholder: the reservation supplies it
      }
    }
    case 'ReopenReferral': {
      return { refereeLiveReferralId: null } // a placeholder: the reservation supplies it
    }
    case 'ReleaseReward': {
      const referralId = text(data.referralId)
      if (referralId === null) return {}
      const parties = (await sources.facts()).referrals[referralId]
      if (parties === undefined) return { referrerStanding: { successfulReferralsBefore: 0, blocked: false } }
      return {
        referrerStanding: accountStanding(await sources.referrerAccount(parties.referrerId), referralId),
      }
    }
    case 'ReceiveComplaint': {
      const customerId = text(data.customerId)
      const complaintId = text(data.complaintId)
      if (customerId === null || complaintId === null) return {}
      return { priorComplaints: priorComplaintsOf(await sources.facts(), customerId, complaintId) }
    }
    default:
      return {}
  }
}

/** The input with the facts put in where the caller left them out (or, with `override`, everywhere). */
export const withFacts = (
  input: unknown,
  facts: Record<string, unknown>,
  { override = false }: { readonly override?: boolean } = {},
): unknown => {
  const command = record(input)
  const data = record(command.data)
  const missing = Object.fromEntries(Object.entries(facts).filter(([field]) => override || !(field in data)))
  return Object.keys(missing).length === 0 ? input : { ...command, data: { ...data, ...missing } }
}

/** The facts the caller gave: those the facade must check against the store. */
export const givenFacts = (input: unknown, facts: Record<string, unknown>): ReadonlyArray<string> => {
  const data = record(record(input).data)
  return Object.keys(facts).filter((field) => field in data)
}
