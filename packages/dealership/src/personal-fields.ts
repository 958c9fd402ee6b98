import { isErased, SEALED_KEY } from '@dealer-crm/eventsourcing'

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const walk = (
  value: unknown,
  path: string,
  visit: (v: unknown, path: string) => boolean,
  out: string[],
): void => {
  if (visit(value, path)) {
    out.push(path)
    return
  }
  if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit, out)
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, visit, out)
}

/** Paths of the stored data's personal fields sealed under this subject's key. */
export const sealedFieldsOf = (stored: unknown, subjectId: string): ReadonlyArray<string> => {
  const out: string[] = []
  walk(
    stored,
    'data',
    (v) => isRecord(v) && isRecord(v[SEALED_KEY]) && (v[SEALED_KEY] as { s?: unknown }).s === subjectId,
    out,
  )
  return out
}

/** Paths of the decoded data's values that read as erased for this subject. */
export const erasedFieldsOf = (decoded: unknown, subjectId: string): ReadonlyArray<string> => {
  const out: string[] = []
  walk(decoded, 'data', (v) => isErased(v) && v.subjectId === subjectId, out)
  return out
}

/** The subjects whose keys seal some field of the stored data, each with the paths of those fields. */
export const sealedFieldsBySubject = (stored: unknown): ReadonlyMap<string, ReadonlyArray<string>> => {
  const bySubject = new Map<string, string[]>()
  walk(
    stored,
    'data',
    (v, path) => {
      const sealed = isRecord(v) && isRecord(v[SEALED_KEY]) ? (v[SEALED_KEY] as { s?: unknown }).s : undefined
      if (typeof sealed !== 'string') return false
      bySubject.set(sealed, [...(bySubject.get(sealed) ?? []), path])
      return true
    },
    [],
  )
  return bySubject
}
