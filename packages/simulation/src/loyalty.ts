import { instantOf } from '@dealer-crm/eventsourcing'
import { type MemberStatement, memberStatement } from '@dealer-crm/loyalty-points'
import { cashier, scheduler } from './staff.js'
import { DAY } from './time.js'
import { attempt, chance, during, now, nowMs, type Sim, type SimCustomer } from './world.js'

// The loyalty programme (docs/domain.md §4): earning on spend, awards, redemption, refunds, the prepaid
// balance, exit, and the monthly evaluation that expires lots and moves levels. The card itself is
// opened by the dealership's delivery-membership process manager; a customer's card is their id.

const loyalty = (
  sim: Sim,
  c: SimCustomer,
  input: { readonly type: string; readonly data: object },
  correlationId?: string,
) =>
  attempt(sim, () =>
    sim.dealership.loyaltyPoints(
      { type: input.type, data: { memberId: c.id, ...input.data } },
      {
        actor: cashier,
        ...(correlationId === undefined ? {} : { correlationId }),
      },
    ),
  )

/** §4 会员积分计算: points on a repair order, parts invoice or the car itself, by the yuan. */
export const earnForSpend = (
  sim: Sim,
  c: SimCustomer,
  category: 'repair-order' | 'parts-invoice' | 'vehicle-purchase',
  documentId: string,
  amountFen: number,
) =>
  c.exitedProgramme
    ? Promise.resolve(null)
    : loyalty(
        sim,
        c,
        {
          type: 'EarnPointsForSpend',
          data: { document: { category, documentId }, amountFen, at: now(sim), by: cashier },
        },
        documentId,
      )

/** §4: a fixed award (a brand event's chips, for instance). */
export const award = (sim: Sim, c: SimCustomer, category: 'event', documentId: string, points: number) =>
  c.exitedProgramme
    ? Promise.resolve(null)
    : loyalty(sim, c, {
        type: 'AwardPoints',
        data: { document: { category, documentId }, points, at: now(sim), by: cashier },
      })

/** Points on the car itself: pending until the 30-day return window closes, then released. */
export const earnForPurchase = async (sim: Sim, c: SimCustomer, vin: string, priceFen: number) => {
  const documentId = `sale-${vin}`
  if ((await earnForSpend(sim, c, 'vehicle-purchase', documentId, priceFen)) === null) return
  sim.agenda.plan(nowMs(sim) + 30 * DAY, async () => {
    if (c.exitedProgramme) return
    await loyalty(sim, c, {
      type: 'ReleasePendingPoints',
      data: { document: { category: 'vehicle-purchase', documentId }, at: now(sim), by: cashier },
    })
  })
}

/** §4, §5: a refunded document takes back exactly what it earned (spent points become a debt). */
export const refund = (
  sim: Sim,
  c: SimCustomer,
  category: 'repair-order' | 'vehicle-purchase',
  documentId: string,
  reason: string,
) =>
  loyalty(
    sim,
    c,
    {
      type: 'RefundDocument',
      data: { document: { category, documentId }, reason, at: now(sim), by: cashier },
    },
    documentId,
  )

/** The monthly evaluation: expiry of lots past their time, pending releases, level reviews. */
export const evaluateMember = (sim: Sim, c: SimCustomer) =>
  attempt(sim, () =>
    sim.dealership.loyaltyPoints(
      { type: 'EvaluateMember', data: { memberId: c.id, at: now(sim), by: scheduler } },
      { actor: scheduler },
    ),
  )

/**
 * §4 会员积分用途: a member redeems points for a maintenance voucher, a discount or a gift — often
 * when the programme's own statement shows points about to expire (the CRM tells them).
 */
const redeem = async (sim: Sim, c: SimCustomer, points: number) => {
  const reward = sim.random.pick(['maintenance-voucher', 'maintenance-voucher', 'discount', 'gift'] as const)
  const redemptionId = `rd-${String(++sim.world.serial.redemption).padStart(6, '0')}`
  const done = await loyalty(sim, c, {
    type: 'RedeemPoints',
    data: { redemptionId, reward, points, reference: `voucher-${redemptionId}`, at: now(sim), by: cashier },
  })
  if (done !== null) c.redemptions++
}

/** How many points the member spends now, as their statement stands (0: none). */
const pointsToRedeem = (sim: Sim, statement: MemberStatement): number => {
  const available = statement.availablePoints
  if (available < 1_000) return 0
  const expiring = statement.expiringSoon.reduce((sum, lot) => sum + lot.remaining, 0)
  if (expiring > 0 && chance(sim, 0.45)) return Math.min(available, Math.max(expiring, 1_000))
  if (!chance(sim, 0.12)) return 0
  return Math.min(available, sim.random.int(5, 40) * 100 + Math.floor(available * sim.random.next() * 0.3))
}

/** §4, §5 prepaid cards: money in fen, topped up, spent at the workshop, sometimes refunded. */
export const prepaidStory = async (sim: Sim, c: SimCustomer) => {
  if (c.exitedProgramme) return
  const amountFen = sim.random.int(10, 50) * 10_000
  const reference = `prepaid-${String(++sim.world.serial.prepaid).padStart(5, '0')}`
  if (
    (await loyalty(sim, c, {
      type: 'TopUpPrepaid',
      data: { amountFen, reference, at: now(sim), by: cashier },
    })) === null
  )
    return
  let left = amountFen
  for (let i = 0; i < 3; i++) {
    const spend = Math.min(left, sim.random.int(5, 20) * 10_000)
    if (spend <= 0) break
    left -= spend
    sim.agenda.plan(nowMs(sim) + sim.random.int(20, 120) * DAY, async () => {
      if (!c.exitedProgramme)
        await loyalty(sim, c, {
          type: 'SpendPrepaid',
          data: { amountFen: spend, reference: `${reference}-spend-${i}`, at: now(sim), by: cashier },
        })
    })
  }
  if (left > 0 && chance(sim, 0.15))
    sim.agenda.plan(nowMs(sim) + sim.random.int(150, 200) * DAY, async () => {
      if (!c.exitedProgramme)
        await loyalty(sim, c, {
          type: 'RefundPrepaid',
          data: { amountFen: left, reference: `${reference}-refund`, at: now(sim), by: cashier },
        })
    })
}

/** §4 退出成本: the member asks for the exit statement, then confirms; points are forfeited, prepaid refunded. */
export const exitProgramme = async (sim: Sim, c: SimCustomer) => {
  if (c.exitedProgramme) return
  if ((await loyalty(sim, c, { type: 'RequestExitStatement', data: { at: now(sim), by: cashier } })) === null)
    return
  // The member reads the statement at the counter and confirms (a later change would need a new statement).
  sim.agenda.plan(nowMs(sim) + 10 * 60_000, async () => {
    if (
      (await loyalty(sim, c, {
        type: 'ConfirmExit',
        data: { prepaidRefundReference: `exit-${c.id}`, at: now(sim), by: cashier },
      })) !== null
    )
      c.exitedProgramme = true
  })
}

/**
 * Mid-month, from the member ledgers (with the points expiring within 30 days): redemptions, prepaid
 * cards, and the rare member who leaves the programme.
 */
export const loyaltyMonth = async (sim: Sim, midnight: number) => {
  const ledgers = await sim.views.memberLedgers()
  for (const c of sim.world.customers) {
    if (c.exitedProgramme) continue
    const statement = memberStatement(ledgers, c.id, instantOf(sim.clock.now()))
    if (statement === undefined || statement.status !== 'active') continue
    const at = during(sim, midnight + sim.random.int(0, 2) * DAY, 9, 18)
    const points = pointsToRedeem(sim, statement)
    if (points > 0) sim.agenda.plan(at, () => redeem(sim, c, points))
    const r = sim.random.next()
    if (r < 0.01) sim.agenda.plan(at, () => prepaidStory(sim, c))
    else if (r < 0.0125) sim.agenda.plan(at + 3_600_000, () => exitProgramme(sim, c))
  }
}
