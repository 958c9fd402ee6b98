import { contactThisWeek } from '@dealer-crm/customer-lifecycle'
import { instantOf } from '@dealer-crm/eventsourcing'
import { contact } from './contact.js'
import { award } from './loyalty.js'
import { visit } from './service.js'
import { callBackStaff, customerManagers, scheduler, showroomManager } from './staff.js'
import { chinaMonthDay, DAY, iso, midnightOf } from './time.js'
import { attempt, chance, during, now, nowMs, type Sim, type SimCustomer } from './world.js'

// Care touchpoints (docs/domain.md §1 跟踪与维护老客户, seed 003) and consent (§5): the weekly churn-risk
// calls that win customers back, greetings, brand-event invitations and VIP care — each on a channel
// the customer's consent allows — and the customers who opt out.

/** The chance a reached customer of each stage books a visit after the call. */
const comesBack: Readonly<Record<string, number>> = {
  'at-risk': 0.45,
  lost: 0.25,
  declining: 0.5,
  'never-serviced': 0.35,
  'won-back': 0.3,
}

/**
 * Monday morning (docs/domain.md §1 stage 6: 发现即将流失的客户,并采取相应的行动留住客户): the customer
 * managers take this week's list from the churn-risk read model and call, most urgent first, as many
 * as they have time for. A reached customer may book a visit: that visit wins them back.
 */
export const churnRiskCalls = async (sim: Sim, weekStart: number) => {
  const list = contactThisWeek(await sim.views.churnRisk(), instantOf(weekStart))
  const capacity = Math.max(5, Math.round(45 * sim.scale))
  let calls = 0
  for (const entry of list) {
    if (calls >= capacity) break
    const c = sim.world.byId.get(entry.customerId)
    const v = c?.vehicles[0]
    // A customer manager does not call the same customer again within two months.
    if (c === undefined || v === undefined || weekStart - c.lastCareCallAt < 60 * DAY) continue
    calls++
    const manager = sim.random.pick(customerManagers)
    const offer = entry.stage === 'lost' || entry.stage === 'at-risk'
    const due = during(sim, weekStart + sim.random.int(0, 4) * DAY, 9, 18)
    c.lastCareCallAt = weekStart
    const reached = async (outcome: string) => {
      const calledAt = nowMs(sim)
      const gone = calledAt >= c.defectsAt
      const p = (comesBack[entry.stage] ?? 0.3) * (gone ? 0.5 : 1)
      if ((outcome !== 'reached' && outcome !== 'appointment-booked') || !chance(sim, p)) return
      sim.agenda.plan(during(sim, midnightOf(due) + sim.random.int(2, 15) * DAY, 9, 17), async () => {
        // Not if the car was serviced since the call (the owner came in on their own).
        if (!c.vehicles.includes(v) || (v.lastVisitAt ?? 0) > calledAt) return
        // Won back (docs/domain.md §5: won-back customers churn again more often): some leave again.
        if (gone)
          c.defectsAt = chance(sim, 0.35)
            ? nowMs(sim) + sim.random.int(60, 300) * DAY
            : Number.POSITIVE_INFINITY
        await visit(sim, c, v)
      })
    }
    const outcomeOf = () => {
      const r = sim.random.next()
      return r < 0.15
        ? ('appointment-booked' as const)
        : r < 0.6
          ? ('reached' as const)
          : r < 0.9
            ? ('not-reached' as const)
            : ('declined' as const)
    }
    // A win-back offer where the customer takes marketing; otherwise a call asking about the car.
    const planned = offer ? await contact(sim, c, 'offer', due, manager, outcomeOf, reached) : null
    if (planned === null) await contact(sim, c, 'periodic-call-back', due, manager, outcomeOf, reached)
  }
}

/** Spring Festival, by year (China's calendar moves it); other holidays are fixed. */
const springFestival: Readonly<Record<number, string>> = {
  2025: '01-29',
  2026: '02-17',
  2027: '02-06',
  2028: '01-26',
  2029: '02-13',
  2030: '02-03',
}

const isHoliday = (ms: number): boolean => {
  const { month, day } = chinaMonthDay(ms)
  const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  const year = new Date(ms + 8 * 3_600_000).getUTCFullYear()
  return md === '10-01' || md === '05-01' || springFestival[year] === md
}

/** Every morning: birthday and holiday greetings to owners who opted into marketing (生日、节日祝福). */
export const greetings = async (sim: Sim, midnight: number) => {
  const { month, day } = chinaMonthDay(midnight)
  const today = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  const holiday = isHoliday(midnight)
  for (const c of sim.world.customers) {
    if (c.vehicles.length === 0) continue
    const birthday = c.identity.birthday?.slice(5) === today
    if (!birthday && !holiday) continue
    if (c.marketing.size === 0) continue
    await contact(
      sim,
      c,
      birthday ? 'birthday-greeting' : 'holiday-greeting',
      during(sim, midnight, 9, 11),
      c.consultant,
      () => 'reached',
    )
  }
}

/**
 * A brand event (seed 002: a brand event gave game chips convertible into points): invitations to a
 * share of the owners who take marketing; those who come earn event points.
 */
export const brandEvent = async (sim: Sim, eventDay: number) => {
  const eventId = `event-${iso(eventDay).slice(0, 10)}`
  for (const c of sim.world.customers) {
    if (c.vehicles.length === 0 || c.marketing.size === 0 || !chance(sim, 0.3)) continue
    await contact(
      sim,
      c,
      'event-invitation',
      during(sim, eventDay - sim.random.int(7, 14) * DAY, 10, 18),
      c.consultant,
      () => (chance(sim, 0.7) ? 'reached' : 'not-reached'),
      async (outcome) => {
        if (outcome !== 'reached' || !chance(sim, 0.4)) return
        sim.agenda.plan(during(sim, eventDay, 10, 16), async () => {
          await award(sim, c, 'event', `${eventId}-${c.id}`, 500)
        })
      },
    )
  }
}

const channels = ['sms', 'call', 'wechat'] as const

/** §5 Consent: an opt-out is always recorded, on every channel of the purpose. */
const withdraw = async (
  sim: Sim,
  c: SimCustomer,
  purpose: 'marketing' | 'service-reminder' | 'survey',
  only?: 'call',
) => {
  for (const channel of channels) {
    if (only !== undefined && channel !== only) continue
    await attempt(sim, () =>
      sim.dealership.customerLifecycle(
        {
          type: 'WithdrawConsent',
          data: { customerId: c.id, at: now(sim), by: c.consultant, purpose, channel, source: 'phone-call' },
        },
        { actor: c.consultant },
      ),
    )
    if (purpose === 'marketing') c.marketing.delete(channel)
  }
}

/**
 * Customers who tell the dealer to stop: over a year about 8% opt out of marketing, 1.5% of service
 * reminders and 1% of survey calls. From then on they get none of it — the consent audit shows it.
 */
export const optOuts = async (sim: Sim, midnight: number) => {
  for (const c of sim.world.customers) {
    if (c.identity.kind === 'company') continue
    const r = sim.random.next() * 365
    if (r >= 0.105) continue
    sim.agenda.plan(during(sim, midnight, 9, 19), () =>
      r < 0.08
        ? withdraw(sim, c, 'marketing')
        : r < 0.095
          ? withdraw(sim, c, 'service-reminder')
          : withdraw(sim, c, 'survey', 'call'),
    )
  }
}

/**
 * Twice a year: the 80/20 value tier (seed 003) from the last twelve months' spend, and VIP care —
 * the top spenders are flagged VIP and get a gift from their consultant.
 */
export const reviewValue = async (sim: Sim) => {
  const at = nowMs(sim)
  const windowFrom = iso(at - 365 * DAY)
  const owners = sim.world.customers
    .filter((c) => c.vehicles.length > 0)
    .map((c) => ({
      c,
      value: c.repairOrders.filter((ro) => ro.at > at - 365 * DAY).reduce((n, ro) => n + ro.amountFen, 0),
    }))
    .sort((a, b) => b.value - a.value || a.c.id.localeCompare(b.c.id))
  const vips = Math.max(1, Math.round(owners.length * 0.03))
  for (const [i, { c, value }] of owners.entries()) {
    await attempt(sim, () =>
      sim.dealership.customerLifecycle(
        {
          type: 'AssignValueTier',
          data: {
            customerId: c.id,
            at: now(sim),
            by: scheduler,
            valueFen: value,
            rank: i + 1,
            portfolioSize: owners.length,
            windowFrom,
            windowTo: now(sim),
          },
        },
        { actor: scheduler },
      ),
    )
    if (i >= vips || c.vip) continue
    c.vip = true
    await attempt(sim, () =>
      sim.dealership.customerLifecycle(
        {
          type: 'SetAccountFlag',
          data: {
            customerId: c.id,
            at: now(sim),
            by: showroomManager,
            flag: 'vip',
            value: true,
            reason: 'top 3% by service spend',
          },
        },
        { actor: showroomManager },
      ),
    )
    await contact(
      sim,
      c,
      'vip-gift',
      during(sim, midnightOf(at) + sim.random.int(3, 10) * DAY, 10, 17),
      c.consultant,
      () => 'reached',
    )
  }
}

/** December: the annual reception for VIP, big-account and key-tier customers (seed 003 年度招待会). */
export const annualReception = async (sim: Sim, receptionDay: number) => {
  const caller = sim.random.pick(callBackStaff)
  for (const c of sim.world.customers) {
    if (!c.vip && (c.identity.kind !== 'company' || c.vehicles.length === 0)) continue
    await contact(sim, c, 'annual-reception', during(sim, receptionDay - 14 * DAY, 10, 17), caller, () =>
      chance(sim, 0.8) ? 'reached' : 'declined',
    )
  }
}
