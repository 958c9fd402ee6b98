import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every rule in code and in the package READMEs cites its section of docs/domain.md, as
// `docs/domain.md §N`, `§N.M` (item M of section N) or `§5 Referrals` (a part of section 5).
// This test makes each of those citations resolve inside the repository.

const root = fileURLToPath(new URL('..', import.meta.url))
const digest = readFileSync(join(root, 'docs/domain.md'), 'utf8')

/** Section number → its text, from the `## N. Title` headings. */
const sections = new Map<string, string>()
for (const part of digest.split(/^## /m).slice(1)) {
  const number = /^(\d+)\./.exec(part)?.[1]
  if (number !== undefined) sections.set(number, part)
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|md)$/.test(name) && path !== join(root, 'docs/domain.md') ? [path] : []
  })

interface Citation {
  readonly file: string
  readonly cited: string
}

/** `docs/domain.md` followed by one or more `§…` references (`§2, §5 Referrals`). */
const citations: Citation[] = ['packages', 'examples', 'docs', 'test', 'README.md']
  .flatMap((entry) => {
    const path = join(root, entry)
    return statSync(path).isDirectory() ? sourceFiles(path) : [path]
  })
  .flatMap((file) => {
    const text = readFileSync(file, 'utf8').replace(/\s*\n\s*(\/\/|\*)?\s*/g, ' ')
    const found: Citation[] = []
    for (const m of text.matchAll(/docs\/domain\.md`?((?:[\s,;and]*§\d+(?:\.\d+)?(?: [A-Z][A-Za-z]+)?)+)/g)) {
      for (const ref of (m[1] ?? '').matchAll(/§\d+(?:\.\d+)?(?: [A-Z][A-Za-z]+)?/g))
        found.push({ file: relative(root, file), cited: ref[0] })
    }
    return found
  })

/** Why a citation does not resolve, or null when it does. */
const unresolved = (cited: string): string | null => {
  const m = /^§(\d+)(?:\.(\d+))?(?: ([A-Z][A-Za-z]+))?$/.exec(cited)
  if (m === null) return 'not a citation'
  const [, section = '', item, part] = m
  const text = sections.get(section)
  if (text === undefined) return `no section ${section}`
  if (item !== undefined && !new RegExp(`^${item}\\. `, 'm').test(text))
    return `no item ${item} in section ${section}`
  if (part !== undefined && !text.includes(part)) return `no "${part}" in section ${section}`
  return null
}

describe('docs/domain.md citations', () => {
  it('the digest has its five sections', () => {
    expect([...sections.keys()]).toEqual(['1', '2', '3', '4', '5'])
  })

  it('code and docs cite it many times', () => {
    expect(citations.length).toBeGreaterThan(300)
  })

  it('every citation names a section, item or part that exists', () => {
    const broken = citations.flatMap((c) => {
      const why = unresolved(c.cited)
      return why === null ? [] : [`${c.file}: ${c.cited} (${why})`]
    })
    expect(broken).toEqual([])
  })

  it('a citation of a missing section is caught', () => {
    expect(unresolved('§9')).toBe('no section 9')
    expect(unresolved('§2.12')).toBe('no item 12 in section 2')
    expect(unresolved('§5 Warranty')).toBe('no "Warranty" in section 5')
  })

  it('nothing cites the digest outside the repository', () => {
    const files = ['packages', 'examples', 'docs'].flatMap((dir) => sourceFiles(join(root, dir)))
    const stale = files.filter((file) => /DOMAIN\.md|shared\/domain/.test(readFileSync(file, 'utf8')))
    expect(stale.map((f) => relative(root, f))).toEqual([])
  })
})
