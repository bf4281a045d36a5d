// Free loopback ports for services on the host network: the kernel picks one (port 0), it is
// released, the service binds it moments later. Other tests here pick theirs the same way.

export async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}
