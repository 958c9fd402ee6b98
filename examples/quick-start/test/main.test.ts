import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { run } from '../src/main.js'

it('the quick-start program runs and prints the SLA board, the trail and an intact chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quick-start-test-'))
  const lines: string[] = []
  await run(join(dir, 'dealership.db'), (line) => lines.push(line))
  rmSync(dir, { recursive: true, force: true })
  const out = lines.join('\n')
  expect(out).toContain('ComplaintClosed')
  expect(out).toContain('brake-noise-0312: major, safety')
  expect(out).toContain('investigation BREACHED')
  expect(out).not.toContain('ac-noise-0311:')
  expect(out).toContain('Events stored in')
  expect(out).toMatch(/Hash chain: intact \(\d+ events in 2 streams\)/)
})
