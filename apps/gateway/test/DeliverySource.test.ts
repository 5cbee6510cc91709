// The hand-off's header block: streaming the client's block unchanged when nothing in it is
// removed or rewritten must give exactly the bytes the full header editor gives.
import { fc, test } from "@fast-check/vitest"
import { AuthResults } from "@mailmoat/antispam"
import { MessageModel } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import { deliverySource, editedBlock, HeldParts, OWN_HEADERS, stageEdits } from "../src/DeliverySource.ts"
import { prefixBytes } from "../src/TraceHeaders.ts"
import { hasFieldNamed, isPlainCrlfBlock } from "../src/HeaderFieldScan.ts"

const enc = (s: string) => Buffer.from(s, "latin1")
const text = (parts: ReadonlyArray<Uint8Array>) => Buffer.concat(parts).toString("latin1")
const AUTHSERV = "gw.test"

const full = (block: Uint8Array, subjectPrefix: string | undefined, changes: ReturnType<typeof stageEdits>) =>
  Buffer.from(
    MessageModel.HeaderEdit.editHeaderBlock(block, {
      prepend: changes.add,
      subjectPrefix,
      remove: [...OWN_HEADERS, ...changes.remove],
      removeIf: (name, value) => name === "authentication-results" && AuthResults.claims(value, AUTHSERV)
    })
  ).toString("latin1")

describe("hasFieldNamed", () => {
  it("finds a field by its name, whatever the case and the spaces before the colon", () => {
    const names = ["x-mailmoat-verdict"]
    expect(hasFieldNamed(enc("From: a\r\nX-MAILMOAT-Verdict \t: spam\r\n\r\n"), names)).toBe(true)
    expect(hasFieldNamed(enc("From: a\r\n X-Mailmoat-Verdict: folded, not a field\r\n\r\n"), names)).toBe(false)
    expect(hasFieldNamed(enc("From: X-Mailmoat-Verdict: value\r\n\r\n"), names)).toBe(false)
    expect(hasFieldNamed(enc("X-Mailmoat-Verdict"), names)).toBe(false)
  })

  it("a plain block has CRLF line ends and no leading continuation line", () => {
    expect(isPlainCrlfBlock(enc("A: b\r\n\r\n"))).toBe(true)
    expect(isPlainCrlfBlock(enc("A: b\n\n"))).toBe(false)
    expect(isPlainCrlfBlock(enc(" cont\r\nA: b\r\n\r\n"))).toBe(false)
  })
})

const fieldName = fc.constantFrom(
  "Subject",
  "From",
  "X-Mailmoat-Verdict",
  "x-mailmoat-score",
  "Authentication-Results",
  "Received",
  "X-Stage",
  "x-stage",
  "Bad Name",
  ""
)
const line = fc.oneof(
  fc
    .tuple(
      fieldName,
      fc.constantFrom(":", " :", "\t: ", ": "),
      fc.constantFrom("v", "gw.test; spf=pass", "other; x", "")
    )
    .map(([n, c, v]) => `${n}${c}${v}`),
  fc.constantFrom(" continued", "\tcontinued", "no colon")
)
const block = fc
  .tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom("\r\n", "\n"), fc.boolean())
  .map(([lines, eol, mixed]) => enc(`${lines.map((l, i) => `${l}${mixed && i === 1 ? "\n" : eol}`).join("")}${eol}`))
const changes = fc.array(
  fc.record({
    op: fc.constantFrom("add" as const, "set" as const, "remove" as const),
    name: fc.constantFrom("X-Stage", "Subject", "Received", "X-Mailmoat-Score", "Authentication-Results"),
    value: fc.constantFrom("a", "b c", "gw.test; dkim=none")
  }),
  { maxLength: 3 }
)

describe("editedBlock", () => {
  test.prop([block, fc.constantFrom(undefined, "", " ", "[SPAM]", "\0"), changes], { numRuns: 3000 })(
    "the same bytes as the full header editor",
    (headerBlock, subjectPrefix, stageChanges) => {
      const stage = stageEdits(stageChanges)
      expect(
        text(editedBlock(headerBlock, { addHeaders: [], subjectPrefix, changes: stageChanges }, stage, AUTHSERV))
      ).toBe(full(headerBlock, subjectPrefix, stage))
    }
  )

  it("passes an untouched block through without copying it", () => {
    const headerBlock = enc("From: a@b.test\r\nSubject: hi\r\n\r\n")
    const stage = stageEdits([{ op: "add", name: "X-Stage", value: "1" }])
    const parts = editedBlock(headerBlock, { addHeaders: [] }, stage, AUTHSERV)
    expect(parts.at(-1)).toBe(headerBlock)
    expect(text(parts)).toBe("X-Stage: 1\r\nFrom: a@b.test\r\nSubject: hi\r\n\r\n")
  })
})

/** The source as it was before: one async generator for every message (the oracle). */
const sourceBefore = (
  spool: { head: Uint8Array; complete: boolean; stream(): AsyncIterable<Uint8Array> },
  prefix: Uint8Array,
  block: ReadonlyArray<Uint8Array> | undefined,
  end: number | undefined
) =>
  async function* () {
    yield prefix
    if (block === undefined || end === undefined) {
      yield* spool.stream()
      return
    }
    yield* block
    if (spool.complete) yield spool.head.subarray(end)
    else {
      let left = end
      for await (const chunk of spool.stream()) {
        if (left >= chunk.length) {
          left -= chunk.length
          continue
        }
        yield left > 0 ? chunk.subarray(left) : chunk
        left = 0
      }
    }
  }

const readAsync = async (source: AsyncIterable<Uint8Array>): Promise<string> => {
  const parts: Array<Uint8Array> = []
  for await (const part of source) parts.push(part)
  return text(parts)
}

describe("deliverySource", () => {
  const bodyArb = fc
    .array(fc.constantFrom("line\r\n", "x", "\r\n", ".\r\n", "é"), { maxLength: 6 })
    .map((b) => b.join(""))
  const headArb = fc.oneof(
    fc.constantFrom("From: a@b.test\r\nSubject: hi\r\n\r\n", "Subject: s\r\nX-Mailmoat-Score: 9\r\n\r\n"),
    fc.constant("no header block end")
  )
  test.prop([headArb, bodyArb, fc.boolean(), fc.nat(3), changes, fc.constantFrom(undefined, "[SPAM]")], {
    numRuns: 500
  })(
    "every read gives the bytes the old generator gave; a message held whole is also a plain iterable",
    async (head, body, complete, cut, stageChanges, subjectPrefix) => {
      const whole = enc(head + body)
      // An incomplete spool's head is a prefix of the message (the scan view); its stream is whole.
      const headBytes = complete ? whole : whole.subarray(0, Math.max(0, whole.length - cut - 1))
      const spool = {
        size: whole.length,
        head: headBytes,
        complete,
        stream: async function* () {
          for (let i = 0; i < whole.length; i += 5) yield whole.subarray(i, i + 5)
        },
        dispose: async () => undefined
      }
      const edit = { addHeaders: [["X-Mailmoat-Verdict", "ham"] as const], subjectPrefix, changes: stageChanges }
      const made = deliverySource(spool, "Received: from x\r\n", edit, AUTHSERV)
      const stage = stageEdits(edit.changes)
      const end = MessageModel.HeaderEdit.headerBlockEnd(spool.head)
      const block = end === undefined ? undefined : editedBlock(spool.head.subarray(0, end), edit, stage, AUTHSERV)
      const prefix = prefixBytes(
        "Received: from x\r\n",
        block === undefined ? [...edit.addHeaders, ...stage.add] : edit.addHeaders
      )
      const expected = await readAsync(sourceBefore(spool, prefix, block, end)())
      const first = made()
      expect(await readAsync(first)).toBe(expected)
      // A second delivery attempt reads it all again.
      expect(await readAsync(made())).toBe(expected)
      const held = complete && end !== undefined
      expect(first instanceof HeldParts).toBe(held)
      if (held) expect(text([...(first as HeldParts)])).toBe(expected)
    }
  )
})
