import { identifier, streamName } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'

/** A care touchpoint of one customer. */
export const TouchpointId = identifier('TouchpointId')
export type TouchpointId = t.TypeOf<typeof TouchpointId>

/** A family member recorded for greetings. */
export const FamilyMemberId = identifier('FamilyMemberId')
export type FamilyMemberId = t.TypeOf<typeof FamilyMemberId>

/** A satisfaction survey. */
export const SurveyId = identifier('SurveyId')
export type SurveyId = t.TypeOf<typeof SurveyId>

/** An inbound contact (a call, a message, a walk-in). */
export const ContactId = identifier('ContactId')
export type ContactId = t.TypeOf<typeof ContactId>

/** The workshop's repair order of a service visit. */
export const RepairOrderNumber = identifier('RepairOrderNumber')
export type RepairOrderNumber = t.TypeOf<typeof RepairOrderNumber>

/** The stream of one customer's lifecycle: `customer-<customerId>`. */
export const lifecycleStream = (customerId: string): string => streamName('customer', customerId)
