import { describe, expect, it } from 'vitest'
import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  defaultComplaintPolicy,
  mainlandChinaYears,
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
    const never: BusinessCalendar = { ...china, statutory: 'none', workingWeekdays: [] }
    expect(addBusinessMs(never, at('2026-03-06T12:00:00+08:00'), HOUR)).toBeNull()
  })

  it('never counts backwards', () => {
    expect(businessMsBetween(china, at('2026-03-03T00:00:00+08:00'), at('2026-03-02T00:00:00+08:00'))).toBe(0)
  })

  it('on the mainland China calendar, statutory make-up workdays run even without working weekdays', () => {
    // Saturday 9 May 2026 is worked for the Labour Day holiday.
    expect(addBusinessMs({ ...china, workingWeekdays: [] }, at('2026-05-06T12:00:00+08:00'), HOUR)).toBe(
      at('2026-05-09T01:00:00+08:00'),
    )
  })
})

describe("mainland China's statutory calendar (the chinese-days package's data)", () => {
  const day = (date: string) => at(`${date}T00:00:00+08:00`)
  const workedOn = (calendar: BusinessCalendar, date: string) =>
    businessMsBetween(calendar, day(date), day(date) + 24 * HOUR) > 0

  it('is the default: National Day 2026 is off, Sunday 20 September and Saturday 10 October are worked', () => {
    expect(china.statutory).toBe('mainland-china')
    expect(china.zone).toBe('Asia/Shanghai')
    for (const date of ['2026-10-01', '2026-10-05', '2026-10-07', '2026-09-25'])
      expect(workedOn(china, date), date).toBe(false)
    for (const date of ['2026-09-20', '2026-10-10', '2026-10-08', '2026-09-24'])
      expect(workedOn(china, date), date).toBe(true)
  })

  it('the Spring Festival is off: from Friday 13 February 2026, noon, 24 hours end on Saturday 14th, worked, at noon', () => {
    const friday = at('2026-02-13T12:00:00+08:00')
    expect(addBusinessMs(china, friday, 24 * HOUR)).toBe(at('2026-02-14T12:00:00+08:00'))
    // 48 hours: past the festival (15–23 February), at noon on Tuesday 24th.
    expect(addBusinessMs(china, friday, 48 * HOUR)).toBe(at('2026-02-24T12:00:00+08:00'))
  })

  it("the dealership's own lists come on top of the statutory days", () => {
    const ownDays: BusinessCalendar = { ...china, holidays: ['2026-10-08'], makeUpWorkdays: ['2026-10-03'] }
    expect(workedOn(ownDays, '2026-10-08')).toBe(false)
    expect(workedOn(ownDays, '2026-10-03')).toBe(true)
    expect(workedOn(ownDays, '2026-10-10')).toBe(true)
  })

  it('without a statutory calendar only the weekdays and the own lists count', () => {
    const plain: BusinessCalendar = { ...china, statutory: 'none' }
    expect(workedOn(plain, '2026-10-01')).toBe(true)
    expect(workedOn(plain, '2026-10-10')).toBe(false)
  })

  it('knows the years 2004 to 2026; outside them a holiday date is an ordinary weekday until the policy lists it', () => {
    expect(mainlandChinaYears[0]).toBe(2004)
    expect(mainlandChinaYears.at(-1)).toBeGreaterThanOrEqual(2026)
    expect(mainlandChinaYears).toEqual(Array.from({ length: mainlandChinaYears.length }, (_, i) => 2004 + i))
    const beyond = (mainlandChinaYears.at(-1) ?? 2026) + 4
    // 1 October of a year the package does not know: counted as the weekday it is.
    const national = `${beyond}-10-01`
    const weekday = new Date(`${national}T12:00:00Z`).getUTCDay()
    expect(workedOn(china, national)).toBe(weekday >= 1 && weekday <= 5)
    expect(workedOn({ ...china, holidays: [national] }, national)).toBe(false)
  })

  it("gives the same answers whatever the machine's time zone (days are read in the calendar's zone)", () => {
    const ask = () => {
      const calendar: BusinessCalendar = { ...china } // a new value: nothing remembered from other tests
      return ['2026-10-01', '2026-10-08', '2026-10-10', '2026-10-12', '2026-02-14'].map((d) =>
        workedOn(calendar, d),
      )
    }
    const here = ask()
    const zone = process.env.TZ
    try {
      for (const machine of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = machine
        expect(ask(), machine).toEqual(here)
      }
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
    expect(here).toEqual([false, true, true, true, true])
  })
})
