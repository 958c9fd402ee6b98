import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type DealershipEvent, dealershipReadModels } from '@dealer-crm/dealership'
import { type Projection, rebuildProjection } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs, wholeNumber } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { logProgress } from '../progress.js'
import { readModelList, renderTables, resolveReadModel } from '../read-models.js'
import { noteMissingVault } from '../subject.js'

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'fold one read model from position 0, with progress; print or write its state',
  arguments: ['<projection>'],
  target: true,
  options: [
    { flags: '--out <file>', description: 'write the rebuilt state as JSON to FILE (refuses to overwrite)' },
    { flags: '--json', description: 'print the rebuilt state as JSON instead of the table' },
    { flags: '--limit <n>', description: 'table rows (default 20)', parse: wholeNumber('--limit') },
  ],
  description: `Rebuilds one of the dealership's read models from global position 0 (the kernel's
rebuildProjection), showing progress on stderr, and prints how many events it folded, how long it
took and a compact table of the result.

It changes nothing in the store: the persisted read models (customer 360, SLA board, ledgers, work
lists) are brought up to date by dealer-crm catch-up. rebuild is how you check a read model against
the whole log, time a full rebuild, or hand its state to another tool (--out / --json).

<projection>:
${readModelList()}

Opens the store read-only.`,
  after: `Example:
  dealer-crm rebuild customerProfiles --db .data/dealership-demo.sqlite --out profiles.json`,
  run: async (args, io) => {
    const name = resolveReadModel(args.positionals[0] ?? '')
    const outRaw = args.string('out')
    const out = outRaw === undefined ? undefined : resolve(outRaw)
    if (out !== undefined && existsSync(out)) throw new CliError(`${out} exists; choose another --out`)
    const limit = args.value<number>('limit') ?? 20
    return withTarget('rebuild', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      noteMissingVault(opened, io)
      const projection = dealershipReadModels[name] as Projection<unknown, DealershipEvent>
      const progress = logProgress(io.stderr, `rebuild ${name}`, await opened.lastPosition())
      const watched: Projection<unknown, DealershipEvent> = {
        ...projection,
        apply: (state, event) => {
          progress.event(event.metadata.globalPosition)
          return projection.apply(state, event)
        },
      }
      const started = Date.now()
      const state = await rebuildProjection(opened.store, watched)
      const folded = progress.count()
      progress.finish(`${folded} events folded`)
      const summary = `rebuilt ${name} (${projection.name} v${projection.version}) from position 0: ${folded} events in ${((Date.now() - started) / 1000).toFixed(1)} s`
      if (out !== undefined) {
        writeFileSync(out, `${toJson(state)}\n`, { flag: 'wx' })
        line(io.stdout, `${summary}; state written to ${out}`)
      } else if (args.flag('json')) line(io.stdout, toJson(state))
      else line(io.stdout, `${summary}\n\n${renderTables({ [name]: state }, limit)}`)
      return 0
    })
  },
}
