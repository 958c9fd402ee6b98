/**
 * JSON for people and tools: Maps become objects (or [key, value] pairs when a key is not a
 * string), Sets arrays, bigints decimal strings.
 */
export const jsonReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Map) {
    const entries = [...value.entries()]
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries
  }
  if (value instanceof Set) return [...value]
  return value
}

export const toJson = (value: unknown, pretty = true): string =>
  JSON.stringify(value, jsonReplacer, pretty ? 2 : undefined) ?? 'null'
