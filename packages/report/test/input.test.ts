import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { createInMemoryEventStore } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  endOfMonth,
  isReportInputError,
  monthOf,
  monthRange,
  monthsBefore,
  nextMonth,
  ReportInputError,
  renderReport,
  writeReport,
} from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'report-input-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const store = createInMemoryEventStore({ registry: dealershipRegistry })

describe('bad input', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a month out of range', { from: '2026-13' }, 'from: expected a month such as 2026-01, got 2026-13'],
    [
      'a day instead of a month',
      { to: '2026-12-31' },
      'to: expected a month such as 2026-01, got 2026-12-31',
    ],
    ['an unknown language', { lang: 'fr' }, 'lang: expected one of zh-CN, en, got fr'],
    [
      'a period that ends before it starts',
      { from: '2026-05', to: '2026-04' },
      'from: the period starts (2026-05) after it ends (2026-04)',
    ],
    ['a negative point value', { pointValueFen: -1 }, 'pointValueFen: expected a number of fen ≥ 0, got -1'],
    ['an empty log and no period', {}, 'to: the log is empty: give the period (from and to)'],
  ]
  for (const [what, options, message] of cases)
    it(`is refused with a typed error naming the option: ${what}; nothing is written`, async () => {
      const path = join(dir, 'refused.html')
      const error = await writeReport(path, { store, ...options }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ReportInputError)
      expect(isReportInputError(error)).toBe(true)
      expect((error as Error).message).toBe(message)
      expect(existsSync(path)).toBe(false)
    })

  it('an empty log with a period gives a page of empty months', async () => {
    const html = await renderReport({ store, from: '2026-01', to: '2026-03', lang: 'en' })
    expect(html).toContain('data-period>2026-01 – 2026-03<')
    expect(html).toContain('data-figure="complaints.received.allTime" data-value="0"')
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)/)
  })
})

describe('months in China time', () => {
  it('an instant belongs to its China month (UTC+8)', () => {
    expect(monthOf('2026-01-31T15:59:59.999Z')).toBe('2026-01')
    expect(monthOf('2026-01-31T16:00:00.000Z')).toBe('2026-02')
    expect(endOfMonth('2026-12')).toBe('2026-12-31T15:59:59.999Z')
  })

  it('ranges, steps and ends agree (property)', () => {
    const month = fc
      .record({ y: fc.integer({ min: 2000, max: 2100 }), m: fc.integer({ min: 1, max: 12 }) })
      .map(({ y, m }) => `${y}-${String(m).padStart(2, '0')}`)
    fc.assert(
      fc.property(month, fc.integer({ min: 0, max: 60 }), (from, n) => {
        const to = monthsBefore(from, -n)
        const range = monthRange(from, to)
        expect(range).toHaveLength(n + 1)
        expect(range.at(-1)).toBe(to)
        expect(monthsBefore(to, n)).toBe(from)
        expect(monthOf(endOfMonth(from))).toBe(from)
        expect(monthOf(new Date(Date.parse(endOfMonth(from)) + 1))).toBe(nextMonth(from))
      }),
    )
  })
})
