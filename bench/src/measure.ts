/** Events per second of `work`, which handles `count` events. */
export const rate = async (count: number, work: () => Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint()
  await work()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return Math.round(count / seconds)
}

/**
 * The process's peak resident set size once `work` is done, in MB: the kernel's high-water mark
 * (getrusage), so no spike between samples is missed. It counts everything the process has done,
 * so run `work` in a process that does nothing else.
 */
export const peakRss = async <T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> => {
  const result = await work()
  return { result, peakMb: Math.round(process.resourceUsage().maxRSS / 1024) }
}
