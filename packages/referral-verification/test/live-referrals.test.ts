import { project } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isLiveReferral,
  liveReferralOf,
  type ReferralCommand,
  type ReferralEvent,
  type ReferralState,
  refereeReferralsProjection,
  referralDecider,
} from '../src/index.js'
import { referralCommandArb } from '../src/testing.js'
import {
  callBackScheduled,
  checkAtDelivery,
  closeReview,
  delivered,
  faked,
  historyOf,
  inconclusive,
  liSi,
  recorded,
  referralId,
  register,
  reopenedFake,
  saleReturned,
  screen,
  verified,
} from './fixtures.js'

const decider = referralDecider()

// docs/domain.md §2, §5 Referrals ("sticky advocate"): a referral holds its referee while it is live; a dead
// end (screened out, licence mismatch, faked, voided, review closed, late claim) frees the referee at once.

const stages: ReadonlyArray<{ name: string; history: () => ReadonlyArray<ReferralEvent>; live: boolean }> = [
  { name: 'nothing registered', history: () => [], live: false },
  {
    name: 'a late claim',
    history: () => historyOf(register({ refereeDeliveredAt: '2026-02-28T10:00:00+08:00' })),
    live: false,
  },
  { name: 'registered', history: () => historyOf(register()), live: true },
  { name: 'screened', history: () => historyOf(register(), screen()), live: true },
  { name: 'screened out', history: () => historyOf(register(), screen(false)), live: false },
  { name: 'delivered', history: delivered, live: true },
  {
    name: 'refused at the licence check',
    history: () => historyOf(register(), screen(), checkAtDelivery(false)),
    live: false,
  },
  { name: 'waiting for its call-back', history: callBackScheduled, live: true },
  { name: 'verified', history: verified, live: true },
  { name: 'faked', history: faked, live: false },
  { name: 'inconclusive, in manual review', history: inconclusive, live: true },
  { name: 'closed after manual review', history: () => [...inconclusive(), ...closed()], live: false },
  { name: 'voided by a returned sale', history: () => [...verified(), ...voided()], live: false },
  { name: 'a fake reopened for a new call-back', history: reopenedFake, live: true },
]

function closed(): ReadonlyArray<ReferralEvent> {
  const decision = decider.decide(closeReview(), inconclusive().reduce(decider.evolve, decider.initialState))
  if (decision._tag === 'Left') throw new Error(decision.left.message)
  return decision.right
}

function voided(): ReadonlyArray<ReferralEvent> {
  const decision = decider.decide(saleReturned(), verified().reduce(decider.evolve, decider.initialState))
  if (decision._tag === 'Left') throw new Error(decision.left.message)
  return decision.right
}

const stateOf = (events: ReadonlyArray<ReferralEvent>): ReferralState =>
  events.reduce(decider.evolve, decider.initialState)

/** The same referee, registered again under another referral, with the lookup the application passes in. */
const registerAgain = (lookup: ReturnType<typeof refereeReferralsProjection.init>) =>
  register({
    referralId: 'referral-0002',
    refereeLiveReferralId: liveReferralOf(lookup, liSi),
    at: '2026-04-01T10:00:00+08:00',
  })

describe('which referrals hold their referee (isLiveReferral)', () => {
  it.each(stages)('$name: live $live', ({ history, live }) => {
    expect(isLiveReferral(stateOf(history()))).toBe(live)
  })

  it.each(stages)('$name: the referee lookup agrees with isLiveReferral', ({ history, live }) => {
    const lookup = project(refereeReferralsProjection, recorded(history()))
    expect(liveReferralOf(lookup, liSi)).toBe(live ? referralId : null)
  })

  it.each(stages)(
    '$name: a new referral of the same referee is refused exactly while this one is live',
    ({ history, live }) => {
      const decision = decider.decide(
        registerAgain(project(refereeReferralsProjection, recorded(history()))),
        decider.initialState,
      )
      if (live) expect(decision._tag === 'Left' && decision.left.code).toBe('RefereeAlreadyReferred')
      else
        expect(decision._tag === 'Right' && decision.right.map((e) => e.type)).toEqual(['ReferralRegistered'])
    },
  )
})

describe('the referee lookup and the referrals agree at every step (docs/domain.md §5 Referrals)', () => {
  const referralIds = ['referral-1', 'referral-2', 'referral-3']
  // referral-1 starts at any stage, live or a dead end, for Li Si; then random commands on all three, every
  // registration and reopen filled from the lookup as the application does.
  const start = fc.constantFrom(...stages)

  it('a referee’s live referral in the lookup is the one live referral holding them; dead ends never block', () => {
    fc.assert(
      fc.property(
        start,
        fc.array(referralCommandArb({ referralIds }), { maxLength: 40 }),
        ({ history }, commands) => {
          const first = history().map((e) => retarget(e, 'referral-1'))
          const states = new Map<string, ReferralState>([['referral-1', stateOf(first)]])
          const lookup = project(refereeReferralsProjection, recorded(first, 'referral-referral-1'))
          let position = first.length + 1
          const agrees = () => {
            const holders = new Map<string, string[]>()
            for (const [id, state] of states)
              if (isLiveReferral(state) && 'referee' in state)
                holders.set(state.referee.subjectId, [...(holders.get(state.referee.subjectId) ?? []), id])
            const referees = new Set([...Object.keys(lookup.byReferee), ...holders.keys()])
            return [...referees].every((referee) => {
              const live = holders.get(referee) ?? []
              return live.length <= 1 && (lookup.byReferee[referee] ?? null) === (live[0] ?? null)
            })
          }
          if (!agrees()) return false
          for (const raw of commands) {
            const c = withLookup(raw, lookup)
            const before = states.get(c.data.referralId) ?? decider.initialState
            const decision = decider.decide(c, before)
            if (decision._tag === 'Left') continue
            states.set(c.data.referralId, decision.right.reduce(decider.evolve, before))
            for (const e of recorded(decision.right, `referral-${c.data.referralId}`, undefined, position))
              refereeReferralsProjection.apply(lookup, e)
            position += decision.right.length
            if (!agrees()) return false
          }
          return true
        },
      ),
      { numRuns: 150 },
    )
  })
})

const retarget = (e: ReferralEvent, id: string): ReferralEvent =>
  ({ ...e, data: { ...e.data, referralId: id } }) as ReferralEvent

const withLookup = (
  c: ReferralCommand,
  lookup: ReturnType<typeof refereeReferralsProjection.init>,
): ReferralCommand => {
  if (c.type === 'RegisterReferral')
    return { ...c, data: { ...c.data, refereeLiveReferralId: liveReferralOf(lookup, c.data.referee) } }
  if (c.type === 'ReopenReferral') {
    const referee = lookup.referees[c.data.referralId]
    const live =
      referee === undefined
        ? null
        : liveReferralOf(lookup, { customerId: referee.refereeId, phoneHash: referee.phoneHash })
    return { ...c, data: { ...c.data, refereeLiveReferralId: live } }
  }
  return c
}
