import { afterEach, beforeEach, describe } from 'vitest'
import { conformanceRegistry } from '../conformance-events.js'
import { appendConformance } from './append.js'
import { badInputConformance } from './bad-input.js'
import { commitTimeConformance } from './commit-time.js'
import { concurrencyConformance } from './concurrency.js'
import type {
  ConformanceContext,
  ConformanceFactory,
  ConformanceOptions,
  ConformanceSetup,
} from './context.js'
import { expectedVersionConformance } from './expected-version.js'
import { hashChainConformance } from './hash-chain.js'
import { personalDataConformance } from './personal-data.js'
import { readsConformance } from './reads.js'
import { subscriptionsConformance } from './subscriptions.js'
import { collect } from './support.js'

export type { ConformanceFactory, ConformanceOptions, ConformanceSetup } from './context.js'

/**
 * The conformance suite every EventStore runs — ours and third-party adapters alike:
 * expected versions, atomicity, concurrency, global ordering, reads, subscriptions, the
 * hash chain, personal data, bad input, and commit times with as-of by time. One file per concern in this folder.
 */
export const runEventStoreConformance = (
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): void => {
  describe(`EventStore conformance: ${name}`, () => {
    let current: ConformanceSetup | undefined
    const setup = (): ConformanceSetup => {
      if (current === undefined) throw new Error('the conformance store is opened by beforeEach')
      return current
    }
    const ctx: ConformanceContext = {
      get store() {
        return setup().store
      },
      get setup() {
        return setup()
      },
      concurrency: options.concurrency ?? 8,
      countAll: async () => (await collect(setup().store.readAll())).length,
    }

    beforeEach(async () => {
      current = await factory({ registry: conformanceRegistry })
    })
    afterEach(async () => {
      await ctx.store.close()
      await ctx.setup.teardown?.()
      current = undefined
    })

    expectedVersionConformance(ctx)
    appendConformance(ctx)
    concurrencyConformance(ctx)
    readsConformance(ctx)
    subscriptionsConformance(ctx)
    hashChainConformance(ctx)
    personalDataConformance(ctx)
    badInputConformance(ctx)
    commitTimeConformance(ctx)
  })
}
