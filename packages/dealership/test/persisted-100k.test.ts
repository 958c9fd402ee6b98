import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixedClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { createDealership, type DealershipEvent, dealershipRegistry } from '../src/index.js'
import { complaintId, liSi, mondayAt, referralId, zhangSan } from './fixtures.js'
import { storyEvents } from './scenario.js'

const worker = fileURLToPath(new URL('./workers/open-and-query.mjs', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'dealership-100k-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const total = 100_000
/** One customer in ten has the complaint: an SLA board of a few hundred open complaints. */
const withComplaint = (copy: number) => copy % 10 === 0

describe('a 100,000-event store opened in a fresh process', () => {
  it('serves customer360 and the SLA board from the persisted read models without reading the log', async () => {
    const story = await storyEvents()
    const ids = [zhangSan.customerId, liSi.customerId, referralId, complaintId]
    const pattern = new RegExp(ids.join('|'), 'g')
    const copyOf = (text: string, copy: number) => text.replace(pattern, (id) => `${id}-${copy}`)
    const streams = [...new Set(story.map((e) => e.streamName))]
    const path = join(dir, 'dealer.db')
    const store = createSqliteEventStore({ path, registry: dealershipRegistry, synchronous: 'NORMAL' })

    // Written directly in batches, a stream's events in one append: the story copied under new ids.
    let written = 0
    let copies = 0
    while (written < total) {
      const appends: Array<Promise<unknown>> = []
      for (let n = 0; n < 100 && written < total; n++, copies++) {
        for (const stream of streams) {
          if (!withComplaint(copies) && stream.startsWith('complaint-')) continue
          const events = story
            .filter((e) => e.streamName === stream)
            .slice(0, total - written)
            .map(
              (e) =>
                ({
                  type: e.type,
                  data: JSON.parse(copyOf(JSON.stringify(e.data), copies)),
                }) as DealershipEvent,
            )
          if (events.length === 0) continue
          written += events.length
          appends.push(store.appendToStream(copyOf(stream, copies), events))
        }
      }
      await Promise.all(appends)
    }
    let count = 0
    for await (const _ of store.log.readAll({
      from: 0n,
      to: null,
      batchSize: 5000,
      categories: null,
      types: null,
    }))
      count++
    expect(count).toBe(total)

    // This process builds the read models (catch-up from the first event), then closes the file.
    const at = mondayAt(80)
    const builder = createDealership({
      store,
      clock: fixedClock(at),
      random: seededRandom(1),
      readModels: createSqliteReadModelStore(store.sqliteLog),
    })
    // A copy with the complaint, written whole (the last copies may be cut short at 100,000 events).
    const customer = `${zhangSan.customerId}-${(Math.floor((copies - 1) / 10) - 1) * 10}`
    const expected = await builder.customer360(customer)
    const board = await builder.slaBoard()
    expect(expected?.openComplaints).toHaveLength(1)
    expect(board.length).toBeGreaterThan(100)
    await builder.close()

    const child = spawn(process.execPath, [worker, path, customer, at], { cwd: packageDir })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code, output).toBe(0)
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}')
    process.stdout.write(
      `100,000-event SQLite store, fresh process: open ${result.openMs.toFixed(1)} ms, first customer360 ${result.customer360Ms.toFixed(1)} ms, SLA board (${result.boardRows} rows) ${result.slaBoardMs.toFixed(1)} ms, events read from the log ${result.eventsRead}\n`,
    )
    expect(result.eventsRead).toBe(0)
    expect(result).toMatchObject({
      stage: expected?.stage,
      openComplaints: 1,
      balance: expected?.membership?.balance,
      boardRows: board.length,
    })
  })
})
