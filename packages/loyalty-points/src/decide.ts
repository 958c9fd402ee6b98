import type { Decider } from '@dealer-crm/eventsourcing'
import type { LoyaltyCommand } from './commands.js'
import { awardPoints, earnPointsForSpend, releasePendingPoints } from './decisions/earning.js'
import { evaluateMember } from './decisions/evaluation.js'
import type { Decision } from './decisions/guards.js'
import { enrolMember, resumeMember, suspendMember } from './decisions/membership.js'
import {
  confirmExit,
  refundPrepaid,
  requestExitStatement,
  spendPrepaid,
  topUpPrepaid,
} from './decisions/prepaid-and-exit.js'
import { redeemPoints, refundDocument } from './decisions/spending.js'
import type { LoyaltyError } from './errors.js'
import type { LoyaltyEvent } from './events.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy } from './policy.js'
import { evolveLoyalty, initialLoyaltyState, type LoyaltyState } from './state.js'

/** The rules of the loyalty programme under one policy: one function per command. */
const decideUnder =
  (policy: LoyaltyPolicy) =>
  (command: LoyaltyCommand, m: LoyaltyState): Decision => {
    switch (command.type) {
      case 'EnrolMember':
        return enrolMember(policy, command, m)
      case 'SuspendMember':
        return suspendMember(command, m)
      case 'ResumeMember':
        return resumeMember(command, m)
      case 'EarnPointsForSpend':
        return earnPointsForSpend(policy, command, m)
      case 'AwardPoints':
        return awardPoints(policy, command, m)
      case 'ReleasePendingPoints':
        return releasePendingPoints(command, m)
      case 'RedeemPoints':
        return redeemPoints(command, m)
      case 'RefundDocument':
        return refundDocument(policy, command, m)
      case 'TopUpPrepaid':
        return topUpPrepaid(policy, command, m)
      case 'SpendPrepaid':
        return spendPrepaid(command, m)
      case 'RefundPrepaid':
        return refundPrepaid(command, m)
      case 'RequestExitStatement':
        return requestExitStatement(policy, command, m)
      case 'ConfirmExit':
        return confirmExit(policy, command, m)
      case 'EvaluateMember':
        return evaluateMember(policy, command, m)
    }
  }

export type LoyaltyDecider = Decider<LoyaltyCommand, LoyaltyEvent, LoyaltyState, LoyaltyError>

/**
 * The loyalty programme of one member card under a policy (one stream `member-<memberId>`);
 * the defaults of docs/domain.md §4 and §5 Loyalty unless given.
 */
export const loyaltyDecider = (policy: LoyaltyPolicy = defaultLoyaltyPolicy): LoyaltyDecider => ({
  decide: decideUnder(policy),
  evolve: evolveLoyalty,
  initialState: initialLoyaltyState,
})
