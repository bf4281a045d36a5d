import { describe, expect, test } from 'bun:test'
import { processAlive } from './pid.ts'

describe('processAlive', () => {
  test('this process is alive', () => {
    expect(processAlive(process.pid)).toBe(true)
  })

  test('a process that has exited is not', async () => {
    const child = Bun.spawn(['true'])
    await child.exited
    expect(processAlive(child.pid)).toBe(false)
  })
})
