import { describe, expect, test } from 'bun:test'
import { PgServerError } from '@tokentap/pgserver'
import { ConfigError } from '@tokentap/shared'
import { describeStartupFailure, listenError, StartupError } from './failure.ts'

describe('start-up failure lines', () => {
  test('a busy or forbidden port names its variable and the fix', () => {
    const busy = listenError(
      Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }),
      'PROXY_PORT',
      '127.0.0.1',
      8080,
    )
    expect(busy).toBeInstanceOf(ConfigError)
    expect(describeStartupFailure(busy, '/l').line).toBe(
      'configuration error: PROXY_PORT: 127.0.0.1:8080 is already in use; stop what listens ' +
        'there or set PROXY_PORT to another port',
    )
    const denied = listenError(
      Object.assign(new Error('x'), { code: 'EACCES' }),
      'DASHBOARD_PORT',
      '0.0.0.0',
      80,
    )
    expect((denied as Error).message).toContain(
      'DASHBOARD_PORT: cannot listen on 0.0.0.0:80 (EACCES)',
    )
    const other = new Error('boom')
    expect(listenError(other, 'PROXY_PORT', 'h', 1)).toBe(other)
  })

  test('our errors are their own line, without a stack', () => {
    expect(describeStartupFailure(new StartupError('cause; fix'), '/l')).toEqual({
      line: 'cause; fix',
      detail: null,
    })
    expect(describeStartupFailure(new PgServerError('initdb: x; y'), '/l').line).toBe(
      'initdb: x; y',
    )
  })

  test('anything else: its first line and where the details are; the stack goes to the log', () => {
    const e = new Error('socket hang up\nmore')
    const r = describeStartupFailure(e, '/h/logs/tokentap.log')
    expect(r.line).toBe('start-up failed: socket hang up (details in /h/logs/tokentap.log)')
    expect(r.detail).toContain('    at ')
    expect(describeStartupFailure('odd', '/l').line).toBe('start-up failed: odd (details in /l)')
  })
})
