import { wantsHelp } from './args.js'
import type { Command } from './command.js'
import { asOfCommand } from './commands/as-of.js'
import { demoCommand } from './commands/demo.js'
import { exportCommand } from './commands/export.js'
import { forgetCommand } from './commands/forget.js'
import { importCommand } from './commands/import.js'
import { rebuildCommand } from './commands/rebuild.js'
import { statsCommand } from './commands/stats.js'
import { trailCommand } from './commands/trail.js'
import { verifyCommand } from './commands/verify.js'
import { CliError, type Io, line, oneLine, processIo } from './io.js'

export const commands: ReadonlyArray<Command> = [
  demoCommand,
  statsCommand,
  trailCommand,
  asOfCommand,
  verifyCommand,
  rebuildCommand,
  exportCommand,
  importCommand,
  forgetCommand,
]

const globalHelp = (): string => {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `Usage: dealer-crm <command> [options]

The audit command line of dealer-crm: over a SQLite file, a PostgreSQL schema or an EventStoreDB
server (--db), and \`demo\` to create a year of a simulated dealership.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run dealer-crm <command> --help for its options and an example.`
}

/**
 * Run one command line (without the node and script arguments). Writes to `io` and returns the
 * exit code: 0 done, 1 failed (one line on stderr), 2 the command line was wrong.
 */
export const main = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined) {
    line(io.stderr, 'dealer-crm: no command given; run dealer-crm --help')
    return 2
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    line(io.stdout, globalHelp())
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (command === undefined) {
    line(
      io.stderr,
      `dealer-crm: unknown command ${JSON.stringify(name)}; the commands are ${commands.map((c) => c.name).join(', ')}`,
    )
    return 2
  }
  if (wantsHelp(rest)) {
    line(io.stdout, command.help)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    line(io.stderr, `dealer-crm: ${name}: ${oneLine(error)}`)
    return error instanceof CliError ? error.exitCode : 1
  }
}
