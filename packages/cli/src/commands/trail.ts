import { auditTrail, renderTrail, type TrailEntry } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { candidateStreams, existingStreams, noteMissingVault } from '../subject.js'

export interface StreamTrail {
  readonly streamName: string
  readonly entries: ReadonlyArray<TrailEntry>
}

export const trailCommand: Command = {
  name: 'trail',
  summary: 'the audit trail of a customer, referral, complaint or member: who, when, what, why',
  arguments: ['<subject>'],
  target: true,
  options: [{ flags: '--json', description: 'print the trail as JSON' }],
  description: `The audit trail (the kernel's auditTrail) of one subject: every event of its stream with when it
was recorded, who did it (actor and role), what happened (type and data, personal fields decrypted
or shown as erased) and why (command id, causation, correlation).

<subject> is a stream name (customer-zhang-san, referral-ref-0001, complaint-cmp-0001,
member-zhang-san) or an id: then every stream customer-<id>, referral-<id>, complaint-<id> and
member-<id> that exists is shown (a customer's loyalty card is usually member-<customer id>).
Exits 1 when no stream matches. Opens the store read-only.`,
  after: `Example:
  dealer-crm trail c-00042 --db .data/dealership-demo.sqlite`,
  run: async (args, io) => {
    const subject = args.positionals[0] ?? ''
    return withTarget('trail', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      const streams = await existingStreams(opened, subject)
      if (streams.length === 0)
        throw new CliError(
          `nothing matches ${JSON.stringify(subject)}: no stream ${candidateStreams(subject).join(', ')}`,
        )
      noteMissingVault(opened, io)
      const trails: StreamTrail[] = []
      for (const streamName of streams)
        trails.push({ streamName, entries: await auditTrail(opened.store, streamName) })
      if (args.flag('json')) line(io.stdout, toJson({ subject, streams: trails }))
      else
        line(
          io.stdout,
          trails
            .map((t) => `${t.streamName}: ${t.entries.length} events\n${renderTrail(t.entries)}`)
            .join('\n\n'),
        )
      return 0
    })
  },
}
