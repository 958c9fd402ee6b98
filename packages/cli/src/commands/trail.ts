import { sealedFieldsBySubject } from '@dealer-crm/dealership'
import { auditTrail, renderTrail, type TrailEntry } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { type OpenedTarget, withTarget } from '../open.js'
import { type PersonRead, readerOf, readerOptions, recordReads } from '../reader.js'
import { markSealed, undecryptedStore } from '../sealed.js'
import { candidateStreams, existingStreams, noteMissingVault } from '../subject.js'

export interface StreamTrail {
  readonly streamName: string
  readonly entries: ReadonlyArray<TrailEntry>
}

const wholeStream = { from: 1, to: Number.MAX_SAFE_INTEGER, maxCount: Number.MAX_SAFE_INTEGER }

/** The people whose personal fields the streams hold under a key that still exists, with those fields. */
const personalReads = async (
  opened: OpenedTarget,
  streams: ReadonlyArray<string>,
): Promise<ReadonlyArray<PersonRead>> => {
  const fields = new Map<string, Set<string>>()
  for (const streamName of streams)
    for await (const stored of opened.store.log.readStream(streamName, wholeStream))
      for (const [subject, paths] of sealedFieldsBySubject(stored.data)) {
        const seen = fields.get(subject) ?? new Set<string>()
        for (const path of paths) seen.add(`${stored.streamName}#${stored.streamPosition} ${path}`)
        fields.set(subject, seen)
      }
  const reads: PersonRead[] = []
  for (const [personId, paths] of fields)
    if (opened.vault !== null && (await opened.vault.keyVault.existingKey(personId)) !== null)
      reads.push({ personId, fields: [...paths] })
  return reads
}

export const trailCommand: Command = {
  name: 'trail',
  summary: 'the audit trail of a customer, referral, complaint or member: who, when, what, why',
  arguments: ['<subject>'],
  target: true,
  options: [{ flags: '--json', description: 'print the trail as JSON' }, ...readerOptions],
  description: `The audit trail (the kernel's auditTrail) of one subject: every event of its stream with when it
was recorded, who did it (actor and role), what happened (type and data) and why (command id,
causation, correlation).

Personal fields are shown sealed ({"sealed":true,"subjectId":…}), or erased once the person was
forgotten, and the store is opened read-only. With --as <staff-id> --purpose <why> they are
decrypted, and the read is first recorded in the access log of each person whose fields the trail
shows (PersonalDataAccessed: who, when, which fields, why): the store is then opened for writing.

<subject> is a stream name (customer-zhang-san, referral-ref-0001, complaint-cmp-0001,
member-zhang-san) or an id: then every stream customer-<id>, referral-<id>, complaint-<id> and
member-<id> that exists is shown (a customer's loyalty card is usually member-<customer id>).
Exits 1 when no stream matches.`,
  after: `Examples:
  dealer-crm trail c-00042 --db .data/dealership-demo.sqlite
  dealer-crm trail c-00042 --db .data/dealership-demo.sqlite --as auditor-qian --purpose "complaint review"`,
  run: async (args, io) => {
    const subject = args.positionals[0] ?? ''
    const reader = readerOf(args)
    const options = { create: false, readOnly: reader === null }
    return withTarget('trail', targetArgs(args), options, async (opened) => {
      const streams = await existingStreams(opened, subject)
      if (streams.length === 0)
        throw new CliError(
          `nothing matches ${JSON.stringify(subject)}: no stream ${candidateStreams(subject).join(', ')}`,
        )
      noteMissingVault(opened, io)
      if (reader !== null)
        await recordReads(opened, reader, 'dealer-crm trail', await personalReads(opened, streams))
      const store = reader === null ? undecryptedStore(opened) : opened.store
      const trails: StreamTrail[] = []
      for (const streamName of streams) {
        const entries = await auditTrail(store, streamName)
        trails.push({
          streamName,
          entries:
            reader === null
              ? await Promise.all(
                  entries.map(async (e) => ({ ...e, data: await markSealed(e.data, opened) })),
                )
              : entries,
        })
      }
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
