import { MalformedStreamNameError } from '../errors.js'

/**
 * Stream names are `<category>-<id>`; the category is the text before the first `-`
 * (ARCHITECTURE.md, "Semantics that every store shares").
 */
export const streamName = (category: string, id: string): string => {
  const name = `${category}-${id}`
  assertStreamName(name)
  return name
}

const validName = /^[A-Za-z0-9_.:]+-\S+$/

export const isStreamName = (name: string): boolean => validName.test(name) && name.length <= 512

export function assertStreamName(name: string): asserts name is string {
  if (!isStreamName(name)) throw new MalformedStreamNameError(name)
}

export const categoryOf = (name: string): string => {
  const dash = name.indexOf('-')
  return dash < 0 ? name : name.slice(0, dash)
}

export const idOf = (name: string): string => {
  const dash = name.indexOf('-')
  return dash < 0 ? '' : name.slice(dash + 1)
}
