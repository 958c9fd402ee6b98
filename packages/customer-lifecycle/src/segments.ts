import { addElapsedDays, type Instant } from '@dealer-crm/eventsourcing'
import type { LifecyclePolicy } from './policy.js'
import type { ContactStyle, PersonalityType, RfmSegment, SatisfactionClass, ValueTier } from './vocabulary.js'

/**
 * The customer's value tier by the 80/20 rule (seed 003 20/80原则): the top share of the
 * portfolio, ranked by value over the window, is the key tier.
 */
export const valueTierOf = (rank: number, portfolioSize: number, keyTierShare: number): ValueTier =>
  rank <= Math.max(1, Math.ceil(portfolioSize * keyTierShare)) ? 'key' : 'standard'

/**
 * The window the policy measures the portfolio's value over, ending at `windowTo`: rank the
 * portfolio by the value each customer brought in this window, then assign the tiers.
 */
export const valueWindow = (policy: LifecyclePolicy, windowTo: Instant) => ({
  windowFrom: addElapsedDays(windowTo, -policy.valueWindowDays),
  windowTo,
})

/** The usual names of RFM segments (docs/domain.md §5), first match wins. */
export const rfmSegmentOf = (r: number, f: number, m: number): RfmSegment => {
  if (r >= 4 && f >= 4 && m >= 4) return 'champions'
  if (r <= 2 && f >= 4 && m >= 4) return 'cant-lose-them'
  if (r <= 2 && f >= 3) return 'at-risk'
  if (r === 1) return 'lost'
  if (r >= 3 && f >= 4) return 'loyal'
  if (r === 5 && f === 1) return 'new-customer'
  if (r >= 4 && f >= 2) return 'potential-loyalist'
  if (r === 2) return 'about-to-sleep'
  return 'need-attention'
}

/**
 * The contact style each of the seed's four types prefers (seed 003): expressive customers
 * want recognition and attention; drivers want results without wasted time; analytical
 * customers judge by facts and figures; amiable customers value the personal relationship
 * and need a patient lead.
 */
export const contactStyleOf: Readonly<Record<PersonalityType, ContactStyle>> = {
  expressive: 'recognise-and-involve',
  driver: 'brief-and-results-first',
  analytical: 'facts-and-figures',
  amiable: 'personal-and-patient',
}

/** Satisfaction = performance against expectation (seed 001). */
export const satisfactionOf = (score: number, expectation: number): SatisfactionClass =>
  score < expectation ? 'dissatisfied' : score === expectation ? 'satisfied' : 'delighted'
