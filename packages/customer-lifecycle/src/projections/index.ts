export * from './churn-risk.js'
export * from './customer-profile.js'
export * from './metrics.js'
export * from './touchpoint-calendar.js'
