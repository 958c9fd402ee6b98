// Runs the HTTP service: `PORT` (default 3000), `HOST` (default 127.0.0.1), `DB_PATH` (default
// <repo root>/.data/embed-http-service.sqlite) and the bearer tokens' `JWT_SECRET` (required, HS256),
// `JWT_ISSUER` (default dealer-login) and `JWT_AUDIENCE` (default dealer-crm).
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from './app.js'
import { startTelemetry } from './telemetry.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Starts the service and closes it (Fastify, then the facade and its store) on SIGINT or SIGTERM. */
export const run = async (env: NodeJS.ProcessEnv = process.env): Promise<void> => {
  const path = env.DB_PATH ?? resolve(repoRoot, '.data/embed-http-service.sqlite')
  mkdirSync(dirname(path), { recursive: true })
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT: not a port, ${env.PORT}`)

  const secret = env.JWT_SECRET ?? ''
  if (Buffer.byteLength(secret) < 32)
    throw new Error(
      'JWT_SECRET: the HS256 key that verifies bearer tokens, at least 32 bytes, is missing or short',
    )
  const auth = {
    secret,
    issuer: env.JWT_ISSUER ?? 'dealer-login',
    audience: env.JWT_AUDIENCE ?? 'dealer-crm',
  }
  // Before the app: the SDK (when OTEL_EXPORTER_OTLP_ENDPOINT is set) hooks into Fastify's start.
  const stopTelemetry = startTelemetry(env)
  const { app } = await buildApp({ path, auth, logger: true })
  if (stopTelemetry !== null) app.addHook('onClose', stopTelemetry)
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info(`${signal}: closing`)
    // In-flight requests finish; the live process managers stop after the event they are on.
    app.close().then(
      () => app.log.info('closed'),
      (error: unknown) => {
        app.log.error({ err: error }, 'closing failed')
        process.exitCode = 1
      },
    )
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' })
  app.log.info(`events in ${path}`)
}

if (process.argv[1]?.endsWith('main.ts')) {
  run().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
