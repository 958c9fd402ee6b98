import type { PendingEvent } from '@dealer-crm/eventsourcing'

let counter = 0

/** A pending NoteAdded event, as the kernel would hand it to the log. */
export const pendingNote = (text: string): PendingEvent => ({
  eventId: `00000000-0000-7000-8000-${(counter++).toString(16).padStart(12, '0')}`,
  recordedAt: '2026-11-22T10:00:00.000Z',
  type: 'NoteAdded',
  schemaVersion: 1,
  data: { text, tags: ['test'] },
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: { id: 'clerk-1', role: 'clerk' },
  traceparent: null,
})

export { collect } from '@dealer-crm/testing'

export const all = { from: 0n, to: null, batchSize: 1000, categories: null, types: null } as const
