import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { libraryLogger, startTelemetry } from '../src/telemetry.js'

describe('the service telemetry', () => {
  it('registers no SDK unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(startTelemetry({})).toBeNull()
    expect(startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeNull()
  })

  it("hands the library's log hook to pino, the error under pino's err", async () => {
    const lines: string[] = []
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        lines.push(String(chunk))
        done()
      },
    })
    const app = Fastify({ logger: { level: 'warn', stream } })
    const logger = libraryLogger(app.log)
    logger.warn('process:loyalty-earnings failed; retrying', {
      follower: 'process:loyalty-earnings',
      error: new Error('connection lost'),
      attempt: 1,
    })
    logger.error('process:loyalty-earnings stopped', { follower: 'process:loyalty-earnings', attempts: 5 })
    await app.close()
    const [warned, stopped] = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(warned).toMatchObject({
      level: 40,
      msg: 'process:loyalty-earnings failed; retrying',
      follower: 'process:loyalty-earnings',
      attempt: 1,
      err: { type: 'Error', message: 'connection lost' },
    })
    expect(stopped).toMatchObject({ level: 50, msg: 'process:loyalty-earnings stopped', attempts: 5 })
  })
})
