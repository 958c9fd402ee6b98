import * as t from 'io-ts'
import { shortText } from './text.js'

/** A car model as the customer names it (速腾 Sagitar, 高尔夫 Golf). */
export const CarModel = shortText('CarModel', 40)
export type CarModel = t.TypeOf<typeof CarModel>

/** A body colour in words (白色 white, red): letters only, no digits or codes. */
export const Colour = t.refinement(t.string, (s) => /^[\p{L}][\p{L}\s-]{0,19}$/u.test(s), 'Colour')
export type Colour = t.TypeOf<typeof Colour>

export const Gearbox = t.keyof({ automatic: null, manual: null }, 'Gearbox')
export type Gearbox = t.TypeOf<typeof Gearbox>

/**
 * A car as a party describes it, model, colour and, where known, the gearbox (白色自动挡速腾): the
 * referee's purchase or the referrer's own car. The call-back's questions are checked against it.
 */
export const DescribedVehicle = t.type(
  { model: CarModel, colour: Colour, gearbox: t.union([Gearbox, t.null]) },
  'DescribedVehicle',
)
export type DescribedVehicle = t.TypeOf<typeof DescribedVehicle>
