import { SingleBar } from 'cli-progress'
import type { Output } from './io.js'

export interface Progress {
  /** `done` out of the total (or a count when there is none). */
  readonly update: (done: number) => void
  /** The last line: what was done, and how long it took. */
  readonly finish: (summary: string) => void
}

export interface ProgressOptions {
  /** Milliseconds between plain lines when the output is not a terminal (default 1000). */
  readonly lineEveryMs?: number
  readonly now?: () => number
}

/** Bars drawing now: their timers would keep the process alive if a command failed half way. */
const drawing = new Set<SingleBar>()

/** Stop every bar still drawing (a command that failed half way); main calls it after each command. */
export const stopProgress = (): void => {
  for (const bar of drawing) bar.stop()
  drawing.clear()
}

const thousands = (value: number, _options: unknown, type: string): string =>
  type === 'value' || type === 'total' ? value.toLocaleString('en-US') : String(value)

/**
 * Progress on stderr, drawn by cli-progress (ADR 0015): a bar redrawn in place on a terminal,
 * otherwise a plain line at most every second (logs and CI); always a final line saying what was
 * done and how long it took. Every long command and the demo share it.
 */
export const createProgress = (
  out: Output,
  label: string,
  total: number | null,
  options: ProgressOptions = {},
): Progress => {
  const now = options.now ?? Date.now
  const started = now()
  const tty = out.isTTY === true
  const every = options.lineEveryMs ?? 1000
  const counted = total === null || total <= 0
  const bar = new SingleBar({
    // cli-progress types its stream as a Node stream; it only calls write (and reads isTTY, columns).
    stream: out as unknown as NodeJS.WritableStream,
    format: counted ? `${label}: {value}` : `${label} [{bar}] {percentage}% | {value} of {total}`,
    barsize: 30,
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: false,
    clearOnComplete: true,
    noTTYOutput: true,
    notTTYSchedule: every,
    formatValue: thousands,
    fps: 10,
  })
  // A log or a pipe gets its first line only once a command has run for `every` ms, so a quick
  // command (or one that fails at once) writes nothing but its last line.
  let running = false
  return {
    update: (done) => {
      const value = counted ? done : Math.min(done, total)
      if (running) bar.update(value)
      else if (tty || now() - started >= every) {
        bar.start(counted ? 0 : total, value)
        drawing.add(bar)
        running = true
      }
    },
    finish: (summary) => {
      if (running) {
        bar.stop()
        drawing.delete(bar)
      }
      const seconds = ((now() - started) / 1000).toFixed(1)
      out.write(`${label}: ${summary} in ${seconds} s\n`)
    },
  }
}

/** Progress over a log read in global order: the position against the last one, or a count. */
export const logProgress = (
  out: Output,
  label: string,
  lastPosition: bigint | null,
  options?: ProgressOptions,
) => {
  const progress = createProgress(out, label, lastPosition === null ? null : Number(lastPosition), options)
  let count = 0
  return {
    event: (globalPosition: bigint) => {
      count++
      progress.update(lastPosition === null ? count : Number(globalPosition))
    },
    count: () => count,
    finish: progress.finish,
  }
}
