export { type AppendOutcome, type Expected, InMemoryLog, type LogRecord, type ProposedEvent } from './log.js'
export { DEFAULT_MAX_APPEND_SIZE } from './rules.js'
export { type EsdbTestServer, type EsdbTestServerOptions, seededLog, startEsdbTestServer } from './server.js'
