import { Effect } from "effect"
import { Dns } from "@mailmoat/core"
import { expect, it } from "vitest"
import { GatewayConfig, makeServerAntispam } from "../src/index.ts"
import { makeMessage } from "./support/messages.ts"
it("throwaway helo stage", async () => {
  expect(GatewayConfig.defaults().antispam.helo).toEqual({ enabled: false })
  expect(GatewayConfig.defaultsYaml()).toContain("helo:")
  const bad = GatewayConfig.decode({ antispam: { helo: { enabled: "x" } } })
  expect(bad.ok ? [] : bad.problems).toEqual(['antispam.helo.enabled: expected true or false, got "x"'])
  const m = makeServerAntispam({ helo: { enabled: true }, scores: { HELO_NOT_FQDN: 2 } }, { dns: Dns.makeStatic({}), healthIntervalMillis: 0 })
  const [o] = await Effect.runPromise(m.evaluate(makeMessage({ envelope: { clientAddress: "192.0.2.7", helo: "localhost" } })))
  expect(o!.verdict.symbols.find((s) => s.name === "HELO_NOT_FQDN")?.score).toBe(2)
  await m.close()
})
