import type { Projection } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'
import type { ReferralId, StaffId } from '../ids.js'

/** One consultant's record (DOMAIN.md §2.7: a faked referral is recorded against the staff member who reported it). */
export interface ConsultantFraudRecord {
  readonly consultantId: StaffId
  readonly reported: number
  readonly faked: ReadonlyArray<ReferralId>
  readonly penaltiesFen: number
  /** Faked referrals a manager reopened since; their penalty stands until a new call-back decides. */
  readonly reopened: ReadonlyArray<ReferralId>
}

export interface FraudReport {
  readonly consultants: Record<string, ConsultantFraudRecord>
  readonly reportedBy: Record<string, StaffId>
}

export const fraudReport: Projection<FraudReport, ReferralEvent> = {
  name: 'referral-verification.fraud-report',
  version: 1,
  handles: ['ReferralRegistered', 'LateClaimRejected', 'FraudPenaltyRecorded', 'ReferralReopened'],
  init: () => ({ consultants: {}, reportedBy: {} }),
  apply: (s, e) => {
    const consultantId =
      e.type === 'ReferralRegistered' || e.type === 'LateClaimRejected'
        ? e.data.reportedBy.id
        : e.type === 'FraudPenaltyRecorded'
          ? e.data.consultantId
          : s.reportedBy[e.data.referralId]
    if (consultantId === undefined) return s
    const record = s.consultants[consultantId] ?? {
      consultantId,
      reported: 0,
      faked: [],
      penaltiesFen: 0,
      reopened: [],
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
      case 'ReferralReopened':
        if (e.data.previousOutcome === 'faked')
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
