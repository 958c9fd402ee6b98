import {
  ConcurrencyError,
  CorruptEventError,
  DomainRejectedError,
  type EventStore,
  handle,
  hasErrorCode,
  isConcurrencyError,
  isDomainRejectedError,
  isEventSourcingError,
  MalformedStreamNameError,
  StoreError,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it, vi } from 'vitest'
import { type AccountCommand, type AccountEvent, accountDecider, accountRegistry, earned } from './support.js'

/**
 * A second copy of the kernel, as an application gets when one package loads it with `require` and
 * another with `import` (the dual-package hazard): the same code, other class objects.
 */
const secondKernel = async () => {
  vi.resetModules()
  const copy = await import('../src/index.js')
  vi.resetModules()
  return copy
}

describe('errors are decided by brand and code, not instanceof', () => {
  it('recognises the kernel errors and nothing else', () => {
    const conflict = new ConcurrencyError('account-1', 2, 3)
    expect(isEventSourcingError(conflict)).toBe(true)
    expect(isConcurrencyError(conflict)).toBe(true)
    expect(hasErrorCode(conflict, 'ConcurrencyError')).toBe(true)
    expect(hasErrorCode(conflict, 'StoreError')).toBe(false)
    expect(hasErrorCode(new MalformedStreamNameError('x'), 'MalformedStreamName')).toBe(true)
    expect(hasErrorCode(new CorruptEventError('account-1', 1, 'bad json'), 'CorruptEvent')).toBe(true)
    expect(isConcurrencyError(new StoreError('closed'))).toBe(false)
    // Look-alikes are not kernel errors: a plain Error, or an object that only has the code.
    for (const lookalike of [
      new Error('x'),
      { code: 'ConcurrencyError' },
      null,
      undefined,
      'ConcurrencyError',
    ])
      expect([isEventSourcingError(lookalike), isConcurrencyError(lookalike)]).toEqual([false, false])
  })

  it('tells a domain rejection from the kernel errors', () => {
    const rejected = new DomainRejectedError({ code: 'AccountClosed', message: 'the account is closed' })
    expect(isDomainRejectedError(rejected)).toBe(true)
    expect(isEventSourcingError(rejected)).toBe(true)
    expect(rejected.code).toBe('AccountClosed')
    expect(isDomainRejectedError(new ConcurrencyError('account-1', 1, 2))).toBe(false)
  })

  it('holds across two copies of the kernel', async () => {
    const other = await secondKernel()
    expect(other.ConcurrencyError).not.toBe(ConcurrencyError)
    const foreign = new other.ConcurrencyError('account-1', 1, 2)
    expect(foreign).not.toBeInstanceOf(ConcurrencyError)
    expect(isConcurrencyError(foreign)).toBe(true)
    expect(isDomainRejectedError(new other.DomainRejectedError({ code: 'X', message: 'no' }))).toBe(true)
    expect(other.isConcurrencyError(new ConcurrencyError('account-1', 1, 2))).toBe(true)
  })

  it("the handler retries a conflict raised by another copy's store", async () => {
    const other = await secondKernel()
    // The store comes from the other copy, so its ConcurrencyError is the other copy's class.
    const store: EventStore<AccountEvent> = other.createInMemoryEventStore({ registry: accountRegistry })
    await handle(store, accountDecider, 'account-1', { type: 'Open', accountId: '1', holder: 'Wang' })
    let interloper = true
    const contended: EventStore<AccountEvent> = {
      ...store,
      appendToStream: async (stream, events, options) => {
        if (interloper) {
          interloper = false
          await store.appendToStream(stream, [earned(1, 'interloper')])
        }
        return store.appendToStream(stream, events, options)
      },
    }
    const earn: AccountCommand = { type: 'Earn', points: 5, reason: 'service' }
    const result = await handle(contended, accountDecider, 'account-1', earn, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    })
    expect(result.version).toBe(3)
    expect(await store.streamVersion('account-1')).toBe(3)
  })
})
