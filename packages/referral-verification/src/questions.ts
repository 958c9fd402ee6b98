import * as t from 'io-ts'
import { CarModel, Colour, Gearbox } from './values.js'

/** Who the call-back phones, drawn at random (docs/domain.md §2.5, 随机确定回访新客户或老客户). */
export const Callee = t.keyof({ referee: null, referrer: null }, 'Callee')
export type Callee = t.TypeOf<typeof Callee>

/** What an open question asks the callee about the other party (seed 000: 工作单位、家庭住址、做什么生意). */
export const Topic = t.keyof(
  { workplace: null, 'home-area': null, business: null, 'how-they-know-each-other': null },
  'Topic',
)
export type Topic = t.TypeOf<typeof Topic>

/** A statement about the other party's car; any part left null is not asserted. */
export const AssertedVehicle = t.type(
  {
    model: t.union([CarModel, t.null]),
    colour: t.union([Colour, t.null]),
    gearbox: t.union([Gearbox, t.null]),
  },
  'AssertedVehicle',
)
export type AssertedVehicle = t.TypeOf<typeof AssertedVehicle>

/**
 * One call-back question (docs/domain.md §2.5): an open question the callee must answer, a confirmation of the
 * registered car, or a deliberately false statement about it that the callee must correct
 * ("Mr Zhang drives a black Jetta, right?").
 */
export const Question = t.union(
  [
    t.type({ kind: t.literal('ask'), topic: Topic }),
    t.type({ kind: t.literal('confirm-vehicle') }),
    t.type({ kind: t.literal('false-statement'), asserted: AssertedVehicle }),
  ],
  'Question',
)
export type Question = t.TypeOf<typeof Question>

/** The verifier's judgement of one answer; a false statement is answered right when the callee corrects it. */
export const Answer = t.keyof({ right: null, wrong: null }, 'Answer')
export type Answer = t.TypeOf<typeof Answer>
