export { type Chart, reportCharts } from './charts.js'
export { type CustomerLabels, customerLabelsFor } from './customer-labels.js'
export { customerPagePointValueFen, renderCustomerNotFound, renderCustomerPage } from './customer-page.js'
export * from './events.js'
export * from './figures.js'
export { labelsFor, type ReportLanguage, reportLanguages } from './labels.js'
export * from './months.js'
export {
  foldReportSeries,
  isReportInputError,
  ReportInputError,
  type ReportOptions,
  type ReportSource,
  renderReport,
  reportData,
  writeReport,
} from './report.js'
export * from './series/complaints.js'
export * from './series/lifecycle.js'
export * from './series/log.js'
export * from './series/loyalty.js'
export * from './series/referrals.js'
