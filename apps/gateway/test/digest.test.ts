// Digest links (HMAC-signed recipient + expiry) and the daily schedule: property tests of the link
// parser, expiry, tampering, and one digest a day at quarantine.digest.at even across restarts.
import * as Log from "../src/Log.ts"
import { fc, test as prop } from "@fast-check/vitest"
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { randomBytes } from "node:crypto"
import { readdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { digestKey, signLink, verifyLink } from "../src/digest/DigestLinks.ts"
import { digestTick } from "../src/digest/DigestSchedule.ts"
import { resolveSettings } from "../src/Settings.ts"
import { tempDir } from "./support/peers.ts"

const key = randomBytes(32)

describe("digest links", () => {
  prop.prop([fc.string({ maxLength: 3000 })])("verifyLink never throws and accepts nothing it did not sign", (s) => {
    expect(verifyLink(key, s, 0)).toBeUndefined()
  })

  prop.prop([fc.emailAddress(), fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 })])(
    "a signed link round-trips until it expires",
    (recipient, expires, now) => {
      const token = signLink(key, { recipient, expires })
      expect(verifyLink(key, token, now)).toEqual(
        now < expires ? { recipient: recipient.toLowerCase(), expires } : undefined
      )
      expect(verifyLink(randomBytes(32), token, 0)).toBeUndefined()
    }
  )

  prop.prop([fc.emailAddress(), fc.nat({ max: 200 }), fc.integer({ min: 0, max: 255 })])(
    "flipping any character of a link breaks it",
    (recipient, at, code) => {
      const token = signLink(key, { recipient, expires: 2 ** 31 })
      const i = at % token.length
      const c = String.fromCharCode(code)
      fc.pre(token[i] !== c)
      expect(verifyLink(key, `${token.slice(0, i)}${c}${token.slice(i + 1)}`, 0)).toBeUndefined()
    }
  )
})

describe("digest schedule", () => {
  test("sends at quarantine.digest.at (UTC), once a day, also after a restart", async () => {
    const dir = tempDir()
    const settings = resolveSettings({
      dataDir: dir,
      smtp: { hostname: "gw.test" },
      quarantine: { digest: { enabled: true, at: "08:00", from: "q@gw.test", baseUrl: "https://gw.test" } }
    })
    let now = Date.parse("2026-03-02T07:00:00Z")
    const store = FileQuarantineStore.make({ root: settings.quarantine.path, now: () => now })
    await store.put({
      envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: ["u@example.test"] }),
      reason: "spam",
      message: new TextEncoder().encode("Subject: s\r\n\r\nx\r\n")
    })
    const inbox = () => {
      try {
        return readdirSync(join(dir, "maildir", "u@example.test", "new")).length
      } catch {
        return 0
      }
    }
    const logged: Array<string> = []
    const first = digestTick(
      () => settings,
      store,
      Log.make(
        { level: "info", format: "json" },
        (l) => logged.push(l),
        () => now
      ),
      () => now
    )
    await first()
    expect(inbox()).toBe(0) // 07:00, before the time
    now = Date.parse("2026-03-02T08:01:00Z")
    await first()
    expect(inbox()).toBe(1)
    expect(logged.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-03-02T08:01:00.000Z", level: "info", event: "digest_sent", to: "u@example.test", messages: 1 }
    ])
    // A restart the same day with new mail waiting: no second digest that day.
    await store.put({
      envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@spam.test", rcptTo: ["u@example.test"] }),
      reason: "spam",
      message: new TextEncoder().encode("Subject: t\r\n\r\ny\r\n")
    })
    now = Date.parse("2026-03-02T09:00:00Z")
    const second = digestTick(
      () => settings,
      store,
      Log.silent,
      () => now
    )
    await second()
    expect(inbox()).toBe(1)
    now = Date.parse("2026-03-03T08:00:00Z")
    await second()
    expect(inbox()).toBe(2)
    await store.close()
  })
})

describe("digest key", () => {
  test("made once (32 bytes, 0600, nothing else left in the folder) and the same on every later read", () => {
    const dir = tempDir()
    const key = digestKey(dir)
    expect(key.length).toBe(32)
    expect(statSync(join(dir, "digest.key")).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(["digest.key"])
    expect(digestKey(dir).equals(key)).toBe(true)
  })

  test("a key file shorter than 32 bytes (an empty one included) is refused, never used to sign", () => {
    for (const content of ["", "short"]) {
      const dir = tempDir()
      writeFileSync(join(dir, "digest.key"), content)
      expect(() => digestKey(dir)).toThrow(/digest\.key holds fewer than 32 bytes: remove it to make a new key/)
    }
  })
})
