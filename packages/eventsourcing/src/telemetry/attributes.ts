/**
 * The attribute names of the library's spans and metrics (docs/observability.md). Database spans use
 * OpenTelemetry's semantic conventions; the rest are under `dealer_crm.`. No attribute holds personal
 * data: stream names hold pseudonymous ids or keyed hashes, never a name or a phone number, and no
 * error's message is recorded, only its code.
 */
export const attr = {
  domain: 'dealer_crm.domain',
  commandType: 'dealer_crm.command.type',
  outcome: 'dealer_crm.command.outcome',
  errorCode: 'dealer_crm.error.code',
  expectedVersion: 'dealer_crm.command.expected_version',
  version: 'dealer_crm.stream.version',
  attempts: 'dealer_crm.command.attempts',
  conflicts: 'dealer_crm.command.conflicts',
  eventsAppended: 'dealer_crm.command.events',
  streamName: 'dealer_crm.stream.name',
  category: 'dealer_crm.stream.category',
  eventsRead: 'dealer_crm.load.events_read',
  loadSource: 'dealer_crm.load.source',
  decision: 'dealer_crm.decide.outcome',
  eventType: 'dealer_crm.event.type',
  eventCount: 'dealer_crm.events',
  follower: 'dealer_crm.follower',
  processManager: 'dealer_crm.process_manager',
  fromPosition: 'dealer_crm.position.from',
  toPosition: 'dealer_crm.position.to',
  /** OpenTelemetry database client conventions (the older and the stable names both). */
  dbSystem: 'db.system',
  dbSystemName: 'db.system.name',
  dbOperation: 'db.operation',
  dbOperationName: 'db.operation.name',
  dbCollectionName: 'db.collection.name',
  dbReturnedRows: 'db.response.returned_rows',
} as const

/** How a command ended (`dealer_crm.command.outcome`). */
export type CommandOutcome = 'appended' | 'repeated' | 'refused' | 'conflict' | 'failed'
