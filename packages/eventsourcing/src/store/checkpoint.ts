/**
 * Where projection and process-manager runners remember how far they got. A checkpoint
 * holds the next global position to read and, for fold projections, the JSON state at that
 * point, saved together so that a restart never applies an event twice or skips one.
 */
export interface Checkpoint {
  /** The next global position to read (the last processed one plus one). */
  readonly position: bigint
  /** The projection's state as JSON, or null for runners that keep none. */
  readonly state: unknown
}

export interface CheckpointStore {
  readonly load: (name: string) => Promise<Checkpoint | null>
  readonly save: (name: string, checkpoint: Checkpoint) => Promise<void>
  readonly delete: (name: string) => Promise<void>
}

export const inMemoryCheckpointStore = (): CheckpointStore => {
  const checkpoints = new Map<string, Checkpoint>()
  return {
    load: async (name) => checkpoints.get(name) ?? null,
    save: async (name, checkpoint) => {
      checkpoints.set(name, { position: checkpoint.position, state: structuredClone(checkpoint.state) })
    },
    delete: async (name) => {
      checkpoints.delete(name)
    },
  }
}
