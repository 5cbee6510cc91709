// Starts proxies for the integration tests and collects their log lines.
import { MailProxy } from "../../../src/index.ts"
import type { MailProxyOptions } from "../../../src/proxy/index.ts"

export const startProxy = async (
  options: Omit<MailProxyOptions, "listen" | "log"> & { listen?: MailProxyOptions["listen"] }
) => {
  const logs: Array<string> = []
  const handle = await MailProxy.listen({
    listen: { host: "127.0.0.1", port: 0 },
    ...options,
    log: (l) => logs.push(l)
  })
  return { ...handle, port: handle.address.port, logs }
}
