import fc from 'fast-check'
import { vinCheckDigit } from '../codecs.js'

/** Raw values as a dealership's application sends them (instants in China time, `+08:00`). */

export const lifecycleCustomerIdArb = fc.constant('c-1')
export const lifecycleOtherCustomerArb = fc.constantFrom('c-2', 'c-3')

const staff: ReadonlyArray<{ readonly id: string; readonly role: string }> = [
  { id: 'sc-1', role: 'sales-consultant' },
  { id: 'cm-1', role: 'customer-manager' },
  { id: 'sa-1', role: 'service-advisor' },
  { id: 'cb-1', role: 'call-back-staff' },
]
export const lifecycleActorArb = fc.constantFrom(...staff)

const START = Date.parse('2024-01-01T02:00:00Z')
export const DAY = 86_400_000
export const china = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('.000Z', '+08:00')

/** A working-hours moment (China time) within four years from 2024. */
export const lifecycleAtArb = fc.integer({ min: 0, max: 1_500 }).map((d) => china(START + d * DAY))

/** A moment that may fall in the quiet hours. */
export const lifecycleAnyHourArb = fc
  .tuple(fc.integer({ min: 0, max: 1_500 }), fc.integer({ min: 0, max: 23 }))
  .map(([d, h]) => china(Date.parse('2024-01-01T00:00:00Z') - 8 * 3_600_000 + d * DAY + h * 3_600_000))

/** Mostly the customer's first car, sometimes a second or a car they never had; check digits valid. */
export const lifecycleVinArb = fc.oneof(
  { arbitrary: fc.constant('LSGKB54U0BA123456'), weight: 6 },
  { arbitrary: fc.constantFrom('LFV2A21K5G3045678', 'WDDGF8AB8EA912345'), weight: 1 },
)

/** Any well-formed VIN carrying its check digit at position 9 (GB 16735). */
export const lifecycleAnyVinArb = fc
  .stringMatching(/^[A-HJ-NPR-Z0-9]{17}$/)
  .map((v) => `${v.slice(0, 8)}${vinCheckDigit(v)}${v.slice(9)}`)

/** A well-formed VIN whose 9th character is not its check digit. */
export const lifecycleWrongCheckDigitVinArb = fc
  .tuple(lifecycleAnyVinArb, fc.constantFrom(...'0123456789X'))
  .filter(([v, digit]) => v[8] !== digit)
  .map(([v, digit]) => `${v.slice(0, 8)}${digit}${v.slice(9)}`)
export const lifecyclePhoneArb = fc
  .integer({ min: 3, max: 9 })
  .chain((second) => fc.stringMatching(/^\d{9}$/).map((rest) => `1${second}${rest}`))

/** VINs a codec must refuse: wrong length, I/O/Q, lower case. */
export const lifecycleBadVinArb = fc.oneof(
  fc.stringMatching(/^[A-HJ-NPR-Z0-9]{1,16}$/),
  fc.stringMatching(/^[A-HJ-NPR-Z0-9]{18,20}$/),
  fc
    .tuple(fc.stringMatching(/^[A-HJ-NPR-Z0-9]{16}$/), fc.constantFrom('I', 'O', 'Q'))
    .map(([s, bad]) => s + bad),
  fc.stringMatching(/^[a-hj-npr-z]{17}$/),
)

/** Phone numbers a codec must refuse. */
export const lifecycleBadPhoneArb = fc.oneof(
  fc.stringMatching(/^1[3-9]\d{0,8}$/),
  fc.stringMatching(/^1[0-2]\d{9}$/),
  fc.stringMatching(/^[2-9]\d{10}$/),
  fc.stringMatching(/^1[3-9]\d{8}[a-z]$/),
)
