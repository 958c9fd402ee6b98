export * from './command-sequences.js'
export * from './given.js'
