// The proxies judge downloads with the configuration in force: a scan holds the wiring it uses,
// so a reload never closes a judgement under a message being judged, and the scan's answer is
// that configuration's; a reload that puts another judgement in force is announced.
import { GatewayConfig, makeClientAntispam } from "@mailmoat/antispam"
import { Dns, type Stage, type StageResult } from "@mailmoat/core"
import { Deferred, Effect } from "effect"
import { describe, expect, test } from "vitest"
import { makeClientScanner } from "../src/ClientProtection.ts"
import * as Log from "../src/Log.ts"
import { type ClientJudgement, judgementSource } from "../src/ProxyJudgement.ts"
import { makeSwappableHandler } from "../src/reload/SwappableHandler.ts"
import type { Wiring } from "../src/reload/Wiring.ts"

const MESSAGE = Buffer.from("From: a@example.org\r\nSubject: hello\r\n\r\nHello.\r\n", "latin1")

const scoring = (score: number, wait: Effect.Effect<void> = Effect.void): Stage => ({
  name: "fixed",
  phase: "data",
  budgetMillis: 60_000,
  symbols: { FIXED: { weight: 1, description: "a fixed score" } },
  run: () => wait.pipe(Effect.as<StageResult>({ symbols: [{ name: "FIXED", score, source: "fixed" }] }))
})

/** A judgement with no lists and one stage; `closed` tells whether its wiring was closed. */
const fakeWiring = (stage: Stage | undefined) => {
  const state = { closed: false }
  const clientJudgement: ClientJudgement | undefined =
    stage === undefined
      ? undefined
      : {
          module: makeClientAntispam(
            { rbl: { servers: [] }, dnsbl: { servers: [] }, endUserBlocklist: { enabled: false } },
            { dns: Dns.makeStatic({}), stages: [stage], healthIntervalMillis: 0 }
          ),
          classifier: true,
          close: async () => {}
        }
  const wiring = {
    settings: {},
    handler: { onData: async () => ({ code: 250, text: "ok" }) },
    clientJudgement,
    close: async () => {
      state.closed = true
    }
  } as unknown as Wiring
  return { wiring, state }
}

const config = (() => {
  const decoded = GatewayConfig.decode({})
  if (!decoded.ok) throw new Error(decoded.problems.join("; "))
  return decoded.config
})()

const scannerOver = (first: Wiring) => {
  const handler = makeSwappableHandler(first, Log.silent)
  const client = makeClientScanner(config, { logger: Log.silent, judgement: judgementSource(handler) })
  const scan = () => client.scanner({ bytes: MESSAGE, size: MESSAGE.length, key: "k" })
  return { handler, client, scan }
}

const tagged = (outcome: Awaited<ReturnType<ReturnType<typeof scannerOver>["scan"]>>) =>
  outcome.kind === "rewrite" && Buffer.from(outcome.bytes).toString("latin1").startsWith("X-Mailmoat-Verdict: spam")

describe("the proxies' spam judgement follows the configuration in force", () => {
  test("a scan in flight during a reload finishes on the judgement it began with; that wiring closes afterwards", async () => {
    const gate = Effect.runSync(Deferred.make<void>())
    const old = fakeWiring(scoring(20, Deferred.await(gate)))
    const next = fakeWiring(scoring(0))
    const { handler, scan } = scannerOver(old.wiring)

    const running = scan()
    await new Promise((r) => setTimeout(r, 10))
    handler.swap(next.wiring)
    expect(old.state.closed).toBe(false)
    // A new scan takes the configuration in force: nothing scores there.
    expect(await scan()).toEqual({ kind: "pass" })

    Effect.runSync(Deferred.succeed(gate, undefined))
    expect(tagged(await running)).toBe(true)
    await new Promise((r) => setTimeout(r, 0))
    expect(old.state.closed).toBe(true)
    expect(next.state.closed).toBe(false)
  })

  test("a configuration without a judgement (spam not judged) passes downloads; the status follows the swaps", async () => {
    const { handler, client, scan } = scannerOver(fakeWiring(scoring(20)).wiring)
    expect(tagged(await scan())).toBe(true)
    expect(client.status().classifier).toBe("on")
    const off = fakeWiring(undefined)
    handler.swap(off.wiring)
    expect(await scan()).toEqual({ kind: "pass" })
    expect(client.status().classifier).toBe("off")
  })

  test("onChange is called when a reload puts another judgement in force, not when both have none", () => {
    const handler = makeSwappableHandler(fakeWiring(undefined).wiring, Log.silent)
    const source = judgementSource(handler)
    let changes = 0
    const unwatch = source.onChange(() => changes++)
    handler.swap(fakeWiring(undefined).wiring)
    expect(changes).toBe(0)
    handler.swap(fakeWiring(scoring(1)).wiring)
    expect(changes).toBe(1)
    handler.swap(fakeWiring(scoring(1)).wiring)
    expect(changes).toBe(2)
    unwatch()
    handler.swap(fakeWiring(undefined).wiring)
    expect(changes).toBe(2)
  })
})
