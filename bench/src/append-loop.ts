/**
 * Appends to one contender in a loop, for instructions.ts to count under `perf stat`: 300 warm-up
 * appends, then `count` appends of `size` events, each to a new stream of a fresh store. The events
 * are made before the loop, so only the appends are counted. Arguments: contender name, size,
 * count, temp dir, PostgreSQL URL.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { contenders } from './contenders.js'
import { batch } from './workload.js'

const [name, sizeArg, countArg, dir, pgUrl] = process.argv.slice(2)
const factory = contenders.find((f) => f.name === name)
if (factory === undefined || dir === undefined || pgUrl === undefined)
  throw new Error(`append-loop.ts: bad arguments ${JSON.stringify(process.argv.slice(2))}`)
const size = Number(sizeArg)
const count = Number(countArg)
const batches = Array.from({ length: 50 }, (_, i) => batch(i * size, size))
// SQLite files go to a directory of their own; PostgreSQL schemas are dropped when opened.
const c = await factory.open({ dir: mkdtempSync(join(dir, 'run-')), pgUrl, tag: 'i' })
if (c === null) throw new Error(`append-loop.ts: ${name} has no store for this run`)
for (let s = 0; s < 300 + count; s++) await c.append(`visits-i${s}`, batches[s % 50] ?? [])
await c.close()
