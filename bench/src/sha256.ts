/**
 * The hash chain's SHA-256 (packages/eventsourcing/src/audit/hash.ts) with `crypto.hash`, the
 * one-shot function of Node 20.12 and later, against `createHash(...).update(...).digest('hex')`,
 * which older Nodes have: the same input, the text the chain hashes for one of the bench's events
 * (the previous hash, then the event's canonical JSON). The two run in alternating blocks; the
 * median of each one's block means is printed. See docs/performance.md, "Hash chain".
 *
 *   pnpm --filter @dealer-crm/bench sha256 [--rounds 21]
 */
import { createHash, hash } from 'node:crypto'
import { parseArgs } from 'node:util'
import { canonicalJson } from '@dealer-crm/eventsourcing'
import { EVENT_TYPE, visit } from './workload.js'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '21' } } })
const rounds = Number(args.rounds)
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a positive integer, not ${args.rounds}`)

const inputs = Array.from({ length: 1000 }, (_, n) => {
  const envelope = {
    actor: { id: `u-${n % 40}`, role: 'service-advisor' },
    causationId: null,
    commandId: `cmd-${n}`,
    correlationId: `cmd-${n}`,
    data: visit(n),
    eventId: `0190f3b2-${String(n).padStart(4, '0')}-7000-8000-000000000000`,
    recordedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    schemaVersion: 1,
    streamName: `visits-${n}`,
    streamPosition: 1,
    type: EVENT_TYPE,
  }
  return `${'f'.repeat(64)}\n${canonicalJson(envelope)}`
})
const contenders: ReadonlyArray<readonly [string, (s: string) => string]> = [
  ["crypto.hash('sha256', text)", (s) => hash('sha256', s)],
  ["createHash('sha256').update(text).digest('hex')", (s) => createHash('sha256').update(s).digest('hex')],
]
for (const s of inputs.slice(0, 3))
  if (contenders.some(([, f]) => f(s) !== contenders[0]?.[1](s))) throw new Error('the two hashes differ')

const block = 20
const means = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
let sink = 0
// Two warm-up rounds, then the counted ones.
for (let round = -2; round < rounds; round++)
  for (const [name, f] of contenders) {
    const start = process.hrtime.bigint()
    for (let b = 0; b < block; b++) for (const s of inputs) sink += f(s).length
    const ns = Number(process.hrtime.bigint() - start) / (block * inputs.length)
    if (round >= 0) means.get(name)?.push(ns)
  }
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
const mean = (xs: ReadonlyArray<string>) => xs.reduce((n, s) => n + s.length, 0) / xs.length
process.stdout.write(
  `SHA-256 of one event's chain text (${Math.round(mean(inputs))} characters), median of ${rounds} rounds, ns per hash\n`,
)
const first = median(means.get(contenders[0]?.[0] ?? '') ?? [])
for (const [name] of contenders) {
  const ns = median(means.get(name) ?? [])
  process.stdout.write(
    `  ${name.padEnd(48)} ${ns.toFixed(0).padStart(6)}   ÷ crypto.hash ${(ns / first).toFixed(2)}\n`,
  )
}
if (sink === 0) process.stdout.write('(nothing hashed)\n')
