import { createDealership, vaultAccessLogSecret } from '@dealer-crm/dealership'
import { defaultTenant, seededRandom, systemClock } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { renderCustomer } from '../customer-view.js'
import { parseTypedTime, type TypedTime } from '../dates.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { readerOptions, requireReader } from '../reader.js'
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
    ...readerOptions,
  ],
  description: `Shows one customer as the dealership facade's customer360 sees them: the profile with its
personal fields decrypted (or «erased» once the person was forgotten), the lifecycle stage with the
evidence recorded for it, vehicles, consent per purpose and channel, the latest touchpoints, the
referrals they made and their rewards, their open complaints with the state of each deadline, and
their membership with points in ¥ (at ¥1 per 100 points). Exits 1 when the customer is unknown.

The view decrypts personal data: --as <staff-id> and --purpose <why> are required, and the read is
recorded in the customer's access log (PersonalDataAccessed: who, when, which fields, why; see
dealer-crm access-log) before the view is printed, so the store is opened for writing.

The view comes from the persisted customer 360 (one row of the store's read-model tables, ADR 0017;
pnpm demo leaves it current), brought up to date first when events were appended since (dealer-crm
catch-up does that for all of them); EventStoreDB keeps no read models and folds the log.`,
  after: `Example:
  dealer-crm customer c-00042 --db .data/dealership-demo.sqlite --as manager-huang --purpose "service follow-up"`,
  run: async (args, io) => {
    const customerId = args.positionals[0] ?? ''
    const typed = args.value<TypedTime>('at')
    const at = typed?.time ?? new Date()
    const reader = requireReader(args, 'customer')
    return withTarget('customer', targetArgs(args), { create: false }, async (opened) => {
      noteMissingVault(opened, io)
      if (typed?.assumed != null) line(io.stderr, `customer: --at ${typed.assumed}`)
      // Queries only: the view is for --at; the clock stamps the access-log entry; nothing is decided.
      const dealership = createDealership({
        store: opened.store,
        clock: systemClock,
        random: seededRandom(0),
        ...(opened.vault === null ? {} : { accessLogSecret: vaultAccessLogSecret(opened.vault.keyVault) }),
        // The persisted customer 360 (ADR 0017): one lookup, caught up first if the log moved on.
        ...(opened.readModels === null ? {} : { readModels: opened.readModels }),
        // The store opened is this tenant's (ADR 0022).
        tenant: opened.store.log.tenant ?? defaultTenant,
      })
      // Without a vault (EventStoreDB, no --vault) nothing can be decrypted, so nothing is recorded.
      const view =
        opened.vault === null
          ? await dealership.customer360(customerId, at.toISOString())
          : await dealership
              .as(reader.principal)
              .customer360(customerId, { purpose: reader.purpose, at: at.toISOString() })
      if (view === undefined)
        throw new CliError(`no customer ${JSON.stringify(customerId)} in ${opened.description}`)
      line(io.stdout, args.flag('json') ? toJson(view) : renderCustomer(view, at))
      return 0
    })
  },
}
