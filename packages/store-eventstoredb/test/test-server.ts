import { type EsdbTestServer, startEsdbTestServer } from '../../../test/esdb-test-server/index.js'

export type { EsdbTestServer }
export { startEsdbTestServer }

/** A real server when EVENTSTORE_CONNECTION_STRING is set, else null. */
export const realServer = (): string | null => process.env.EVENTSTORE_CONNECTION_STRING ?? null

/** Fast retries so fault tests stay short. */
export const testRetries = { readRetries: 8, retryDelayMs: 50, pollIntervalMs: 200 } as const
