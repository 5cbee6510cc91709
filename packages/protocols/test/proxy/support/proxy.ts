// Starts proxies for the integration tests and collects their log lines.
import { MailProxy } from "../../../src/index.ts"
import type { MailProxyOptions } from "../../../src/proxy/index.ts"

export type TestProxyOptions = Omit<MailProxyOptions, "listen" | "log"> & { listen?: MailProxyOptions["listen"] }

export const startProxy = async (options: TestProxyOptions) => {
  const logs: Array<string> = []
  const handle = await MailProxy.listen({
    listen: { host: "127.0.0.1", port: 0 },
    ...options,
    log: (l) => logs.push(l)
  })
  return { ...handle, port: handle.address.port, logs }
}

export type TestProxy = Awaited<ReturnType<typeof startProxy>>

/** Runs `body` against a proxy started with `options`, and closes the proxy however `body` ends. */
export const withProxy = async <A>(options: TestProxyOptions, body: (proxy: TestProxy) => Promise<A>): Promise<A> => {
  const proxy = await startProxy(options)
  try {
    return await body(proxy)
  } finally {
    await proxy.close()
  }
}

/** Options of a plain-mode proxy for `protocol` in front of 127.0.0.1:`port`, scanning with `scanner`. */
export const plainProxy = (
  port: number,
  protocol: TestProxyOptions["protocol"],
  scanner: TestProxyOptions["scanner"],
  more: Partial<TestProxyOptions> = {}
): TestProxyOptions => ({ upstream: { host: "127.0.0.1", port }, protocol, mode: "plain", scanner, ...more })
