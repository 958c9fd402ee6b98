import { randomUUID } from 'node:crypto'
import type { PendingEvent, StoredEvent } from '@dealer-crm/eventsourcing'

export const pending = (text: string): PendingEvent => ({
  eventId: randomUUID(),
  recordedAt: new Date().toISOString(),
  type: 'NoteAdded',
  schemaVersion: 1,
  data: { text, tags: [] },
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: null,
  traceparent: null,
})

export { collect } from '@dealer-crm/testing'

export const all = { from: 1n, to: null, batchSize: 100, categories: null, types: null }

export const positions = (events: ReadonlyArray<StoredEvent>): bigint[] => events.map((e) => e.globalPosition)

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(10)
  }
}

export const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
