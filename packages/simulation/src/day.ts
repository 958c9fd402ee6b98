import { annualReception, brandEvent, churnRiskCalls, greetings, optOuts, reviewValue } from './care.js'
import { evaluateComplaints } from './complaints.js'
import { loyaltyMonth } from './loyalty.js'
import { evaluateLifecycle, evaluateLoyalty } from './schedulers.js'
import { chinaMonthDay, DAY, HOUR, weekday } from './time.js'
import { moveTo, type Sim } from './world.js'

// One simulated day: the morning's planning, the business day from the agenda, the night's runs.

/** Days (from the start) of the quarter's brand events. */
const brandEventDays = [75, 165, 255, 345]

/** The morning, before the doors open: who to greet, call, invite and review today. */
const morning = async (sim: Sim, day: number, midnight: number, days: number) => {
  moveTo(sim, midnight + 8 * HOUR)
  const { month, day: dayOfMonth } = chinaMonthDay(midnight)
  await optOuts(sim, midnight)
  await greetings(sim, midnight)
  if (weekday(midnight) === 1) await churnRiskCalls(sim, midnight)
  for (const eventDay of brandEventDays)
    if (eventDay < days && day === Math.max(0, eventDay - 14))
      await brandEvent(sim, midnight + (eventDay - day) * DAY)
  if (dayOfMonth === 15) await loyaltyMonth(sim, midnight)
  if (day === Math.floor(days / 2) || day === days - 1) await reviewValue(sim)
  if (month === 12 && dayOfMonth === 1) await annualReception(sim, midnight + 14 * DAY)
}

/**
 * The night: the process managers catch up with the day; the SLA scheduler records breaches; on
 * the first of the month (and on the first and last day) the lifecycle and loyalty schedulers run.
 */
const night = async (sim: Sim, day: number, midnight: number, days: number) => {
  moveTo(sim, midnight + 22 * HOUR + 30 * 60_000)
  await sim.dealership.runProcessManagers()
  await evaluateComplaints(sim)
  if (day === 0 || chinaMonthDay(midnight).day === 1 || day === days - 1) {
    moveTo(sim, midnight + 23 * HOUR + 30 * 60_000)
    await evaluateLifecycle(sim)
    await evaluateLoyalty(sim)
    await sim.dealership.runProcessManagers()
  }
}

export const simulateDay = async (sim: Sim, day: number, days: number) => {
  const midnight = sim.start + day * DAY
  await morning(sim, day, midnight, days)
  await sim.agenda.runUntil(midnight + 22 * HOUR)
  await night(sim, day, midnight, days)
  await sim.agenda.runUntil(midnight + DAY)
}
