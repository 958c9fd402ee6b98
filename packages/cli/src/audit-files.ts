import type { KeyObject } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import {
  type Anchor,
  AnchorError,
  AuditKeyError,
  anchorToJson,
  auditPublicKey,
  parseAnchor,
} from '@dealer-crm/eventsourcing'
import { CliError, UsageError } from './io.js'

const readText = (option: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(
      `${option} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    )
  }
}

/** The anchor kept in `file` (JSON, as `verify --anchor-out` writes it), or a UsageError naming what is wrong. */
export const readAnchorFile = (file: string): Anchor => {
  const text = readText('--anchor', file)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--anchor ${file}: not JSON (${(error as Error).message})`)
  }
  try {
    return parseAnchor(json, `--anchor ${file}`)
  } catch (error) {
    if (error instanceof AnchorError) throw new UsageError(error.message)
    throw error
  }
}

/** The Ed25519 public key (PEM) in `file`, or a UsageError. */
export const readPublicKeyFile = (file: string): KeyObject => {
  const text = readText('--public-key', file)
  try {
    return auditPublicKey(text)
  } catch (error) {
    if (error instanceof AuditKeyError) throw new UsageError(`--public-key ${file}: ${error.reason}`)
    throw error
  }
}

export const anchorJson = (anchor: Anchor): string => JSON.stringify(anchorToJson(anchor))

/** Write the anchor to `file` as one line of JSON. */
export const writeAnchorFile = (file: string, anchor: Anchor): void => {
  try {
    writeFileSync(file, `${anchorJson(anchor)}\n`)
  } catch (error) {
    throw new CliError(`--anchor-out ${file}: cannot write it (${(error as Error).message})`)
  }
}
