import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Tests run against the TypeScript sources of every workspace package; the built
// ESM/CJS output is exercised separately by test/packaging.test.ts.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url))
const alias = readdirSync(packagesDir).flatMap((name) => [
  { find: `@dealer-crm/${name}/testing`, replacement: `${packagesDir}${name}/src/testing.ts` },
  { find: new RegExp(`^@dealer-crm/${name}$`), replacement: `${packagesDir}${name}/src/index.ts` },
])

export default defineConfig({
  resolve: { alias },
  test: {
    // No globals: every test file, and the testing kit, imports what it uses from vitest.
    globals: false,
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // No test may fail because the machine is slow: the limits are a hang detector, not a speed check.
    // The whole suite runs in a few minutes on 2 cores, so a single test or hook still running after
    // 15 minutes has hung; it is then named instead of stalling CI without a word.
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
