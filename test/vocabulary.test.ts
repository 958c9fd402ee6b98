import * as complaint from '@dealer-crm/complaint-workflow'
import * as complaintTesting from '@dealer-crm/complaint-workflow/testing'
import * as lifecycle from '@dealer-crm/customer-lifecycle'
import * as lifecycleTesting from '@dealer-crm/customer-lifecycle/testing'
import { type Domain, decodeCommand } from '@dealer-crm/eventsourcing'
import * as loyalty from '@dealer-crm/loyalty-points'
import * as loyaltyTesting from '@dealer-crm/loyalty-points/testing'
import * as referral from '@dealer-crm/referral-verification'
import * as referralTesting from '@dealer-crm/referral-verification/testing'
import { rewriteInstants } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

// Issue #19: the four domain packages speak one vocabulary. A user imports all four into one file
// without an alias, and one ISO instant written with +08:00 is accepted by every command of every
// domain (docs/architecture.md, "One vocabulary").

const packages = {
  'customer-lifecycle': { main: lifecycle, testing: lifecycleTesting, prefix: 'lifecycle' },
  'referral-verification': { main: referral, testing: referralTesting, prefix: 'referral' },
  'complaint-workflow': { main: complaint, testing: complaintTesting, prefix: 'complaint' },
  'loyalty-points': { main: loyalty, testing: loyaltyTesting, prefix: 'loyalty' },
} as const

type AnyDomain = Domain<
  { type: string; data: unknown },
  never,
  unknown,
  { code: string; message: string },
  unknown
>

const domainOf = (name: keyof typeof packages): AnyDomain =>
  (packages[name].main as unknown as Record<string, AnyDomain>)[`${packages[name].prefix}Domain`] as AnyDomain

describe('one vocabulary across the four domain packages', () => {
  it('no two packages export the same name: all four import into one file without an alias', () => {
    const owners = new Map<string, string[]>()
    for (const [name, { main }] of Object.entries(packages))
      for (const exported of Object.keys(main)) owners.set(exported, [...(owners.get(exported) ?? []), name])
    const shared = [...owners].filter(([, names]) => names.length > 1)
    expect(shared).toEqual([])
  })

  it('their testing entries, too, export disjoint names', () => {
    const owners = new Map<string, string[]>()
    for (const [name, { testing }] of Object.entries(packages))
      for (const exported of Object.keys(testing))
        owners.set(exported, [...(owners.get(exported) ?? []), name])
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([])
  })

  it('each package exports the same rooms under its own prefix', () => {
    for (const [name, { main, prefix }] of Object.entries(packages)) {
      const upper = `${prefix[0]?.toUpperCase()}${prefix.slice(1)}`
      const expected = [
        `${prefix}Decider`,
        `default${upper}Policy`,
        `${prefix}Events`,
        `${upper}Command`,
        `${prefix}CommandTypes`,
        `${prefix}StreamOf`,
        `${prefix}Domain`,
        `${prefix}Roles`,
        `${upper}Actor`,
      ]
      expect({ name, missing: expected.filter((e) => !(e in main)) }).toEqual({ name, missing: [] })
      const domain = domainOf(name as keyof typeof packages)
      expect(domain.name).toBe(name)
    }
  })

  it('command types are unique across the domains: one type names one command', () => {
    const owners = new Map<string, string[]>()
    for (const [name, { main, prefix }] of Object.entries(packages))
      for (const type of (main as unknown as Record<string, ReadonlyArray<string>>)[
        `${prefix}CommandTypes`
      ] ?? [])
        owners.set(type, [...(owners.get(type) ?? []), name])
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([])
  })

  it('every command of every domain accepts its instants written with +08:00, as the same command', () => {
    for (const [name, { testing, prefix }] of Object.entries(packages)) {
      // An arbitrary, or a function of options that makes one.
      const exported = (testing as unknown as Record<string, unknown>)[`${prefix}CommandInputArb`]
      const arb = (typeof exported === 'function' ? exported() : exported) as
        | fc.Arbitrary<unknown>
        | undefined
      expect({ name, arbitrary: arb instanceof fc.Arbitrary }).toEqual({ name, arbitrary: true })
      if (arb === undefined) continue
      const domain = domainOf(name as keyof typeof packages)
      const types = (
        packages[name as keyof typeof packages].main as unknown as Record<string, ReadonlyArray<string>>
      )[`${prefix}CommandTypes`]
      const seen = new Set<string>()
      fc.assert(
        fc.property(arb, (input) => {
          const utc = decodeCommand(domain.command, input)
          const china = decodeCommand(domain.command, rewriteInstants(input))
          expect(china._tag).toBe('Right')
          expect(china).toEqual(utc)
          if (utc._tag === 'Right') seen.add(utc.right.type)
        }),
        { numRuns: 400, seed: 19 },
      )
      expect({ name, unseen: [...(types ?? [])].filter((t) => !seen.has(t)) }).toEqual({ name, unseen: [] })
    }
  })
})
