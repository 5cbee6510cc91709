// `antispam.dns.servers` in the configuration (its entries are checked by core's
// `Formats.isDnsServer`) accepts exactly what the Node DNS layer can use.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { GatewayConfig } from "@mailmoat/core"
import { parseServer } from "../src/NodeDns.ts"

const serverAccepted = (s: string) => GatewayConfig.Formats.isDnsServer(s)

describe("dns.servers format", () => {
  const serverLike = fc.oneof(
    fc.constantFrom(
      "127.0.0.1:5353",
      "[::1]:53",
      "192.0.2.53",
      "::1",
      "dns.example",
      "1.2.3.4:0",
      "1.2.3.4:99999",
      "[1.2.3.4]:53",
      "[::1]"
    ),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 70_000 })).map(([ip, p]) => `${ip}:${p}`),
    fc.ipV6().map((ip) => `[${ip}]:53`),
    fc.string({ maxLength: 12 })
  )
  test.prop([serverLike])("dns.servers: the schema accepts exactly what NodeDns.parseServer accepts", (s) => {
    let accepted = true
    try {
      parseServer(s)
    } catch {
      accepted = false
    }
    expect(serverAccepted(s)).toBe(accepted)
  })
})
