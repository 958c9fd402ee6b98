import { NonEmptyString } from './codecs.js'

/**
 * Identifiers. They are plain non-empty strings, not io-ts brands (ARCHITECTURE.md asks for
 * brands): the names say which thing they identify so that codecs and read models read in the
 * dealer's words, and callers and arbitraries pass plain strings without casts.
 */
export const CustomerId = NonEmptyString
export const StaffId = NonEmptyString
export const TouchpointId = NonEmptyString
export const FamilyMemberId = NonEmptyString
export const SurveyId = NonEmptyString
export const ContactId = NonEmptyString
export const RepairOrderNumber = NonEmptyString

/** The stream of one customer: `customer-<customerId>`. */
export const customerStream = (customerId: string): string => `customer-${customerId}`
