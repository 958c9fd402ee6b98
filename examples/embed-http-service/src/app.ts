// The dealership facade behind a small HTTP API: one POST route per domain taking the command JSON,
// the customer 360 and the read models as GETs, problem details for every error. Every route but the
// list of read models needs a bearer token: its subject and roles are the principal who acts.
import {
  type CommandOptions,
  createDealership,
  type Dealership,
  type DealershipPolicies,
  dealershipReadModels,
  dealershipRegistry,
  type Principal,
  type ReadModelName,
  vaultAccessLogSecret,
} from '@dealer-crm/dealership'
import {
  type Clock,
  type FieldError,
  type Random,
  streamName,
  systemClock,
  systemRandom,
} from '@dealer-crm/eventsourcing'
import { renderCustomerNotFound, renderCustomerPage } from '@dealer-crm/report'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import accepts from '@fastify/accepts'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { type AuthOptions, authenticate } from './auth.js'
import { customerQuery } from './customer-query.js'
import { commandOptions, etagOf } from './headers.js'
import { toJson } from './json.js'
import { httpProblem, invalidRequest, type Problem, problemContentType, problemOf } from './problem.js'
import { libraryLogger } from './telemetry.js'

export interface AppOptions {
  /** The SQLite file (created if missing): events, the personal-data key vault and checkpoints. */
  readonly path: string
  /** "Now" for queries and the store's `recordedAt`; default the system clock. */
  readonly clock?: Clock
  /** Draws call-backs and jitters retries; default cryptographic randomness. */
  readonly random?: Random
  readonly policies?: Partial<DealershipPolicies>
  /** How bearer tokens are verified: every route but `GET /read-models` needs one. */
  readonly auth: AuthOptions
  /** Fastify's request log (pino); default off. */
  readonly logger?: boolean
}

export interface App {
  /** Not listening yet: call `listen`. `close()` also closes the facade and its store. */
  readonly app: FastifyInstance
  readonly dealership: Dealership
}

interface CommandRoute {
  /** URL segment: `/customers/:id/commands`. */
  readonly resource: string
  /** Stream category: `customer-<id>`. */
  readonly category: string
  /** The field of `data` that names the id, which must be the id in the URL. */
  readonly idField: string | null
  readonly handle: (
    principal: Principal,
    body: unknown,
    options: CommandOptions,
  ) => Promise<{
    readonly events: ReadonlyArray<CommandEvent>
    readonly version: number
    readonly repeated: boolean
  }>
}

interface CommandEvent {
  readonly type: string
  readonly metadata: {
    readonly eventId: string
    readonly streamPosition: number
    readonly globalPosition: bigint
    readonly recordedAt: Date
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

/** A `data.<idField>` that names another resource than the URL. */
const idMismatch = (route: CommandRoute, id: string, body: unknown): FieldError | null => {
  if (route.idField === null || !isRecord(body) || !isRecord(body.data)) return null
  const inBody = body.data[route.idField]
  return typeof inBody === 'string' && inBody !== id
    ? {
        path: `data.${route.idField}`,
        message: `must be the id in the URL, ${JSON.stringify(id)}, got ${JSON.stringify(inBody)}`,
      }
    : null
}

const sendProblem = (reply: FastifyReply, problem: Problem) =>
  reply.code(problem.status).type(problemContentType).send(JSON.stringify(problem))

const sendJson = (reply: FastifyReply, body: unknown) => reply.type('application/json').send(toJson(body))

/** Builds the service on the SQLite file at `path` and starts the process managers live. */
export const buildApp = async (options: AppOptions): Promise<App> => {
  const clock = options.clock ?? systemClock
  const app = Fastify({ logger: options.logger ?? false })
  const store = createSqliteEventStore({ path: options.path, registry: dealershipRegistry, clock })
  const dealership = createDealership({
    store,
    clock,
    random: options.random ?? systemRandom,
    // Durable: after a restart the process managers go on from where they stopped.
    checkpoints: store.checkpoints,
    // Reads of personal data are recorded under a keyed hash kept in the file's key vault.
    accessLogSecret: vaultAccessLogSecret(store.keyVault),
    ...(options.policies === undefined ? {} : { policies: options.policies }),
    onRejection: (rejection) => app.log.warn({ rejection }, 'a process manager command was refused'),
    onProcessFailure: (error) => app.log.error({ err: error }, 'a process manager stopped'),
    logger: libraryLogger(app.log),
  })
  // Commands are JSON: any other body is a 415 (Fastify would also parse text/plain).
  app.removeContentTypeParser('text/plain')
  await app.register(accepts)
  app.addHook('onClose', async () => {
    await dealership.close()
  })

  app.setErrorHandler((error, request, reply) => {
    const problem = problemOf(error)
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, { ...problem, instance: request.url })
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      ...httpProblem(404, 'Not Found', `There is no ${request.method} ${request.url.split('?')[0]}.`),
      instance: request.url,
    }),
  )

  const routes: ReadonlyArray<CommandRoute> = [
    {
      resource: 'customers',
      category: 'customer',
      idField: 'customerId',
      handle: (principal, body, o) => dealership.as(principal).customerLifecycle(body, o),
    },
    {
      resource: 'referrals',
      category: 'referral',
      idField: 'referralId',
      handle: (principal, body, o) => dealership.as(principal).referralVerification(body, o),
    },
    {
      resource: 'complaints',
      category: 'complaint',
      idField: 'complaintId',
      handle: (principal, body, o) => dealership.as(principal).complaintWorkflow(body, o),
    },
    {
      resource: 'members',
      category: 'member',
      idField: 'memberId',
      handle: (principal, body, o) => dealership.as(principal).loyaltyPoints(body, o),
    },
  ]

  /** The caller's principal from the bearer token, or null once a 401 was sent. */
  const principalOf = async (request: FastifyRequest, reply: FastifyReply): Promise<Principal | null> => {
    const auth = await authenticate(request.headers.authorization, options.auth, clock)
    if (auth.ok) return auth.principal
    reply.header('www-authenticate', auth.challenge)
    await sendProblem(reply, { ...auth.problem, instance: request.url })
    return null
  }

  for (const route of routes)
    app.post<{ Params: { id: string } }>(`/${route.resource}/:id/commands`, async (request, reply) => {
      const principal = await principalOf(request, reply)
      if (principal === null) return reply
      const { id } = request.params
      const stream = streamName(route.category, id)
      const parsed = commandOptions(request.headers)
      const mismatch = idMismatch(route, id, request.body)
      const errors = [...(parsed.ok ? [] : parsed.errors), ...(mismatch === null ? [] : [mismatch])]
      if (!parsed.ok || errors.length > 0)
        return sendProblem(reply, {
          ...invalidRequest('The request is malformed; nothing was written.', errors),
          instance: request.url,
        })
      const result = await route.handle(principal, request.body, parsed.options)
      reply.header('etag', etagOf(result.version))
      return sendJson(reply, {
        stream,
        version: result.version,
        repeated: result.repeated,
        events: result.events.map((e) => ({
          type: e.type,
          eventId: e.metadata.eventId,
          streamPosition: e.metadata.streamPosition,
          globalPosition: e.metadata.globalPosition,
          recordedAt: e.metadata.recordedAt,
        })),
      })
    })

  // The call-back draw (callee and questions) comes from the service's Random, never from the
  // consultant who sold the car (docs/domain.md §2 step 5); send it back in ScheduleCallBack.
  app.post<{ Params: { id: string } }>('/referrals/:id/call-back-draw', async (request, reply) => {
    if ((await principalOf(request, reply)) === null) return reply
    const draw = await dealership.drawCallBack(request.params.id)
    if (draw === null)
      return sendProblem(reply, {
        ...httpProblem(404, 'Not Found', `Referral ${request.params.id} has no call-back to draw.`),
        instance: request.url,
      })
    return sendJson(reply, draw)
  })

  // The customer 360: an HTML page (the content of `dealer-crm customer <id>`) unless the client
  // prefers JSON (`Accept: application/json`); `?lang=en` and `?at=<instant>` as the CLI's --lang, --at.
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/customers/:id',
    async (request, reply) => {
      const principal = await principalOf(request, reply)
      if (principal === null) return reply
      const { id } = request.params
      const html = request.accepts().type(['html', 'json']) !== 'json'
      const query = customerQuery(request.query)
      if (!query.ok)
        return sendProblem(reply, {
          ...invalidRequest('The query is malformed.', query.errors),
          instance: request.url,
        })
      const at = query.at ?? clock.now().toISOString()
      // The version first: a view newer than its ETag only makes a later If-Match fail safe.
      const version = await store.streamVersion(streamName('customer', id))
      const view = await dealership.as(principal).customer360(id, { purpose: query.purpose, at })
      reply.header('vary', 'accept')
      if (view === undefined)
        return html
          ? reply.code(404).type('text/html; charset=utf-8').send(renderCustomerNotFound(id, query.lang))
          : sendProblem(reply, {
              ...httpProblem(404, 'Not Found', `There is no customer ${JSON.stringify(id)}.`),
              instance: request.url,
            })
      reply.header('etag', etagOf(version))
      return html
        ? reply.type('text/html; charset=utf-8').send(renderCustomerPage(view, query.lang, at))
        : sendJson(reply, view)
    },
  )

  // Who read this customer's personal data (their access log: no personal data in it).
  app.get<{ Params: { id: string } }>('/customers/:id/access-log', async (request, reply) => {
    const principal = await principalOf(request, reply)
    if (principal === null) return reply
    return sendJson(reply, await dealership.as(principal).accessLog(request.params.id))
  })

  // A data-subject access request: everything held about the person as one JSON document, itself logged.
  app.get<{ Params: { id: string }; Querystring: { purpose?: unknown } }>(
    '/customers/:id/subject-export',
    async (request, reply) => {
      const principal = await principalOf(request, reply)
      if (principal === null) return reply
      const { purpose } = request.query
      if (typeof purpose !== 'string' || purpose.trim() === '')
        return sendProblem(reply, {
          ...invalidRequest('Say why the data is exported; nothing was read.', [
            { path: 'query.purpose', message: "required: it is recorded in the person's access log" },
          ]),
          instance: request.url,
        })
      const exported = await dealership.as(principal).subjectExport(request.params.id, { purpose })
      if (exported === undefined)
        return sendProblem(reply, {
          ...httpProblem(404, 'Not Found', `Nothing is held about ${JSON.stringify(request.params.id)}.`),
          instance: request.url,
        })
      return sendJson(reply, exported)
    },
  )

  const readModelNames = Object.keys(dealershipReadModels) as ReadonlyArray<ReadModelName>
  const isReadModelName = (name: string): name is ReadModelName =>
    (readModelNames as ReadonlyArray<string>).includes(name)

  app.get('/read-models', async (_request, reply) => sendJson(reply, readModelNames))

  app.get<{ Params: { name: string } }>('/read-models/:name', async (request, reply) => {
    if ((await principalOf(request, reply)) === null) return reply
    const { name } = request.params
    if (!isReadModelName(name))
      return sendProblem(reply, {
        ...httpProblem(
          404,
          'Not Found',
          `There is no read model ${JSON.stringify(name)}; there are ${readModelNames.join(', ')}.`,
        ),
        instance: request.url,
      })
    return sendJson(reply, await dealership.readModel(name))
  })

  await dealership.start()
  return { app, dealership }
}
