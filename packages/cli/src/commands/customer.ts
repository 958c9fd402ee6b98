import {
  createDealership,
  customer360Documents,
  defaultDealershipPolicies,
  persistedCustomer360,
} from '@dealer-crm/dealership'
import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { renderCustomer } from '../customer-view.js'
import { parseTypedTime, type TypedTime } from '../dates.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { persistedAndCurrent } from '../read-model-status.js'
import { noteMissingVault } from '../subject.js'

export const customerCommand: Command = {
  name: 'customer',
  summary: "one customer's 360 view: profile, stage, vehicles, consent, referrals, complaints, points",
  arguments: ['<customer-id>'],
  target: true,
  options: [
    {
      flags: '--at <time>',
      description:
        'the moment the SLA clocks and spendable points are computed for (ISO 8601 with a zone, or a bare date: its start in China time; default now)',
      parse: (raw) => parseTypedTime('--at', raw),
    },
    { flags: '--json', description: 'print the view as JSON' },
  ],
  description: `Shows one customer as the dealership facade's customer360 sees them: the profile with its
personal fields decrypted (or «erased» once the person was forgotten), the lifecycle stage with the
evidence recorded for it, vehicles, consent per purpose and channel, the latest touchpoints, the
referrals they made and their rewards, their open complaints with the state of each deadline, and
their membership with points in ¥ (at ¥1 per 100 points). Exits 1 when the customer is unknown.
Reads the persisted customer 360 (one row of the store's read-model tables, ADR 0017) when it
holds the whole log; otherwise it says so on stderr and folds the log in memory (dealer-crm
catch-up brings the persisted read models up to date). Opens the store read-only.`,
  after: `Example:
  dealer-crm customer c-00042 --db .data/dealership-demo.sqlite`,
  run: async (args, io) => {
    const customerId = args.positionals[0] ?? ''
    const typed = args.value<TypedTime>('at')
    const at = typed?.time ?? new Date()
    return withTarget('customer', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      noteMissingVault(opened, io)
      if (typed?.assumed != null) line(io.stderr, `customer: --at ${typed.assumed}`)
      // From the persisted customer 360 when it holds the whole log: one lookup, no log read.
      const readModels = await persistedAndCurrent(opened, customer360Documents)
      if (readModels === null && opened.readModels !== null)
        line(
          io.stderr,
          `customer: the persisted customer 360 does not hold the whole log; folding the log in memory (dealer-crm catch-up --db ${targetArgs(args).db} brings it up to date)`,
        )
      // Queries only: the clock answers "now" for the SLA clocks and points; nothing is decided.
      const view =
        readModels !== null
          ? await persistedCustomer360(readModels, customerId, at.toISOString(), {
              calendar: defaultDealershipPolicies.complaintWorkflow.calendar,
            })
          : await createDealership({
              store: opened.store,
              clock: manualClock(at),
              random: seededRandom(0),
            }).customer360(customerId, at.toISOString())
      if (view === undefined)
        throw new CliError(`no customer ${JSON.stringify(customerId)} in ${opened.description}`)
      line(io.stdout, args.flag('json') ? toJson(view) : renderCustomer(view, at))
      return 0
    })
  },
}
