import { type EventType, eventType } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  CustomerNamed,
  CustomerNamedV1,
  CustomerNamedV2,
  NameV2,
  NameV3,
  type NameV3 as NameV3Shape,
  v1ToV2,
  v2ToV3,
} from './upcasting-chain.js'

// Type-checked by `tsc -p tsconfig.test.json`: each `@ts-expect-error` fails the build if the
// line below it compiles, so these prove that a wrong chain is rejected by the compiler.

describe('upcaster chains are typed (compile-time)', () => {
  it('a complete chain has the latest shape and version', () => {
    const latest: EventType<'CustomerNamed', NameV3Shape, t.OutputOf<typeof NameV3>> = CustomerNamed
    expect(latest.schemaVersion).toBe(3)
  })

  it('a skipped step does not compile', () => {
    // @ts-expect-error v1 data cannot go straight into the v2 → v3 step
    const skipped = CustomerNamedV1.upgrade(NameV3, v2ToV3)
    expect(skipped.schemaVersion).toBe(2)
  })

  it('a missing step does not compile', () => {
    // @ts-expect-error every upgrade needs the step from the previous shape
    const missing = CustomerNamedV2.upgrade(NameV3)
    expect(missing.schemaVersion).toBe(3)
  })

  it('a step producing the wrong shape does not compile', () => {
    // @ts-expect-error v1ToV2 yields the v2 shape, not the v3 one
    const wrongResult = CustomerNamedV1.upgrade(NameV3, v1ToV2)
    // @ts-expect-error the step forgets `lastName`
    const incomplete = CustomerNamedV1.upgrade(NameV2, (v1) => ({ firstName: v1.name }))
    expect([wrongResult.schemaVersion, incomplete.schemaVersion]).toEqual([2, 2])
  })

  it('a step reading a field the previous shape lacks does not compile', () => {
    const wrongInput = CustomerNamedV2.upgrade(NameV3, (v2) => ({
      ...v2,
      // @ts-expect-error v2 has no `name`
      title: v2.name,
    }))
    expect(wrongInput.schemaVersion).toBe(3)
  })

  it('a v2 event type is not a v3 one, and make takes only the latest shape', () => {
    // @ts-expect-error the v2 event type is not the v3 one
    const notLatest: EventType<'CustomerNamed', NameV3Shape, t.OutputOf<typeof NameV3>> = CustomerNamedV2
    // @ts-expect-error `make` needs the v3 shape, `title` included
    const event = CustomerNamed.make({ firstName: 'Li', lastName: 'Wei' })
    expect([notLatest.schemaVersion, event.type]).toEqual([2, 'CustomerNamed'])
    const other = eventType('Other', t.type({ n: t.number }))
    // @ts-expect-error the step must accept the previous shape ({ n: number })
    const wrongPrevious = other.upgrade(NameV3, v2ToV3)
    expect(wrongPrevious.type).toBe('Other')
  })
})
