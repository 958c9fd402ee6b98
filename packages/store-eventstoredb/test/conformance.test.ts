import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { runEventStoreConformance } from '@dealer-crm/testing'
import { realServer, startEsdbTestServer, testRetries } from './test-server.js'

// A fresh test server per test: the tamper test alters the log, as only a test server can.
runEventStoreConformance(
  'EventStoreDB (protocol-level test server, through @eventstore/db-client)',
  async ({ registry }) => {
    const server = await startEsdbTestServer()
    return {
      store: createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry,
        ...testRetries,
      }),
      teardown: () => server.close(),
      tamper: async (streamName, streamPosition) =>
        server.log.tamper(
          streamName,
          BigInt(streamPosition - 1),
          Buffer.from(JSON.stringify({ text: 'forged', tags: [] })),
        ),
    }
  },
)

const real = realServer()
if (real !== null)
  runEventStoreConformance(
    'EventStoreDB (real server at EVENTSTORE_CONNECTION_STRING)',
    async ({ registry }) => ({
      store: createEventStoreDbEventStore({ connectionString: real, registry }),
    }),
  )
