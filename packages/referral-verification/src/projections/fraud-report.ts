import type { Projection, StaffId } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'
import type { ReferralId } from '../ids.js'

/** One consultant's record (docs/domain.md §2.7: a faked referral is recorded against the staff member who reported it). */
export interface ConsultantFraudRecord {
  readonly consultantId: StaffId
  readonly reported: number
  /** Faked referrals whose penalty stands. */
  readonly faked: ReadonlyArray<ReferralId>
  /** Fines standing: recorded, less those lifted. */
  readonly penaltiesFen: number
  /** Faked referrals a manager reopened since; their penalty stands until a new call-back decides. */
  readonly reopened: ReadonlyArray<ReferralId>
  /** Fakes a reopened call-back overturned: their penalty was lifted. */
  readonly overturned: ReadonlyArray<ReferralId>
}

export interface FraudReport {
  readonly consultants: Record<string, ConsultantFraudRecord>
  readonly reportedBy: Record<string, StaffId>
}

export const fraudReportProjection: Projection<FraudReport, ReferralEvent> = {
  name: 'referral-verification.fraud-report',
  version: 2,
  handles: [
    'ReferralRegistered',
    'LateClaimRejected',
    'FraudPenaltyRecorded',
    'ReferralReopened',
    'ReferralFaked',
    'FraudPenaltyLifted',
  ],
  init: () => ({ consultants: {}, reportedBy: {} }),
  apply: (s, e) => {
    const consultantId =
      e.type === 'ReferralRegistered' || e.type === 'LateClaimRejected'
        ? e.data.reportedBy.id
        : e.type === 'FraudPenaltyRecorded' || e.type === 'FraudPenaltyLifted'
          ? e.data.consultantId
          : e.type === 'ReferralFaked'
            ? e.data.reportedBy
            : s.reportedBy[e.data.referralId]
    if (consultantId === undefined) return s
    const record = s.consultants[consultantId] ?? {
      consultantId,
      reported: 0,
      faked: [],
      penaltiesFen: 0,
      reopened: [],
      overturned: [],
    }
    switch (e.type) {
      case 'ReferralRegistered':
      case 'LateClaimRejected':
        s.reportedBy[e.data.referralId] = consultantId
        s.consultants[consultantId] = { ...record, reported: record.reported + 1 }
        return s
      case 'FraudPenaltyRecorded':
        s.consultants[consultantId] = {
          ...record,
          faked: [...record.faked, e.data.referralId],
          penaltiesFen: record.penaltiesFen + e.data.amountFen,
        }
        return s
      case 'ReferralFaked':
        // A reopened fake found again: the re-check confirmed it (its first penalty still stands).
        if (record.reopened.includes(e.data.referralId))
          s.consultants[consultantId] = {
            ...record,
            reopened: record.reopened.filter((id) => id !== e.data.referralId),
          }
        return s
      case 'FraudPenaltyLifted':
        s.consultants[consultantId] = {
          ...record,
          faked: record.faked.filter((id) => id !== e.data.referralId),
          penaltiesFen: record.penaltiesFen - e.data.amountFen,
          reopened: record.reopened.filter((id) => id !== e.data.referralId),
          overturned: [...record.overturned, e.data.referralId],
        }
        return s
      case 'ReferralReopened':
        if (e.data.previousOutcome === 'faked' && !record.reopened.includes(e.data.referralId))
          s.consultants[consultantId] = { ...record, reopened: [...record.reopened, e.data.referralId] }
        return s
      default:
        return s
    }
  },
}

/** Consultants by faked referrals, most first: the fraud report as a manager reads it. */
export const consultantsByFraud = (report: FraudReport): ReadonlyArray<ConsultantFraudRecord> =>
  Object.values(report.consultants).sort(
    (a, b) => b.faked.length - a.faked.length || b.penaltiesFen - a.penaltiesFen,
  )
