/**
 * A loopback HTTP server that answers one byte at a time and never finishes: the headers
 * (status line, then a header line dripped forever) or the body (complete headers announcing a
 * body that drips). An idle timeout never fires on it; only a whole-response deadline does.
 * Raw TCP (node:net), because node:http sends a response's headers in one write.
 */
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export type DripMode = 'headers' | 'body'

export interface DripServer {
  /** http://127.0.0.1:PORT */
  readonly url: string
  /** 127.0.0.1:PORT */
  readonly host: string
  /** Requests received (each on its own connection: the server never finishes an answer). */
  requests(): number
  close(): Promise<void>
}

export async function startDripServer(mode: DripMode, everyMs = 100): Promise<DripServer> {
  const sockets = new Set<Socket>()
  let requests = 0
  const server = createServer(socket => {
    sockets.add(socket)
    let timer: NodeJS.Timeout | undefined
    socket.on('error', () => {})
    // undici may open a spare connection that never carries a request: count requests, not
    // connections, and answer once one arrives.
    socket.once('data', () => {
      requests++
      socket.write(
        mode === 'headers'
          ? 'HTTP/1.1 200 OK\r\nX-Drip: '
          : 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{'
      )
      timer = setInterval(() => socket.write(mode === 'headers' ? 'a' : ' '), everyMs)
    })
    socket.on('close', () => {
      clearInterval(timer)
      sockets.delete(socket)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}
