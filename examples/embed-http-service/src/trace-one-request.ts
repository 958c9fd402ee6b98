// Prints the spans of one request as a tree (the README shows its output): the service on a fresh
// SQLite file in a temporary directory, the SDK with an in-memory exporter, a prospect registered,
// then the traced request: the delivery, and what the live process managers do with its event.
// The followers' polls of the log are left out (they are traced only under a traced operation).
//
//   pnpm --filter @dealer-crm/example-embed-http-service trace-one-request
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keyedHash, manualClock, normalizePhone } from '@dealer-crm/eventsourcing'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { SignJWT } from 'jose'
import { buildApp } from './app.js'
import { spanTree } from './span-tree.js'

const main = async () => {
  const exporter = new InMemorySpanExporter()
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  )
  new FastifyOtelInstrumentation({ registerOnInitialization: true })
  const dir = mkdtempSync(join(tmpdir(), 'embed-http-trace-'))
  const now = new Date('2026-03-02T01:00:00Z')
  // The bearer token the dealer's login service would sign for the consultant (HS256).
  const auth = {
    secret: 'a local key of at least thirty-two bytes',
    issuer: 'dealer-login',
    audience: 'dealer-crm',
  }
  const token = await new SignJWT({ roles: ['sales-consultant'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('consultant-wang')
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + 3600)
    .sign(new TextEncoder().encode(auth.secret))
  const { app } = await buildApp({ path: join(dir, 'events.sqlite'), clock: manualClock(now), auth })
  const post = async (payload: unknown) => {
    const response = await app.inject({
      method: 'POST',
      url: '/customers/zhang-san/commands',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: payload as Record<string, unknown>,
    })
    process.stdout.write(
      `POST /customers/zhang-san/commands ${(payload as { type: string }).type} → ${response.statusCode}\n`,
    )
  }
  const by = { id: 'consultant-wang', role: 'sales-consultant' }
  try {
    const phone = '13800138000'
    await post({
      type: 'RegisterProspect',
      data: {
        customerId: 'zhang-san',
        at: '2026-03-02T09:00:00+08:00',
        by,
        source: 'showroom',
        kind: 'person',
        name: '张三',
        phone,
        phoneHash: keyedHash('example-secret', normalizePhone(phone)),
        birthday: null,
      },
    })
    exporter.reset()
    // The request traced below: a delivery, whose event the live process managers react to.
    await post({
      type: 'RecordDelivery',
      data: {
        customerId: 'zhang-san',
        at: '2026-03-02T10:00:00+08:00',
        by,
        vin: 'LSVAU2180N2183294',
        model: 'Sagitar',
        colour: 'white',
        plate: '粤B12345',
        mileageKm: 12,
        previousOwnerId: null,
      },
    })
    // The membership the delivery-membership process manager issues, live, in the same trace.
    for (
      let i = 0;
      i < 100 && !exporter.getFinishedSpans().some((s) => s.name === 'command EnrolMember');
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
  process.stdout.write(`${spanTree(exporter.getFinishedSpans())}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
