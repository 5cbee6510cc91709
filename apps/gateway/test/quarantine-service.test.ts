// The quarantine service under the API and the pages: the listing's cursor and date parameters
// never fail with anything but a 400 on any input, pages never overlap or skip, and a recipient's
// scope hides everyone else's entries.
import * as Log from "../src/Log.ts"
import { fc, test as prop } from "@fast-check/vitest"
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { describe, expect, test } from "vitest"
import { makeQuarantineService, statusOf } from "../src/admin/QuarantineService.ts"
import { tempDir } from "./support/peers.ts"

const setup = async (n: number) => {
  let t = Date.parse("2026-01-01T00:00:00Z")
  const store = FileQuarantineStore.make({ root: tempDir(), now: () => (t += 1000) })
  for (let i = 0; i < n; i++) {
    const rcpt = i % 2 === 0 ? "even@example.test" : "odd@example.test"
    await store.put({
      envelope: Envelope.make({
        clientAddress: "192.0.2.1",
        mailFrom: `s${i}@spam.test`,
        rcptTo: [rcpt],
        receivedAt: Date.parse("2026-01-01T00:00:00Z") + i * 60_000
      }),
      reason: "spam",
      message: new TextEncoder().encode(`Subject: message ${i}\r\n\r\nbody ${i}\r\n`)
    })
  }
  const service = makeQuarantineService({
    store,
    reinject: async () => ({ destination: "test", accepted: [], refused: [] }),
    learn: async () => "",
    logger: Log.silent
  })
  return { store, service }
}

describe("quarantine listing", () => {
  test("pages of any size cover every entry once, newest first; scope and filters apply", async () => {
    const { service } = await setup(9)
    for (const limit of [1, 2, 4, 9, 20]) {
      const seen: Array<string> = []
      let cursor: string | undefined
      do {
        const page = await service.list({ limit, cursor })
        seen.push(...page.items.map((i) => i.subject))
        cursor = page.next ?? undefined
      } while (cursor !== undefined)
      expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => `message ${8 - i}`))
    }
    expect((await service.list({}, "odd@example.test")).items.map((i) => i.subject)).toEqual([
      "message 7",
      "message 5",
      "message 3",
      "message 1"
    ])
    expect(
      (await service.list({ recipient: "even@example.test" }, "odd@example.test")).items.every(
        (i) => i.recipients[0] === "odd@example.test"
      )
    ).toBe(true)
    expect(
      (await service.list({ since: "2026-01-01T00:03:00Z", until: "2026-01-01T00:05:00Z" })).items.map((i) => i.subject)
    ).toEqual(["message 4", "message 3"])
    const even = (await service.list({ recipient: "even@example.test" })).items[0]!.id
    await expect(service.detail(even, "odd@example.test")).rejects.toSatisfy((e) => statusOf(e) === 404)
    await expect(service.release(even, "odd@example.test")).rejects.toSatisfy((e) => statusOf(e) === 404)
    await expect(service.remove(even, "odd@example.test")).rejects.toSatisfy((e) => statusOf(e) === 404)
  })

  prop.prop(
    [
      fc.option(fc.string({ maxLength: 200 })),
      fc.option(fc.string({ maxLength: 40 })),
      fc.option(fc.string({ maxLength: 40 }))
    ],
    { numRuns: 60 }
  )("any cursor, since and until: a page or a 400, never another failure", async (cursor, since, until) => {
    const { service } = await setup(3)
    try {
      const page = await service.list({
        cursor: cursor ?? undefined,
        since: since ?? undefined,
        until: until ?? undefined
      })
      expect(page.items.length).toBeLessThanOrEqual(3)
    } catch (e) {
      expect(statusOf(e)).toBe(400)
    }
  })
})
