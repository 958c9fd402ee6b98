/**
 * fast-check arbitraries for complaint handling, for property tests against your own policies
 * (ARCHITECTURE.md, "property-test the rules").
 */
export {
  complaintMainLineArb,
  complaintNoiseArb,
  complaintReceiveArb,
  complaintTimedCommandArb,
  type TimedComplaintCommand,
} from './testing/commands.js'
export { complaintHistoryArb, complaintHistoryUnder, complaintPolicyArb } from './testing/policy.js'
export {
  type ComplaintSequenceOptions,
  complaintCommandArb,
  complaintCommandInputArb,
  complaintCommandInputsArb,
  complaintCommandsArb,
} from './testing/sequences.js'
export {
  type ComplaintActorInput,
  type ComplaintCommandInput,
  complaintActorArb,
  complaintCompensationArb,
  complaintCompensationAtTierLimitsArb,
  complaintCustomerIdArb,
  complaintExplanationArb,
  complaintIdArb,
  complaintManagerArb,
  complaintNoteArb,
} from './testing/values.js'
