import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { verify } from '@dealer-crm/eventsourcing'
import { runSimulation, type SimulationResult } from '@dealer-crm/simulation'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'

const open = (path: string) => createSqliteEventStore({ path, registry: dealershipRegistry })

export interface SimulatedStore {
  readonly result: SimulationResult
  readonly store: ReturnType<typeof open>
  readonly verifyResult: Awaited<ReturnType<typeof verify>>
  readonly close: () => Promise<void>
}

/** A simulated year written to a fresh SQLite file, opened again for reading, and verified. */
export const simulatedStore = async (customers: number, seed: number): Promise<SimulatedStore> => {
  const dir = mkdtempSync(join(tmpdir(), 'report-test-'))
  const path = join(dir, 'dealership.sqlite')
  const result = await runSimulation({ path, customers, seed })
  const store = open(path)
  const verifyResult = await verify(store)
  return {
    result,
    store,
    verifyResult,
    close: async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A database written before (the demo's), opened and verified; closing leaves the file. */
export const existingStore = async (path: string): Promise<Omit<SimulatedStore, 'result'>> => {
  const store = open(path)
  return { store, verifyResult: await verify(store), close: () => store.close() }
}
