/**
 * Months of the report, in China time (UTC+8, no daylight saving): the dealer's calendar month,
 * `YYYY-MM`. An instant in the last hours of a UTC month may belong to the next China month.
 */
export type Month = string

const chinaOffsetMs = 8 * 3_600_000

export const isMonth = (text: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(text)

/** The China month of an ISO-8601 instant or a Date. */
export const monthOf = (at: string | Date): Month =>
  new Date((typeof at === 'string' ? Date.parse(at) : at.getTime()) + chinaOffsetMs).toISOString().slice(0, 7)

const parts = (month: Month): [number, number] => [Number(month.slice(0, 4)), Number(month.slice(5, 7))]

export const nextMonth = (month: Month): Month => {
  const [y, m] = parts(month)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** `months` months before (negative: after). */
export const monthsBefore = (month: Month, months: number): Month => {
  const [y, m] = parts(month)
  const index = y * 12 + (m - 1) - months
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** The last millisecond of the China month, as an ISO-8601 instant in UTC. */
export const endOfMonth = (month: Month): string => {
  const [y, m] = parts(month)
  return new Date(Date.UTC(y, m, 1) - chinaOffsetMs - 1).toISOString()
}

/** Every month from `from` to `to`, both included (none when `to` is before `from`). */
export const monthRange = (from: Month, to: Month): Month[] => {
  const all: Month[] = []
  for (let m = from; m <= to; m = nextMonth(m)) all.push(m)
  return all
}

/**
 * The cursor of a monthly series: the latest month its events reached. Moving it to a later month
 * closes each month passed (`close` snapshots the figures that are a state at the month's end:
 * stages, liabilities, members by level), so a month without events still gets its snapshot.
 */
export interface MonthCursor {
  cursor: Month | null
}

export const advanceTo = (state: MonthCursor, month: Month, close: (month: Month) => void): void => {
  if (state.cursor === null) {
    state.cursor = month
    return
  }
  while (state.cursor < month) {
    close(state.cursor)
    state.cursor = nextMonth(state.cursor)
  }
}

/** The bucket of a month, made on first use. */
export const bucket = <T>(months: Map<Month, T>, month: Month, fresh: () => T): T => {
  let b = months.get(month)
  if (b === undefined) {
    b = fresh()
    months.set(month, b)
  }
  return b
}
