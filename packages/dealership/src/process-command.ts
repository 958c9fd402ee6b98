import type { LifecycleCommand } from '@dealer-crm/customer-lifecycle'
import type { Actor } from '@dealer-crm/eventsourcing'
import { type LoyaltyCommand, LoyaltyRole } from '@dealer-crm/loyalty-points'
import type * as t from 'io-ts'

/** A lifecycle command as plain JSON (identifiers and instants unbranded): the dispatcher decodes it with the codec. */
export type LifecycleCommandInput = t.OutputOf<typeof LifecycleCommand>

type WithoutMember<C> = C extends { readonly type: infer T; readonly data: infer D }
  ? { readonly type: T; readonly data: Omit<D, 'memberId'> }
  : never

/**
 * A loyalty command as plain JSON (identifiers unbranded), without its `memberId`: the dispatcher names
 * the card the customer holds, then decodes the command with the codec.
 */
export type LoyaltyCommandInput = WithoutMember<t.OutputOf<typeof LoyaltyCommand>>

/**
 * What a process manager asks for: a command of another domain. The dispatcher decodes it with
 * that domain's codec (so a process manager can never write what a clerk could not) and handles
 * it with the command id derived from the triggering event.
 */
export type ProcessCommand =
  | {
      readonly domain: 'customer-lifecycle'
      readonly command: LifecycleCommandInput
      /** Domain refusals that mean the intent already holds (nothing to do, not a failure). */
      readonly alreadyDone?: ReadonlyArray<string>
    }
  | {
      readonly domain: 'loyalty-points'
      /** The customer whose member card the command is for; the dispatcher finds the card. */
      readonly customerId: string
      readonly command: LoyaltyCommandInput
      readonly alreadyDone?: ReadonlyArray<string>
    }

/** The process manager as the actor of a command whose domain names no staff member for it. */
export const processActor = (processName: string): Actor & { readonly role: 'scheduler' } => ({
  id: processName,
  role: 'scheduler',
})

/** The actor of a loyalty command: who acted in the other domain if loyalty knows their role, else the process manager. */
export const loyaltyActorFor = (by: Actor, processName: string): Actor =>
  LoyaltyRole.is(by.role) ? { id: by.id, role: by.role } : processActor(processName)
