import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The README's first command has to work as written on a fresh machine: it installs exactly the pnpm
// that `packageManager` pins (a newer one would try to switch to the pinned version), on a Node that
// every package's `engines` accepts.
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const root = JSON.parse(read('package.json')) as { packageManager: string; engines: { node: string } }
const readme = read('README.md')

describe("the README's first commands", () => {
  it('install the pnpm version package.json pins', () => {
    const pinned = root.packageManager.replace(/^pnpm@/, '')
    expect(readme).toContain(`npm install --global pnpm@${pinned} && pnpm install && pnpm demo`)
  })

  it('name the Node version that engines requires, the same in every package', () => {
    const minimum = root.engines.node.replace(/^>=/, '')
    expect(readme).toContain(`## On a fresh machine (Node ${minimum} or later)`)
    for (const dir of readdirSync(new URL('../packages/', import.meta.url))) {
      const manifest = JSON.parse(read(`packages/${dir}/package.json`)) as { engines: { node: string } }
      expect(manifest.engines.node, dir).toBe(root.engines.node)
    }
  })
})
