import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Proves that every published package loads on this Node with both `import` and `require`
// from its built output (run `pnpm build` first; `pnpm test` does).
const root = fileURLToPath(new URL('..', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))

const packages = readdirSync(`${root}packages`)
  .filter((dir) => existsSync(`${root}packages/${dir}/src/index.ts`))
  .map(
    (dir) =>
      JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8')) as {
        name: string
        exports: Record<string, unknown>
      },
  )

const entryPoints = packages.flatMap((p) =>
  Object.keys(p.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? p.name : `${p.name}/${key.slice(2)}`)),
)

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }).trim()

describe('built packages load on Node with import and require', () => {
  it('finds the packages', () => {
    expect(entryPoints).toContain('@dealer-crm/eventsourcing')
  })

  for (const entry of entryPoints) {
    it(entry, () => {
      const viaRequire = node([
        '-e',
        `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join(','))`,
      ])
      const viaImport = node([
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join(','))`,
      ])
      expect(viaRequire.length).toBeGreaterThan(0)
      expect(viaImport).toBe(viaRequire)
    })
  }
})
