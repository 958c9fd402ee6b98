import type { ManualClock } from '@dealer-crm/eventsourcing'

interface Entry {
  readonly at: number
  readonly seq: number
  readonly run: () => Promise<void>
}

/**
 * What the dealership will do and when: a queue of actions by time (ties in the order they were
 * planned). Running an action first sets the manual clock to its time, so every command and every
 * `recordedAt` carries the simulated moment.
 */
export interface Agenda {
  readonly plan: (at: number, run: () => Promise<void>) => void
  /** Run every action due before `until`, in time order, including those they plan meanwhile. */
  readonly runUntil: (until: number) => Promise<number>
  readonly size: () => number
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

export const createAgenda = (clock: ManualClock): Agenda => {
  const heap: Entry[] = []
  let seq = 0

  const push = (entry: Entry) => {
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i] as Entry, heap[parent] as Entry)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry]
      i = parent
    }
  }

  const pop = (): Entry | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (top === undefined || last === undefined || heap.length === 0) return top
    heap[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let smallest = i
      if (l < heap.length && before(heap[l] as Entry, heap[smallest] as Entry)) smallest = l
      if (r < heap.length && before(heap[r] as Entry, heap[smallest] as Entry)) smallest = r
      if (smallest === i) break
      ;[heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry]
      i = smallest
    }
    return top
  }

  return {
    plan: (at, run) => {
      if (!Number.isFinite(at)) throw new RangeError(`cannot plan an action at ${at}`)
      // Time never goes back: an action planned for a moment already past runs now.
      push({ at: Math.max(at, clock.now().getTime()), seq: seq++, run })
    },
    runUntil: async (until) => {
      let ran = 0
      while (heap.length > 0 && (heap[0] as Entry).at < until) {
        const entry = pop() as Entry
        // An action that took a while (the clock moved on inside it) delays the next: time never goes back.
        clock.set(new Date(Math.max(entry.at, clock.now().getTime())))
        await entry.run()
        ran++
      }
      return ran
    },
    size: () => heap.length,
  }
}
