import type { Output } from './io.js'

export interface Progress {
  /** `done` out of the total (or a count when there is none). */
  readonly update: (done: number) => void
  /** The last line: what was done, and how long it took. */
  readonly finish: (summary: string) => void
}

export interface ProgressOptions {
  /** Milliseconds between plain lines when stderr is not a terminal (default 1000). */
  readonly lineEveryMs?: number
  readonly now?: () => number
}

const width = 30

/**
 * Progress on stderr: a bar redrawn in place on a terminal (at most every 100 ms), otherwise one
 * plain line at most every second (logs and CI), and always a final line.
 */
export const createProgress = (
  out: Output,
  label: string,
  total: number | null,
  options: ProgressOptions = {},
): Progress => {
  const now = options.now ?? Date.now
  const tty = out.isTTY === true
  const every = tty ? 100 : (options.lineEveryMs ?? 1000)
  const started = now()
  let last = started
  let drawn = false
  const text = (done: number) => {
    if (total === null || total <= 0) return `${label}: ${done.toLocaleString('en-US')}`
    const ratio = Math.min(1, Math.max(0, done / total))
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4)
    if (!tty) return `${label}: ${percent}`
    const filled = Math.round(ratio * width)
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}`
  }
  return {
    update: (done) => {
      const t = now()
      if (t - last < every) return
      last = t
      if (tty) {
        out.write(`\r${text(done)}\x1b[K`)
        drawn = true
      } else out.write(`${text(done)}\n`)
    },
    finish: (summary) => {
      const seconds = ((now() - started) / 1000).toFixed(1)
      out.write(`${tty && drawn ? '\r\x1b[K' : ''}${label}: ${summary} in ${seconds} s\n`)
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
