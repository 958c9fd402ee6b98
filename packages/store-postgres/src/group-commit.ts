import type { AppendOutcome, AppendRequest } from './append-call.js'

interface Waiting {
  readonly request: AppendRequest
  readonly resolve: (outcome: AppendOutcome) => void
  readonly reject: (error: unknown) => void
}

/**
 * Group commit: at most `maxInFlight` calls run at once; appends arriving meanwhile wait and go
 * together in the next call, one transaction for all of them. An idle store sends each append
 * at once (no timer, no added latency); a busy one sends fewer, larger transactions. One call
 * holds at most one append per stream (a later append to the same stream waits, keeping the
 * order of a stream's appends) and at most `maxEvents` events.
 */
export const createGroupCommit = (
  send: (requests: ReadonlyArray<AppendRequest>) => Promise<AppendOutcome[]>,
  maxInFlight: number,
  maxEvents: number,
  /** True when a failed call of several appends should be retried one by one, so the error lands on its cause. */
  isolate: (error: unknown) => boolean,
) => {
  let queue: Waiting[] = []
  let inFlight = 0

  const take = (): Waiting[] => {
    const batch: Waiting[] = []
    const rest: Waiting[] = []
    const held = new Set<string>()
    let events = 0
    for (const w of queue) {
      const name = w.request.streamName
      const size = w.request.chained.length
      if (held.has(name) || (batch.length > 0 && events + size > maxEvents)) {
        held.add(name)
        rest.push(w)
        continue
      }
      held.add(name)
      batch.push(w)
      events += size
    }
    queue = rest
    return batch
  }

  const flush = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take()
      inFlight++
      send(batch.map((w) => w.request))
        .then(
          (outcomes) => {
            for (const [i, w] of batch.entries()) w.resolve(outcomes[i] as AppendOutcome)
          },
          (error: unknown) => {
            if (batch.length === 1 || !isolate(error)) for (const w of batch) w.reject(error)
            else
              for (const w of batch) send([w.request]).then((o) => w.resolve(o[0] as AppendOutcome), w.reject)
          },
        )
        .finally(() => {
          inFlight--
          flush()
        })
    }
  }

  return (request: AppendRequest): Promise<AppendOutcome> =>
    new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject })
      flush()
    })
}
