import { inSequence } from '@dealer-crm/eventsourcing'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type LoyaltyError, loyaltyError } from '../errors.js'
import type { LoyaltyEvent } from '../events.js'
import { evolveLoyalty, type LoyaltyState } from '../state.js'

export type Decision = Either<LoyaltyError, ReadonlyArray<LoyaltyEvent>>

/** One step of a decision: the events it adds, given the state the steps before it left. */
export type Step = (m: LoyaltyState) => ReadonlyArray<LoyaltyEvent>

/** The events of several steps, each deciding on the state the events before it left (kernel `inSequence`). */
export const inSteps = (m: LoyaltyState, ...steps: ReadonlyArray<Step>): ReadonlyArray<LoyaltyEvent> =>
  inSequence(evolveLoyalty, m, ...steps)

export const nothing: Decision = right([])

/** docs/domain.md §4 member card status: enrolled and not exited (suspended allowed). */
export const whenMember = (m: LoyaltyState, decision: () => Decision): Decision =>
  m.status === 'not-enrolled'
    ? left(loyaltyError('NotEnrolled', 'this card is not enrolled'))
    : m.status === 'exited'
      ? left(loyaltyError('MemberHasExited', 'the member has exited the programme; the card is closed'))
      : decision()

/** docs/domain.md §4: a suspended card neither earns nor spends. */
export const whenActive = (m: LoyaltyState, decision: () => Decision): Decision =>
  whenMember(m, () =>
    m.status === 'suspended'
      ? left(loyaltyError('MemberIsSuspended', 'the card is suspended; resume it first'))
      : decision(),
  )
