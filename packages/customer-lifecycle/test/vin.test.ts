import { decodeCommand } from '@dealer-crm/eventsourcing'
import { deciderSpec } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultLifecyclePolicy,
  hasVinCheckDigit,
  LifecycleCommand,
  lifecycleDecider,
  vinCheckDigit,
} from '../src/index.js'
import { lifecycleAnyVinArb, lifecycleVinArb, lifecycleWrongCheckDigitVinArb } from '../src/testing.js'
import { deliver, eventsOf, register } from './support.js'

const decider = lifecycleDecider()

const strict = deciderSpec(lifecycleDecider({ ...defaultLifecyclePolicy, requireVinCheckDigit: true }))
const registered = eventsOf(register())
const deliverVin = (vin: string) => ({
  ...deliver('2024-02-01T10:00:00+08:00'),
  data: { ...deliver('2024-02-01T10:00:00+08:00').data, vin },
})

describe('VIN check digit (GB 16735, FMVSS 115: position 9)', () => {
  it.each([
    ['1M8GDM9AXKP042788', 'X'],
    ['11111111111111111', '1'],
    ['LSGKB54U0BA123456', '0'],
    ['LSVAU2180N2183294', 'X'],
  ])('%s has the check digit %s', (vin, digit) => {
    expect(vinCheckDigit(vin)).toBe(digit)
  })
  it('the check digit does not depend on position 9, and any other digit there is wrong', () => {
    fc.assert(
      fc.property(lifecycleAnyVinArb, fc.constantFrom(...'0123456789X'), (vin, digit) => {
        const other = `${vin.slice(0, 8)}${digit}${vin.slice(9)}`
        expect(vinCheckDigit(other)).toBe(vinCheckDigit(vin))
        expect(hasVinCheckDigit(other)).toBe(digit === vinCheckDigit(vin))
      }),
      { numRuns: 200 },
    )
  })
  it('the arbitraries’ VINs carry their check digit, and the bad ones do not', () => {
    fc.assert(
      fc.property(lifecycleVinArb, lifecycleAnyVinArb, lifecycleWrongCheckDigitVinArb, (a, b, wrong) => {
        expect([hasVinCheckDigit(a), hasVinCheckDigit(b), hasVinCheckDigit(wrong)]).toEqual([
          true,
          true,
          false,
        ])
        expect(decodeCommand(LifecycleCommand, deliverVin(wrong))._tag).toBe('Right')
      }),
      { numRuns: 100 },
    )
  })
  it('a policy that requires it refuses a delivery whose VIN has a wrong check digit, naming the field', () => {
    const error = strict.given(registered).when(deliverVin('LSVAU2180N2183294')).thenError('WrongCheckDigit')
    expect(error.message).toContain('data.vin')
    expect(error.message).toContain('check digit is X')
    expect(
      strict
        .given(registered)
        .when(deliverVin('LSVAU218XN2183294'))
        .events()
        .map((e) => e.type),
    ).toEqual(['VehicleDelivered', 'StageChanged'])
  })
  it('the default policy takes VINs without a check digit (older and some imported vehicles)', () => {
    expect(
      deciderSpec(decider)
        .given(registered)
        .when(deliverVin('LSVAU2180N2183294'))
        .events()
        .map((e) => e.type),
    ).toEqual(['VehicleDelivered', 'StageChanged'])
  })
  it('under the strict policy every wrong check digit is refused and every right one accepted', () => {
    fc.assert(
      fc.property(lifecycleAnyVinArb, lifecycleWrongCheckDigitVinArb, (right, wrong) => {
        strict.given(registered).when(deliverVin(wrong)).thenError('WrongCheckDigit')
        expect(strict.given(registered).when(deliverVin(right)).events()[0]?.type).toBe('VehicleDelivered')
      }),
      { numRuns: 100 },
    )
  })
})
