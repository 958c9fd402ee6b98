// Interim Domain values for the three packages that do not export one yet (removed when they do).
import {
  ComplaintCommand,
  type ComplaintPolicy,
  type ComplaintState,
  complaintDecider,
  complaintWorkflowEvents,
  defaultComplaintPolicy,
} from '@dealer-crm/complaint-workflow'
import {
  type Customer,
  customerLifecycle,
  customerLifecycleEvents,
  customerStream,
  defaultPolicy as defaultLifecyclePolicy,
  Command as LifecycleCommand,
  type LifecyclePolicy,
} from '@dealer-crm/customer-lifecycle'
import { type Domain, type DomainError, streamName } from '@dealer-crm/eventsourcing'
import {
  defaultPolicy as defaultLoyaltyPolicy,
  LoyaltyCommand,
  type LoyaltyPolicy,
  loyaltyDecider,
  loyaltyPointsEvents,
  type Member,
  MemberId,
} from '@dealer-crm/loyalty-points'
import * as t from 'io-ts'

export const lifecycleDomain: Domain<any, any, Customer, DomainError, LifecyclePolicy> = {
  name: 'customer-lifecycle',
  decider: customerLifecycle as any,
  defaultPolicy: defaultLifecyclePolicy,
  command: LifecycleCommand as any,
  events: customerLifecycleEvents as any,
  streamOf: (c: any) => customerStream(c.data.customerId),
}
export const complaintDomain: Domain<any, any, ComplaintState, DomainError, ComplaintPolicy> = {
  name: 'complaint-workflow',
  decider: complaintDecider as any,
  defaultPolicy: defaultComplaintPolicy,
  command: ComplaintCommand as any,
  events: complaintWorkflowEvents as any,
  streamOf: (c: any) => streamName('complaint', c.data.complaintId),
}
const WithMember = t.type({ data: t.type({ memberId: MemberId }) })
const LoyaltyWithMember = new t.Type<any, any, unknown>(
  'LoyaltyCommand',
  (u): u is any => LoyaltyCommand.is(u),
  (u, c) => {
    const type = (u as any)?.type
    const codec = LoyaltyCommand.types.find((k) => k.name === type)
    if (codec === undefined)
      return t.failure(u, c, `expected one of ${LoyaltyCommand.types.map((k) => k.name).join(', ')}`)
    const m = WithMember.validate(u, c)
    if (m._tag === 'Left') return m
    return codec.validate(u, c) as any
  },
  t.identity,
)
export const loyaltyDomain: Domain<any, any, Member, DomainError, LoyaltyPolicy> = {
  name: 'loyalty-points',
  decider: loyaltyDecider as any,
  defaultPolicy: defaultLoyaltyPolicy,
  command: LoyaltyWithMember,
  events: loyaltyPointsEvents as any,
  streamOf: (c: any) => streamName('member', c.data.memberId),
}
