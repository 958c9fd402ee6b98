// Builds every package incrementally with TypeScript's solution builder (what `tsc -b` runs):
// first tsconfig.json (type-check, ESM and declarations into dist/esm), then tsconfig.cjs.json
// (CommonJS into dist/cjs, unchecked: the first pass checked). Only out-of-date projects are
// rebuilt, each named as it starts, so a long build says what it is doing and an unchanged tree
// takes about a second. See docs/adr/0014-install-build-and-packaging.md.
//
//   node scripts/build.mjs          ESM and CommonJS (pnpm build)
//   node scripts/build.mjs --esm    ESM only: what pnpm demo and pnpm start load
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const esmOnly = process.argv.includes('--esm')
const started = performance.now()
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`

const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
}
let errors = 0
const reportDiagnostic = (d) => {
  if (d.category === ts.DiagnosticCategory.Error) errors++
  const format = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics
  process.stderr.write(format([d], formatHost))
}
const host = ts.createSolutionBuilderHost(ts.sys, undefined, reportDiagnostic, () => {})
const roots = [`${root}tsconfig.json`, ...(esmOnly ? [] : [`${root}tsconfig.cjs.json`])]
const builder = ts.createSolutionBuilder(host, roots, {})

const describe = (config) => {
  const at = relative(root, config)
  return `${at.replace(/\/tsconfig(\.cjs)?\.json$/, '')} (${at.endsWith('.cjs.json') ? 'CommonJS' : 'type-check, ESM'})`
}

let built = 0
for (
  let project = builder.getNextInvalidatedProject();
  project;
  project = builder.getNextInvalidatedProject()
) {
  if (project.kind !== ts.InvalidatedProjectKind.Build) {
    project.done()
    continue
  }
  if (built === 0)
    process.stdout.write(
      `build: compiling what changed since the last build${esmOnly ? ' (ESM only)' : ''}\n`,
    )
  built++
  const step = performance.now()
  process.stdout.write(`  ${describe(project.project)} …`)
  project.done()
  process.stdout.write(` ${seconds(step)}\n`)
}

// The CommonJS trees need a package.json of their own, since each package is "type": "module".
if (!esmOnly)
  for (const name of readdirSync(`${root}packages`)) {
    const marker = `${root}packages/${name}/dist/cjs/package.json`
    if (existsSync(`${root}packages/${name}/tsconfig.cjs.json`) && !existsSync(marker))
      writeFileSync(marker, '{"type":"commonjs"}\n')
  }

if (errors > 0) {
  process.stderr.write(`build: ${errors} error${errors === 1 ? '' : 's'}\n`)
  process.exit(1)
}
process.stdout.write(
  built === 0
    ? `build: up to date (${seconds(started)})\n`
    : `build: ${built} project${built === 1 ? '' : 's'} built in ${seconds(started)}\n`,
)
