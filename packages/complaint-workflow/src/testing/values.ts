import fc from 'fast-check'
import type * as t from 'io-ts'
import { ComplaintCommand } from '../commands.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from '../policy.js'
import { type ComplaintRole, complaintRoles } from '../roles.js'
import { Compensation, Explanation } from '../vocabulary.js'

// fast-check arbitraries for users who property-test the rules against their own policies
// (ARCHITECTURE.md "Who uses it": property-test the rules). Exported as
// "@dealer-crm/complaint-workflow/testing". Commands are built as the application receives them
// (plain JSON, `ComplaintCommandInput`) and decoded with the package's own codec.

/** A complaint command as untrusted input carries it: plain strings and numbers, before decoding. */
export type ComplaintCommandInput = t.OutputOf<typeof ComplaintCommand>

/** Who acted, as a command's input carries it. */
export interface ComplaintActorInput {
  readonly id: string
  readonly role: ComplaintRole
}

/** The value a codec decodes `input` to; an arbitrary that builds what its codec refuses is a bug, so it throws. */
export const decodedBy =
  <A, O>(codec: t.Type<A, O, unknown>) =>
  (input: O): A => {
    const decoded = codec.decode(input)
    if (decoded._tag === 'Left')
      throw new Error(`${codec.name}: the arbitrary built ${JSON.stringify(input)}`)
    return decoded.right
  }

/** The command a complaint command input decodes to. */
export const decodedComplaintCommand = decodedBy(ComplaintCommand)

/** Records with an ordinary prototype, like commands decoded from JSON (fast-check may make them null-prototype). */
export const plainRecord = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true })

/** The keys of an io-ts `keyof` codec. */
export const keysOf = <K extends string>(codec: {
  readonly keys: Readonly<Record<K, unknown>>
}): ReadonlyArray<K> => Object.keys(codec.keys).filter((k): k is K => k in codec.keys)

export const complaintIdArb = fc.constantFrom('complaint-0001', 'complaint-0002')

/** A member of staff in any role of `complaintRoles`. */
export const complaintActorArb: fc.Arbitrary<ComplaintActorInput> = plainRecord({
  id: fc.constantFrom('advisor-wang', 'manager-li', 'director-zhao', 'gm-zhou', 'callback-chen'),
  role: fc.constantFrom(...complaintRoles),
})

/** Mostly someone senior enough to approve, so sequences reach the later steps. */
export const complaintManagerArb: fc.Arbitrary<ComplaintActorInput> = plainRecord({
  id: fc.constantFrom('manager-li', 'director-zhao', 'gm-zhou'),
  role: fc.constantFrom(
    'service-manager' as const,
    'after-sales-director' as const,
    'general-manager' as const,
  ),
})

export const complaintCustomerIdArb = fc.constantFrom('customer-0007', 'customer-0042')

/** Free text a clerk might type; sometimes a media or 12315 threat (docs/domain.md §5 Complaints). */
export const complaintNoteArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('空调异响', 'The noise is back', 'Waiting for the blower motor', '价格报错'),
  },
  { weight: 1, arbitrary: fc.constantFrom('我要找媒体曝光', 'I will call 12315', 'my lawyer will write') },
)

type CompensationInput = t.OutputOf<typeof Compensation>

const compensationInputArb: fc.Arbitrary<CompensationInput> = fc.oneof(
  plainRecord({ kind: fc.constant('apology' as const), givenBy: fc.constantFrom(...complaintRoles) }),
  plainRecord({
    kind: fc.constant('discount' as const),
    percent: fc.integer({ min: 1, max: 100 }),
    onAmount: fc.integer({ min: 0, max: 800_000 }),
  }),
  plainRecord({
    kind: fc.constant('price-correction' as const),
    amount: fc.integer({ min: 0, max: 600_000 }),
  }),
  plainRecord({
    kind: fc.constant('service-voucher' as const),
    amount: fc.integer({ min: 0, max: 200_000 }),
  }),
  plainRecord({ kind: fc.constant('goodwill-points' as const), points: fc.integer({ min: 1, max: 50_000 }) }),
)

/** Typed compensation, with values on both sides of the default approval tiers. */
export const complaintCompensationArb: fc.Arbitrary<Compensation> = compensationInputArb.map(
  decodedBy(Compensation),
)

/**
 * One compensation item worth exactly a tier's limit, one fen below or one fen above it (docs/domain.md §3:
 * "compensation above a policy limit needs approval by a higher role"), as a price correction, a service
 * voucher or goodwill points; so the approval tier at its bound is tested on purpose, not by chance.
 */
export const complaintCompensationAtTierLimitsArb = (
  policy: ComplaintPolicy = defaultComplaintPolicy,
): fc.Arbitrary<Compensation> => {
  const limits = policy.approvalTiers.flatMap((t) => (t.upToFen === null ? [] : [t.upToFen]))
  const values = [...new Set(limits.flatMap((l) => [l - 1, l, l + 1]))].filter((v) => v > 0)
  if (values.length === 0) return complaintCompensationArb
  const value = fc.constantFrom(...values)
  const perPoint = policy.fenPerGoodwillPoint
  return fc
    .oneof(
      value.map((amount): CompensationInput => ({ kind: 'price-correction', amount })),
      value.map((amount): CompensationInput => ({ kind: 'service-voucher', amount })),
      ...(perPoint > 0
        ? [
            value
              .filter((v) => v % perPoint === 0)
              .map((v): CompensationInput => ({ kind: 'goodwill-points', points: v / perPoint })),
          ]
        : []),
    )
    .map(decodedBy(Compensation))
}

const explanationInputArb: fc.Arbitrary<t.OutputOf<typeof Explanation>> = fc.oneof(
  plainRecord({
    kind: fc.constant('standard-price-list' as const),
    summary: fc.constant('The standard parts price list'),
  }),
  plainRecord({
    kind: fc.constant('technical-explanation' as const),
    summary: fc.constant('Why the blower failed'),
  }),
)

export const complaintExplanationArb: fc.Arbitrary<Explanation> = explanationInputArb.map(
  decodedBy(Explanation),
)

/** Compensation and explanations as a command's input carries them. */
export const complaintProposalInputArb = (policy: ComplaintPolicy) =>
  plainRecord({
    compensation: fc.oneof(
      { weight: 3, arbitrary: fc.array(compensationInputArb, { maxLength: 3 }) },
      {
        weight: 1,
        arbitrary: complaintCompensationAtTierLimitsArb(policy).map((c) => [Compensation.encode(c)]),
      },
    ),
    explanations: fc.array(explanationInputArb, { maxLength: 2 }),
  })
