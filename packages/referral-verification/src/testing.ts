/**
 * fast-check arbitraries for the referral process, for property tests against your own policies
 * (ARCHITECTURE.md, "property-test the rules").
 */
export {
  type ReferralCommandInput,
  type ReferralCommandOptions,
  referralCommandArb,
  referralCommandInputArb,
  referralCommandsArb,
  referralCustomers,
  referralDeliveryMoment,
  referralInstantArb,
} from './testing/commands.js'
export {
  malformedReferralCommandArb,
  malformedReferralCommandFor,
  type ReferralCommandBreakage,
  referralCommandBreakages,
} from './testing/malformed.js'
export { referralPhoneArb, referralPhoneNotationArb } from './testing/phones.js'
export { referralHistoryArb, referralPolicyArb } from './testing/policy.js'
