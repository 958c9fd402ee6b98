/**
 * fast-check arbitraries for the customer lifecycle: commands (valid and refused alike) for one
 * customer stream, as untrusted JSON and decoded, policies, event histories, and malformed input
 * for codec tests.
 */
export {
  decodedLifecycleCommand,
  type LifecycleCommandInput,
  lifecycleCommandArb,
  lifecycleCommandInputArb,
  lifecycleRegisterProspectArb,
} from './testing/commands.js'
export { lifecyclePolicyArb } from './testing/policy.js'
export { lifecycleHistoryArb, lifecycleThresholdDays, lifecycleTimelineArb } from './testing/timeline.js'
export {
  lifecycleActorArb,
  lifecycleAnyHourArb,
  lifecycleAnyVinArb,
  lifecycleAtArb,
  lifecycleBadPhoneArb,
  lifecycleBadVinArb,
  lifecycleCustomerIdArb,
  lifecyclePhoneArb,
  lifecycleVinArb,
  lifecycleWrongCheckDigitVinArb,
} from './testing/values.js'
