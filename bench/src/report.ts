import type { Result } from './workload.js'

/** Metrics down, stores across. */
export const printTable = (results: ReadonlyArray<Result>): void => {
  const stores = [...new Set(results.map((r) => r.store))]
  const metrics = [...new Set(results.map((r) => `${r.metric} (${r.unit})`))]
  const cell = (metric: string, store: string) => {
    const r = results.find((x) => `${x.metric} (${x.unit})` === metric && x.store === store)
    return r === undefined ? 'n/a' : r.value.toLocaleString('en-US')
  }
  const rows = [['metric', ...stores], ...metrics.map((m) => [m, ...stores.map((s) => cell(m, s))])]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: ReadonlyArray<string>) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  process.stdout.write(`\n${line(rows[0]!)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`)
  for (const r of rows.slice(1)) process.stdout.write(`${line(r)}\n`)
}
