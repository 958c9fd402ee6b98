import * as t from 'io-ts'

/** Where a prospect came from (docs/domain.md §1, stage 1). */
export const ProspectSource = t.keyof({ showroom: null, phone: null, event: null, referral: null })
export type ProspectSource = t.TypeOf<typeof ProspectSource>

export const CustomerKind = t.keyof({ person: null, company: null })

/** The lifecycle stages of docs/domain.md §1, plus "never serviced" (§5, Service Lens). */
export const LifecycleStage = t.keyof({
  prospect: null,
  owner: null,
  active: null,
  stable: null,
  declining: null,
  'at-risk': null,
  lost: null,
  'won-back': null,
  'never-serviced': null,
})
export type LifecycleStage = t.TypeOf<typeof LifecycleStage>

/** The stages a manager may set by hand: any stage of an owner. */
export const OwnerStage = t.keyof({
  owner: null,
  active: null,
  stable: null,
  declining: null,
  'at-risk': null,
  lost: null,
  'won-back': null,
  'never-serviced': null,
})
export type OwnerStage = t.TypeOf<typeof OwnerStage>

export const AccountFlag = t.keyof({ vip: null, 'big-account': null })
export type AccountFlag = t.TypeOf<typeof AccountFlag>

/** Value tier by the 80/20 rule (seed 003 20/80原则): the top share of the portfolio is the key tier. */
export const ValueTier = t.keyof({ key: null, standard: null })
export type ValueTier = t.TypeOf<typeof ValueTier>

/** RFM segment names (docs/domain.md §5). */
export const RfmSegment = t.keyof({
  champions: null,
  loyal: null,
  'potential-loyalist': null,
  'new-customer': null,
  'need-attention': null,
  'about-to-sleep': null,
  'at-risk': null,
  'cant-lose-them': null,
  lost: null,
})
export type RfmSegment = t.TypeOf<typeof RfmSegment>

/** The seed's four customer types (seed 003 活性型, 力量型, 分析型, 和平型). */
export const PersonalityType = t.keyof({ expressive: null, driver: null, analytical: null, amiable: null })
export type PersonalityType = t.TypeOf<typeof PersonalityType>

export const ContactStyle = t.keyof({
  'recognise-and-involve': null,
  'brief-and-results-first': null,
  'facts-and-figures': null,
  'personal-and-patient': null,
})
export type ContactStyle = t.TypeOf<typeof ContactStyle>

export const ReferralPotential = t.keyof({ high: null, medium: null, low: null })

/** What a contact is for, and so which consent it needs (docs/domain.md §5, Consent). */
export const Purpose = t.keyof({ 'service-reminder': null, marketing: null, survey: null })
export type Purpose = t.TypeOf<typeof Purpose>

export const ContactChannel = t.keyof({ sms: null, call: null, wechat: null })
export type ContactChannel = t.TypeOf<typeof ContactChannel>

export const ConsentSource = t.keyof({
  'showroom-form': null,
  'service-reception': null,
  'phone-call': null,
  wechat: null,
  'online-form': null,
})

/** Care touchpoints (docs/domain.md §1, seed 000 跟踪与维护老客户, seed 003). */
export const TouchpointKind = t.keyof({
  'maintenance-reminder': null,
  'annual-inspection-reminder': null,
  'insurance-renewal-reminder': null,
  'birthday-greeting': null,
  'holiday-greeting': null,
  'event-invitation': null,
  offer: null,
  'periodic-call-back': null,
  'vip-gift': null,
  'annual-reception': null,
})
export type TouchpointKind = t.TypeOf<typeof TouchpointKind>

export const TouchpointOutcome = t.keyof({
  reached: null,
  'not-reached': null,
  declined: null,
  'complaint-raised': null,
  'appointment-booked': null,
})
export type TouchpointOutcome = t.TypeOf<typeof TouchpointOutcome>

/** Satisfaction = performance against expectation (seed 001). */
export const SatisfactionClass = t.keyof({ dissatisfied: null, satisfied: null, delighted: null })
export type SatisfactionClass = t.TypeOf<typeof SatisfactionClass>

/**
 * A contact the customer starts: a call, a message or a walk-in (docs/domain.md §1: stage changes are
 * driven by recorded facts, contact outcomes among them).
 */
export const InboundChannel = t.keyof({ call: null, sms: null, wechat: null, 'walk-in': null })
export type InboundChannel = t.TypeOf<typeof InboundChannel>

/**
 * What an inbound contact was about. "went-elsewhere" is the customer saying they now buy or
 * service elsewhere (docs/domain.md §1 stage 7: lost when "the customer says they went elsewhere").
 */
export const ContactTopic = t.keyof({
  enquiry: null,
  'appointment-booked': null,
  'complaint-raised': null,
  'went-elsewhere': null,
  other: null,
})
export type ContactTopic = t.TypeOf<typeof ContactTopic>

/** What put a customer in a stage. */
export const StageCause = t.keyof({
  delivery: null,
  'service-visit': null,
  evaluation: null,
  'ownership-transfer': null,
  'inbound-contact': null,
})
export type StageCause = t.TypeOf<typeof StageCause>

/** How the expected service interval behind a stage was found. */
export const IntervalBasis = t.keyof({ mileage: null, 'visit-history': null, 'policy-default': null })
export type IntervalBasis = t.TypeOf<typeof IntervalBasis>
