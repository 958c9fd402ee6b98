import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { commandCodecs, referralVerificationEvents } from '../src/index.js'

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8')

// The "Docs": the README lists every rule with the event that records it; the catalogue has an entry per event.
describe('docs cover the code', () => {
  it('the event catalogue has an entry per registered event, at its schema version', () => {
    const catalogue = read('../../../docs/events/referral-verification.md')
    for (const type of referralVerificationEvents.types)
      expect(catalogue).toContain(`## ${type} (v${referralVerificationEvents.get(type)?.schemaVersion})`)
  })

  it('the README names every command and every event', () => {
    const readme = read('../README.md')
    for (const name of [...Object.keys(commandCodecs), ...referralVerificationEvents.types])
      expect(readme).toContain(`\`${name}\``)
  })
})
