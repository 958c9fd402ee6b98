import { defaultBusinessZone } from '@dealer-crm/eventsourcing'
import type { SourceCategory, SpendCategory } from './values.js'

/**
 * The loyalty policy: plain data with defaults from docs/domain.md §4 and the "Loyalty" part of §5.
 * Events shaped by a policy record its `policyVersion`, so a replay can explain every number.
 */

/** `points` for every `perYuan` yuan spent: integers only, never a floating rate. */
export interface EarningRate {
  readonly points: number
  readonly perYuan: number
}

/** When earned points may be spent (docs/domain.md §5, pending points). */
export type PendingRule =
  | { readonly kind: 'available' }
  | { readonly kind: 'days'; readonly days: number }
  | { readonly kind: 'until-released' }

export interface LevelTier {
  readonly name: string
  /** Qualifying points, or prepaid fen, needed for this level. The first tier needs 0. */
  readonly minimum: number
  /** Earning multiplier in percent (100 = ×1). */
  readonly multiplierPercent: number
  /** What the level gives; listed on the exit statement as what is forfeited (docs/domain.md §4 exit costs). */
  readonly privileges: ReadonlyArray<string>
}

export interface LevelPolicy {
  /** docs/domain.md §4: levels by prepaid amount (以预付款的金额) or by accumulated points (采取积分形式). */
  readonly basis: 'qualifying-points' | 'prepaid'
  /** Lowest first. */
  readonly tiers: ReadonlyArray<LevelTier>
  /** Qualifying points count when earned within this many months before the evaluation. */
  readonly qualifyingWindowMonths: number
  /** Upgrades as soon as the measure qualifies, or only at the review (anniversary). */
  readonly evaluation: 'real-time' | 'anniversary'
  readonly downgrade: 'none' | 'one-level' | 'recompute'
  readonly reviewEveryMonths: number
  /** Days after the review during which a member below the level keeps it. */
  readonly graceDays: number
  /** Days before the review when a member below the level is told what keeps it. */
  readonly noticeDays: number
}

export interface LoyaltyPolicy {
  readonly policyVersion: string
  readonly rates: Readonly<Record<SpendCategory, EarningRate>>
  /** Spend below this amount (fen) earns nothing. */
  readonly minimumSpendFen: number
  readonly pending: Readonly<Record<SourceCategory, PendingRule>>
  /** Categories whose points count towards the level (goodwill and awards do not, by default). */
  readonly qualifyingCategories: ReadonlyArray<SourceCategory>
  /** docs/domain.md §4: lots expire 24 months after earning. */
  readonly lotLifetimeMonths: number
  /** When a refunded document's points were already spent: a recorded debt, or a write-off. */
  readonly refundShortfall: 'debt' | 'write-off'
  readonly levels: LevelPolicy
  /**
   * The time zone whose calendar counts months (a lot's lifetime, the qualifying window, the review cycle):
   * a month after 31 January is the last day of February in that zone, at the same local time.
   */
  readonly businessZone: string
}

/** The defaults of docs/domain.md §4 and §5 Loyalty. */
export const defaultLoyaltyPolicy: LoyaltyPolicy = {
  policyVersion: 'loyalty-default-1',
  rates: {
    'repair-order': { points: 1, perYuan: 1 },
    'parts-invoice': { points: 1, perYuan: 1 },
    'vehicle-purchase': { points: 1, perYuan: 10 },
  },
  minimumSpendFen: 10_00,
  pending: {
    'repair-order': { kind: 'available' },
    'parts-invoice': { kind: 'days', days: 7 },
    'vehicle-purchase': { kind: 'until-released' },
    event: { kind: 'available' },
    'referral-reward': { kind: 'available' },
    goodwill: { kind: 'available' },
  },
  qualifyingCategories: ['repair-order', 'parts-invoice', 'vehicle-purchase'],
  lotLifetimeMonths: 24,
  refundShortfall: 'debt',
  levels: {
    basis: 'qualifying-points',
    tiers: [
      { name: 'standard', minimum: 0, multiplierPercent: 100, privileges: [] },
      {
        name: 'silver',
        minimum: 5_000,
        multiplierPercent: 120,
        privileges: ['5% off maintenance labour', 'priority service booking'],
      },
      {
        name: 'gold',
        minimum: 20_000,
        multiplierPercent: 150,
        privileges: ['10% off maintenance labour', 'priority service booking', 'tiered maintenance package'],
      },
      {
        name: 'platinum',
        minimum: 50_000,
        multiplierPercent: 200,
        privileges: [
          '15% off maintenance labour',
          'priority service booking',
          'tiered maintenance package',
          'annual reception invitation',
        ],
      },
    ],
    qualifyingWindowMonths: 12,
    evaluation: 'real-time',
    downgrade: 'one-level',
    reviewEveryMonths: 12,
    graceDays: 30,
    noticeDays: 30,
  },
  businessZone: defaultBusinessZone,
}
