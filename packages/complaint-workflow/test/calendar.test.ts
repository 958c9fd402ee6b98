import { describe, expect, it } from 'vitest'
import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  defaultComplaintPolicy,
} from '../src/index.js'

const HOUR = 3_600_000
const at = (iso: string) => Date.parse(iso)
const china = defaultComplaintPolicy.calendar

describe('the business calendar (docs/domain.md §5 Complaints: business calendar and holidays)', () => {
  it('counts whole working days and skips the weekend', () => {
    // Friday 18:00 to Monday 09:00 China time: only Friday's last six hours and Monday's first nine.
    expect(businessMsBetween(china, at('2026-03-06T18:00:00+08:00'), at('2026-03-09T09:00:00+08:00'))).toBe(
      15 * HOUR,
    )
  })

  it('skips holidays and counts 调休 make-up workdays', () => {
    const springFestival: BusinessCalendar = {
      ...china,
      holidays: ['2026-02-16', '2026-02-17'],
      makeUpWorkdays: ['2026-02-14'],
    }
    // Saturday 14 Feb (worked) to Wednesday 18 Feb 00:00: Saturday and nothing else.
    expect(
      businessMsBetween(springFestival, at('2026-02-14T00:00:00+08:00'), at('2026-02-18T00:00:00+08:00')),
    ).toBe(24 * HOUR)
  })

  it('counts only opening hours when the dealer sets them', () => {
    const openingHours: BusinessCalendar = {
      ...china,
      opensAtMinute: 8 * 60 + 30,
      closesAtMinute: 17 * 60 + 30,
    }
    expect(
      businessMsBetween(openingHours, at('2026-03-02T07:00:00+08:00'), at('2026-03-03T10:30:00+08:00')),
    ).toBe(9 * HOUR + 2 * HOUR)
  })

  it('finds the moment a target is reached, jumping over days off', () => {
    const deadline = addBusinessMs(china, at('2026-03-06T12:00:00+08:00'), 24 * HOUR)
    expect(deadline).toBe(at('2026-03-09T12:00:00+08:00'))
  })

  it('gives no deadline on a calendar without working days', () => {
    expect(addBusinessMs({ ...china, workingWeekdays: [] }, at('2026-03-06T12:00:00+08:00'), HOUR)).toBeNull()
  })

  it('never counts backwards', () => {
    expect(businessMsBetween(china, at('2026-03-03T00:00:00+08:00'), at('2026-03-02T00:00:00+08:00'))).toBe(0)
  })
})
