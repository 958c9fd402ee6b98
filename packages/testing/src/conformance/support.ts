import type * as t from 'io-ts'
import { CarOrdered, NoteAdded } from '../conformance-events.js'

export { collect } from '../collect.js'

export const note = (text: string) => NoteAdded.make({ text, tags: ['conformance'] })
export const ordered = (orderId: string, subjectId: string) =>
  CarOrdered.make({
    orderId,
    amountFen: 15_990_000 as t.Int,
    customer: { subjectId, name: '张三', phone: '13800138000' },
  })

let streamCounter = 0
export const freshStream = (category = 'order') =>
  `${category}-${Date.now().toString(36)}${(streamCounter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`

export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject, but it resolved')
}

export const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
