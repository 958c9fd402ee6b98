import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { runEventStoreConformance } from '@dealer-crm/testing'
import { realServer, startEsdbTestServer, testRetries } from './test-server.js'

// A fresh test server per test: the tamper test alters the log, as only a test server can.
// Twice: with BatchAppend advertised (what the client uses with real 21.10+ servers) and without (plain Append).
for (const batchAppend of [true, false])
  runEventStoreConformance(
    `EventStoreDB (protocol-level test server, through @eventstore/db-client, ${batchAppend ? 'BatchAppend' : 'Append'})`,
    async ({ registry }) => {
      const server = await startEsdbTestServer({ batchAppend })
      return {
        store: createEventStoreDbEventStore({
          connectionString: server.connectionString,
          registry,
          ...testRetries,
        }),
        // Another client: its clock stamps recordedAt; the server stamps the commit times.
        writer: async (clock) =>
          createEventStoreDbEventStore({
            connectionString: server.connectionString,
            registry,
            clock,
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
