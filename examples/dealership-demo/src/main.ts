import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Io, main, processIo } from '@dealer-crm/cli'

/** The repository root: `pnpm demo` runs there, so the CLI's default file is `<root>/.data/dealership-demo.sqlite`. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * `pnpm demo [options]` is `dealer-crm demo [options]`: one front-end, so both write the same
 * default file, replace it by the same rule and draw the same progress bar (ADR 0015). Returns the
 * exit code.
 */
export const run = (argv: ReadonlyArray<string>, io: Io = processIo): Promise<number> =>
  // pnpm passes a lone `--` through when the user writes `pnpm demo -- --customers 500`.
  main(['demo', ...(argv[0] === '--' ? argv.slice(1) : argv)], io)

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.chdir(repoRoot)
  process.exitCode = await run(process.argv.slice(2))
}
