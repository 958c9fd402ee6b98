/**
 * One step of a contender's rebuild, in a Node process of its own (main.ts forks it):
 *   fill   opens the contender's empty rebuild store and appends the events;
 *   replay opens that store, as a process rebuilding a projection would, and replays every event
 *          into the projection, timing it; the peak RSS is this process's.
 * Arguments: step, contender name, event count, temp dir, PostgreSQL URL. It sends main.ts one
 * message (FillReply or ReplayReply), closes the store and exits; a failure exits non-zero.
 */
import { contenders } from './contenders.js'
import { peakRss, rate } from './measure.js'
import { batch, projection } from './workload.js'

export type RebuildStep = 'fill' | 'replay'
/** `supported: false` when the contender has no rebuild (it is reported n/a). */
export interface FillReply {
  readonly supported: boolean
}
export interface ReplayReply {
  /** The contender's own name (with its version), as the workload's figures have it. */
  readonly store: string
  readonly rate: number
  readonly peakMb: number
}

const [step, name, countArg, dir, pgUrl] = process.argv.slice(2)
const factory = contenders.find((f) => f.name === name)
if (
  factory === undefined ||
  (step !== 'fill' && step !== 'replay') ||
  dir === undefined ||
  pgUrl === undefined
)
  throw new Error(`rebuild.ts: bad arguments ${JSON.stringify(process.argv.slice(2))}`)
const count = Number(countArg)

const send = (message: FillReply | ReplayReply) =>
  new Promise<void>((resolve, reject) => {
    if (process.send === undefined) reject(new Error('rebuild.ts is started by main.ts (fork)'))
    else process.send(message, undefined, {}, (error) => (error === null ? resolve() : reject(error)))
  })

const c = await factory.open({ dir, pgUrl, tag: 'r', rebuild: step })
if (c === null || c.replayUnsupported === true) await send({ supported: false })
else if (step === 'fill') {
  for (let from = 0; from < count; from += 1000)
    await c.append(`visits-r${from / 1000}`, batch(from, Math.min(1000, count - from)))
  await send({ supported: true })
} else {
  const p = projection()
  const { result, peakMb } = await peakRss(() =>
    rate(count, async () => {
      const n = await c.replay(p.apply)
      if (n !== count) throw new Error(`${name} replayed ${n} events, expected ${count}`)
    }),
  )
  await send({ store: c.name, rate: result, peakMb })
}
await c?.close()
// The IPC channel would keep the process alive.
process.exit(0)
