import Table from 'cli-table3'

export type Align = 'left' | 'right'

/**
 * A table drawn by cli-table3 (ADR 0015): borders, a header row, columns as wide as their widest
 * cell (CJK characters counted double), no colours (the output is often a file or a pipe).
 */
export const renderTable = (
  head: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align: ReadonlyArray<Align> = [],
): string => {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    // Compact: no rule between body rows.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  })
  for (const row of rows) table.push([...row])
  return table.toString()
}
