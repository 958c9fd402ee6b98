import { readWholeLog, type StoredEvent, type VerifyResult, verifyEvents } from '@dealer-crm/eventsourcing'
import { parseCommandArgs } from '../args.js'
import { type BrokenLinkReport, explainBrokenLink, renderBrokenLink } from '../broken-link.js'
import { type Command, targetArgs, targetHelp, targetOptions } from '../command.js'
import { type Io, line } from '../io.js'
import { toJson } from '../json.js'
import { type OpenedTarget, withTarget } from '../open.js'
import { logProgress } from '../progress.js'

export type VerifyOutcome =
  | Extract<VerifyResult, { ok: true }>
  | { readonly ok: false; readonly events: number; readonly broken: BrokenLinkReport }

/** The kernel's `verify` over the whole log, with progress on stderr and the broken link explained. */
export const verifyLog = async (opened: OpenedTarget, io: Io, label = 'verify'): Promise<VerifyOutcome> => {
  const progress = logProgress(io.stderr, label, await opened.lastPosition())
  const log = opened.store.log
  async function* counted(): AsyncGenerator<StoredEvent> {
    for await (const e of readWholeLog(log)) {
      progress.event(e.globalPosition)
      yield e
    }
  }
  const result: VerifyResult = await verifyEvents(counted())
  progress.finish(result.ok ? `${result.events} events checked` : `stopped at event ${result.events}`)
  if (result.ok) return result
  return { ok: false, events: result.events, broken: await explainBrokenLink(log, result.finding) }
}

export const renderVerified = (v: Extract<VerifyOutcome, { ok: true }>): string =>
  `verified ${v.events} events in ${v.streams} streams: every hash chain is intact`

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check the hash chain of the whole log; name the first broken link (exit 1)',
  help: `Usage: dealer-crm verify --db <target> [--json]

Walks the whole log in global order and checks every stream's hash chain (the kernel's verify):
positions without gaps, each prevHash equal to the previous event's hash, each hash recomputed
from the stored form. Prints the number of events checked; on the first broken link, names it
(stream, position, global position, expected and found hash) on stderr and exits 1.

Options:
  --json             print the result as JSON on stdout (also when a link is broken)

${targetHelp}`,
  run: async (argv, io) => {
    const args = parseCommandArgs('verify', argv, {
      options: { ...targetOptions, json: { type: 'boolean' } },
      positionals: [],
    })
    return withTarget('verify', targetArgs(args), { create: false }, async (opened) => {
      const outcome = await verifyLog(opened, io)
      if (args.flag('json')) line(io.stdout, toJson(outcome))
      if (outcome.ok) {
        if (!args.flag('json')) line(io.stdout, renderVerified(outcome))
        return 0
      }
      line(io.stderr, `dealer-crm: verify: ${renderBrokenLink(outcome.broken)}`)
      return 1
    })
  },
}
