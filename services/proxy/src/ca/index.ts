// @tokentap/proxy/ca: the CA as `tokentap ca` and `tokentap ca renew` handle it, with the proxy's
// own code so the CLI creates and renews exactly the CA the proxy loads: load or create it, read
// its profile and name constraints, the intercepted hosts they leave out, the renewal files.

export { type InterceptPattern, interceptPatternsFromEnv } from '../intercept/patterns.ts'
export { type CaProfile, caProfile } from './ca-cert.ts'
export { describeConstraints, RENEW_COMMAND } from './ca-report.ts'
export { type CaMaterial, loadOrCreateCa } from './ca-store.ts'
export { activateNextCa, prepareNextCa, renewFiles } from './renew.ts'
export { uncoveredPatterns } from './subtrees.ts'
