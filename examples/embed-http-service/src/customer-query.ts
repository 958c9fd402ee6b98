// The customer page's query: `?purpose=<why>` (required: it goes to the customer's access log),
// `?lang=zh-CN|en` (default zh-CN) and `?at=<ISO-8601 instant>` (default now).
import type { FieldError } from '@dealer-crm/eventsourcing'
import { type ReportLanguage, reportLanguages } from '@dealer-crm/report'

export type CustomerQuery =
  | {
      readonly ok: true
      readonly purpose: string
      readonly lang: ReportLanguage
      readonly at: string | undefined
    }
  | { readonly ok: false; readonly errors: ReadonlyArray<FieldError> }

/** An instant with its offset: `2026-03-02T09:00:00+08:00` or `…Z`. */
const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

export const customerQuery = (query: Readonly<Record<string, unknown>>): CustomerQuery => {
  const errors: FieldError[] = []
  const lang = query.lang ?? 'zh-CN'
  const isLang = (u: unknown): u is ReportLanguage => (reportLanguages as ReadonlyArray<unknown>).includes(u)
  if (!isLang(lang))
    errors.push({
      path: 'query.lang',
      message: `expected one of ${reportLanguages.join(', ')}, got ${JSON.stringify(lang)}`,
    })
  const at = query.at
  const time = typeof at === 'string' && instant.test(at) ? Date.parse(at) : Number.NaN
  if (at !== undefined && Number.isNaN(time))
    errors.push({
      path: 'query.at',
      message: `expected an ISO-8601 instant with its offset, e.g. 2026-03-02T09:00:00+08:00, got ${JSON.stringify(at)}`,
    })
  const purpose = query.purpose
  if (typeof purpose !== 'string' || purpose.trim() === '')
    errors.push({
      path: 'query.purpose',
      message: "required: why the customer's personal data is read (it is recorded in their access log)",
    })
  if (errors.length > 0 || !isLang(lang) || typeof purpose !== 'string') return { ok: false, errors }
  return { ok: true, purpose, lang, at: at === undefined ? undefined : new Date(time).toISOString() }
}
