import { once } from 'node:events'
import { createWriteStream, existsSync, rmSync, type WriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { accessLogKeySubject } from '@dealer-crm/dealership'
import { readWholeLog } from '@dealer-crm/eventsourcing'
import { type Command, targetArgs } from '../command.js'
import { CliError, type Io, line } from '../io.js'
import { eventLine, keyLine } from '../ndjson.js'
import { withTarget } from '../open.js'
import { logProgress } from '../progress.js'
import { readerOptions, recordReads, requireReader } from '../reader.js'

interface Sink {
  readonly write: (text: string) => Promise<void>
  readonly end: () => Promise<void>
  readonly abandon: () => void
}

const fileSink = (path: string): Sink => {
  const stream: WriteStream = createWriteStream(path, { flags: 'wx', encoding: 'utf8' })
  const failed = new Promise<never>((_, reject) => stream.once('error', reject))
  failed.catch(() => undefined)
  return {
    write: async (text) => {
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed])
    },
    end: async () => {
      stream.end()
      await Promise.race([once(stream, 'finish'), failed])
    },
    abandon: () => {
      stream.destroy()
      rmSync(path, { force: true })
    },
  }
}

const outputSink = (io: Io): Sink => ({
  write: async (text) => {
    io.stdout.write(text)
  },
  end: async () => undefined,
  abandon: () => undefined,
})

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the stored (still encrypted) events as NDJSON, with --with-keys the key vault too',
  target: true,
  options: [
    { flags: '--out <file>', description: 'write to FILE (refuses to overwrite) instead of stdout' },
    {
      flags: '--with-keys',
      description:
        'also export the key vault (SQLite, PostgreSQL, or EventStoreDB with --vault); needs --as and --purpose',
    },
    ...readerOptions,
  ],
  description: `Writes every stored event in global order as NDJSON, one JSON object per line: the event as the
log keeps it (personal fields still encrypted; hashes, ids, recorded and commit times and metadata
as stored; the global position as a decimal string). Without --out the lines go to stdout.
\`dealer-crm import\` reads the file into another store, where every hash comes out the same.

The events alone do not carry the personal-data keys: imported elsewhere, personal fields read as
erased unless that store uses the same key vault. --with-keys appends the key vault's rows
(including the tombstones of forgotten subjects) as lines { "subjectKey": ... }: such a file can
decrypt the personal data, so keep it as safe as the vault itself. It therefore needs --as <staff-id>
and --purpose <why>: once the file is written, the export is recorded in the access log of every
person whose key it holds (PersonalDataAccessed, via "dealer-crm export --with-keys"), so the store is
then opened for writing; those entries are not in the file just written.

Without --with-keys it opens the store read-only.`,
  after: `Example:
  dealer-crm export --db .data/dealership-demo.sqlite --out demo.ndjson --with-keys --as it-admin-he --purpose "move to the group server"`,
  run: async (args, io) => {
    const outRaw = args.string('out')
    const out = outRaw === undefined ? undefined : resolve(outRaw)
    if (out !== undefined && existsSync(out)) throw new CliError(`${out} exists; choose another --out`)
    const withKeys = args.flag('with-keys')
    const reader = withKeys ? requireReader(args, 'export --with-keys') : null
    return withTarget('export', targetArgs(args), { create: false, readOnly: !withKeys }, async (opened) => {
      if (withKeys && opened.vault === null)
        throw new CliError('--with-keys: this EventStoreDB log has no key vault; pass --vault')
      const sink = out === undefined ? outputSink(io) : fileSink(out)
      const progress = logProgress(io.stderr, 'export', await opened.lastPosition())
      const streams = new Set<string>()
      let keys = 0
      const readable: string[] = []
      try {
        let chunk = ''
        let lines = 0
        for await (const e of readWholeLog(opened.store.log)) {
          progress.event(e.globalPosition)
          streams.add(e.streamName)
          chunk += `${eventLine(e)}\n`
          if (++lines % 256 === 0) {
            await sink.write(chunk)
            chunk = ''
          }
        }
        if (withKeys && opened.vault !== null)
          for (const k of await opened.vault.exportKeys()) {
            chunk += `${keyLine(k)}\n`
            keys++
            if (k.key !== null && k.subjectId !== accessLogKeySubject) readable.push(k.subjectId)
          }
        await sink.write(chunk)
        await sink.end()
      } catch (error) {
        sink.abandon()
        throw error
      }
      progress.finish(`${progress.count()} events written`)
      if (reader !== null)
        await recordReads(
          opened,
          reader,
          'dealer-crm export --with-keys',
          readable.map((personId) => ({
            personId,
            fields: ['* (every personal field: the key was exported)'],
          })),
        )
      line(
        out === undefined ? io.stderr : io.stdout,
        `exported ${progress.count()} events of ${streams.size} streams${withKeys ? ` and ${keys} subject keys` : ' (no keys: personal fields need the same key vault to be read)'}${out === undefined ? '' : ` to ${out}`}`,
      )
      return 0
    })
  },
}
