export { type AppendOutcome, type Expected, InMemoryLog, type LogRecord, type ProposedEvent } from './log.js'
export { type EsdbTestServer, seededLog, startEsdbTestServer } from './server.js'
