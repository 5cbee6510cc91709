import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fromBytes, HeaderEdit } from "../../src/message/index.ts"
import { bytes, envelope, latin1 } from "./support.ts"

const str = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join("")

/** Edits the header block of `message` and appends the untouched rest, as the gateway does. */
const apply = (message: Uint8Array, edit: HeaderEdit.HeaderBlockEdit): Uint8Array => {
  const end = HeaderEdit.headerBlockEnd(message) ?? message.length
  const head = HeaderEdit.editHeaderBlock(message.subarray(0, end), edit)
  const out = new Uint8Array(head.length + message.length - end)
  out.set(head)
  out.set(message.subarray(end), head.length)
  return out
}

describe("HeaderEdit", () => {
  it("finds the end of the header block for CRLF, bare LF and empty blocks", () => {
    expect(HeaderEdit.headerBlockEnd(bytes("A: 1\r\nB: 2\r\n\r\nbody"))).toBe(14)
    expect(HeaderEdit.headerBlockEnd(bytes("A: 1\nB: 2\n\nbody"))).toBe(11)
    expect(HeaderEdit.headerBlockEnd(bytes("\r\nbody"))).toBe(2)
    expect(HeaderEdit.headerBlockEnd(bytes("A: 1\r\n \r\nB: 2\r\n"))).toBeUndefined()
  })

  it("prepends folded, neutralised fields, prefixes the Subject and removes forged fields", () => {
    const message = bytes(
      "Subject: hello\r\nX-Mailmoat-Score: -100\r\nFrom: a@example.com\r\nx-mailmoat-verdict: ham\r\n\tfolded\r\n\r\nbody\r\n.\r\n"
    )
    const out = str(
      apply(message, {
        prepend: [
          ["X-Mailmoat-Verdict", "spam\r\nBcc: victim@example.com"],
          ["X-Mailmoat-Symbols", Array.from({ length: 20 }, (_, i) => `SYMBOL_NUMBER_${i}(1.5)`).join(" ")]
        ],
        subjectPrefix: "[SPAM]",
        remove: ["X-Mailmoat-Score", "X-MAILMOAT-VERDICT"]
      })
    )
    const [head, body] = out.split("\r\n\r\n")
    expect(body).toBe("body\r\n.\r\n")
    const lines = head!.split("\r\n")
    expect(lines[0]).toBe("X-Mailmoat-Verdict: spam  Bcc: victim@example.com")
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78)
    const m = fromBytes(latin1(out), { envelope })
    expect(m.headers.getAll("x-mailmoat-verdict")).toEqual(["spam  Bcc: victim@example.com"])
    expect(m.headers.get("bcc")).toBeUndefined()
    expect(m.headers.get("x-mailmoat-score")).toBeUndefined()
    expect(m.headers.get("subject")).toBe("[SPAM] hello")
    expect(m.headers.get("x-mailmoat-symbols")).toBe(
      Array.from({ length: 20 }, (_, i) => `SYMBOL_NUMBER_${i}(1.5)`).join(" ")
    )
  })

  it("removeIf drops the fields it selects by name and unfolded value, keeping the rest byte for byte", () => {
    const message = bytes(
      "Authentication-Results: gw.test;\r\n\tdmarc=pass\r\nAuthentication-Results: other.test; spf=pass\r\nSubject: s\r\n\r\nbody"
    )
    const seen: Array<[string, string]> = []
    const out = str(
      apply(message, {
        removeIf: (name, value) => {
          seen.push([name, value])
          return name === "authentication-results" && value.startsWith("gw.test;")
        }
      })
    )
    expect(out).toBe("Authentication-Results: other.test; spf=pass\r\nSubject: s\r\n\r\nbody")
    expect(seen[0]).toEqual(["authentication-results", "gw.test;\tdmarc=pass"])
  })

  it("adds a Subject when missing, never double-prefixes, encodes non-ASCII prefixes, keeps LF style", () => {
    const added = str(apply(bytes("From: a@example.com\n\nbody"), { subjectPrefix: "[SPAM]" }))
    expect(added).toBe("From: a@example.com\nSubject: [SPAM]\n\nbody")
    const once = bytes("Subject: [SPAM] hello\r\n\r\nx")
    expect(apply(once, { subjectPrefix: "[SPAM]" })).toEqual(once)
    const encodedOnce = bytes("Subject: =?utf-8?q?=5BSPAM=5D_hi?=\r\n\r\nx")
    expect(apply(encodedOnce, { subjectPrefix: "[SPAM]" })).toEqual(encodedOnce)
    const umlaut = fromBytes(
      apply(bytes("Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n\r\nx"), { subjectPrefix: "[Verdächtig]" }),
      { envelope }
    )
    expect(umlaut.headers.decoded("subject")).toBe("[Verdächtig] grüße")
    const plain = fromBytes(apply(bytes("Subject: plain\r\n\r\nx"), { subjectPrefix: "[Verdächtig]" }), { envelope })
    expect(plain.headers.decoded("subject")).toBe("[Verdächtig] plain")
    expect(plain.headers.get("subject")).toMatch(/^=\?UTF-8\?B\?/)
  })

  it("keeps untouched bytes, 8-bit text and folding exactly", () => {
    const message = latin1("Received: from a\r\n\tby b; date\r\nSubject: caf\u00e9\r\nX-Old: 1\r\n\r\n\u00ff\u0000body")
    const out = apply(message, { prepend: [["X-New", "v"]] })
    expect(str(out)).toBe(`X-New: v\r\n${str(message)}`)
  })

  it("drops a leading continuation line so it cannot extend a prepended field", () => {
    const out = fromBytes(
      apply(bytes(" X-Spam: no\r\nSubject: s\r\n\r\nb"), { prepend: [["X-Mailmoat-Verdict", "spam"]] }),
      { envelope }
    )
    expect(out.headers.get("x-mailmoat-verdict")).toBe("spam")
  })

  it("rejects invalid field names to prepend", () => {
    expect(() => HeaderEdit.editHeaderBlock(bytes("A: 1\r\n\r\n"), { prepend: [["Bad Name", "x"]] })).toThrow(
      RangeError
    )
    expect(() => HeaderEdit.editHeaderBlock(bytes("A: 1\r\n\r\n"), { prepend: [["X:Y", "x"]] })).toThrow(RangeError)
  })

  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
  const edit = fc.record({
    prepend: fc.array(fc.tuple(name, fc.string({ maxLength: 200 })), { maxLength: 4 }),
    subjectPrefix: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    remove: fc.array(fc.constantFrom("subject", "X-Mailmoat-Verdict", "received", "from"), { maxLength: 3 })
  })
  const headerLine = fc.oneof(
    fc
      .tuple(fc.constantFrom("Subject", "From", "Received", "X-Mailmoat-Verdict", "To"), fc.string({ maxLength: 60 }))
      .map(([n, v]) => `${n}: ${v.replace(/[\r\n]/g, "")}`),
    fc.string({ maxLength: 40 }).map((v) => ` ${v.replace(/[\r\n]/g, "")}`),
    fc.string({ maxLength: 40 }).map((v) => v.replace(/[\r\n]/g, ""))
  )
  const message = fc
    .tuple(fc.array(headerLine, { maxLength: 10 }), fc.uint8Array({ maxLength: 300 }), fc.constantFrom("\r\n", "\n"))
    .map(([lines, body, eol]) => {
      const head = lines
        .filter((l) => l !== "" && l.trim() !== "")
        .map((l) => `${l}${eol}`)
        .join("")
      const h = new TextEncoder().encode(`${head}${eol}`)
      const out = new Uint8Array(h.length + body.length)
      out.set(h)
      out.set(body, h.length)
      return { bytes: out, bodyStart: h.length, eol }
    })

  test.prop([
    message,
    edit,
    fc.uniqueArray(fc.constantFrom("subject", "to", "from", "received", "x-mailmoat-verdict"))
  ])(
    "removeIfNames gives the bytes of a removeIf that checks the name itself, asking only about those names",
    (m, e, names) => {
      const only = new Set<string>(names)
      // Removes every other field of an asked name, by its unfolded value's length.
      const drop = (name: string, value: string) => only.has(name) && value.length % 2 === 0
      const asked: Array<string> = []
      const filtered = apply(m.bytes, {
        ...e,
        removeIf: (name, value) => {
          asked.push(name)
          return drop(name, value)
        },
        removeIfNames: only
      })
      expect(filtered).toEqual(apply(m.bytes, { ...e, removeIf: drop }))
      for (const name of asked) expect(only.has(name)).toBe(true)
    }
  )

  test.prop([message, edit])(
    "preserves the body bytes exactly and yields a parseable block with the prepended fields",
    (m, e) => {
      const original = m.bytes
      const out = apply(original, e)
      const end = HeaderEdit.headerBlockEnd(out)
      expect(end).toBeDefined()
      expect(out.subarray(end)).toEqual(original.subarray(m.bodyStart))
      const parsed = fromBytes(out, { envelope })
      const lower = new Set(e.remove.map((n) => n.toLowerCase()))
      e.prepend.forEach(([n, v], i) => {
        expect(parsed.headers.list[i]!.name).toBe(n)
        expect(parsed.headers.decoded(n) === undefined).toBe(false)
        expect(parsed.headers.list[i]!.value.length).toBeGreaterThanOrEqual(0)
        if (/^[\x20-\x7e]*$/.test(v)) expect(parsed.headers.list[i]!.value).toBe(v.trim())
      })
      for (const h of parsed.headers.list.slice(e.prepend.length))
        if (h.name.toLowerCase() !== "subject") expect(lower.has(h.name.toLowerCase())).toBe(false)
      const prefix = (e.subjectPrefix ?? "").replace(/[\r\n\0]/g, " ").trim()
      if (prefix !== "") expect(parsed.headers.decoded("subject")!.trimStart().startsWith(prefix)).toBe(true)
      // Line ends keep the input's style.
      if (m.eol === "\n")
        expect(Array.from(out.subarray(0, end)).includes(13)).toBe(original.subarray(0, m.bodyStart).includes(13))
    }
  )
})
