export interface SimulationOptions {
  /** The SQLite file to (re)create: an existing file there is replaced. */
  readonly path: string
  /** Customers by the end of the run: the opening book of owners plus the year's new prospects (default 2000). */
  readonly customers?: number
  /** Seed of every random draw and of the event ids (default 1). */
  readonly seed?: number
  /** First simulated day, an ISO date in China time (default '2026-01-01'). */
  readonly start?: string
  /** Simulated days (default 365). */
  readonly days?: number
  /** Told after each simulated day: days done, days in all. */
  readonly onProgress?: (done: number, total: number) => void
}

export interface ResolvedOptions {
  readonly path: string
  readonly customers: number
  readonly seed: number
  readonly start: string
  readonly days: number
  readonly onProgress: (done: number, total: number) => void
}

/** An option out of range: names the option and what it must be; nothing is written. */
export class SimulationOptionsError extends Error {
  readonly code = 'SimulationOptionsError'
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`)
    this.name = 'SimulationOptionsError'
  }
}

/** Decides by `code`, not `instanceof`, so that it holds across the ESM and CommonJS builds. */
export const isSimulationOptionsError = (error: unknown): error is SimulationOptionsError =>
  typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'SimulationOptionsError'

export const defaults = { customers: 2000, seed: 1, start: '2026-01-01', days: 365 } as const

/** The fewest customers that leave room for the opening book, new prospects and referrals. */
export const minimumCustomers = 20
export const maximumCustomers = 200_000
export const maximumDays = 3660

const isCalendarDay = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s

const wholeIn = (option: string, value: number, min: number, max: number): number => {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new SimulationOptionsError(option, `expected a whole number from ${min} to ${max}, got ${value}`)
  return value
}

/** Check every option before anything is created. */
export const resolveOptions = (options: SimulationOptions): ResolvedOptions => {
  if (typeof options.path !== 'string' || options.path.trim() === '')
    throw new SimulationOptionsError('path', 'expected the path of the SQLite file to create')
  const start = options.start ?? defaults.start
  if (!isCalendarDay(start))
    throw new SimulationOptionsError('start', `expected a calendar day such as 2026-01-01, got ${start}`)
  return {
    path: options.path,
    customers: wholeIn(
      'customers',
      options.customers ?? defaults.customers,
      minimumCustomers,
      maximumCustomers,
    ),
    seed: wholeIn('seed', options.seed ?? defaults.seed, 0, 2 ** 32 - 1),
    start,
    days: wholeIn('days', options.days ?? defaults.days, 1, maximumDays),
    onProgress: options.onProgress ?? (() => {}),
  }
}
