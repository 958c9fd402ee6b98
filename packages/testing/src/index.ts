export * from './command-sequences.js'
export * from './conformance.js'
export * from './conformance-events.js'
export * from './given.js'
