import { complaintDomain } from '@dealer-crm/complaint-workflow'
import { lifecycleDomain } from '@dealer-crm/customer-lifecycle'
import {
  type CommandOf,
  type CommandValidationError,
  type Decider,
  type Domain,
  type DomainError,
  decodeCommand,
  widenDecider,
} from '@dealer-crm/eventsourcing'
import { loyaltyDomain } from '@dealer-crm/loyalty-points'
import { referralDomain } from '@dealer-crm/referral-verification'
import type { Either } from 'fp-ts/lib/Either.js'
import type { DealershipPolicies } from './policy.js'
import type { DealershipEvent } from './registry.js'

/**
 * One domain bound to the dealership's log under its policy: how its untrusted input is decoded,
 * which stream a command acts on, and the decider over the whole log. The facade's public methods
 * and the process managers' dispatch both send commands through these routes: nowhere else maps a
 * command to its stream.
 */
export interface Route<C, S, Err extends DomainError = DomainError> {
  readonly name: string
  readonly decider: Decider<C, DealershipEvent, S, Err>
  readonly decode: (input: unknown) => Either<CommandValidationError, C>
  readonly streamOf: (command: C) => string
}

/** A domain's `Domain` value bound to a policy, over the dealership's log. */
export const route = <C extends CommandOf, E extends DealershipEvent, S, Err extends DomainError, P>(
  domain: Domain<C, E, S, Err, P>,
  policy: P,
): Route<C, S, Err> => ({
  name: domain.name,
  decider: widenDecider<C, E, DealershipEvent, S, Err>(domain.decider(policy), domain.events.types),
  decode: (input) => decodeCommand(domain.command, input),
  streamOf: domain.streamOf,
})

/** The routing table: the four domains, each bound once. */
export const dealershipRoutes = (policies: DealershipPolicies) => ({
  'customer-lifecycle': route(lifecycleDomain, policies.customerLifecycle),
  'referral-verification': route(referralDomain, policies.referralVerification),
  'complaint-workflow': route(complaintDomain, policies.complaintWorkflow),
  'loyalty-points': route(loyaltyDomain, policies.loyaltyPoints),
})

export type DealershipRoutes = ReturnType<typeof dealershipRoutes>

/** A domain of the dealership, by its package name. */
export type DomainName = keyof DealershipRoutes

/** The command type of a domain. */
export type CommandFor<D extends DomainName> =
  DealershipRoutes[D] extends Route<infer C, infer _S, infer _E> ? C : never

/** The state of a domain's aggregate. */
export type StateFor<D extends DomainName> =
  DealershipRoutes[D] extends Route<infer _C, infer S, infer _E> ? S : never
