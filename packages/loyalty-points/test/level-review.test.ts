import { runCommands } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import type { LoyaltyEvent } from '../src/events.js'
import { loyaltyDecider } from '../src/index.js'
import { doc, earn, enrolled, evaluate, refund } from './fixtures.js'

const decider = loyaltyDecider()

// docs/domain.md §5 tiers: "downgrade policies … with a grace period and an advance notice stating what is
// needed to keep the level"; §4: the level follows its rule from the history, and a refund reverses what the
// document earned. Time passes here as a scheduler would run it: one EvaluateMember a day.

const DAY = 86_400_000
const daily = (from: string, to: string): ReadonlyArray<LoyaltyCommand> => {
  const out: LoyaltyCommand[] = []
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY) out.push(evaluate(new Date(t).toISOString()))
  return out
}

const eventsOf = (commands: ReadonlyArray<LoyaltyCommand>): ReadonlyArray<LoyaltyEvent> => {
  const steps = runCommands(decider, commands, [enrolled()])
  const refused = steps.find((s) => !s.outcome.ok)
  if (refused !== undefined && !refused.outcome.ok)
    throw new Error(`${refused.command.type} refused: ${refused.outcome.error.message}`)
  return steps.at(-1)?.history ?? []
}

const reviewed = (events: ReadonlyArray<LoyaltyEvent>) =>
  events.flatMap((e) => (e.type === 'LevelReviewed' ? [e.data] : []))
const notices = (events: ReadonlyArray<LoyaltyEvent>) =>
  events.flatMap((e) => (e.type === 'LevelDowngradeNoticeSent' ? [e.data] : []))

describe('the advance notice before a downgrade (issue #20, docs/domain.md §5 tiers)', () => {
  // One purchase of ¥5,000 on 1 March 2026 makes the member silver at once; the next review is a year on,
  // when that purchase has left the 12-month window: nothing qualifies any more.
  const purchase = '2026-03-01T09:00:00.000Z'
  const review = '2027-03-01T09:00:00.000Z'
  const history = () =>
    eventsOf([
      earn('repair-order', 'RO-1', 500_000, purchase),
      ...daily('2026-03-02T09:00:00.000Z', '2027-04-15T09:00:00.000Z'),
    ])

  it('reaches silver with the single purchase, reviewed a year later', () => {
    expect(history().find((e) => e.type === 'LevelUpgraded')).toMatchObject({
      data: { from: 'standard', to: 'silver', measure: 5_000, nextReviewAt: review },
    })
  })

  it('tells the member within the notice period what keeps the level, before the review and any downgrade', () => {
    const events = history()
    const [notice] = notices(events)
    expect(notice).toMatchObject({
      level: 'silver',
      reviewAt: review,
      required: 5_000,
      shortfall: 5_000,
      wouldBecome: 'standard',
    })
    const sentAt = Date.parse(notice?.at ?? '')
    expect(sentAt).toBeGreaterThanOrEqual(Date.parse(review) - 30 * DAY)
    expect(sentAt).toBeLessThan(Date.parse(review))
    const downgrade = events.findIndex((e) => e.type === 'LevelReviewed' && e.data.to !== e.data.from)
    expect(downgrade).toBeGreaterThan(events.findIndex((e) => e.type === 'LevelDowngradeNoticeSent'))
    expect(reviewed(events)).toMatchObject([{ from: 'silver', to: 'standard', reviewAt: review }])
  })

  it('sends no notice when purchases within the window will still keep the level on the review date', () => {
    const events = eventsOf([
      earn('repair-order', 'RO-1', 500_000, purchase),
      earn('repair-order', 'RO-2', 420_000, '2026-09-01T09:00:00.000Z'), // 4,200 × 1.2 = 5,040 points as silver
      ...daily('2026-09-02T09:00:00.000Z', '2027-03-02T09:00:00.000Z'),
    ])
    expect(notices(events)).toEqual([])
    expect(reviewed(events)).toMatchObject([{ from: 'silver', to: 'silver', measure: 5_040 }])
  })
})

describe('a refunded purchase no longer holds the level at the review (issue #18, docs/domain.md §4, §5)', () => {
  // Silver on 1 March 2026; a second purchase in June would keep it at the review, but it is returned.
  const steps = (refunds: ReadonlyArray<LoyaltyCommand>) => [
    earn('repair-order', 'RO-1', 500_000, '2026-03-01T09:00:00.000Z'),
    earn('repair-order', 'RO-2', 500_000, '2026-06-01T09:00:00.000Z'),
    ...refunds,
    ...daily('2026-07-02T09:00:00.000Z', '2027-04-15T09:00:00.000Z'),
  ]

  it('kept: the second purchase (6,000 points at ×1.2) holds silver at the review', () => {
    expect(reviewed(eventsOf(steps([])))).toMatchObject([{ from: 'silver', to: 'silver', measure: 6_000 }])
  })

  it('returned: the member is told, then downgraded after the grace period', () => {
    const events = eventsOf(steps([refund(doc('repair-order', 'RO-2'), '2026-07-01T09:00:00.000Z')]))
    expect(notices(events)).toMatchObject([{ level: 'silver', shortfall: 5_000 }])
    expect(reviewed(events)).toMatchObject([{ from: 'silver', to: 'standard', measure: 0 }])
  })

  it('everything returned: no points, no silver after the review', () => {
    const events = eventsOf(
      steps([
        refund(doc('repair-order', 'RO-1'), '2026-07-01T09:00:00.000Z'),
        refund(doc('repair-order', 'RO-2'), '2026-07-01T09:00:00.000Z'),
      ]),
    )
    expect(reviewed(events)).toMatchObject([{ from: 'silver', to: 'standard', measure: 0 }])
  })
})
