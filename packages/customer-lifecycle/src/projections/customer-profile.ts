import type { Personal, Projection } from '@dealer-crm/eventsourcing'
import type { LifecycleEvent, StageEvidence } from '../events.js'
import type {
  AccountFlag,
  ContactStyle,
  LifecycleStage,
  PersonalityType,
  RfmSegment,
  ValueTier,
} from '../vocabulary.js'

export interface ProfileVehicle {
  readonly vin: string
  readonly model: string
  readonly colour: string
  readonly plate: Personal<string> | null
  readonly deliveredAt: string
  readonly owned: boolean
  readonly lastVisitAt: string | null
  readonly lastMileageKm: number
}

export interface CustomerProfile {
  customerId: string
  name: Personal<string>
  stage: LifecycleStage
  stageSince: string
  stageEvidence: StageEvidence | null
  probationEndsAt: string | null
  overriddenUntil: string | null
  managerId: string | null
  valueTier: ValueTier | null
  rfmSegment: RfmSegment | null
  flags: Record<AccountFlag, boolean>
  personality: { type: PersonalityType; contactStyle: ContactStyle } | null
  referralPotential: 'high' | 'medium' | 'low' | null
  vehicles: Record<string, ProfileVehicle>
  /** `${purpose}/${channel}` → the latest word. */
  consents: Record<string, 'granted' | 'withdrawn'>
}

export type CustomerProfiles = Map<string, CustomerProfile>

const handles = [
  'ProspectRegistered',
  'VehicleDelivered',
  'ServiceVisitRecorded',
  'VehicleOwnershipTransferred',
  'AccountFlagSet',
  'CustomerManagerAssigned',
  'CustomerManagerReassigned',
  'StageChanged',
  'StageOverridden',
  'StageOverrideExpired',
  'ValueTierAssigned',
  'RfmScored',
  'PersonalityTypeRecorded',
  'ReferralPotentialAssessed',
  'ConsentGranted',
  'ConsentWithdrawn',
] as const satisfies ReadonlyArray<LifecycleEvent['type']>

/** The customer profile: stage, segment, manager, vehicles and consents (issue "Read models"). */
export const customerProfileProjection: Projection<CustomerProfiles, LifecycleEvent> = {
  name: 'customer-lifecycle.customer-profile',
  version: 1,
  handles,
  init: () => new Map(),
  apply: (profiles, e) => {
    if (e.type === 'ProspectRegistered') {
      profiles.set(e.data.customerId, {
        customerId: e.data.customerId,
        name: e.data.name,
        stage: 'prospect',
        stageSince: e.data.at,
        stageEvidence: null,
        probationEndsAt: null,
        overriddenUntil: null,
        managerId: null,
        valueTier: null,
        rfmSegment: null,
        flags: { vip: false, 'big-account': false },
        personality: null,
        referralPotential: null,
        vehicles: {},
        consents: {},
      })
      return profiles
    }
    const p = profiles.get(e.data.customerId)
    if (p === undefined) return profiles
    switch (e.type) {
      case 'VehicleDelivered':
        p.vehicles[e.data.vin] = {
          vin: e.data.vin,
          model: e.data.model,
          colour: e.data.colour,
          plate: e.data.plate,
          deliveredAt: e.data.at,
          owned: true,
          lastVisitAt: null,
          lastMileageKm: e.data.mileageKm,
        }
        break
      case 'ServiceVisitRecorded': {
        const v = p.vehicles[e.data.vin]
        if (v !== undefined)
          p.vehicles[e.data.vin] = { ...v, lastVisitAt: e.data.at, lastMileageKm: e.data.mileageKm }
        break
      }
      case 'VehicleOwnershipTransferred': {
        const v = p.vehicles[e.data.vin]
        if (v !== undefined) p.vehicles[e.data.vin] = { ...v, owned: false }
        break
      }
      case 'AccountFlagSet':
        p.flags[e.data.flag] = e.data.value
        break
      case 'CustomerManagerAssigned':
      case 'CustomerManagerReassigned':
        p.managerId = e.data.managerId
        break
      case 'StageChanged':
        p.stage = e.data.to
        p.stageSince = e.data.at
        p.stageEvidence = e.data.evidence
        p.probationEndsAt = e.data.probationEndsAt
        break
      case 'StageOverridden':
        p.stage = e.data.to
        p.stageSince = e.data.at
        p.probationEndsAt = null
        p.overriddenUntil = e.data.expiresAt
        break
      case 'StageOverrideExpired':
        p.overriddenUntil = null
        break
      case 'ValueTierAssigned':
        p.valueTier = e.data.tier
        break
      case 'RfmScored':
        p.rfmSegment = e.data.segment
        break
      case 'PersonalityTypeRecorded':
        p.personality = { type: e.data.personalityType, contactStyle: e.data.contactStyle }
        break
      case 'ReferralPotentialAssessed':
        p.referralPotential = e.data.potential
        break
      case 'ConsentGranted':
      case 'ConsentWithdrawn':
        p.consents[`${e.data.purpose}/${e.data.channel}`] =
          e.type === 'ConsentGranted' ? 'granted' : 'withdrawn'
        break
    }
    return profiles
  },
}
