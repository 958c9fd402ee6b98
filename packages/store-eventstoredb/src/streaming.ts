/** A server read the client can cancel. */
export interface CancellableRead<T> extends AsyncIterable<T> {
  readonly cancel: () => Promise<void>
}

/**
 * Iterate a client read and cancel it when the consumer stops early: the client's dispose()
 * waits for every call it opened, so a read left half-consumed would hang close().
 */
export async function* cancelOnExit<T>(read: CancellableRead<T>): AsyncGenerator<T> {
  let finished = false
  try {
    for await (const item of read) yield item
    finished = true
  } finally {
    if (!finished) await read.cancel()
  }
}
