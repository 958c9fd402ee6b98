import { createDealership } from '@dealer-crm/dealership'
import type { Erasure, StoredEvent } from '@dealer-crm/eventsourcing'
import { readWholeLog, seededRandom, systemClock } from '@dealer-crm/eventsourcing'
import { renderBrokenLink } from '../broken-link.js'
import { type Command, targetArgs } from '../command.js'
import { CliError, line } from '../io.js'
import { toJson } from '../json.js'
import { withTarget } from '../open.js'
import { erasedFieldsOf, sealedFieldsOf } from '../personal-fields.js'
import { logProgress } from '../progress.js'
import { renderVerified, verifyLog } from './verify.js'

export interface ForgottenEvent {
  readonly streamName: string
  readonly streamPosition: number
  readonly type: string
  /** The decoded fields that now read as erased. */
  readonly erased: ReadonlyArray<string>
}

/** What the store's vault says of old copies of the key (docs/privacy.md). */
const renderErasure = (erasure: Erasure): string =>
  erasure.state === 'complete'
    ? 'erasure complete: no copy of the key that decrypts is left in the store'
    : `erasure ${erasure.state === 'pending' ? 'PENDING' : 'logical only'}: ${erasure.reason}`

export const forgetCommand: Command = {
  name: 'forget',
  summary: "crypto-shred a person's personal data; show it reads as erased and the log still verifies",
  arguments: ['<subject>'],
  target: true,
  options: [{ flags: '--json', description: 'print the result as JSON' }],
  description: `Crypto-shreds one person (PIPL right to deletion): the subject's key in the key vault is destroyed
(store.forget), so every personal field sealed under it - names, phones, plates, wherever they
were recorded - reads as erased from now on, for every reader. The events themselves are not
changed: the hash chain covers the ciphertext, so the log still verifies.

<subject> is the subject id the personal data was sealed for (a customer id such as zhang-san).
The command first finds the events holding the subject's personal data (exits 1 if there are
none, and forgets nothing), then forgets, then reads those events back and lists the fields that
now read as erased, and finally verifies the whole log. It also says what became of old copies of
the key (docs/privacy.md): on SQLite they are erased from the files ("complete"), unless another
process still reads an older snapshot ("PENDING": exits 1; run forget again once it is done); on
PostgreSQL without key-encryption keys they stay in old row versions, WAL and backups ("logical
only").`,
  after: `Example:
  dealer-crm forget c-00042 --db .data/dealership-demo.sqlite`,
  run: async (args, io) => {
    const subject = args.positionals[0] ?? ''
    return withTarget('forget', targetArgs(args), { create: false }, async (opened) => {
      if (opened.vault === null)
        throw new CliError('forget needs the key vault of this EventStoreDB log: pass --vault')
      const progress = logProgress(io.stderr, 'forget: find personal data', await opened.lastPosition())
      const holding: StoredEvent[] = []
      for await (const e of readWholeLog(opened.store.log)) {
        progress.event(e.globalPosition)
        if (sealedFieldsOf(e.data, subject).length > 0) holding.push(e)
      }
      progress.finish(`${holding.length} events hold personal data of ${subject}`)
      if (holding.length === 0)
        throw new CliError(`no personal data of ${JSON.stringify(subject)} in the log; nothing was forgotten`)
      const already = (await opened.vault.keyVault.existingKey(subject)) === null
      // Through the facade where the store keeps read models: the persisted ones that hold decrypted
      // personal data (customer 360, SLA board, call-back queue) are dropped with the key, and rebuilt
      // with erased values by the next catch-up (ADR 0017).
      const erasure =
        opened.readModels === null
          ? await opened.store.forget(subject)
          : await createDealership({
              store: opened.store,
              clock: systemClock,
              random: seededRandom(0),
              readModels: opened.readModels,
            }).forget(subject)
      const events: ForgottenEvent[] = []
      for (const stored of holding) {
        const decoded = await opened.store.decode(stored)
        events.push({
          streamName: stored.streamName,
          streamPosition: stored.streamPosition,
          type: stored.type,
          erased: erasedFieldsOf(decoded.data, subject),
        })
      }
      const readable = events.filter((e) => e.erased.length === 0)
      const verified = await verifyLog(opened, io)
      if (args.flag('json'))
        line(io.stdout, toJson({ subject, alreadyForgotten: already, erasure, events, verify: verified }))
      else
        line(
          io.stdout,
          [
            `forgot ${subject}: ${already ? 'the key was already destroyed' : 'the key is destroyed'}`,
            renderErasure(erasure),
            `personal fields of ${subject} now read as erased in ${events.length - readable.length} of ${events.length} events:`,
            ...events.map(
              (e) =>
                `  ${e.streamName} #${e.streamPosition} ${e.type}: ${e.erased.join(', ') || 'STILL READABLE'}`,
            ),
            verified.ok ? renderVerified(verified) : `verify failed: ${renderBrokenLink(verified.finding)}`,
          ].join('\n'),
        )
      if (!verified.ok) throw new CliError(`the log does not verify: ${renderBrokenLink(verified.finding)}`)
      if (erasure.state === 'pending')
        throw new CliError(
          `old copies of the key of ${subject} are not erased yet: ${erasure.reason}; run forget again`,
        )
      if (readable.length > 0)
        throw new CliError(
          `${readable.length} events still read personal data of ${subject} after forgetting`,
        )
      return 0
    })
  },
}
