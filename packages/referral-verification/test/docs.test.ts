import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { referralCommandTypes, referralEvents } from '../src/index.js'

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8')

// The "Docs": the README lists every rule with the event that records it; the catalogue has an entry per event.
describe('docs cover the code', () => {
  it('the event catalogue has an entry per registered event, at its schema version', () => {
    const catalogue = read('../../../docs/events/referral-verification.md')
    for (const type of referralEvents.types)
      expect(catalogue).toContain(`## ${type} (v${referralEvents.get(type)?.schemaVersion})`)
  })

  it('the README names every command and every event', () => {
    const readme = read('../README.md')
    for (const name of [...referralCommandTypes, ...referralEvents.types])
      expect(readme).toContain(`\`${name}\``)
  })
})
