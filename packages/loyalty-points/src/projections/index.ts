export * from './level-distribution.js'
export * from './member-statement.js'
export * from './metrics.js'
