import { type DealershipEvent, dealershipReadModels, type ReadModelName } from '@dealer-crm/dealership'
import { type AsOf, handlesEvent, type Projection, projectAsOf } from '@dealer-crm/eventsourcing'
import { integerOption, parseCommandArgs } from '../args.js'
import { type Command, targetArgs, targetHelp, targetOptions } from '../command.js'
import { line, UsageError } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { logProgress } from '../progress.js'
import { readModelNames, renderTables, resolveReadModel } from '../read-models.js'
import { noteMissingVault } from '../subject.js'

/** `<time|position>`: digits are a global position, an ISO-8601 date or time is a recorded time. */
export const parseAsOf = (raw: string): AsOf | 'now' => {
  if (raw === 'now') return 'now'
  if (/^\d+$/.test(raw)) return { position: BigInt(raw) }
  const time = Date.parse(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(time))
    throw new UsageError(
      `${JSON.stringify(raw)} is neither a global position (digits) nor an ISO-8601 time (2026-03-02 or 2026-03-02T09:00:00Z)`,
    )
  return { time: new Date(time) }
}

/** Several projections folded in one pass: a record of their states. */
const together = (
  names: ReadonlyArray<ReadModelName>,
): Projection<Record<string, unknown>, DealershipEvent> => {
  const parts = names.map(
    (n) => [n, dealershipReadModels[n] as Projection<unknown, DealershipEvent>] as const,
  )
  return {
    name: 'dealer-crm.as-of',
    version: 1,
    handles: [...new Set(parts.flatMap(([, p]) => p.handles))],
    init: () => Object.fromEntries(parts.map(([n, p]) => [n, p.init()])),
    apply: (state, event) => {
      for (const [n, p] of parts) if (handlesEvent(p, event)) state[n] = p.apply(state[n], event)
      return state
    },
  }
}

export const asOfCommand: Command = {
  name: 'as-of',
  summary: 'the read models as they were at a time or a global position',
  help: `Usage: dealer-crm as-of <time|position|now> --db <target> [--projection NAME] [--format json|table]

Folds the dealership's read models (or one) from the start of the log up to a point in its history
(the kernel's projectAsOf): a global position (digits, inclusive) or an ISO-8601 time (the log as
it stood then: the events the store had committed at or before it, whatever time the writers'
clocks showed). "now" folds the whole log. One pass over the log for all read models.

Options:
  --projection NAME  one read model: ${readModelNames.join(', ')}
  --format json      pretty JSON (default): { asOf, readModels: { NAME: state } }
  --format table     a compact table per read model (its entries and their plain fields)
  --limit N          table rows per read model (default 20)

${targetHelp}

Examples:
  dealer-crm as-of 2026-06-30T16:00:00Z --db .data/demo.db --projection complaintMetrics
  dealer-crm as-of 1200 --db .data/demo.db --format table`,
  run: async (argv, io) => {
    const args = parseCommandArgs('as-of', argv, {
      options: {
        ...targetOptions,
        projection: { type: 'string' },
        format: { type: 'string' },
        limit: { type: 'string' },
      },
      positionals: ['time|position'],
    })
    const asOf = parseAsOf(args.positionals[0] ?? '')
    const format = args.string('format') ?? 'json'
    if (format !== 'json' && format !== 'table')
      throw new UsageError(`--format must be json or table, not ${JSON.stringify(format)}`)
    const limit = integerOption(args, 'limit', 20)
    const projection = args.string('projection')
    const names = projection === undefined ? readModelNames : [resolveReadModel(projection)]
    return withTarget('as-of', targetArgs(args), { create: false }, async (opened) => {
      noteMissingVault(opened, io)
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
      const state = await projectAsOf(
        opened.store,
        watched,
        asOf === 'now' ? { time: new Date(8.64e15) } : asOf,
      )
      progress.finish(`${progress.count()} events folded`)
      const point =
        asOf === 'now'
          ? { now: true }
          : 'position' in asOf
            ? { position: asOf.position.toString() }
            : { time: asOf.time.toISOString() }
      line(
        io.stdout,
        format === 'json' ? toJson({ asOf: point, readModels: state }) : renderTables(state, limit),
      )
      return 0
    })
  },
}
