import { type CustomerId, type Decider, epochMs, type Instant, isBefore } from '@dealer-crm/eventsourcing'
import { right } from 'fp-ts/lib/Either.js'
import { hasVinCheckDigit, vinCheckDigit } from './codecs.js'
import type { LifecycleCommand } from './commands.js'
import {
  cancelTouchpoint,
  grantConsent,
  planTouchpoint,
  recordSatisfaction,
  recordTouchpointOutcome,
  withdrawConsent,
} from './decisions/care.js'
import { type Decision, none, type Rule, refuse } from './decisions/rule.js'
import type { LifecycleError } from './errors.js'
import type { LifecycleEvent, StageChanged } from './events.js'
import { defaultLifecyclePolicy, type LifecyclePolicy } from './policy.js'
import { contactStyleOf, rfmSegmentOf, valueTierOf, valueWindow } from './segments.js'
import { nextStage } from './stage.js'
import { evolve, initialLifecycleState, type LifecycleState } from './state.js'
import type { StageCause } from './vocabulary.js'

/** The rules of the customer lifecycle, one function per command (docs/domain.md §1, §5). */
export const decideWith =
  (policy: LifecyclePolicy) =>
  (command: LifecycleCommand, state: LifecycleState): Decision => {
    if (command.type === 'RegisterProspect') return registerProspect(command, state, policy)
    if (state.customerId === null)
      return refuse('NotRegistered', `customer ${command.data.customerId} is not registered yet`)
    if (state.customerId !== command.data.customerId)
      return refuse(
        'NotThisCustomer',
        `the command is for customer ${command.data.customerId}, not ${state.customerId}`,
      )
    switch (command.type) {
      case 'RecordFamilyMember':
        return recordFamilyMember(command, state, policy)
      case 'RecordDelivery':
        return recordDelivery(command, state, policy)
      case 'RecordServiceVisit':
        return recordServiceVisit(command, state, policy)
      case 'TransferOwnership':
        return transferOwnership(command, state, policy)
      case 'SetAccountFlag':
        return setAccountFlag(command, state, policy)
      case 'AssignCustomerManager':
        return assignCustomerManager(command, state, policy)
      case 'ReassignCustomerManager':
        return reassignCustomerManager(command, state, policy)
      case 'EvaluateCustomer':
        return evaluateCustomer(command, state, policy)
      case 'OverrideStage':
        return overrideStage(command, state, policy)
      case 'AssignValueTier':
        return assignValueTier(command, state, policy)
      case 'ScoreRfm':
        return scoreRfm(command, state, policy)
      case 'RecordPersonalityType':
        return recordPersonalityType(command, state, policy)
      case 'AssessReferralPotential':
        return assessReferralPotential(command, state, policy)
      case 'RecordInboundContact':
        return recordInboundContact(command, state, policy)
      case 'PlanTouchpoint':
        return planTouchpoint(command, state, policy)
      case 'RecordTouchpointOutcome':
        return recordTouchpointOutcome(command, state, policy)
      case 'CancelTouchpoint':
        return cancelTouchpoint(command, state, policy)
      case 'GrantConsent':
        return grantConsent(command, state, policy)
      case 'WithdrawConsent':
        return withdrawConsent(command, state, policy)
      case 'RecordSatisfaction':
        return recordSatisfaction(command, state, policy)
    }
  }

/** Facts that move the lifecycle clock arrive in time order: nothing before the last evaluation. */
const beforeLastEvaluation = (at: Instant, s: LifecycleState): Decision | null =>
  s.lastEvaluatedAt !== null && isBefore(at, s.lastEvaluatedAt)
    ? refuse(
        'BeforeLastEvaluation',
        `${at} is earlier than the customer's last evaluation (${s.lastEvaluatedAt}); record it with a later time`,
      )
    : null

/** The stage change a fact or an evaluation brings, with its evidence (docs/domain.md §5). */
const stageChange = (
  customerId: CustomerId,
  before: LifecycleState,
  after: LifecycleState,
  at: Instant,
  cause: StageCause,
  policy: LifecyclePolicy,
): ReadonlyArray<StageChanged> => {
  const move = nextStage(after, at, policy)
  return move.to === before.stage && move.probationEndsAt === before.probationEndsAt
    ? []
    : [
        {
          type: 'StageChanged',
          data: {
            customerId,
            at,
            from: before.stage,
            to: move.to,
            cause,
            evidence: move.evidence,
            probationEndsAt: move.probationEndsAt,
          },
        },
      ]
}

const overrideLive = (s: LifecycleState, at: Instant) =>
  s.override !== null && isBefore(at, s.override.expiresAt)

/** A fact may move the stage unless a manager's override still holds it (docs/domain.md §5). */
const afterFact = (
  s: LifecycleState,
  fact: LifecycleEvent,
  cause: StageCause,
  policy: LifecyclePolicy,
): Decision => {
  const { customerId, at } = fact.data
  return right([
    fact,
    ...(overrideLive(s, at) ? [] : stageChange(customerId, s, evolve(s, fact), at, cause, policy)),
  ])
}

// §1 stage 1: a prospect registered at the showroom, by phone, at an event or by referral.
const registerProspect: Rule<'RegisterProspect'> = (c, s) =>
  s.customerId !== null
    ? refuse('AlreadyRegistered', `customer ${s.customerId} is already registered`)
    : right([{ type: 'ProspectRegistered', data: c.data }])

// §1 care touchpoints: greetings also go to recorded family members.
const recordFamilyMember: Rule<'RecordFamilyMember'> = (c, s) =>
  s.familyMembers[c.data.memberId] !== undefined
    ? refuse('FamilyMemberAlreadyRecorded', `family member ${c.data.memberId} is already recorded`)
    : right([{ type: 'FamilyMemberRecorded', data: c.data }])

// §1 stage 2: a delivery makes the customer an owner; a second-hand buyer names the previous owner (§5).
// The VIN's check digit (GB 16735) is checked when the policy requires it.
const recordDelivery: Rule<'RecordDelivery'> = (c, s, policy) =>
  policy.requireVinCheckDigit && !hasVinCheckDigit(c.data.vin)
    ? refuse(
        'WrongCheckDigit',
        `data.vin: ${c.data.vin} carries ${c.data.vin[8]} at position 9, but its check digit is ${vinCheckDigit(c.data.vin)}; check the VIN for a typing error`,
      )
    : (beforeLastEvaluation(c.data.at, s) ??
      (s.vehicles[c.data.vin]?.owned === true
        ? refuse('VehicleAlreadyOwned', `vehicle ${c.data.vin} already belongs to this customer`)
        : c.data.previousOwnerId === s.customerId
          ? refuse('SellerIsBuyer', 'a customer cannot buy a vehicle from themself')
          : afterFact(s, { type: 'VehicleDelivered', data: c.data }, 'delivery', policy)))

// §1 service reception: a visit has a repair order, the odometer reading and the rework (返修) flag.
const recordServiceVisit: Rule<'RecordServiceVisit'> = (c, s, policy) => {
  const vehicle = s.vehicles[c.data.vin]
  const lastReading = vehicle?.readings[vehicle.readings.length - 1]
  return (
    beforeLastEvaluation(c.data.at, s) ??
    (vehicle === undefined || !vehicle.owned
      ? refuse('VehicleNotOwned', `vehicle ${c.data.vin} is not one of this customer's vehicles`)
      : lastReading !== undefined && c.data.mileageKm < lastReading.km
        ? refuse(
            'MileageWentBack',
            `the odometer reads ${c.data.mileageKm} km, below the ${lastReading.km} km recorded on ${lastReading.at}`,
          )
        : s.visits.some((v) => v.repairOrderNumber === c.data.repairOrderNumber)
          ? refuse(
              'RepairOrderAlreadyRecorded',
              `repair order ${c.data.repairOrderNumber} is already recorded`,
            )
          : afterFact(s, { type: 'ServiceVisitRecorded', data: c.data }, 'service-visit', policy))
  )
}

// §5: track the vehicle as well as the person; a customer left with no vehicle is lost to the workshop.
const transferOwnership: Rule<'TransferOwnership'> = (c, s, policy) => {
  if (s.vehicles[c.data.vin]?.owned !== true)
    return refuse('VehicleNotOwned', `vehicle ${c.data.vin} is not one of this customer's vehicles`)
  if (c.data.newOwnerId === s.customerId) return refuse('SellerIsBuyer', 'the new owner is this customer')
  const early = beforeLastEvaluation(c.data.at, s)
  if (early !== null) return early
  const fact: LifecycleEvent = { type: 'VehicleOwnershipTransferred', data: c.data }
  const after = evolve(s, fact)
  const noVehicleLeft = Object.values(after.vehicles).every((v) => !v.owned)
  return right([
    fact,
    ...(noVehicleLeft && !overrideLive(s, c.data.at)
      ? stageChange(c.data.customerId, s, after, c.data.at, 'ownership-transfer', policy)
      : []),
  ])
}

// §1 segmentation: VIP and big/fleet account flags.
const setAccountFlag: Rule<'SetAccountFlag'> = (c, s) =>
  s.flags[c.data.flag] === c.data.value ? none : right([{ type: 'AccountFlagSet', data: c.data }])

const isOwner = (s: LifecycleState) => Object.keys(s.vehicles).length > 0

// §1 one-to-one service (一对一顾问式服务): each owner has one customer manager.
const assignCustomerManager: Rule<'AssignCustomerManager'> = (c, s) =>
  !isOwner(s)
    ? refuse('NotAnOwner', 'a customer manager is assigned once the customer owns a vehicle')
    : s.managerId !== null
      ? refuse(
          'ManagerAlreadyAssigned',
          `customer manager ${s.managerId} is already assigned; reassign with a reason instead`,
        )
      : right([{ type: 'CustomerManagerAssigned', data: c.data }])

// §1 one-to-one service: reassignment is an explicit event with its reason.
const reassignCustomerManager: Rule<'ReassignCustomerManager'> = (c, s) =>
  s.managerId === null
    ? refuse('NoManagerToReassign', 'no customer manager is assigned yet; assign one first')
    : s.managerId === c.data.managerId
      ? refuse('SameManager', `${c.data.managerId} is already the customer manager`)
      : right([
          {
            type: 'CustomerManagerReassigned',
            data: { ...c.data, previousManagerId: s.managerId },
          },
        ])

// §1 rules: time moves a stage only through an evaluation carrying the current date; never backwards.
const evaluateCustomer: Rule<'EvaluateCustomer'> = (c, s, policy) => {
  const early = beforeLastEvaluation(c.data.at, s)
  if (early !== null) return early
  const { at, customerId } = c.data
  const expired = s.override !== null && !isBefore(at, s.override.expiresAt) ? s.override : null
  const expiry: ReadonlyArray<LifecycleEvent> =
    expired === null
      ? []
      : [
          {
            type: 'StageOverrideExpired',
            data: { customerId, at, stage: s.stage, expiredAt: expired.expiresAt },
          },
        ]
  const current = expiry.reduce(evolve, s)
  const moves = overrideLive(current, at)
    ? []
    : stageChange(customerId, current, current, at, 'evaluation', policy)
  const stage = moves[0]?.data.to ?? current.stage
  return right([
    ...expiry,
    ...moves,
    { type: 'LifecycleEvaluated', data: { customerId, at, stage, policyVersion: policy.policyVersion } },
  ])
}

// §5: a manual stage needs a reason and an expiry, after which evaluations take over again.
const overrideStage: Rule<'OverrideStage'> = (c, s) =>
  beforeLastEvaluation(c.data.at, s) ??
  (!isOwner(s)
    ? refuse('NotAnOwner', 'only an owner’s stage can be overridden')
    : s.stage === c.data.stage
      ? refuse('SameStage', `the customer is already ${c.data.stage}`)
      : right([
          {
            type: 'StageOverridden',
            data: {
              customerId: c.data.customerId,
              at: c.data.at,
              by: c.data.by,
              from: s.stage,
              to: c.data.stage,
              reason: c.data.reason,
              expiresAt: c.data.expiresAt,
            },
          },
        ]))

// §1 segmentation, seed 003 20/80原则: the value tier from the customer's rank in the portfolio,
// ranked by value over the policy's window.
const assignValueTier: Rule<'AssignValueTier'> = (c, s, policy) => {
  const expected = valueWindow(policy, c.data.windowTo).windowFrom
  if (epochMs(c.data.windowFrom) !== epochMs(expected))
    return refuse(
      'WrongValueWindow',
      `the value is measured over the policy's ${policy.valueWindowDays} days: from ${expected} to ${c.data.windowTo}, not from ${c.data.windowFrom}`,
    )
  const tier = valueTierOf(c.data.rank, c.data.portfolioSize, policy.keyTierShare)
  return tier === s.valueTier
    ? none
    : right([{ type: 'ValueTierAssigned', data: { ...c.data, tier, policyVersion: policy.policyVersion } }])
}

// §5 RFM scoring names the segment.
const scoreRfm: Rule<'ScoreRfm'> = (c, s, policy) => {
  const { recency, frequency, monetary } = c.data
  return s.rfm !== null &&
    s.rfm.recency === recency &&
    s.rfm.frequency === frequency &&
    s.rfm.monetary === monetary
    ? none
    : right([
        {
          type: 'RfmScored',
          data: {
            ...c.data,
            segment: rfmSegmentOf(recency, frequency, monetary),
            policyVersion: policy.policyVersion,
          },
        },
      ])
}

// §1 segmentation, seed 003: the four customer types, each with its contact style.
const recordPersonalityType: Rule<'RecordPersonalityType'> = (c, s) =>
  s.personality?.type === c.data.personalityType
    ? none
    : right([
        {
          type: 'PersonalityTypeRecorded',
          data: { ...c.data, contactStyle: contactStyleOf[c.data.personalityType] },
        },
      ])

// §1 segmentation: referral potential (正确评估用户的推广潜力).
const assessReferralPotential: Rule<'AssessReferralPotential'> = (c) =>
  right([{ type: 'ReferralPotentialAssessed', data: c.data }])

// §1: a contact the customer starts is recorded without consent (it is not marketing, §5 Consent);
// §1 stage 7: an owner who says they went elsewhere is lost, a fact that moves the lifecycle clock.
const recordInboundContact: Rule<'RecordInboundContact'> = (c, s, policy) => {
  if (s.inboundContacts[c.data.contactId] !== undefined)
    return refuse('ContactAlreadyRecorded', `contact ${c.data.contactId} is already recorded`)
  const fact: LifecycleEvent = { type: 'InboundContactRecorded', data: c.data }
  return c.data.topic !== 'went-elsewhere'
    ? right([fact])
    : (beforeLastEvaluation(c.data.at, s) ?? afterFact(s, fact, 'inbound-contact', policy))
}

export type LifecycleDecider = Decider<LifecycleCommand, LifecycleEvent, LifecycleState, LifecycleError>

/** The customer lifecycle under a policy (the defaults of docs/domain.md unless given): one decider per customer stream. */
export const lifecycleDecider = (policy: LifecyclePolicy = defaultLifecyclePolicy): LifecycleDecider => ({
  decide: decideWith(policy),
  evolve,
  initialState: initialLifecycleState,
})
