/** Events per second of `work`, which handles `count` events. */
export const rate = async (count: number, work: () => Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint()
  await work()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return Math.round(count / seconds)
}

/** The highest resident set size seen while `work` runs, in MB. */
export const peakRss = async <T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> => {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, peakMb: Math.round(peak / 1024 / 1024) }
  } finally {
    clearInterval(timer)
  }
}
