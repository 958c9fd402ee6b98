import { CommanderError, Command as Program } from 'commander'
import type { Command, ParsedArgs } from './command.js'
import { targetOptions } from './command.js'
import { asOfCommand } from './commands/as-of.js'
import { catchUpCommand } from './commands/catch-up.js'
import { customerCommand } from './commands/customer.js'
import { demoCommand } from './commands/demo.js'
import { exportCommand } from './commands/export.js'
import { forgetCommand } from './commands/forget.js'
import { importCommand } from './commands/import.js'
import { rebuildCommand } from './commands/rebuild.js'
import { reportCommand } from './commands/report.js'
import { statsCommand } from './commands/stats.js'
import { trailCommand } from './commands/trail.js'
import { verifyCommand } from './commands/verify.js'
import { CliError, type Io, line, oneLine, processIo } from './io.js'
import { stopProgress } from './progress.js'

export const commands: ReadonlyArray<Command> = [
  demoCommand,
  statsCommand,
  customerCommand,
  trailCommand,
  asOfCommand,
  verifyCommand,
  reportCommand,
  rebuildCommand,
  catchUpCommand,
  exportCommand,
  importCommand,
  forgetCommand,
]

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

const parsedArgs = (positionals: ReadonlyArray<string>, options: Record<string, unknown>): ParsedArgs => ({
  positionals,
  string: (name) => {
    const v = options[camel(name)]
    return typeof v === 'string' ? v : undefined
  },
  flag: (name) => options[camel(name)] === true,
  value: <T>(name: string) => options[camel(name)] as T | undefined,
})

/** The whole command line as commander programs: built anew for each run (tests run many). */
const program = (io: Io, done: (code: number) => void): Program => {
  const root = new Program('dealer-crm')
    .description(
      'The audit command line of dealer-crm: over a SQLite file, a PostgreSQL schema or an EventStoreDB\nserver (--db), and `demo` to create a year of a simulated dealership.',
    )
    .usage('<command> [options]')
    .helpCommand(false)
    .exitOverride()
    .configureHelp({ helpWidth: 100 })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    })
    .addHelpText('after', '\nRun dealer-crm <command> --help for its options and an example.')
  for (const c of commands) {
    const sub = root.command(c.name).summary(c.summary).description(c.description)
    for (const a of c.arguments ?? []) sub.argument(a)
    for (const o of [...(c.options ?? []), ...(c.target === true ? targetOptions : [])]) {
      if (o.parse === undefined) sub.option(o.flags, o.description)
      else sub.option(o.flags, o.description, (value: string) => o.parse?.(value))
    }
    if (c.after !== undefined) sub.addHelpText('after', `\n${c.after}`)
    sub.action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Program
      done(await c.run(parsedArgs(command.args, command.opts()), io))
    })
  }
  return root
}

/** Commander's error text ("error: unknown option '--x'") as the tail of our one line. */
const reword = (error: CommanderError): string =>
  oneLine(error.message.replace(/^error: /, '').replace(/\s*\(Did you mean[^)]*\)\s*$/, ''))

/**
 * Run one command line (without the node and script arguments). Writes to `io` and returns the
 * exit code: 0 done, 1 failed (one line on stderr), 2 the command line was wrong.
 */
export const main = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<number> => {
  const [name] = argv
  if (name === undefined) {
    line(io.stderr, 'dealer-crm: no command given; run dealer-crm --help')
    return 2
  }
  const known = commands.some((c) => c.name === name)
  let code = 0
  try {
    await program(io, (c) => {
      code = c
    }).parseAsync([...argv], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return 0
      if (error.code === 'commander.unknownCommand')
        line(
          io.stderr,
          `dealer-crm: unknown command ${JSON.stringify(name)}; the commands are ${commands.map((c) => c.name).join(', ')}`,
        )
      else
        line(
          io.stderr,
          known
            ? `dealer-crm: ${name}: ${reword(error)}; see dealer-crm ${name} --help`
            : `dealer-crm: ${reword(error)}; see dealer-crm --help`,
        )
      return 2
    }
    stopProgress()
    line(io.stderr, `dealer-crm: ${known ? `${name}: ` : ''}${oneLine(error)}`)
    return error instanceof CliError ? error.exitCode : 1
  }
}
