// Read models fold into Maps and Sets (and positions are bigints); JSON has none of them.

/** JSON text of a read model: a Map becomes an object, a Set an array, a bigint a decimal string. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, item]) => [String(k), item]))
    if (v instanceof Set) return [...v]
    if (typeof v === 'bigint') return v.toString()
    return v
  })
