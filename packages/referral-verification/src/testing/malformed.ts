import fc from 'fast-check'
import type { ReferralCommand } from '../commands.js'
import { commandInputArbs } from './commands.js'

const MISSING = Symbol('missing')

/** One way to break a command, and the field path its refusal must name. */
export interface ReferralCommandBreakage {
  readonly type: ReferralCommand['type']
  readonly path: ReadonlyArray<string>
  readonly value: unknown
}

const breakages: ReadonlyArray<ReferralCommandBreakage> = [
  { type: 'RegisterReferral', path: ['data', 'referrer', 'phone'], value: '12345' },
  { type: 'RegisterReferral', path: ['data', 'referee', 'phone'], value: 'call me' },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'vehicle', 'colour'], value: '#ffffff' },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'vehicle', 'model'], value: MISSING },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'name'], value: MISSING },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'phoneHash'], value: '13800138000' },
  { type: 'RegisterReferral', path: ['data', 'referee', 'customerId'], value: '' },
  { type: 'RegisterReferral', path: ['data', 'at'], value: 'yesterday' },
  { type: 'ScreenReferral', path: ['data', 'ownersReferral'], value: 'yes' },
  { type: 'ScreenReferral', path: ['data', 'by', 'role'], value: 'janitor' },
  { type: 'CheckAtDelivery', path: ['data', 'licenceMatches'], value: MISSING },
  { type: 'ScheduleCallBack', path: ['data', 'draw', 'callee'], value: 'neighbour' },
  { type: 'ScheduleCallBack', path: ['data', 'verifierId'], value: 42 },
  { type: 'RecordCallBackAnswers', path: ['data', 'answers', '1'], value: 'maybe' },
  { type: 'RecordCallBackUnreachable', path: ['data', 'at'], value: '2026-13-01T00:00:00Z' },
  { type: 'ReleaseReward', path: ['data', 'kind'], value: 'cash' },
  { type: 'ReleaseReward', path: ['data', 'referrerStanding', 'successfulReferralsBefore'], value: -1 },
  { type: 'RecordSaleReturned', path: ['data', 'outcome'], value: 'lost' },
  { type: 'ReopenReferral', path: ['data', 'reason'], value: '   ' },
  { type: 'CloseManualReview', path: ['data', 'by'], value: MISSING },
]

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

const withField = (input: unknown, path: ReadonlyArray<string>, value: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (Array.isArray(input)) return input.map((v, i) => (String(i) === head ? withField(v, rest, value) : v))
  const record: Record<string, unknown> = isRecord(input) ? { ...input } : {}
  if (rest.length === 0 && value === MISSING) delete record[head]
  else record[head] = withField(record[head], rest, value)
  return record
}

/** Malformed input for one breakage: a random command of its type with that one field broken. */
export const malformedReferralCommandFor = (
  breakage: ReferralCommandBreakage,
): fc.Arbitrary<{ readonly type: string; readonly input: unknown; readonly path: string }> => {
  return commandInputArbs({})[breakage.type].arbitrary.map((input) => ({
    type: breakage.type,
    input: withField(input, breakage.path, breakage.value),
    path: breakage.path.join('.'),
  }))
}

/** Malformed command input, with the path of the field its refusal must name. */
export const malformedReferralCommandArb: fc.Arbitrary<{
  readonly type: string
  readonly input: unknown
  readonly path: string
}> = fc.constantFrom(...breakages).chain(malformedReferralCommandFor)

/**
 * Every way `malformedReferralCommandArb` breaks a command, covering every command type: a test that must
 * see each one iterates these with `malformedReferralCommandFor` rather than hoping a random draw reaches it.
 */
export const referralCommandBreakages: ReadonlyArray<ReferralCommandBreakage> = breakages
