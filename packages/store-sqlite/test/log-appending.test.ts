import { ConcurrencyError, StoreError, verify } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { openSqliteEventLog } from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { freshLogPerTest } from './temp-file.js'

const fresh = freshLogPerTest()

describe('appending', () => {
  it('numbers streams from 1 and the log from 1, and chains hashes across appends', async () => {
    const first = await fresh.log.append('order-1', [pendingNote('a'), pendingNote('b')], 'no_stream')
    const second = await fresh.log.append('order-2', [pendingNote('c')], 'no_stream')
    const third = await fresh.log.append('order-1', [pendingNote('d')], 2)
    expect(first.map((e) => [e.streamPosition, e.globalPosition])).toEqual([
      [1, 1n],
      [2, 2n],
    ])
    expect(second[0]?.globalPosition).toBe(3n)
    expect(third[0]?.prevHash).toBe(first[1]?.hash)
    expect(await collect(fresh.log.readAll(all))).toEqual([...first, ...second, ...third])
    expect(await verify(fresh.log)).toMatchObject({ ok: true })
  })

  it('rolls back everything when the inTransaction callback throws, sync or async', async () => {
    fresh.log.database.exec('CREATE TABLE notes (text TEXT)')
    const insertNote = (text: string) => fresh.log.database.prepare('INSERT INTO notes VALUES (?)').run(text)
    await expect(
      fresh.log.append('order-1', [pendingNote('a')], 'any', () => {
        insertNote('a')
        throw new Error('projection failed')
      }),
    ).rejects.toThrow('projection failed')
    await expect(
      fresh.log.append('order-1', [pendingNote('b')], 'any', async (_stored, tx) => {
        tx.prepare('INSERT INTO notes VALUES (?)').run('b')
        await new Promise((r) => setTimeout(r, 5))
        throw new Error('async projection failed')
      }),
    ).rejects.toThrow('async projection failed')
    expect(await fresh.log.streamVersion('order-1')).toBe(0)
    expect(fresh.log.database.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0)
    expect(fresh.log.database.inTransaction).toBe(false)
    const ok = await fresh.log.append('order-1', [pendingNote('c')], 'no_stream')
    expect(ok[0]?.globalPosition).toBe(1n)
  })

  it('hides an append whose async inline work is in flight from readers, and serialises the next append', async () => {
    let fail: (error: Error) => void = () => undefined
    const gate = new Promise<void>((_, reject) => {
      fail = reject
    })
    const slow = fresh.log.append('order-1', [pendingNote('slow')], 'no_stream', () => gate)
    const version = fresh.log.streamVersion('order-1')
    const events = collect(fresh.log.readAll(all))
    const next = fresh.log.append('order-1', [pendingNote('next')], 'no_stream')
    await new Promise((r) => setTimeout(r, 20))
    fail(new Error('rolled back'))
    await expect(slow).rejects.toThrow('rolled back')
    expect(await version).toBe(0)
    expect(await events).toEqual([])
    expect((await next)[0]?.globalPosition).toBe(1n)
  })

  it('runs many async transactions, appends and reads that arrive together without overlapping', async () => {
    const tick = () => new Promise<void>((r) => setTimeout(r, 1))
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 10; i++) {
      work.push(fresh.log.append(`order-${i % 3}`, [pendingNote(`a${i}`)], 'any', () => tick()))
      work.push(
        fresh.log.transaction(async (tx) => {
          await tick()
          return tx.prepare('SELECT count(*) FROM es_events').pluck().get()
        }),
      )
      work.push(fresh.log.append(`order-${i % 3}`, [pendingNote(`b${i}`)], 'any'))
      work.push(fresh.log.streamVersion(`order-${i % 3}`))
    }
    const results = await Promise.allSettled(work)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    const positions = (await collect(fresh.log.readAll(all))).map((e) => e.globalPosition)
    expect(positions).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)))
    expect(await verify(fresh.log)).toMatchObject({ ok: true })
  })

  it('reports a failure of the engine itself as a StoreError, writing nothing', async () => {
    const unserialisable = { ...pendingNote('a'), data: { amount: 1n } }
    const error = await fresh.log
      .append('order-1', [pendingNote('ok'), unserialisable], 'any')
      .catch((e) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as Error).message).toMatch(/append to order-1 failed/)
    expect(await fresh.log.streamVersion('order-1')).toBe(0)
  })

  it('calls listeners after commit, when the events are readable', async () => {
    const seen: number[] = []
    const stop = fresh.log.onAppended(() => {
      seen.push(Number(fresh.log.database.prepare('SELECT count(*) FROM es_events').pluck().get()))
    })
    await fresh.log.append('order-1', [pendingNote('a'), pendingNote('b')], 'any')
    await expect(fresh.log.append('order-1', [pendingNote('c')], 'no_stream')).rejects.toBeInstanceOf(
      ConcurrencyError,
    )
    stop()
    await fresh.log.append('order-1', [pendingNote('d')], 'any')
    expect(seen).toEqual([2])
  })

  it('serialises writers on two connections to the same file (as two processes would)', async () => {
    const other = openSqliteEventLog({ path: fresh.file.path })
    await fresh.log.append('order-1', [pendingNote('a')], 'no_stream')
    const results = await Promise.allSettled([
      fresh.log.append('order-1', [pendingNote('x')], 1),
      other.append('order-1', [pendingNote('y')], 1),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    await other.append('order-2', [pendingNote('b')], 'any')
    const positions = (await collect(fresh.log.readAll(all))).map((e) => e.globalPosition)
    expect(positions).toEqual([1n, 2n, 3n])
    await other.close()
  })
})
