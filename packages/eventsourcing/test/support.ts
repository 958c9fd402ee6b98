import {
  type Decider,
  type DomainError,
  domainError,
  eventRegistry,
  eventType,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** A small loyalty account: the domain the kernel's tests run commands against. */
export const AccountOpened = eventType('AccountOpened', t.type({ accountId: t.string, holder: t.string }))
export const PointsEarned = eventType('PointsEarned', t.type({ points: t.Int, reason: t.string }))
export const PointsRedeemed = eventType('PointsRedeemed', t.type({ points: t.Int }))

export const accountRegistry = eventRegistry([AccountOpened, PointsEarned, PointsRedeemed])
export type AccountEvent = NonNullable<(typeof accountRegistry)['_E']>

export type AccountCommand =
  | { readonly type: 'Open'; readonly accountId: string; readonly holder: string }
  | { readonly type: 'Earn'; readonly points: number; readonly reason: string }
  | { readonly type: 'Redeem'; readonly points: number }

export interface Account {
  readonly opened: boolean
  readonly holder: string | null
  readonly balance: number
  readonly movements: number
}

export type AccountError = DomainError & {
  readonly code: 'NotOpen' | 'AlreadyOpen' | 'NotEnoughPoints' | 'InvalidPoints'
}

const points = (n: number) => n as t.Int

export const accountDecider: Decider<AccountCommand, AccountEvent, Account, AccountError> = {
  initialState: { opened: false, holder: null, balance: 0, movements: 0 },
  decide: (command, state) => {
    switch (command.type) {
      case 'Open':
        return state.opened
          ? left(domainError('AlreadyOpen', 'the account is already open'))
          : right([AccountOpened.make({ accountId: command.accountId, holder: command.holder })])
      case 'Earn':
        if (!state.opened) return left(domainError('NotOpen', 'open the account first'))
        if (!Number.isInteger(command.points) || command.points <= 0)
          return left(domainError('InvalidPoints', 'points must be a positive whole number'))
        return right([PointsEarned.make({ points: points(command.points), reason: command.reason })])
      case 'Redeem':
        if (!state.opened) return left(domainError('NotOpen', 'open the account first'))
        if (!Number.isInteger(command.points) || command.points <= 0)
          return left(domainError('InvalidPoints', 'points must be a positive whole number'))
        return command.points > state.balance
          ? left(domainError('NotEnoughPoints', `only ${state.balance} points available`))
          : right([PointsRedeemed.make({ points: points(command.points) })])
    }
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { ...state, opened: true, holder: event.data.holder }
      case 'PointsEarned':
        return { ...state, balance: state.balance + event.data.points, movements: state.movements + 1 }
      case 'PointsRedeemed':
        return { ...state, balance: state.balance - event.data.points, movements: state.movements + 1 }
    }
  },
}

export const opened = (accountId = 'a1', holder = 'Wang') => AccountOpened.make({ accountId, holder })
export const earned = (n: number, reason = 'purchase') => PointsEarned.make({ points: points(n), reason })
export const redeemed = (n: number) => PointsRedeemed.make({ points: points(n) })

export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject, but it resolved')
}

export const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Total points earned minus redeemed, per account stream: a projection's worth of arithmetic. */
export const pointsOf = (e: RecordedEvent<AccountEvent>): number =>
  e.type === 'PointsEarned' ? e.data.points : e.type === 'PointsRedeemed' ? -e.data.points : 0
