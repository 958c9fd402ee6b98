// Errors as RFC 9457 problem details (`application/problem+json`): one JSON object with a `type`
// URI, a `title` that names the kind of problem, the HTTP `status`, a `detail` for this occurrence
// and, for bad input, `errors` naming each field path.
import { ActorMismatchError, RoleNotHeldError } from '@dealer-crm/dealership'
import {
  type FieldError,
  hasErrorCode,
  isConcurrencyError,
  isDomainRejectedError,
} from '@dealer-crm/eventsourcing'

export const problemContentType = 'application/problem+json'

/**
 * One field of the request that is wrong: its dotted path, what is wrong and, for a field of the
 * JSON body, a JSON pointer to it (RFC 9457 §3's example). Headers and URL parameters have a path only.
 */
export interface ProblemFieldError {
  readonly path: string
  readonly pointer?: string
  readonly detail: string
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly instance?: string
  readonly errors?: ReadonlyArray<ProblemFieldError>
  readonly [extension: string]: unknown
}

/** Problem types of this service; plain HTTP failures (404, malformed JSON) use `about:blank`. */
export const problemTypes = {
  invalidRequest: 'urn:dealer-crm:problem:invalid-request',
  domainRejected: 'urn:dealer-crm:problem:domain-rejected',
  concurrencyConflict: 'urn:dealer-crm:problem:concurrency-conflict',
  forbidden: 'urn:dealer-crm:problem:forbidden',
} as const

/** `data.by.role` → `/data/by/role` (RFC 6901), for clients that prefer JSON pointers. */
const pointerOf = (path: string): string =>
  path === '(root)'
    ? ''
    : `/${path
        .split('.')
        .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
        .join('/')}`

const outsideBody = /^(headers|params)\./

export const fieldProblems = (errors: ReadonlyArray<FieldError>): ReadonlyArray<ProblemFieldError> =>
  errors.map((e) =>
    outsideBody.test(e.path)
      ? { path: e.path, detail: e.message }
      : { path: e.path, pointer: pointerOf(e.path), detail: e.message },
  )

/** 400: the request is malformed; each wrong field is named. Nothing was written. */
export const invalidRequest = (detail: string, errors: ReadonlyArray<FieldError>): Problem => ({
  type: problemTypes.invalidRequest,
  title: 'The request is invalid',
  status: 400,
  detail,
  errors: fieldProblems(errors),
})

/** A plain HTTP problem (RFC 9457 §4.2.1: `about:blank`, the title is the status phrase). */
export const httpProblem = (status: number, title: string, detail: string): Problem => ({
  type: 'about:blank',
  title,
  status,
  detail,
})

const httpTitles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
}

/** What a client may see of an error thrown while handling its request. */
export const problemOf = (error: unknown): Problem => {
  if (hasErrorCode(error, 'CommandValidationError'))
    return invalidRequest(`The command ${error.commandType} is malformed; nothing was written.`, error.errors)
  if (hasErrorCode(error, 'MalformedStreamName'))
    return invalidRequest('The id in the URL cannot name a stream; nothing was written.', [
      { path: 'params.id', message: error.message },
    ])
  // The body names another actor than the token, or a role the token does not grant (docs/privacy.md).
  if (error instanceof ActorMismatchError || error instanceof RoleNotHeldError)
    return {
      type: problemTypes.forbidden,
      title: 'The caller may not act so',
      status: 403,
      detail: error.message,
      code: error.code,
    }
  if (isDomainRejectedError(error))
    return {
      type: problemTypes.domainRejected,
      title: 'The dealership rules refuse this command',
      status: 422,
      detail: error.message,
      code: error.code,
    }
  if (isConcurrencyError(error))
    return {
      type: problemTypes.concurrencyConflict,
      title: 'The resource has changed since you read it',
      status: 409,
      detail: `${error.streamName} is at version ${error.actual}, not ${String(error.expected)}: read it again and retry.`,
      expectedVersion: error.expected,
      actualVersion: error.actual,
    }
  // Fastify's own client errors (malformed or empty JSON, wrong media type, body too large).
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500)
    return httpProblem(status, httpTitles[status] ?? 'Client Error', (error as Error).message)
  // Anything else is ours: the client learns nothing about the internals (the log has the error).
  return httpProblem(500, 'Internal Server Error', 'The request could not be handled.')
}
