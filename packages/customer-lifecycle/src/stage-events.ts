import { CustomerId, elapsedDays, eventType, Instant, later, Text } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { WholeNumber } from './codecs.js'
import { LifecycleActor } from './roles.js'
import { IntervalBasis, LifecycleStage, OwnerStage, StageCause } from './vocabulary.js'

const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])
const Days = WholeNumber

const StageEvidenceV1 = t.type({
  lastVisitAt: Nullable(Instant),
  lastDeliveryAt: Nullable(Instant),
  projectedDueDate: Nullable(Instant),
  daysSinceLastVisit: Nullable(Days),
  daysOverdue: Days,
  expectedIntervalDays: Nullable(Days),
  intervalBasis: IntervalBasis,
  atRiskAfterDays: Days,
  lostAfterDays: Days,
  vehiclesOwned: Days,
  policyVersion: t.string,
})

/**
 * Why a customer is in a stage: enough to explain and audit it (docs/domain.md §5). The thresholds
 * are measured from `lastSeenAt`, the later of the last visit and the last delivery.
 */
export const StageEvidence = t.type({
  ...StageEvidenceV1.props,
  lastSeenAt: Nullable(Instant),
  daysSinceLastSeen: Nullable(Days),
  /** The latest time the customer said they went elsewhere (docs/domain.md §1 stage 7), or null. */
  saidWentElsewhereAt: Nullable(Instant),
  /** Null on events recorded before v2, which did not carry it (the policy version names it). */
  neverServicedAfterDays: Nullable(Days),
})
export type StageEvidence = t.TypeOf<typeof StageEvidence>

const stageChangedV1 = eventType(
  'StageChanged',
  t.type({
    customerId: CustomerId,
    at: Instant,
    from: LifecycleStage,
    to: LifecycleStage,
    cause: t.keyof({ delivery: null, 'service-visit': null, evaluation: null, 'ownership-transfer': null }),
    evidence: StageEvidenceV1,
    probationEndsAt: Nullable(Instant),
  }),
)

/**
 * v2 adds `lastSeenAt`, `daysSinceLastSeen`, `saidWentElsewhereAt` and `neverServicedAfterDays` to
 * the evidence, and the cause `inbound-contact`. A v1 event is read with the point the thresholds
 * were measured from (the later of its last visit and last delivery, as v1 measured them), no
 * statement of going elsewhere (v1 had none), and the never-serviced threshold unknown.
 */
export const stageChanged = stageChangedV1.upgrade(
  t.type({
    customerId: CustomerId,
    at: Instant,
    from: LifecycleStage,
    to: LifecycleStage,
    cause: StageCause,
    evidence: StageEvidence,
    probationEndsAt: Nullable(Instant),
  }),
  (v1) => {
    const { lastVisitAt, lastDeliveryAt } = v1.evidence
    const lastSeenAt =
      lastVisitAt === null
        ? lastDeliveryAt
        : lastDeliveryAt === null
          ? lastVisitAt
          : later(lastVisitAt, lastDeliveryAt)
    return {
      ...v1,
      evidence: {
        ...v1.evidence,
        lastSeenAt,
        daysSinceLastSeen: lastSeenAt === null ? null : elapsedDays(lastSeenAt, v1.at),
        saidWentElsewhereAt: null,
        neverServicedAfterDays: null,
      },
    }
  },
)

export const stageOverridden = eventType(
  'StageOverridden',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    from: LifecycleStage,
    to: OwnerStage,
    reason: Text,
    expiresAt: Instant,
  }),
)

export const stageOverrideExpired = eventType(
  'StageOverrideExpired',
  t.type({ customerId: CustomerId, at: Instant, stage: LifecycleStage, expiredAt: Instant }),
)

export const lifecycleEvaluated = eventType(
  'LifecycleEvaluated',
  t.type({ customerId: CustomerId, at: Instant, stage: LifecycleStage, policyVersion: t.string }),
)
