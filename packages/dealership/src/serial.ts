/** Runs the given work one at a time, in call order (a runner must not catch up twice at once). */
export const serial = () => {
  let queue: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work)
    queue = result.catch(() => undefined)
    return result
  }
}
