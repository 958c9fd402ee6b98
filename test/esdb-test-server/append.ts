import type { AppendOutcome, Expected, InMemoryLog, ProposedEvent } from './log.js'
import { type SharedPb, type StreamsPb, sharedPb, streamsPb } from './modules.js'
import {
  batchRefused,
  type CallError,
  eventOf,
  missingMetadata,
  refused,
  sizeOnDisk,
  writable,
} from './rules.js'
import { uuidText } from './uuid.js'

/** The parts of grpc-js's server call objects the append calls use. */
interface AppendCall {
  on(event: 'data', listener: (request: StreamsPb.AppendReq) => void): void
  on(event: 'error' | 'end', listener: () => void): void
}
type AppendCallback = (error: CallError | null, response: StreamsPb.AppendResp | null) => void
interface BatchAppendCall {
  on(event: 'data', listener: (request: StreamsPb.BatchAppendReq) => void): void
  on(event: 'error' | 'end', listener: () => void): void
  write(response: StreamsPb.BatchAppendResp): boolean
  end(): void
}

export const text = (value: Uint8Array | string): string =>
  typeof value === 'string' ? value : Buffer.from(value).toString('utf8')

export const identifier = (name: string): SharedPb.StreamIdentifier =>
  new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'))

/** Both calls' options name the expectation the same way (BatchAppend says stream_position). */
const expectationOf = (
  o: StreamsPb.AppendReq.Options | StreamsPb.BatchAppendReq.Options,
): Expected | null => {
  if (o.hasAny()) return { kind: 'any' }
  if (o.hasNoStream()) return { kind: 'no_stream' }
  if (o.hasStreamExists()) return { kind: 'stream_exists' }
  if ('hasRevision' in o && o.hasRevision()) return { kind: 'revision', revision: BigInt(o.getRevision()) }
  if ('hasStreamPosition' in o && o.hasStreamPosition())
    return { kind: 'revision', revision: BigInt(o.getStreamPosition()) }
  return null
}

/** The wrong-expected-version facts both calls report, in the shared message's shape. */
const wrongVersion = (expected: Expected, current: bigint | null) => {
  const wrong = new sharedPb.WrongExpectedVersion()
  if (current === null) wrong.setCurrentNoStream(new sharedPb.Empty())
  else wrong.setCurrentStreamRevision(current.toString())
  if (expected.kind === 'revision') wrong.setExpectedStreamPosition(expected.revision.toString())
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty())
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty())
  else wrong.setExpectedAny(new sharedPb.Empty())
  return wrong
}

const appendResponse = (expected: Expected, outcome: AppendOutcome): StreamsPb.AppendResp => {
  const response = new streamsPb.AppendResp()
  if (!outcome.ok) {
    const facts = wrongVersion(expected, outcome.currentRevision)
    const wrong = new streamsPb.AppendResp.WrongExpectedVersion()
    if (facts.hasCurrentNoStream()) wrong.setCurrentNoStream(new sharedPb.Empty())
    else wrong.setCurrentRevision(facts.getCurrentStreamRevision())
    if (facts.hasExpectedStreamPosition()) wrong.setExpectedRevision(facts.getExpectedStreamPosition())
    else if (facts.hasExpectedNoStream()) wrong.setExpectedNoStream(new sharedPb.Empty())
    else if (facts.hasExpectedStreamExists()) wrong.setExpectedStreamExists(new sharedPb.Empty())
    else wrong.setExpectedAny(new sharedPb.Empty())
    return response.setWrongExpectedVersion(wrong)
  }
  const success = new streamsPb.AppendResp.Success()
  if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty())
  else success.setCurrentRevision(outcome.currentRevision.toString())
  if (outcome.position === null) success.setNoPosition(new sharedPb.Empty())
  else
    success.setPosition(
      new streamsPb.AppendResp.Position()
        .setCommitPosition(outcome.position.toString())
        .setPreparePosition(outcome.position.toString()),
    )
  return response.setSuccess(success)
}

/**
 * Append: the options first, then one proposed message per event. Like the server, each event is
 * checked as it arrives (metadata, the running size, then id and type) and the first failure
 * ends the call with its status; nothing is written unless every event passed.
 */
export const appendCall =
  (log: InMemoryLog, maxAppendSize: number) => (call: AppendCall, callback: AppendCallback) => {
    let header: { name: string; expected: Expected } | undefined
    const events: ProposedEvent[] = []
    let size = 0
    let done = false
    const fail = (error: CallError) => {
      if (done) return
      done = true
      callback(error, null)
    }
    call.on('data', (req) => {
      if (done) return
      const options = req.getOptions()
      const message = req.getProposedMessage()
      if (header === undefined) {
        if (options === undefined) return fail(refused.handlerFailed())
        const name = text(options.getStreamIdentifier()?.getStreamName() ?? '')
        const expected = expectationOf(options)
        if (expected === null) return fail(refused.invalidArgument('no expected stream revision'))
        if (!writable(name)) return fail(refused.accessDenied())
        header = { name, expected }
        return
      }
      if (message === undefined) return fail(refused.handlerFailed())
      const missing = missingMetadata(message)
      if (missing !== null) return fail(refused.missingMetadata(missing))
      size += sizeOnDisk(message)
      if (size > maxAppendSize) return fail(refused.maxAppendSize(maxAppendSize))
      const event = eventOf(message)
      if (typeof event === 'string') return fail(refused.handlerFailed())
      events.push(event)
    })
    call.on('error', () => undefined)
    call.on('end', () => {
      if (done) return
      if (header === undefined) return fail(refused.handlerFailed())
      done = true
      callback(null, appendResponse(header.expected, log.append(header.name, header.expected, events)))
    })
  }

interface PendingBatch {
  readonly name: string
  readonly expected: Expected
  readonly events: ProposedEvent[]
  size: number
}

/**
 * BatchAppend (what the client uses when ServerFeatures lists it): requests carry a correlation
 * id, the options on the first one and `is_final` on the last; each append is answered once,
 * echoing the correlation id as it was sent, with Success or a google.rpc.Status.
 */
export const batchAppendCall = (log: InMemoryLog, maxAppendSize: number) => (call: BatchAppendCall) => {
  const pending = new Map<string, PendingBatch>()
  call.on('data', (req) => {
    const correlation = req.getCorrelationId()
    const key = uuidText(correlation)
    const options = req.getOptions()
    const respond = (name: string | undefined, fill: (r: StreamsPb.BatchAppendResp) => void) => {
      const response = new streamsPb.BatchAppendResp().setCorrelationId(correlation)
      if (name !== undefined) response.setStreamIdentifier(identifier(name))
      fill(response)
      call.write(response)
    }
    if (key === null)
      return respond(undefined, (r) => r.setError(batchRefused.badRequest('invalid correlation id')))
    if (options !== undefined) {
      const name = text(options.getStreamIdentifier()?.getStreamName() ?? '')
      if (!writable(name)) return respond(name, (r) => r.setError(batchRefused.accessDenied()))
      const expected = expectationOf(options)
      if (expected === null)
        return respond(name, (r) => r.setError(batchRefused.badRequest('no expected stream position')))
      if (!pending.has(key)) pending.set(key, { name, expected, events: [], size: 0 })
    }
    const batch = pending.get(key)
    if (batch === undefined) return
    for (const message of req.getProposedMessagesList()) {
      const missing = missingMetadata(message)
      const event = missing === null ? eventOf(message) : `The given key '${missing}' was not present`
      if (typeof event === 'string') {
        pending.delete(key)
        return respond(batch.name, (r) => r.setError(batchRefused.badRequest(event)))
      }
      batch.events.push(event)
      batch.size += sizeOnDisk(message)
    }
    if (batch.size > maxAppendSize) {
      pending.delete(key)
      return respond(batch.name, (r) => r.setError(batchRefused.maxAppendSize(maxAppendSize)))
    }
    if (!req.getIsFinal()) return
    pending.delete(key)
    const outcome = log.append(batch.name, batch.expected, batch.events)
    respond(batch.name, (r) => {
      if (!outcome.ok)
        return r.setError(
          batchRefused.wrongExpectedVersion(wrongVersion(batch.expected, outcome.currentRevision)),
        )
      const success = new streamsPb.BatchAppendResp.Success()
      if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty())
      else success.setCurrentRevision(outcome.currentRevision.toString())
      if (outcome.position === null) success.setNoPosition(new sharedPb.Empty())
      else
        success.setPosition(
          new sharedPb.AllStreamPosition()
            .setCommitPosition(outcome.position.toString())
            .setPreparePosition(outcome.position.toString()),
        )
      return r.setSuccess(success)
    })
  })
  call.on('error', () => undefined)
  call.on('end', () => call.end())
}
