import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from './io.js'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

export interface ParsedArgs {
  readonly positionals: ReadonlyArray<string>
  readonly string: (name: string) => string | undefined
  readonly flag: (name: string) => boolean
}

export interface ArgsSpec {
  readonly options: OptionSpec
  /** Names of the positional arguments, in order; each is required. */
  readonly positionals: ReadonlyArray<string>
}

/** Is help asked for (before any `--`)? */
export const wantsHelp = (argv: ReadonlyArray<string>): boolean => {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

const reword = (command: string, error: unknown): string => {
  const e = error as { code?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : String(error)
  const option = /'(-[^']*)'/.exec(message)?.[1]
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}; see dealer-crm ${command} --help`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `option ${option?.split(' ')[0] ?? ''} ${/argument missing/.test(message) ? 'needs a value' : 'takes no value'}`
    default:
      return message.split('\n')[0] ?? message
  }
}

/** Parse a command's arguments with `node:util` parseArgs; any problem is a one-line UsageError. */
export const parseCommandArgs = (
  command: string,
  argv: ReadonlyArray<string>,
  spec: ArgsSpec,
): ParsedArgs => {
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...argv], options: spec.options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError(reword(command, error))
  }
  const missing = spec.positionals[parsed.positionals.length]
  if (missing !== undefined) throw new UsageError(`missing <${missing}>; see dealer-crm ${command} --help`)
  if (parsed.positionals.length > spec.positionals.length)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals.length])}; see dealer-crm ${command} --help`,
    )
  const values = parsed.values
  return {
    positionals: parsed.positionals,
    string: (name) => {
      const v = values[name]
      return typeof v === 'string' ? v : undefined
    },
    flag: (name) => values[name] === true,
  }
}

/** A non-negative integer option, or the default. */
export const integerOption = (args: ParsedArgs, name: string, fallback: number): number => {
  const raw = args.string(name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new UsageError(`--${name} must be a whole number, not ${JSON.stringify(raw)}`)
  return Number(raw)
}
