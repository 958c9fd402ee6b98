/** Where a command writes: the process's streams, or buffers in tests. */
export interface Output {
  readonly write: (text: string) => unknown
  /** True on a terminal: progress is drawn as a bar, otherwise as plain lines. */
  readonly isTTY?: boolean
}

export interface Io {
  readonly stdout: Output
  readonly stderr: Output
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr }

/** An error the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** The command line itself is wrong (unknown command or option, missing argument): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2)
    this.name = 'UsageError'
  }
}

/** Any error as the one line the user sees. */
export const oneLine = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s*\n\s*/g, ' ').trim() || (error instanceof Error ? error.name : 'unknown error')
}

export const line = (out: Output, text = ''): void => {
  out.write(`${text}\n`)
}
