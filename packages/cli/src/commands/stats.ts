import { categoryOf, readWholeLog } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { line } from '../io.js'
import { toJson } from '../json.js'
import { type StoreSize, withTarget } from '../open.js'
import { logProgress } from '../progress.js'
import { renderTable } from '../table.js'

interface Point {
  readonly globalPosition: string
  readonly recordedAt: string
}

export interface Stats {
  readonly store: string
  readonly events: number
  readonly streams: number
  readonly first: Point | null
  readonly last: Point | null
  readonly byCategory: Readonly<Record<string, number>>
  readonly byType: Readonly<Record<string, number>>
  readonly size: StoreSize | null
}

const sorted = (counts: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)))

const table = (what: string, counts: Readonly<Record<string, number>>): string =>
  renderTable(
    [what, 'events'],
    Object.entries(counts).map(([k, n]) => [k, n.toLocaleString('en-US')]),
    ['left', 'right'],
  )

export const renderStats = (s: Stats): string => {
  const point = (p: Point | null) =>
    p === null ? '-' : `${p.recordedAt}  (global position ${p.globalPosition})`
  return [
    s.store,
    `events   ${s.events}`,
    `streams  ${s.streams}`,
    `first    ${point(s.first)}`,
    `last     ${point(s.last)}`,
    `size     ${s.size === null ? 'n/a (EventStoreDB does not report it per log)' : s.size.detail}`,
    '',
    table('category', s.byCategory),
    '',
    table('type', s.byType),
  ].join('\n')
}

export const statsCommand: Command = {
  name: 'stats',
  summary: 'events per type and category, streams, first and last event, size',
  target: true,
  options: [{ flags: '--json', description: 'print the figures as JSON' }],
  description: `Reads the whole log once (stored events, nothing decrypted) and prints the number of events and
streams, the first and last event (global position and time), the events per category (the stream
name before its first '-') and per type, and the size (the SQLite file and its WAL; for PostgreSQL
pg_total_relation_size of the events table; n/a for EventStoreDB). Opens the store read-only.`,
  after: `Example:
  dealer-crm stats --db .data/dealership-demo.sqlite`,
  run: async (args, io) => {
    return withTarget('stats', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      const progress = logProgress(io.stderr, 'stats', await opened.lastPosition())
      const byType = new Map<string, number>()
      const byCategory = new Map<string, number>()
      const streams = new Set<string>()
      let first: Point | null = null
      let last: Point | null = null
      let events = 0
      for await (const e of readWholeLog(opened.store.log)) {
        events++
        progress.event(e.globalPosition)
        byType.set(e.type, (byType.get(e.type) ?? 0) + 1)
        const category = categoryOf(e.streamName)
        byCategory.set(category, (byCategory.get(category) ?? 0) + 1)
        streams.add(e.streamName)
        last = { globalPosition: e.globalPosition.toString(), recordedAt: e.recordedAt }
        first ??= last
      }
      progress.finish(`${events} events read`)
      const stats: Stats = {
        store: opened.description,
        events,
        streams: streams.size,
        first,
        last,
        byCategory: sorted(byCategory),
        byType: sorted(byType),
        size: await opened.size(),
      }
      line(io.stdout, args.flag('json') ? toJson(stats) : renderStats(stats))
      return 0
    })
  },
}
