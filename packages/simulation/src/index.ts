export { type ConsentAudit, consentAuditProjection } from './consent-audit.js'
export type { LogSummary } from './log-summary.js'
export type { DemoMetrics, Rate } from './metrics.js'
export {
  defaults,
  isSimulationOptionsError,
  maximumCustomers,
  maximumDays,
  minimumCustomers,
  type ResolvedOptions,
  resolveOptions,
  type SimulationOptions,
  SimulationOptionsError,
} from './options.js'
export { renderMetrics } from './render.js'
export { runSimulation, type SimulationResult } from './simulation.js'
