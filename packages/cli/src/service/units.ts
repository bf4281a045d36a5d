// The systemd user unit and the launchd agent that run `tokentap up` at login (pure).

export const SYSTEMD_UNIT = 'tokentap.service'
export const LAUNCHD_LABEL = 'dev.tokentap'

/** Carried into the unit when set, so the service listens where this shell's config says. */
export const SERVICE_VARS = [
  'PROXY_HOST',
  'PROXY_PORT',
  'DASHBOARD_HOST',
  'DASHBOARD_PORT',
  'CA_CERT_FILE',
  'CA_KEY_FILE',
]

export interface UnitInput {
  argv: string[]
  /** Always set: TOKENTAP_HOME, then the SERVICE_VARS that are set. */
  env: [string, string][]
  home: string
}

/** systemd: quote for ExecStart/Environment, `%` is a specifier and must be doubled. */
function sd(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`
}

export function systemdUnit(u: UnitInput): string {
  return [
    '# Written by `tokentap service install`; `tokentap service uninstall` removes it.',
    '[Unit]',
    'Description=tokentap: LLM usage proxy and dashboard',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${u.argv.map(sd).join(' ')}`,
    ...u.env.map(([k, v]) => `Environment=${sd(`${k}=${v}`)}`),
    `# More settings (DATABASE_URL, DASHBOARD_API_KEY, …), one KEY=value a line:`,
    `EnvironmentFile=-${u.home}/service.env`,
    'Restart=on-failure',
    'RestartSec=5',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

function xml(v: string): string {
  return v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

export function launchdPlist(u: UnitInput): string {
  const s = (v: string): string => `<string>${xml(v)}</string>`
  const log = `${u.home}/logs/launchd.log`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `tokentap service install`; `tokentap service uninstall` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${s(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    `  <array>${u.argv.map(s).join('')}</array>`,
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...u.env.map(([k, v]) => `    <key>${xml(k)}</key>${s(v)}`),
    '  </dict>',
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    `  <key>StandardOutPath</key>${s(log)}`,
    `  <key>StandardErrorPath</key>${s(log)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n')
}
