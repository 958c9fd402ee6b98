import { CorruptEventError } from '@dealer-crm/eventsourcing'
import { beforeEach, describe, expect, it } from 'vitest'
import { openSqliteEventLog } from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { freshLogPerTest } from './temp-file.js'

const fresh = freshLogPerTest()

describe('reading', () => {
  beforeEach(async () => {
    for (let i = 0; i < 5; i++) {
      await fresh.log.append('order-1', [pendingNote(`o${i}`)], 'any')
      await fresh.log.append(`customer-${i}`, [pendingNote(`c${i}`)], 'any')
    }
  })

  it('pages readAll by key in any batch size, within bounds and filters', async () => {
    const everything = await collect(fresh.log.readAll(all))
    expect(everything.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 10 }, (_, i) => BigInt(i + 1)),
    )
    for (const batchSize of [1, 3, 10, 11])
      expect(await collect(fresh.log.readAll({ ...all, batchSize }))).toEqual(everything)
    const bounded = await collect(fresh.log.readAll({ ...all, from: 3n, to: 7n, batchSize: 2 }))
    expect(bounded.map((e) => e.globalPosition)).toEqual([3n, 4n, 5n, 6n, 7n])
    const customers = await collect(fresh.log.readAll({ ...all, categories: ['customer'], batchSize: 2 }))
    expect(customers.map((e) => e.streamName)).toEqual([0, 1, 2, 3, 4].map((i) => `customer-${i}`))
    expect(await collect(fresh.log.readAll({ ...all, types: ['Other'] }))).toEqual([])
  })

  it('pages readStream with from, to and maxCount', async () => {
    const small = openSqliteEventLog({ path: fresh.file.path, readBatchSize: 2 })
    const stream = await collect(small.readStream('order-1', { from: 2, to: 5, maxCount: 3 }))
    expect(stream.map((e) => e.streamPosition)).toEqual([2, 3, 4])
    expect(await collect(small.readStream('order-1', { from: 1, to: 100, maxCount: 100 }))).toHaveLength(5)
    await small.close()
  })
})

describe('corrupt rows', () => {
  const corrupt = async (set: string) => {
    await fresh.log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    fresh.log.database.prepare(`UPDATE es_events SET ${set} WHERE stream_position = 2`).run()
  }
  const failure = async (items: AsyncIterable<unknown>) => {
    const seen: unknown[] = []
    try {
      for await (const item of items) seen.push(item)
    } catch (error) {
      return { seen, error }
    }
    throw new Error('expected the read to fail')
  }

  it.each([
    ['invalid JSON data', "data = '{not json'", /data is not valid JSON/],
    ['a non-numeric schema version', "schema_version = 'one'", /schema version/],
    ['an actor that is not an object', "actor = '42'", /actor/],
    ['a hash that is not text', "hash = X'00'", /required column/],
  ])(
    '%s stops readAll and readStream with a CorruptEventError naming stream and position',
    async (_, set, reason) => {
      await corrupt(set)
      for (const read of [
        fresh.log.readAll(all),
        fresh.log.readStream('order-1', { from: 1, to: 10, maxCount: 10 }),
      ]) {
        const { seen, error } = await failure(read)
        expect(seen).toHaveLength(1)
        expect(error).toBeInstanceOf(CorruptEventError)
        expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', streamPosition: 2 })
        expect((error as Error).message).toMatch(reason)
      }
    },
  )

  it('a non-numeric stream position is reported with the stream and global position', async () => {
    await corrupt("stream_position = 'two'")
    const { error } = await failure(fresh.log.readAll(all))
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', globalPosition: 2n })
  })
})

describe('hash verification on read (verifyHashes)', () => {
  const failure = async (items: AsyncIterable<unknown>) => {
    try {
      for await (const _ of items);
    } catch (error) {
      return error
    }
    throw new Error('expected the read to fail')
  }

  it('names an event whose content was altered after it was written', async () => {
    await fresh.log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    fresh.log.database
      .prepare(`UPDATE es_events SET data = json_set(data, '$.text', 'forged') WHERE stream_position = 2`)
      .run()
    const checked = openSqliteEventLog({ path: fresh.file.path, verifyHashes: true })
    for (const read of [checked.readAll(all), checked.readStream('order-1', { from: 1, to: 9, maxCount: 9 })])
      expect(await failure(read)).toMatchObject({
        code: 'CorruptEvent',
        streamName: 'order-1',
        streamPosition: 2,
        globalPosition: 2n,
      })
    expect(await collect(fresh.log.readAll(all))).toHaveLength(3)
    await checked.close()
  })

  it('names the event after a removed one as a broken link in readStream', async () => {
    await fresh.log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    fresh.log.database.prepare('DELETE FROM es_events WHERE stream_position = 2').run()
    const checked = openSqliteEventLog({ path: fresh.file.path, verifyHashes: true })
    const error = await failure(checked.readStream('order-1', { from: 1, to: 9, maxCount: 9 }))
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', streamPosition: 3 })
    expect((error as Error).message).toMatch(/hash chain is broken/)
    await checked.close()
  })
})
