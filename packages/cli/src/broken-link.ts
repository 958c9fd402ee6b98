import { type EventLog, eventHash, type Finding, type StoredEvent } from '@dealer-crm/eventsourcing'

/** A finding of `verify` at one event of one stream. */
type BrokenLink = Finding & { readonly streamName: string; readonly streamPosition: number }

/** What `verify` names about its finding: where, and for a broken link what was expected against what was found. */
export interface BrokenLinkReport extends Finding {
  /**
   * `hash`: the stored hash (`expected`, what the chain links to) against the hash recomputed from the
   * stored content (`found`); `prevHash`: the previous event's hash against the event's prevHash;
   * `position`: the stream position that should come next against the one found.
   */
  readonly field: 'hash' | 'prevHash' | 'position' | null
  readonly expected: string
  readonly found: string
}

const atStream = (f: Finding): f is BrokenLink => f.streamName !== null && f.streamPosition !== null

/**
 * The kernel's `verify` says where the chain breaks and why; this reads the broken event and its
 * predecessor again to name the expected and the found hash (or position).
 */
export const explainBrokenLink = async (log: EventLog, broken: Finding): Promise<BrokenLinkReport> => {
  if (broken.code !== 'stream-link' || !atStream(broken))
    return { ...broken, field: null, expected: '', found: '' }
  const positions = /expected position (\d+) after \d+, found (\d+)/.exec(broken.reason)
  if (positions !== null)
    return { ...broken, field: 'position', expected: positions[1] ?? '', found: positions[2] ?? '' }
  const events: StoredEvent[] = []
  for await (const e of log.readStream(broken.streamName, {
    from: Math.max(1, broken.streamPosition - 1),
    to: broken.streamPosition,
    maxCount: 2,
  }))
    events.push(e)
  const event = events.find((e) => e.streamPosition === broken.streamPosition)
  const previous = events.find((e) => e.streamPosition === broken.streamPosition - 1)
  if (/prevHash/.test(broken.reason))
    return { ...broken, field: 'prevHash', expected: previous?.hash ?? '', found: event?.prevHash ?? '?' }
  return {
    ...broken,
    field: 'hash',
    expected: event?.hash ?? '?',
    found: event === undefined ? '?' : eventHash(event.prevHash, event),
  }
}

const detail = (b: BrokenLinkReport): string => {
  switch (b.field) {
    case 'hash':
      return `expected hash ${b.expected} (stored), found ${b.found} (recomputed from the content)`
    case 'prevHash':
      return `expected prevHash ${b.expected || '(empty)'} (the previous event's hash), found ${b.found || '(empty)'}`
    case 'position':
      return `expected stream position ${b.expected}, found ${b.found}`
    case null:
      return ''
  }
}

const where = (b: BrokenLinkReport): string =>
  b.streamName === null
    ? ''
    : ` in stream ${b.streamName} at position ${b.streamPosition} (global position ${b.globalPosition})`

export const renderBrokenLink = (b: BrokenLinkReport): string =>
  b.field === null ? `${b.code}${where(b)}: ${b.reason}` : `broken link${where(b)}: ${b.reason}; ${detail(b)}`
