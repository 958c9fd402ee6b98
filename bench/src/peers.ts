import type { Contender, VisitData } from './workload.js'

/**
 * Emmett, the peer library the bench compares with, lives in bench/peers: a pnpm project of its own,
 * outside the workspace, so that a default install does not build the native sqlite3 binding its
 * SQLite store needs. `pnpm bench:peers` installs it; without it the bench runs every other
 * contender and says how to add these.
 */
type PeerStore = Omit<Contender, 'append' | 'replay'> & {
  readonly append: (stream: string, events: ReadonlyArray<object>) => Promise<void>
  readonly replay: (apply: (data: object) => void) => Promise<number>
}

/** A peer's command handler: each command loads its stream, decides and appends one event. */
export interface PeerCommands {
  readonly name: string
  readonly prefill: (stream: string, events: ReadonlyArray<object>) => Promise<void>
  readonly command: (stream: string, data: VisitData) => Promise<void>
  readonly close: () => Promise<void>
}

export interface Peers {
  readonly emmettSqlite: (fileName: string, eventType: string) => Promise<PeerStore>
  readonly emmettPostgres: (adminUrl: string, database: string, eventType: string) => Promise<PeerStore>
  readonly emmettPostgresCommands: (
    adminUrl: string,
    database: string,
    eventType: string,
  ) => Promise<PeerCommands>
}

export const installPeersHint =
  'Emmett, the peer library, is not installed: `pnpm bench:peers` installs it (into bench/peers)'

const load = async (): Promise<Peers | null> => {
  try {
    // Specifiers built at run time, so that type-checking the bench does not need the peers.
    const sqlite = (await import(
      new URL('../peers/emmett-sqlite/src/index.ts', import.meta.url).href
    )) as Pick<Peers, 'emmettSqlite'>
    const postgres = (await import(
      new URL('../peers/emmett-postgres/src/index.ts', import.meta.url).href
    )) as Pick<Peers, 'emmettPostgres' | 'emmettPostgresCommands'>
    return {
      emmettSqlite: sqlite.emmettSqlite,
      emmettPostgres: postgres.emmettPostgres,
      emmettPostgresCommands: postgres.emmettPostgresCommands,
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return null
    throw error
  }
}

let loaded: Promise<Peers | null> | undefined

/** The peer contenders, or null when `pnpm bench:peers` has not installed them. */
export const peers = (): Promise<Peers | null> => {
  loaded ??= load()
  return loaded
}

/** A peer's store as a contender of the workload (its events are the workload's `VisitData`). */
export const asContender = (store: PeerStore): Contender => ({
  ...store,
  replay: (apply) => store.replay((data) => apply(data as VisitData)),
})
