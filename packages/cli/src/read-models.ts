import { type DealershipEvent, dealershipReadModels, type ReadModelName } from '@dealer-crm/dealership'
import { handlesEvent, isErased, type Projection } from '@dealer-crm/eventsourcing'
import { UsageError } from './io.js'
import { isSealedField } from './sealed.js'
import { renderTable } from './table.js'

export const readModelNames = Object.keys(dealershipReadModels) as ReadonlyArray<ReadModelName>

/** The read-model names as lines of at most `width` characters, for help texts. */
export const readModelList = (width = 96): string =>
  readModelNames
    .reduce<string[]>((lines, name) => {
      const last = lines.at(-1)
      if (last !== undefined && last.length + name.length + 2 <= width)
        lines[lines.length - 1] = `${last}, ${name}`
      else lines.push(last === undefined ? name : name)
      return lines
    }, [])
    .join(',\n')

const simplified = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')

/** A read model by its facade name (`customerProfiles`), case and dashes aside, or its projection name. */
export const resolveReadModel = (raw: string): ReadModelName => {
  const wanted = simplified(raw)
  const found = readModelNames.find(
    (n) => simplified(n) === wanted || simplified(dealershipReadModels[n].name) === wanted,
  )
  if (found === undefined)
    throw new UsageError(
      `no read model ${JSON.stringify(raw)}; the read models are ${readModelNames.join(', ')}`,
    )
  return found
}

/** Several projections folded in one pass: a record of their states. */
export const together = (
  names: ReadonlyArray<ReadModelName>,
): Projection<Record<string, unknown>, DealershipEvent> => {
  const parts = names.map(
    (n) => [n, dealershipReadModels[n] as Projection<unknown, DealershipEvent>] as const,
  )
  return {
    name: 'dealer-crm.as-of',
    version: 1,
    handles: [...new Set(parts.flatMap(([, p]) => p.handles))],
    init: () => Object.fromEntries(parts.map(([n, p]) => [n, p.init()])),
    apply: (state, event) => {
      for (const [n, p] of parts) if (handlesEvent(p, event)) state[n] = p.apply(state[n], event)
      return state
    },
  }
}

type Row = Readonly<Record<string, unknown>>

const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A personal field that is not shown: erased (the person was forgotten) or sealed (not decrypted). */
const isWithheld = (v: unknown): boolean => isErased(v) || isSealedField(v)

const entriesOf = (v: unknown): ReadonlyArray<readonly [string, unknown]> | null => {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x] as const)
  if (isRecord(v) && !isWithheld(v)) return Object.entries(v)
  return null
}

const isScalar = (v: unknown): boolean =>
  v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v) || isWithheld(v)

const cell = (v: unknown): string => {
  if (isErased(v)) return '«erased»'
  if (isSealedField(v)) return '«sealed»'
  if (v === null || v === undefined) return '-'
  const s = String(v)
  return s.length > 24 ? `${s.slice(0, 23)}…` : s
}

const size = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.length}]`
  if (v instanceof Set) return `[${v.size}]`
  const entries = entriesOf(v)
  return entries === null ? cell(v) : `{${entries.length}}`
}

const show = (v: unknown): string => (isScalar(v) || v === undefined ? cell(v) : size(v))

/** A collection of records: one row per entry, with the entries' plain fields as columns. */
const collectionTable = (entries: ReadonlyArray<readonly [string, unknown]>, limit: number): string[] => {
  const shown = entries.slice(0, limit)
  const columns = [
    ...new Set(
      shown.flatMap(([, v]) =>
        isRecord(v) && !isWithheld(v) ? Object.keys(v).filter((k) => isScalar(v[k])) : [],
      ),
    ),
  ].slice(0, 8)
  const rows = shown.map(([k, v]) => [
    cell(k),
    ...(isRecord(v) && !isWithheld(v) ? columns.map((c) => show(v[c])) : [show(v)]),
  ])
  const more = entries.length > shown.length ? [`… ${entries.length - shown.length} more`] : []
  const head = ['key', ...columns]
  return [
    renderTable(
      head,
      rows.map((r) => head.map((_, i) => r[i] ?? '')),
    ),
    ...more,
  ]
}

/** One read model as a compact table: collections row by row, other states field by field. */
const table = (name: string, state: unknown, limit: number): string => {
  const entries = entriesOf(state) ?? []
  const records =
    entries.length > 0 &&
    entries.every(([, v]) => isRecord(v) && !isWithheld(v) && Object.values(v).some(isScalar))
  if (state instanceof Map || records)
    return [`${name} (${entries.length} entries)`, ...collectionTable(entries, limit)].join('\n')
  const fields = entries.map(([k, v]) => [k, show(v)] as const)
  return [name, renderTable(['field', 'value'], fields)].join('\n')
}

export const renderTables = (states: Readonly<Record<string, unknown>>, limit: number): string =>
  Object.entries(states)
    .map(([name, state]) => table(name, state, limit))
    .join('\n\n')
