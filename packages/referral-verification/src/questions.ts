import * as t from 'io-ts'
import { CarModel, Colour, Gearbox } from './vehicle.js'

/** Who the call-back phones, drawn at random (docs/domain.md §2.5, 随机确定回访新客户或老客户). */
export const Callee = t.keyof({ referee: null, referrer: null }, 'Callee')
export type Callee = t.TypeOf<typeof Callee>

/** What an open question asks the callee about the other party (seed 000: 工作单位、家庭住址、做什么生意). */
export const CallBackTopic = t.keyof(
  { workplace: null, 'home-area': null, business: null, 'how-they-know-each-other': null },
  'CallBackTopic',
)
export type CallBackTopic = t.TypeOf<typeof CallBackTopic>

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
export const CallBackQuestion = t.union(
  [
    t.type({ kind: t.literal('ask'), topic: CallBackTopic }),
    t.type({ kind: t.literal('confirm-vehicle') }),
    t.type({ kind: t.literal('false-statement'), asserted: AssertedVehicle }),
  ],
  'CallBackQuestion',
)
export type CallBackQuestion = t.TypeOf<typeof CallBackQuestion>

/** The verifier's judgement of one answer; a false statement is answered right when the callee corrects it. */
export const CallBackAnswer = t.keyof({ right: null, wrong: null }, 'CallBackAnswer')
export type CallBackAnswer = t.TypeOf<typeof CallBackAnswer>

/** The callee and the questions, drawn by the application's `Random` (`drawCallBack`) and put in `ScheduleCallBack`. */
export const CallBackDraw = t.type({ callee: Callee, questions: t.array(CallBackQuestion) }, 'CallBackDraw')
export type CallBackDraw = t.TypeOf<typeof CallBackDraw>
