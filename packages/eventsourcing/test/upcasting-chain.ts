import { eventType } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/** One event type through three schema versions, shared by the upcasting tests. */
export const NameV1 = t.type({ name: t.string })
export const NameV2 = t.type({ firstName: t.string, lastName: t.string })
export const NameV3 = t.type({ firstName: t.string, lastName: t.string, title: t.union([t.string, t.null]) })
export type NameV1 = t.TypeOf<typeof NameV1>
export type NameV2 = t.TypeOf<typeof NameV2>
export type NameV3 = t.TypeOf<typeof NameV3>

export const v1ToV2 = (v1: NameV1): NameV2 => {
  const space = v1.name.indexOf(' ')
  return space < 0
    ? { firstName: v1.name, lastName: '' }
    : { firstName: v1.name.slice(0, space), lastName: v1.name.slice(space + 1) }
}
export const v2ToV3 = (v2: NameV2): NameV3 => ({ ...v2, title: null })

export const CustomerNamedV1 = eventType('CustomerNamed', NameV1)
export const CustomerNamedV2 = CustomerNamedV1.upgrade(NameV2, v1ToV2)
export const CustomerNamed = CustomerNamedV2.upgrade(NameV3, v2ToV3)
