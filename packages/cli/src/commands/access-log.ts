import { type Command, targetArgs } from '../command.js'
import { line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { readAccessLog } from '../reader.js'
import { renderTable } from '../table.js'

export const accessLogCommand: Command = {
  name: 'access-log',
  summary: "who read a person's personal data: when, who (and their roles), which fields, why",
  arguments: ['<person-id>'],
  target: true,
  options: [{ flags: '--json', description: 'print the entries as JSON' }],
  description: `Answers "who saw this person's data" (PIPL): the entries of the person's access log, oldest first —
every read of their personal data recorded by the facade's customer360 as a principal, by the
command line's customer, trail --purpose, export --with-keys and subject-export. The log's stream is
named by a keyed hash of the person's id (the key is kept in the store's key vault), holds no personal
data, survives forget and is covered by the hash chain (dealer-crm verify). Opens the store
read-only; nothing is decrypted, so nothing is recorded.`,
  after: `Example:
  dealer-crm access-log c-00042 --db .data/dealership-demo.sqlite`,
  run: async (args, io) => {
    const personId = args.positionals[0] ?? ''
    return withTarget('access-log', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      const entries = await readAccessLog(opened, personId)
      if (args.flag('json')) {
        line(io.stdout, toJson({ person: personId, entries }))
        return 0
      }
      if (entries.length === 0) {
        line(io.stdout, `no read of ${personId}'s personal data is recorded in ${opened.description}`)
        return 0
      }
      line(
        io.stdout,
        [
          `${personId}: ${entries.length} reads of personal data recorded`,
          renderTable(
            ['at', 'who', 'roles', 'purpose', 'via', 'fields'],
            entries.map((e) => [
              e.at,
              e.by.id,
              e.by.roles.join(', ') || '-',
              e.purpose,
              e.via,
              e.fields.length <= 3
                ? e.fields.join(', ')
                : `${e.fields.slice(0, 3).join(', ')} … (${e.fields.length})`,
            ]),
          ),
        ].join('\n'),
      )
      return 0
    })
  },
}
