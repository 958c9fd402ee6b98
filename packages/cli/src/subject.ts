import { isStreamName } from '@dealer-crm/eventsourcing'
import type { Io } from './io.js'
import { line } from './io.js'
import type { OpenedTarget } from './open.js'

/** The dealership's stream categories a subject id may belong to (`<category>-<id>`). */
export const subjectCategories = ['customer', 'referral', 'complaint', 'member'] as const

/** The stream names a subject may mean: itself if it is a stream name, and `<category>-<subject>`. */
export const candidateStreams = (subject: string): ReadonlyArray<string> => [
  ...new Set([
    ...(isStreamName(subject) ? [subject] : []),
    ...subjectCategories.map((c) => `${c}-${subject}`).filter(isStreamName),
  ]),
]

/** The candidate streams that exist, in the order above. */
export const existingStreams = async (
  opened: OpenedTarget,
  subject: string,
): Promise<ReadonlyArray<string>> => {
  const found: string[] = []
  for (const name of candidateStreams(subject))
    if ((await opened.store.streamVersion(name)) > 0) found.push(name)
  return found
}

/** Say once, on stderr, that personal fields cannot be read without a vault. */
export const noteMissingVault = (opened: OpenedTarget, io: Io): void => {
  if (opened.vault === null)
    line(io.stderr, 'note: no --vault for this EventStoreDB log: personal fields read as erased')
}
