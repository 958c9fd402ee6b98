import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The packages as a user gets them: `pnpm pack` every package, `npm install` the tarballs into a
// fresh project in a temporary directory outside the workspace (their third-party dependencies
// come from the registry), then run an ES module, a CommonJS program, a mixed embedding, the
// testing kit under that project's own Vitest with globals off, and `tsc --noEmit` with
// `skipLibCheck: false` under moduleResolution node16 and bundler. `pnpm test` builds first.
// See test/packaging/README.md.
const root = fileURLToPath(new URL('..', import.meta.url))
const fixture = join(root, 'test/packaging')
const tsc = join(root, 'node_modules/typescript/bin/tsc')

interface Manifest {
  readonly name: string
  readonly version: string
  readonly exports: Record<string, unknown>
  readonly files: ReadonlyArray<string>
}
const packages = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
}))
const entryPoints = packages.flatMap(({ manifest }) =>
  Object.entries(manifest.exports)
    .filter(([key]) => key !== './package.json')
    .map(([key, target]) => ({
      specifier: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
      // A package whose exports have no `require` condition is ESM only (the testing kit: vitest is).
      require: typeof target === 'object' && target !== null && 'require' in target,
    })),
)

/** The children get a clean environment: none of pnpm's or Vitest's variables leak into npm or the nested Vitest. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|VITEST|NODE_OPTIONS$)/i.test(key)),
)
const run = (command: string, args: ReadonlyArray<string>, cwd: string): string => {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`)
  }
}

const tarballName = (m: Manifest) => `${m.name.replace('@', '').replace('/', '-')}-${m.version}.tgz`

let temp = ''
let app = ''

// An install from the registry and two full type-checks take what a busy machine gives them: only
// the suite's hang detector (vitest.config.ts) bounds them.
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'dealer-crm-packaging-'))
  const tarballs = join(temp, 'tarballs')
  app = join(temp, 'app')
  mkdirSync(app)
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], root)

  // better-sqlite3 compiles its binding on install, which takes minutes where no prebuilt binary can
  // be downloaded; the project installs without scripts and takes the binary the workspace built for
  // the same version of better-sqlite3 and of Node.
  const workspaceSqlite = dirname(
    createRequire(join(root, 'packages/store-sqlite/package.json')).resolve('better-sqlite3/package.json'),
  )
  const sqliteVersion = (JSON.parse(readFileSync(join(workspaceSqlite, 'package.json'), 'utf8')) as Manifest)
    .version
  const dependencies: Record<string, string> = {
    '@types/node': '^20.12.0',
    'fast-check': '^4.10.2',
    'io-ts': '^2.2.22',
    vitest: '^4.1.12',
  }
  for (const { manifest } of packages)
    dependencies[manifest.name] = `file:${join(tarballs, tarballName(manifest))}`
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'embedding',
      private: true,
      type: 'module',
      dependencies,
      overrides: { 'better-sqlite3': sqliteVersion },
    }),
  )
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], app)
  const binding = 'build/Release/better_sqlite3.node'
  mkdirSync(dirname(join(app, 'node_modules/better-sqlite3', binding)), { recursive: true })
  copyFileSync(join(workspaceSqlite, binding), join(app, 'node_modules/better-sqlite3', binding))

  for (const file of readdirSync(fixture).filter((f) => f !== 'README.md'))
    copyFileSync(join(fixture, file), join(app, file))
  for (const file of ['src/embed.ts', 'src/deliveries-by-model.ts', 'src/audit.ts', 'test/my-policy.test.ts'])
    copyFileSync(join(root, 'examples/readme-tour', file), join(app, file.split('/')[1] ?? file))

  const names = entryPoints.map((e, i) => ({ ...e, name: `entry${i}` }))
  writeFileSync(
    join(app, 'entry-points.ts'),
    `${names.map((e) => `import * as ${e.name} from '${e.specifier}'`).join('\n')}\nexport const all = [${names.map((e) => e.name).join(', ')}]\n`,
  )
  const required = names.filter((e) => e.require)
  writeFileSync(
    join(app, 'entry-points.cts'),
    `${required.map((e) => `import ${e.name} = require('${e.specifier}')`).join('\n')}\nexport const all = [${required.map((e) => e.name).join(', ')}]\n`,
  )
  const compilerOptions = {
    target: 'es2022',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
  }
  const include = ['*.ts', '*.cts']
  const tsconfig = (options: object) =>
    JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, include })
  writeFileSync(join(app, 'tsconfig.node16.json'), tsconfig({ module: 'node16', moduleResolution: 'node16' }))
  writeFileSync(
    join(app, 'tsconfig.bundler.json'),
    tsconfig({ module: 'preserve', moduleResolution: 'bundler' }),
  )
})

afterAll(() => {
  if (temp !== '') rmSync(temp, { recursive: true, force: true })
})

describe('the packed packages, installed outside the workspace', () => {
  it('ship their build, sources, README and LICENSE, and no build info', () => {
    const license = readFileSync(join(root, 'LICENSE'), 'utf8')
    for (const { manifest } of packages) {
      const files = run('tar', ['tzf', join(temp, 'tarballs', tarballName(manifest))], temp).split('\n')
      expect(files, manifest.name).toContain('package/README.md')
      expect(files, manifest.name).toContain('package/dist/esm/index.js')
      expect(
        files.filter((f) => f.endsWith('.tsbuildinfo')),
        manifest.name,
      ).toEqual([])
      const installed = join(app, 'node_modules', manifest.name)
      expect(readFileSync(join(installed, 'LICENSE'), 'utf8'), manifest.name).toBe(license)
    }
  })

  it('load every entry point with import, and with require where they have a CommonJS build', () => {
    const specifiers = JSON.stringify(entryPoints.map((e) => e.specifier))
    const requirable = JSON.stringify(entryPoints.filter((e) => e.require).map((e) => e.specifier))
    writeFileSync(
      join(app, 'load.mjs'),
      `const out = {}\nfor (const s of ${specifiers}) out[s] = Object.keys(await import(s)).filter((k) => k !== 'default').sort()\nconsole.log(JSON.stringify(out))\n`,
    )
    writeFileSync(
      join(app, 'load.cjs'),
      `const out = {}\nfor (const s of ${requirable}) out[s] = Object.keys(require(s)).sort()\nconsole.log(JSON.stringify(out))\n`,
    )
    const viaImport = JSON.parse(run(process.execPath, ['load.mjs'], app)) as Record<string, string[]>
    const viaRequire = JSON.parse(run(process.execPath, ['load.cjs'], app)) as Record<string, string[]>
    for (const e of entryPoints) {
      expect(viaImport[e.specifier]?.length, e.specifier).toBeGreaterThan(0)
      if (e.require) expect(viaRequire[e.specifier], e.specifier).toEqual(viaImport[e.specifier])
    }
  })

  it('link the dealer-crm command', () => {
    expect(run(join(app, 'node_modules/.bin/dealer-crm'), ['--help'], app)).toContain('dealer-crm')
  })

  it('run a CommonJS program on the SQLite store', () => {
    expect(JSON.parse(run(process.execPath, ['embedding.cjs'], app))).toEqual({
      events: [2, 3],
      chain: true,
      conflict: true,
      code: 'ConcurrencyError',
    })
  })

  it("retry a conflict raised by the CommonJS kernel in the ES module kernel's handler", () => {
    expect(JSON.parse(run(process.execPath, ['mixed.mjs'], app))).toEqual({
      twoKernels: true,
      conflictIsEsmInstance: false,
      conflictIsCjsInstance: true,
      esmSeesConflict: true,
      version: 2,
      total: 11,
    })
  })

  it("run the testing kit and the README's property test under the project's Vitest, globals off", () => {
    run(
      process.execPath,
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        '--globals=false',
        '--reporter=json',
        '--outputFile=vitest.json',
      ],
      app,
    )
    const report = JSON.parse(readFileSync(join(app, 'vitest.json'), 'utf8')) as {
      testResults: ReadonlyArray<{ name: string; assertionResults: ReadonlyArray<{ status: string }> }>
    }
    const byFile = Object.fromEntries(
      report.testResults.map((f) => [f.name.slice(app.length + 1), f.assertionResults.map((a) => a.status)]),
    )
    expect(Object.keys(byFile).sort()).toEqual(['conformance.spec.ts', 'my-policy.test.ts'])
    for (const statuses of Object.values(byFile)) {
      expect(statuses.length).toBeGreaterThan(0)
      expect(statuses.filter((s) => s !== 'passed')).toEqual([])
    }
  })

  for (const resolution of ['node16', 'bundler'])
    it(`type-check, with skipLibCheck false, under moduleResolution ${resolution}`, () => {
      run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app)
    })
})
