// Releases of one quarantined message racing each other and the rescan (the service under the
// API, the pages and digest links, over the file store): of two releases at once one delivers
// and the other is a 409 whatever the rescan takes; a recipient's refused release holds nothing
// an admin's release needs at that moment; a release refused while clamd is down keeps
// the entry for the next one; a virus the first release's rescan found refuses a recipient's
// release at once, without a scan, and the admin's override still delivers it once.
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { describe, expect, test } from "vitest"
import { makeQuarantineService, statusOf } from "../src/admin/QuarantineService.ts"
import * as Log from "../src/Log.ts"
import type { ReleaseScanner } from "../src/ReleaseScan.ts"
import type { VirusScanOutcome, VirusSettings } from "../src/VirusVerdict.ts"
import { tempDir } from "./support/peers.ts"

const USER = "user@example.test"

const settings = {
  clamd: { socket: "/nonexistent", timeoutSeconds: 5 },
  onVirus: "reject",
  onUnavailable: "tempfail",
  onOversize: "deliver",
  maxSizeMB: 0,
  bypass: []
} as unknown as VirusSettings

/** A rescan answering `outcomes` in turn, each after `waitMillis`, reading the whole message. */
const scanning = (outcomes: Array<VirusScanOutcome>, waitMillis: number) => {
  const scans: Array<number> = []
  const scanner: ReleaseScanner = {
    settings,
    scan: {
      scanner: "fake",
      scanMessage: async (_size, body) => {
        const input = body()
        let bytes = 0
        if (input instanceof Uint8Array) bytes = input.length
        else for await (const chunk of input) bytes += chunk.length
        scans.push(bytes)
        await new Promise((resolve) => setTimeout(resolve, waitMillis))
        return outcomes.shift() ?? { _tag: "Clean" }
      }
    }
  }
  return { scanner, scans }
}

const setup = async (
  outcomes: Array<VirusScanOutcome>,
  waitMillis = 0,
  recipients: ReadonlyArray<string> = [USER],
  /** Delays each read of an entry (a slow disk, a busy Redis). */
  readMillis = 0
) => {
  const files = FileQuarantineStore.make({ root: tempDir() })
  const store: typeof files = {
    ...files,
    get: async (id) => {
      await new Promise((resolve) => setTimeout(resolve, readMillis))
      return files.get(id)
    }
  }
  const id = await store.put({
    envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: [...recipients] }),
    reason: "spam (score 9.0)",
    message: new TextEncoder().encode("Subject: kept\r\n\r\nbody\r\n")
  })
  const delivered: Array<string> = []
  const { scanner, scans } = scanning(outcomes, waitMillis)
  const service = makeQuarantineService({
    store,
    reinject: async (entry) => {
      delivered.push(entry.meta.id)
      return { destination: "test", accepted: [USER], refused: [] }
    },
    learn: async () => "",
    virus: () => scanner,
    logger: Log.silent
  })
  const outcome = (p: Promise<unknown>) => p.then(() => 200, statusOf)
  return { store, id, service, delivered, scans, outcome }
}

describe("release races", () => {
  test("two releases at once while the rescan takes its time: one delivers, the other is a 409", async () => {
    const { id, service, delivered, scans, outcome } = await setup([], 100)
    const statuses = await Promise.all([outcome(service.release(id)), outcome(service.release(id, USER))])
    expect(statuses.sort()).toEqual([200, 409])
    expect(delivered).toEqual([id])
    expect(scans.length).toBe(1)
    expect(await outcome(service.release(id))).toBe(409)
  })

  test("a recipient's refused release of an entry shared with others does not hold it: an admin's release at that moment delivers", async () => {
    const { id, service, delivered, outcome } = await setup([], 0, [USER, "other@example.test"], 100)
    const recipient = outcome(service.release(id, USER))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await Promise.all([recipient, outcome(service.release(id))])).toEqual([403, 200])
    expect(delivered).toEqual([id])
    // Released now: to a recipient's link it is unknown, like any id that is not theirs.
    expect(await outcome(service.release(id, USER))).toBe(404)
  })

  test("clamd down (tempfail) keeps the entry; the next release, clamd back, delivers it once", async () => {
    const down: VirusScanOutcome = { _tag: "Unavailable", reason: "connect", detail: "refused" }
    const { id, service, delivered, outcome } = await setup([down])
    expect(await outcome(service.release(id, USER))).toBe(503)
    expect(delivered).toEqual([])
    expect(await outcome(service.release(id, USER))).toBe(200)
    expect(delivered).toEqual([id])
  })

  test("a virus the first rescan found: the recipient is refused without a scan; the override delivers once", async () => {
    const found: VirusScanOutcome = { _tag: "Found", signature: "Race.Sig.UNOFFICIAL" }
    const { store, id, service, delivered, scans, outcome } = await setup([found])
    expect(await outcome(service.release(id, USER))).toBe(403)
    expect((await store.get(id)).meta.virusFound?.signature).toBe("Race.Sig.UNOFFICIAL")
    expect(await outcome(service.release(id, USER))).toBe(403)
    expect(scans.length).toBe(1)
    const [a, b] = await Promise.all([
      outcome(service.release(id, undefined, { allowVirus: true })),
      outcome(service.release(id, undefined, { allowVirus: true }))
    ])
    expect([a, b].sort()).toEqual([200, 409])
    expect(delivered).toEqual([id])
  })
})
