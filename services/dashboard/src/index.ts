// @tokentap/dashboard: the dashboard as other packages run it (`tokentap up`, the dashboard
// benchmark): startDashboard with loadDashboardConfig's config. Its JSON API contract (the shapes
// /api/* returns and the formatters for them) is @tokentap/shared/api.

export { type DashboardConfig, loadDashboardConfig } from './config.ts'
export { type DashboardServer, startDashboard } from './server.ts'
