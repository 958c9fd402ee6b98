import { NonEmptyString } from './codecs.js'

/**
 * Identifiers. They are plain non-empty strings at run time; the names say which thing
 * they identify so that codecs and read models read in the dealer's words.
 */
export const CustomerId = NonEmptyString
export const StaffId = NonEmptyString
export const TouchpointId = NonEmptyString
export const FamilyMemberId = NonEmptyString
export const SurveyId = NonEmptyString
export const RepairOrderNumber = NonEmptyString

/** The stream of one customer: `customer-<customerId>`. */
export const customerStream = (customerId: string): string => `customer-${customerId}`
