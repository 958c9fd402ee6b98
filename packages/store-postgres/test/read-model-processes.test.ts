import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { eventRegistry, eventType } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresEventStore, createPostgresReadModelStore } from '../src/index.js'
import { connectionString, dropSchema, freshSchema, serverAvailable, testPool } from './database.js'

const available = await serverAvailable()
const worker = fileURLToPath(new URL('./workers/read-model-worker.mjs', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

const NoteAdded = eventType('NoteAdded', t.type({ text: t.string, tags: t.array(t.string) }))
const registry = eventRegistry([NoteAdded])

interface Worker {
  readonly child: ChildProcess
  batches: number
  exit: Promise<number | null>
  output: string
}

const start = (schema: string, target: bigint): Worker => {
  const child = spawn(process.execPath, [worker, connectionString(), schema, target.toString(), '15'], {
    cwd: packageDir,
  })
  const w: Worker = {
    child,
    batches: 0,
    output: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    w.output += chunk.toString()
    w.batches = (w.output.match(/^batch /gm) ?? []).length
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    w.output += chunk.toString()
  })
  return w
}

const until = async (condition: () => boolean, what: string) => {
  // A hang detector, not a speed check: the workers report progress all along.
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 300_000) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

if (available) {
  const admin = testPool(2)
  afterAll(async () => admin.end())

  describe('a persisted read model caught up by several processes (PostgreSQL)', () => {
    it('takes over from the checkpoint when the lease holder is killed, and applies each event exactly once', async () => {
      const schema = freshSchema('rmproc')
      const store = await createPostgresEventStore({ connectionString: connectionString(), schema, registry })
      try {
        for (let s = 0; s < 40; s++)
          await store.appendToStream(
            `note-${s}`,
            Array.from({ length: 10 }, (_, i) => NoteAdded.make({ text: `${s}/${i}`, tags: [] })),
          )
        const positions: bigint[] = []
        for await (const e of store.readAll()) positions.push(e.metadata.globalPosition)
        const target = (positions.at(-1) ?? 0n) + 1n

        const workers = [start(schema, target), start(schema, target), start(schema, target)]
        const killed: Worker[] = []
        for (let kill = 0; kill < 2; kill++) {
          const alive = workers.filter((w) => !killed.includes(w))
          // The lease holder is the one whose batches are coming in; kill it after a few.
          await until(() => alive.some((w) => w.batches >= 3), 'a worker to commit batches')
          const holder = alive.find((w) => w.batches >= 3) as Worker
          holder.child.kill('SIGKILL')
          await holder.exit
          killed.push(holder)
        }
        const survivor = workers.find((w) => !killed.includes(w)) as Worker
        expect(await survivor.exit, survivor.output).toBe(0)

        const readModels = createPostgresReadModelStore(store.pool, schema)
        expect(await readModels.live('processes.tally')).toMatchObject({ version: 1, position: target })
        const tallies = await readModels.transaction((tx) =>
          tx.documents(
            'processes.tally',
            1,
            positions.map((p) => `e-${p.toString().padStart(8, '0')}`),
          ),
        )
        expect(tallies.size).toBe(positions.length)
        const data = [...tallies.values()].map((d) => d.data as { times: number; by: number[] })
        expect(data.filter((d) => d.times !== 1 || d.by.length !== 1)).toEqual([])
        // The work was shared: both killed holders committed batches, and the survivor finished it.
        const by = new Set(data.map((d) => d.by[0]))
        expect(killed.every((w) => by.has(w.child.pid as number))).toBe(true)
        expect(by.has(survivor.child.pid as number)).toBe(true)
        process.stdout.write(
          `read-model processes: ${positions.length} events; batches committed per process ${workers.map((w) => w.batches).join(', ')}\n`,
        )
      } finally {
        await store.close()
        await dropSchema(admin, schema)
      }
    })
  })
} else {
  it.skip('PostgreSQL multi-process read-model test (no server)', () => undefined)
}
