import { expect, it } from 'vitest'
import { run } from '../src/main.js'

it('the quick-start program runs and prints the SLA board, the trail and an intact chain', async () => {
  const lines: string[] = []
  await run((line) => lines.push(line))
  const out = lines.join('\n')
  expect(out).toContain('ComplaintClosed')
  expect(out).toContain('brake-noise-0312: major, safety')
  expect(out).toContain('investigation BREACHED')
  expect(out).not.toContain('ac-noise-0311:')
  expect(out).toMatch(/Hash chain: intact \(\d+ events in 2 streams\)/)
})
