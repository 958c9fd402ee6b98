import { existsSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createDealership, vaultAccessLogSecret } from '@dealer-crm/dealership'
import { seededRandom, systemClock } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { readerOptions, requireReader } from '../reader.js'

export const subjectExportCommand: Command = {
  name: 'subject-export',
  summary: 'everything held about one person as one JSON file, for a data-subject access request',
  arguments: ['<person-id>'],
  target: true,
  options: [
    { flags: '--out <file>', description: 'write to FILE (refuses to overwrite) instead of stdout' },
    ...readerOptions,
  ],
  description: `Answers a data-subject access request (PIPL): one portable JSON document holding everything the
log holds about the person — the events about them (their customer stream, their member card,
complaints naming them, referrals naming them as referee or referrer) with their personal fields
decrypted, the read models' rows (customer 360, member statement, referrer account), their consents,
and their access log. The export is itself recorded in the access log (and listed in it), so --as
and --purpose are required and the store is opened for writing. Exits 1 when nothing is held about
the person.`,
  after: `Example:
  dealer-crm subject-export c-00042 --db .data/dealership-demo.sqlite --as privacy-officer-xu --purpose "access request 2026-118" --out c-00042.json`,
  run: async (args, io) => {
    const personId = args.positionals[0] ?? ''
    const reader = requireReader(args, 'subject-export')
    const outRaw = args.string('out')
    const out = outRaw === undefined ? undefined : resolve(outRaw)
    if (out !== undefined && existsSync(out)) throw new CliError(`${out} exists; choose another --out`)
    return withTarget('subject-export', targetArgs(args), { create: false }, async (opened) => {
      if (opened.vault === null)
        throw new CliError('subject-export needs the key vault of this EventStoreDB log: pass --vault')
      const dealership = createDealership({
        store: opened.store,
        clock: systemClock,
        random: seededRandom(0),
        accessLogSecret: vaultAccessLogSecret(opened.vault.keyVault),
      })
      const exported = await dealership
        .as(reader.principal)
        .subjectExport(personId, { purpose: reader.purpose })
      if (exported === undefined)
        throw new CliError(`nothing is held about ${JSON.stringify(personId)} in ${opened.description}`)
      const text = toJson(exported)
      if (out === undefined) line(io.stdout, text)
      else {
        writeFileSync(out, `${text}\n`, { flag: 'wx' })
        line(io.stdout, `exported ${exported.events.length} events about ${personId} to ${out}`)
      }
      return 0
    })
  },
}
