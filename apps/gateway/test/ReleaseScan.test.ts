// The release judgement's table without clamd: a fake scan answers each outcome, a fake store
// records what `markVirusFound` was told. Every refusal is a `ReleaseRefused` with its status and
// kind, and logged; what is released carries the warning header when it was not scanned.
import type { QuarantineMeta, QuarantineStoreShape, QuarantineStoredMessage } from "@mailmoat/core"
import { describe, expect, test } from "vitest"
import { digestMessage } from "../src/digest/DigestMessage.ts"
import * as Log from "../src/Log.ts"
import {
  judgeRelease,
  type ReleaseRequest,
  ReleaseRefused,
  type ReleaseScanner,
  virusOf,
  withHeaders
} from "../src/ReleaseScan.ts"
import type { VirusScanOutcome, VirusSettings } from "../src/VirusVerdict.ts"

const meta = (extra: Partial<QuarantineMeta> = {}): QuarantineMeta => ({
  id: "20261206T150000000-abcdef012345",
  storedAt: "2026-12-06T15:00:00.000Z",
  envelope: {
    clientAddress: "192.0.2.7",
    helo: "mail.example.net",
    mailFrom: "a@example.net",
    rcptTo: ["u@example.org"],
    tls: false,
    sessionFlags: [],
    receivedAt: 0
  },
  recipients: ["u@example.org"],
  reason: "spam (score 9.0)",
  verdict: { class: "spam", score: 9, symbols: [{ name: "GTUBE", score: 9, source: "gtube" }] },
  size: 6,
  ...extra
})

const held = meta({
  reason: "virus found: Test.Sig",
  verdict: { class: "ham", score: 0, symbols: [{ name: "VIRUS_FOUND", score: 0, source: "virus", detail: "Test.Sig" }] }
})

const stored = (m: QuarantineMeta): QuarantineStoredMessage => ({
  meta: m,
  stream: async function* () {
    yield new TextEncoder().encode("body\r\n")
  }
})

const settings = (extra: Partial<VirusSettings> = {}): VirusSettings =>
  ({
    clamd: { socket: "/nonexistent", timeoutSeconds: 5 },
    onVirus: "reject",
    onUnavailable: "tempfail",
    onOversize: "deliver",
    maxSizeMB: 0,
    bypass: [],
    ...extra
  }) as VirusSettings

const run = async (
  m: QuarantineMeta,
  outcome: VirusScanOutcome | undefined,
  request: Partial<ReleaseRequest> = {},
  virus: Partial<VirusSettings> = {}
) => {
  const lines: Array<string> = []
  const marked: Array<string> = []
  const scanned: Array<string> = []
  const scanner: ReleaseScanner | undefined =
    outcome === undefined
      ? undefined
      : { scan: { scanner: "fake", scanMessage: async () => outcome }, settings: settings(virus) }
  const store = {
    markVirusFound: async (_id: string, signature: string) => {
      marked.push(signature)
      return m
    }
  } as unknown as QuarantineStoreShape
  const logger = Log.make(
    { level: "debug", format: "text" },
    (l) => lines.push(l),
    () => 0
  )
  const verdict = await judgeRelease({ scanner, store, logger, onScan: (r) => scanned.push(r) }, stored(m), {
    by: "tester",
    recipient: false,
    ...request
  }).catch((e: unknown) => e)
  return { verdict, lines, marked, scanned }
}

const refusal = (v: unknown) => {
  expect(v).toBeInstanceOf(ReleaseRefused)
  const e = v as ReleaseRefused
  return { status: e.status, kind: e.kind, signature: e.signature }
}

describe("judgeRelease", () => {
  test("without antispam.virus a spam entry is released unscanned; a virus entry still needs the override", async () => {
    expect((await run(meta(), undefined)).verdict).toEqual({ scan: "off", addHeaders: [], virus: undefined })
    expect(refusal((await run(held, undefined)).verdict)).toEqual({ status: 409, kind: "virus", signature: "Test.Sig" })
    expect(refusal((await run(held, undefined, { recipient: true })).verdict)).toMatchObject({ status: 403 })
    // A recipient's allowVirus means nothing.
    expect(refusal((await run(held, undefined, { recipient: true, allowVirus: true })).verdict)).toMatchObject({
      status: 403
    })
    expect((await run(held, undefined, { allowVirus: true })).verdict).toMatchObject({ virus: "Test.Sig" })
  })

  test("a virus entry is refused before any scan; with the override it is scanned, then released", async () => {
    const refused = await run(held, { _tag: "Clean" })
    expect(refused.scanned).toEqual([])
    expect(refused.lines.join("\n")).toMatch(/warn quarantine_release_refused .*by="tester".*signature="Test\.Sig"/)
    const forced = await run(held, { _tag: "Found", signature: "Other.Sig" }, { allowVirus: true })
    expect(forced.verdict).toEqual({ scan: "found Other.Sig", addHeaders: [], virus: "Other.Sig" })
    expect(forced.marked).toEqual(["Other.Sig"])
  })

  test("a rescan that finds a virus records it and refuses (403 recipient, 409 admin) unless overridden", async () => {
    const found: VirusScanOutcome = { _tag: "Found", signature: "New.Sig" }
    const admin = await run(meta(), found)
    expect(refusal(admin.verdict)).toEqual({ status: 409, kind: "virus", signature: "New.Sig" })
    expect(admin.marked).toEqual(["New.Sig"])
    expect(admin.scanned).toEqual(["found"])
    expect(refusal((await run(meta(), found, { recipient: true })).verdict)).toMatchObject({ status: 403 })
    // Already recorded: not written again.
    const again = await run(meta({ virusFound: { signature: "New.Sig", at: "x" } }), found, { allowVirus: true })
    expect(again.marked).toEqual([])
    expect(again.verdict).toMatchObject({ virus: "New.Sig" })
  })

  test("clamd unavailable: tempfail refuses with 503 whoever asks; deliver adds the warning header", async () => {
    const down: VirusScanOutcome = { _tag: "Unavailable", reason: "timeout", detail: "no answer" }
    for (const request of [{}, { recipient: true }, { allowVirus: true }])
      expect(refusal((await run(meta(), down, request)).verdict)).toEqual({
        status: 503,
        kind: "unavailable",
        signature: undefined
      })
    expect((await run(meta(), down, {}, { onUnavailable: "deliver" })).verdict).toEqual({
      scan: "not scanned (timeout)",
      addHeaders: [["X-Mailmoat-Warning", "not scanned for threats (scanner unavailable: timeout)"]],
      virus: undefined
    })
  })

  test("too large to scan: onOversize reject refuses unless an admin overrides; deliver adds the warning", async () => {
    const big: VirusScanOutcome = { _tag: "Oversize", detail: "9 bytes, over maxSizeMB 1" }
    expect(refusal((await run(meta(), big, {}, { onOversize: "reject" })).verdict)).toMatchObject({
      status: 409,
      kind: "oversize"
    })
    for (const [request, virus] of [
      [{ allowVirus: true }, { onOversize: "reject" }],
      [{ recipient: true }, { onOversize: "deliver" }]
    ] as const)
      expect((await run(meta(), big, request, virus)).verdict).toMatchObject({
        addHeaders: [["X-Mailmoat-Warning", "not scanned for threats (9 bytes, over maxSizeMB 1)"]]
      })
  })
})

describe("what a release delivers and shows", () => {
  test("withHeaders puts the header on top and grows the size by its bytes", async () => {
    const s = withHeaders(stored(meta()), [["X-Mailmoat-Warning", "not scanned\r\nInjected: yes"]])
    let text = ""
    for await (const chunk of s.stream()) text += new TextDecoder().decode(chunk)
    expect(text).toBe("X-Mailmoat-Warning: not scanned Injected: yes\r\nbody\r\n")
    expect(s.meta.size).toBe(new TextEncoder().encode(text).length)
  })

  test("virusOf reads the SMTP path's symbol or a rescan's record; the digest tells the recipient who can release it", () => {
    expect(virusOf(meta())).toBeUndefined()
    expect(virusOf(held)).toBe("Test.Sig")
    expect(virusOf(meta({ virusFound: { signature: "Later.Sig", at: "x" } }))).toBe("Later.Sig")
    const digest = (m: QuarantineMeta) =>
      new TextDecoder().decode(
        digestMessage({
          from: "q@example.org",
          recipient: "u@example.org",
          hostname: "gw.test",
          entries: [m],
          link: "https://gw.test/q/x",
          linkExpires: new Date(0),
          now: 0
        })
      )
    expect(digest(held)).toContain("Held for a virus: only your mail administrator can release it.")
    expect(digest(meta())).not.toContain("Held for a virus")
  })
})
