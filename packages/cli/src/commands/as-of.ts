import type { DealershipEvent } from '@dealer-crm/dealership'
import { type AsOf, type Projection, projectAsOf } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs, wholeNumber } from '../command.js'
import { parseTypedTime } from '../dates.js'
import { line, UsageError } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { logProgress } from '../progress.js'
import { readModelNames, renderTables, resolveReadModel, together } from '../read-models.js'
import { markSealed, undecryptedStore } from '../sealed.js'
import { noteMissingVault } from '../subject.js'

/** How a point typed as `<time|position|now>` was read: said in the output when a zone was assumed. */
export type AsOfPoint = { readonly asOf: AsOf | 'now'; readonly assumed: string | null }

/**
 * `<time|position|now>`: digits are a global position; anything else must be an ISO 8601 date or
 * time, read strictly (dates.ts): 2026-02-30 or trailing text is a UsageError, never a guess.
 */
export const parseAsOf = (raw: string): AsOfPoint => {
  if (raw === 'now') return { asOf: 'now', assumed: null }
  if (/^\d+$/.test(raw)) return { asOf: { position: BigInt(raw) }, assumed: null }
  if (!/^\d{4}-/.test(raw))
    throw new UsageError(
      `${JSON.stringify(raw)} is neither a global position (digits), now, nor an ISO 8601 date or time (2026-03-02, 2026-03-02T09:00:00+08:00)`,
    )
  const typed = parseTypedTime('<time>', raw)
  return { asOf: { time: typed.time }, assumed: typed.assumed }
}

export const asOfCommand: Command = {
  name: 'as-of',
  summary: 'the read models as they were at a time or a global position',
  arguments: ['<time|position|now>'],
  target: true,
  options: [
    { flags: '--projection <name>', description: `one read model: ${readModelNames.join(', ')}` },
    {
      flags: '--format <format>',
      description:
        'json: pretty JSON (default), { asOf, readModels: { NAME: state } }; table: a compact table per read model',
    },
    {
      flags: '--limit <n>',
      description: 'table rows per read model (default 20)',
      parse: wholeNumber('--limit'),
    },
  ],
  description: `Folds the dealership's read models (or one) from the start of the log up to a point in its history
(the kernel's projectAsOf): a global position (digits, inclusive) or an ISO 8601 time (the log as
it stood then: the events the store had committed at or before it, whatever time the writers'
clocks showed). "now" folds the whole log. One pass over the log for all read models.

Times are read strictly: a date and time with a zone (2026-06-30T16:00:00Z,
2026-07-01T00:00:00+08:00), or a bare date (2026-03-01), which is the start of that day in China
time (UTC+08:00), as the output then says. A day that does not exist (2026-02-30), a time
without a zone or trailing text is refused (exit 2). Opens the store read-only.`,
  after: `Examples:
  dealer-crm as-of 2026-06-30T16:00:00Z --projection complaintMetrics --db .data/small.db
  dealer-crm as-of 1200 --db .data/dealership-demo.sqlite --format table`,
  run: async (args, io) => {
    const { asOf, assumed } = parseAsOf(args.positionals[0] ?? '')
    const format = args.string('format') ?? 'json'
    if (format !== 'json' && format !== 'table')
      throw new UsageError(`--format must be json or table, not ${JSON.stringify(format)}`)
    const limit = args.value<number>('limit') ?? 20
    const projection = args.string('projection')
    const names = projection === undefined ? readModelNames : [resolveReadModel(projection)]
    return withTarget('as-of', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      noteMissingVault(opened, io)
      if (assumed !== null) line(io.stderr, `as-of: ${assumed}`)
      const last = await opened.lastPosition()
      const progress = logProgress(
        io.stderr,
        'as-of',
        asOf !== 'now' && 'position' in asOf && last !== null && asOf.position < last ? asOf.position : last,
      )
      const combined = together(names)
      const watched: Projection<Record<string, unknown>, DealershipEvent> = {
        ...combined,
        apply: (state, event) => {
          progress.event(event.metadata.globalPosition)
          return combined.apply(state, event)
        },
      }
      // Folded without decrypting: personal fields show sealed (ADR 0023); read a person with customer.
      // markSealed keeps the shape: a record of read models stays one, only personal fields change.
      const state = (await markSealed(
        await projectAsOf(
          undecryptedStore(opened),
          watched,
          asOf === 'now' ? { time: new Date(8.64e15) } : asOf,
        ),
        opened,
      )) as Record<string, unknown>
      progress.finish(`${progress.count()} events folded`)
      const point =
        asOf === 'now'
          ? { now: true }
          : 'position' in asOf
            ? { position: asOf.position.toString() }
            : { time: asOf.time.toISOString(), ...(assumed === null ? {} : { read: assumed }) }
      line(
        io.stdout,
        format === 'json'
          ? toJson({ asOf: point, readModels: state })
          : `${assumed === null ? '' : `as of ${assumed}\n\n`}${renderTables(state, limit)}`,
      )
      return 0
    })
  },
}
