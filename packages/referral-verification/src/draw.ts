import { isErased, type Random } from '@dealer-crm/eventsourcing'
import type { AssertedVehicle, CallBackDraw, CallBackQuestion, CallBackTopic, Callee } from './questions.js'
import type { Referral } from './state.js'
import type { DescribedVehicle } from './vehicle.js'

/** Common models and colours a false statement borrows from (seed 000: "a black Jetta"). */
const decoyModels = ['Jetta', 'Sagitar', 'Golf', 'Passat', 'Lavida', 'Bora', 'Magotan', 'Tiguan']
const decoyColours = ['black', 'white', 'red', 'silver', 'grey', 'blue']
const topics: ReadonlyArray<CallBackTopic> = [
  'workplace',
  'home-area',
  'business',
  'how-they-know-each-other',
]

const differentFrom = (random: Random, options: ReadonlyArray<string>, actual: string): string =>
  random.pick(options.filter((o) => o.toLowerCase() !== actual.trim().toLowerCase()))

/** A statement about the car that is wrong in model and colour, like "a black Jetta" for a white Sagitar. */
const falseStatement = (random: Random, car: DescribedVehicle): CallBackQuestion => {
  const asserted: AssertedVehicle = {
    model: differentFrom(random, decoyModels, car.model),
    colour: differentFrom(random, decoyColours, car.colour),
    gearbox: null,
  }
  return { kind: 'false-statement', asserted }
}

const shuffled = <T>(random: Random, items: ReadonlyArray<T>): ReadonlyArray<T> => {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i)
    const here = out[i]
    const there = out[j]
    if (here !== undefined && there !== undefined) {
      out[i] = there
      out[j] = here
    }
  }
  return out
}

/**
 * The application's half of docs/domain.md §2.5: draw the callee and the questions with its injected `Random`,
 * under the referral's own policy, and put the draw in `ScheduleCallBack` so the decision is replayable.
 * Returns null when the facts to ask about were erased.
 */
export const drawCallBack = (random: Random, referral: Referral): CallBackDraw | null => {
  const callee: Callee = random.pick<Callee>(['referee', 'referrer'])
  const about = callee === 'referee' ? referral.referrer : referral.referee
  if (isErased(about.vehicle)) return null
  const { questionsAtLeast, questionsAtMost, falseStatementsAtLeast } = referral.policy
  const count = random.int(questionsAtLeast, Math.max(questionsAtLeast, questionsAtMost))
  const car = about.vehicle
  const others: ReadonlyArray<CallBackQuestion> = [
    ...shuffled(random, topics).map((topic): CallBackQuestion => ({ kind: 'ask', topic })),
    { kind: 'confirm-vehicle' },
  ]
  const open = Math.min(count - Math.min(falseStatementsAtLeast, count), others.length)
  const questions = [
    ...others.slice(0, open),
    ...Array.from({ length: count - open }, () => falseStatement(random, car)),
  ]
  return { callee, questions: [...shuffled(random, questions)] }
}
