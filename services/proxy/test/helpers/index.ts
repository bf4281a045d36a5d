// @tokentap/proxy/testing: the proxy's test doubles other packages' tests use (never in an
// image): the loopback TLS mock upstream and the CA it is signed with, the proxy harness (a proxy
// in-process with an in-memory sink) and curl through it, the Slack webhook mock.

export { field, type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
export { type MockUpstream, startMockUpstream } from './mock-upstream.ts'
export { curl, type Harness, startProxy } from './proxy-harness.ts'
export { testUpstreamCa } from './test-ca.ts'
