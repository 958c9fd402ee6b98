import { createDealership } from '@dealer-crm/dealership'
import { seededRandom, systemClock } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { noteMissingVault } from '../subject.js'
import { renderTable } from '../table.js'

export const catchUpCommand: Command = {
  name: 'catch-up',
  summary:
    'bring the persisted read models (customer 360, SLA board, ledgers, work lists) up to the end of the log',
  arguments: [],
  target: true,
  options: [{ flags: '--json', description: 'print each read model’s position and events applied as JSON' }],
  description: `Brings the read models the store keeps in its own tables (ADR 0017: the customer 360, the SLA
board, the member and referrer ledgers, the churn-risk list and the call-back queue) up to the end of
the log, each from its checkpoint, each under its lease, and prints how far each got. A read model
first built by a newer version is built beside the live one and takes over once caught up.

The facade does this on its own before each query it serves from them; run it where no facade runs
(after an import, before dealer-crm customer on a read-only copy, from cron). Opens the store for
writing. EventStoreDB has no tables for read models.`,
  after: `Example:
  dealer-crm catch-up --db .data/dealership-demo.sqlite`,
  run: async (args, io) =>
    withTarget('catch-up', targetArgs(args), { create: false }, async (opened) => {
      noteMissingVault(opened, io)
      if (opened.readModels === null)
        throw new CliError(`${opened.description} keeps no read models: EventStoreDB has no tables for them`)
      // Nothing is decided: the clock and the draws serve no command here.
      const dealership = createDealership({
        store: opened.store,
        clock: systemClock,
        random: seededRandom(0),
        readModels: opened.readModels,
      })
      try {
        const runs = await dealership.catchUpReadModels()
        if (args.flag('json')) {
          line(
            io.stdout,
            toJson(
              Object.fromEntries(
                Object.entries(runs).map(([name, r]) => [
                  name,
                  { position: r.position.toString(), applied: r.applied, ran: r.ran, live: r.live },
                ]),
              ),
            ),
          )
          return 0
        }
        line(
          io.stdout,
          renderTable(
            ['read model', 'next position', 'events applied', 'state'],
            Object.entries(runs).map(([name, r]) => [
              name,
              r.position.toLocaleString('en-US'),
              r.applied.toLocaleString('en-US'),
              !r.ran ? 'another process holds its lease' : r.live ? 'live' : 'building',
            ]),
            ['left', 'right', 'right', 'left'],
          ),
        )
        return 0
      } finally {
        await dealership.close()
      }
    }),
}
