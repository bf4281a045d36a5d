// Team mode in force: the current users (PROXY_USERS, reloaded when the file changes; a broken
// edit keeps the last good list; `onReload` hears each new list so connections of removed users
// or tokens can be closed), and the rule that a proxy reachable from other machines must
// check credentials unless ALLOW_OPEN_PROXY=1 says otherwise.

import { ConfigError, errorText, watchConfigFile } from '@tokentap/shared'
import type { Logger } from '../log.ts'
import {
  createUserCheck,
  loadUsersFile,
  type ProxyUser,
  USERS_VARIABLE,
  type UserCheck,
} from './users.ts'

export interface UserDirectory {
  /** The check in force; null in local mode (any USER accepted). */
  current(): UserCheck | null
  stop(): void
}

export function openUserDirectory(
  file: string | undefined,
  initial: ProxyUser[] | null,
  log: Logger,
  onReload: (users: ProxyUser[]) => void = () => {},
): UserDirectory {
  if (!file) return { current: () => null, stop: () => {} }
  let check = createUserCheck(initial ?? loadUsersFile(file))
  if (check.size === 0)
    log.warn(`${USERS_VARIABLE}: ${file} lists no users; every request gets 407`)
  else log.info(`team mode: ${check.size} users from ${file} (${USERS_VARIABLE})`)
  const stop = watchConfigFile(
    file,
    loadUsersFile,
    (users) => {
      check = createUserCheck(users)
      log.info(`${USERS_VARIABLE} reloaded: ${check.size} users`)
      onReload(users)
    },
    (e) => {
      const message = errorText(e)
      log.error(`${USERS_VARIABLE} not reloaded, keeping the last good list: ${message}`)
    },
  )
  return { current: () => check, stop }
}

/** 127.0.0.0/8, ::1 (bracketed or not), ::ffff:127.x and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true
  return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** Refuses an open proxy: a non-loopback bind needs PROXY_USERS or ALLOW_OPEN_PROXY=1. */
export function assertBindAllowed(host: string, usersFile: string | undefined, allowOpen: boolean) {
  if (isLoopbackHost(host) || usersFile || allowOpen) return
  throw new ConfigError(
    'PROXY_HOST',
    `"${host}" is not a loopback address: set PROXY_USERS (team mode: users and token hashes) ` +
      'so callers must authenticate, or ALLOW_OPEN_PROXY=1 to run an open proxy on purpose',
  )
}
