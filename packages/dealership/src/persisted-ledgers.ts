import {
  type DocumentProjection,
  handlesEvent,
  type Instant,
  idOf,
  type ReadModelStore,
} from '@dealer-crm/eventsourcing'
import {
  type LoyaltyState,
  type MemberStatement,
  memberLedgersProjection as memberLedgers,
  memberStatement,
} from '@dealer-crm/loyalty-points'
import {
  type ReferrerAccount,
  type ReferrerLedger,
  referrerLedgerProjection as referrerLedger,
} from '@dealer-crm/referral-verification'
import type { DealershipEvent } from './registry.js'

/**
 * Members' ledgers, persisted: one document per card (`<memberId>`: the member as the domain's
 * `evolve` leaves it), in index `customer`. A member's ledger is one lookup by id.
 */
export const memberLedgerDocuments: DocumentProjection<DealershipEvent> = {
  name: 'loyalty.member-ledgers',
  version: 1,
  handles: memberLedgers.handles,
  apply: async (e, documents) => {
    if (!handlesEvent(memberLedgers, e)) return
    const id = idOf(e.metadata.streamName)
    const before = await documents.get<LoyaltyState>(id)
    const ledger = memberLedgers.apply(new Map(before === undefined ? [] : [[id, before]]), e)
    const member = ledger.get(id) as LoyaltyState
    documents.put(id, member, { customer: member.customerId })
  },
}

/** One member's statement at `at` from the persisted ledger: one lookup by id, no log read. */
export const persistedMemberLedger = async (
  readModels: ReadModelStore,
  memberId: string,
  at: Instant,
): Promise<MemberStatement | undefined> => {
  const found = await readModels.get(memberLedgerDocuments.name, memberId)
  if (found === undefined) return undefined
  return memberStatement(new Map([[memberId, found.data as LoyaltyState]]), memberId, at)
}

/** What the referrer ledger knows of one referral: whose it is, its reward hold, when its reward is payable. */
export interface ReferralLedgerDocument {
  readonly referrerId: ReferrerLedger['referrerOf'][string] | null
  readonly holdDays: number | null
  readonly payableFrom: Instant | null
}

/** One referrer's account and the policy of their latest registration. */
export interface ReferrerLedgerDocument {
  readonly account: ReferrerAccount | null
  readonly policy: ReferrerLedger['policyOf'][string] | null
}

const some = <V>(key: string, value: V | null | undefined): Record<string, V> =>
  value === null || value === undefined ? {} : { [key]: value }

/**
 * The referrer ledger, persisted: one document per referrer (`referrer:<id>`, index `referrer`) and
 * one per referral (`referral:<id>`) naming its referrer. Each event is folded by the in-memory
 * ledger's own `apply`, over the one referral and the one referrer it touches.
 */
export const referrerLedgerDocuments: DocumentProjection<DealershipEvent> = {
  name: 'referral-verification.referrer-ledger',
  version: 1,
  handles: referrerLedger.handles,
  apply: async (e, documents) => {
    if (!handlesEvent(referrerLedger, e)) return
    const referralId = e.data.referralId
    const referral = await documents.get<ReferralLedgerDocument>(`referral:${referralId}`)
    const before =
      e.type === 'ReferralRegistered' ? e.data.referrer.subjectId : (referral?.referrerId ?? undefined)
    const referrer =
      before === undefined ? undefined : await documents.get<ReferrerLedgerDocument>(`referrer:${before}`)
    const s: ReferrerLedger = {
      accounts: before === undefined ? {} : some(before, referrer?.account),
      policyOf: before === undefined ? {} : some(before, referrer?.policy),
      referrerOf: some(referralId, referral?.referrerId),
      holdDaysOf: some(referralId, referral?.holdDays),
      payableFromOf: some(referralId, referral?.payableFrom),
    }
    referrerLedger.apply(s, e)
    const referrerId = s.referrerOf[referralId] ?? null
    documents.put(`referral:${referralId}`, {
      referrerId,
      holdDays: s.holdDaysOf[referralId] ?? null,
      payableFrom: s.payableFromOf[referralId] ?? null,
    } satisfies ReferralLedgerDocument)
    if (referrerId === null) return
    documents.put(
      `referrer:${referrerId}`,
      {
        account: s.accounts[referrerId] ?? null,
        policy: s.policyOf[referrerId] ?? null,
      } satisfies ReferrerLedgerDocument,
      { referrer: referrerId },
    )
  },
}

/** One referrer's account from the persisted ledger: one lookup by id, no log read. */
export const persistedReferrerLedger = async (
  readModels: ReadModelStore,
  referrerId: string,
): Promise<ReferrerAccount | undefined> => {
  const found = await readModels.get(referrerLedgerDocuments.name, `referrer:${referrerId}`)
  return (found?.data as ReferrerLedgerDocument | undefined)?.account ?? undefined
}
