/**
 * `pnpm bench`: the store workload (main.ts, with the command line given), then the commands
 * (commands.ts) and the demo against a baseline checkout (demo-speed.ts, when DEALER_CRM_BASELINE
 * names one; otherwise it says how to make one), each in a process of its own.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url))
const given = process.argv.slice(2)
const steps: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = given.includes('--help')
  ? [['main.ts', given]]
  : [
      ['main.ts', given],
      ['commands.ts', []],
      ['demo-speed.ts', []],
    ]
for (const [name, args] of steps) {
  const { status } = spawnSync(tsx, [script(name), ...args], { stdio: 'inherit' })
  if (status !== 0) {
    process.exitCode = status ?? 1
    break
  }
}
