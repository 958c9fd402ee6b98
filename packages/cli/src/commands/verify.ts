import {
  type Anchor,
  anchorToJson,
  type EventLog,
  type StoredEvent,
  type VerifyOptions,
  type VerifyResult,
  verify,
} from '@dealer-crm/eventsourcing'
import { anchorJson, readAnchorFile, readPublicKeyFile, writeAnchorFile } from '../audit-files.js'
import { type BrokenLinkReport, explainBrokenLink, renderBrokenLink } from '../broken-link.js'
import { type Command, targetArgs } from '../command.js'
import { type Io, line } from '../io.js'
import { toJson } from '../json.js'
import { type OpenedTarget, withTarget } from '../open.js'
import { logProgress } from '../progress.js'

export type VerifyOutcome =
  | Extract<VerifyResult, { ok: true }>
  | { readonly ok: false; readonly events: number; readonly finding: BrokenLinkReport }

/** What the heads given to verify are called in its messages: `--anchor <file>` for the anchor. */
export interface VerifyInputs extends Pick<VerifyOptions, 'publicKey'> {
  readonly anchor?: { readonly file: string; readonly anchor: Anchor }
}

/**
 * The kernel's `verify` over the whole log, against the store's signed head (SQLite, PostgreSQL) and
 * the anchor given, with progress on stderr and a broken link explained.
 */
export const verifyLog = async (
  opened: OpenedTarget,
  io: Io,
  label = 'verify',
  inputs: VerifyInputs = {},
): Promise<VerifyOutcome> => {
  const progress = logProgress(io.stderr, label, await opened.lastPosition())
  const log = opened.store.log
  const counted: EventLog = {
    ...log,
    readAll: async function* (filter): AsyncGenerator<StoredEvent> {
      for await (const e of log.readAll(filter)) {
        progress.event(e.globalPosition)
        yield e
      }
    },
  }
  const result = await verify(counted, {
    ...(opened.checkpoints === null ? {} : { checkpoints: opened.checkpoints }),
    ...(inputs.publicKey === undefined ? {} : { publicKey: inputs.publicKey }),
    ...(inputs.anchor === undefined ? {} : { anchors: [inputs.anchor.anchor] }),
  })
  progress.finish(result.ok ? `${result.events} events checked` : `stopped at event ${result.events}`)
  if (result.ok) return result
  const source =
    result.finding.source === 'anchor 1' ? `--anchor ${inputs.anchor?.file}` : result.finding.source
  const finding = {
    ...result.finding,
    source,
    reason: result.finding.reason.replace('anchor 1', source ?? ''),
  }
  return { ok: false, events: result.events, finding: await explainBrokenLink(log, finding) }
}

const signature = {
  valid: 'signature valid',
  unchecked: 'signature not checked: no --public-key',
  none: 'unsigned',
}

export const renderVerified = (v: Extract<VerifyOutcome, { ok: true }>): string =>
  `verified ${v.events} events in ${v.streams} streams: every hash chain is intact`

/** Global positions, and the heads the log matched or what their absence leaves undetectable. */
export const renderHeads = (
  v: Extract<VerifyOutcome, { ok: true }>,
  contiguous: boolean,
  anchorFile?: string,
): string => {
  const positions = `global positions ${contiguous ? 'have no gaps' : 'increase'}; `
  if (v.checked.length === 0)
    return `${positions}no signed head in the store and no --anchor: truncation, reordering and re-hashed streams are not detectable (docs/audit.md)`
  const heads = v.checked.map(
    (c) =>
      `${c.source === 'anchor 1' ? `--anchor ${anchorFile}` : `the ${c.source}`} (${c.anchor.count} events, ${signature[c.signature]})`,
  )
  return `${positions}the log matches ${heads.join(' and ')}`
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check the log against its hash chains, signed head and an anchor; name the finding (exit 1)',
  target: true,
  options: [
    {
      flags: '--public-key <file>',
      description:
        "the checkpointer's Ed25519 public key (PEM): the stored head and the anchor must carry its signature, and the store must hold a signed head",
    },
    {
      flags: '--anchor <file>',
      description: 'an anchor kept from an earlier verify: the log must still hold what it covers',
    },
    { flags: '--anchor-out <file>', description: 'write the new anchor to this file (one line of JSON)' },
    { flags: '--json', description: 'print the result as JSON on stdout (also on a finding)' },
  ],
  description: `Reads the whole log in global order (the kernel's verify, docs/audit.md) and checks:
every stream's hash chain (positions, prevHash links, each hash recomputed from the stored form);
that global positions increase, without gaps on SQLite; every row (SQLite: its category); and the
commitment over the whole log against the signed head the log checkpointer keeps in the store
(SQLite, PostgreSQL) and against the anchor given. On the first finding it names it on stderr
and exits 1. Otherwise it prints what was checked and a new anchor to keep outside the store.
Opens the store read-only: a read-only file in a read-only folder can be verified.`,
  after: `Example:
  dealer-crm verify --db .data/dealership-demo.sqlite --anchor-out anchor.json`,
  run: async (args, io) => {
    const anchorFile = args.string('anchor')
    const keyFile = args.string('public-key')
    const inputs: VerifyInputs = {
      ...(anchorFile === undefined
        ? {}
        : { anchor: { file: anchorFile, anchor: readAnchorFile(anchorFile) } }),
      ...(keyFile === undefined ? {} : { publicKey: readPublicKeyFile(keyFile) }),
    }
    const anchorOut = args.string('anchor-out')
    return withTarget('verify', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      const outcome = await verifyLog(opened, io, 'verify', inputs)
      if (args.flag('json'))
        line(
          io.stdout,
          toJson(
            outcome.ok
              ? {
                  ...outcome,
                  anchor: anchorToJson(outcome.anchor),
                  checked: outcome.checked.map((c) => ({ ...c, anchor: anchorToJson(c.anchor) })),
                }
              : outcome,
          ),
        )
      if (!outcome.ok) {
        line(io.stderr, `dealer-crm: verify: ${renderBrokenLink(outcome.finding)}`)
        return 1
      }
      if (anchorOut !== undefined) writeAnchorFile(anchorOut, outcome.anchor)
      if (!args.flag('json')) {
        line(io.stdout, renderVerified(outcome))
        line(io.stdout, renderHeads(outcome, opened.store.log.contiguousPositions === true, anchorFile))
        line(io.stdout, `anchor to keep: ${anchorJson(outcome.anchor)}`)
      }
      return 0
    })
  },
}
