// Shared steps of the raw-socket listener tests: run a listener for one test, connect and wait
// for the greeting, send a command and wait for its complete reply.
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { type SmtpHandler, type SmtpServerHandle, type SmtpServerOptions, SmtpServer } from "../../../src/smtp/index.ts"
import { RawClient, REPLY_WAIT_MS } from "./peers.ts"

export const withServer = async (
  options: SmtpServerOptions,
  handler: SmtpHandler,
  f: (server: SmtpServerHandle) => Promise<void>
) => {
  const server = await SmtpServer.listen({ hostname: "mx.test", ...options }, handler)
  try {
    await f(server)
  } finally {
    await server.close({ graceful: false })
  }
}

export const greeted = async (port: number, localAddress?: string) => {
  const c = await RawClient.connect(port, localAddress)
  await c.waitFor(/^220 mx\.test .*\r\n/)
  return c
}

/** Sends a line and waits for the complete reply to it (last line `NNN `). */
export const cmd = async (c: RawClient, line: string): Promise<string> => {
  const from = c.received.length
  c.write(`${line}\r\n`)
  return c.waitFor(/(?:\d{3}-.*\r\n)*\d{3} .*\r\n/, REPLY_WAIT_MS, from)
}

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const heldBytes = (): number => {
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Bytes this process (which runs the listener) still holds in its heap and buffers after full
 * collections. Buffers a collection released are freed a moment later (socket reads and the
 * buffer sweeper finish on their own turn; on a loaded machine a read right after `gc()` still
 * counted 24 MB that were gone 50 ms later), so this collects until two readings agree.
 */
export const retainedBytes = async (): Promise<number> => {
  let last = heldBytes()
  for (let round = 0; round < 40; round++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const now = heldBytes()
    if (Math.abs(now - last) < 256 * 1024) return Math.min(now, last)
    last = now
  }
  return last
}
