import { Envelope, MessageModel } from "@mailmoat/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  blockNotice,
  ClamdClient,
  makeThreatStage,
  MimeWalk,
  partNotice,
  replaceThreatParts,
  type ThreatFacts
} from "../../src/threat/index.ts"
import { freeTcpPort } from "../support/redis.ts"
import { BODY_SIGNATURE, type ClamdPeer, eicar, HASH_SIGNATURE, startClamd } from "./support/clamd.ts"
import { bytesOf, cleanMessage, eicarAttachmentMessage, parse, topHeaders } from "./support/messages.ts"

let clamd: ClamdPeer
beforeAll(async () => {
  clamd = await startClamd()
})
afterAll(async () => {
  await clamd?.stop()
})

const run = (stage: ReturnType<typeof makeThreatStage>, bytes: Uint8Array, extra: { scanView?: Uint8Array } = {}) => {
  const message = parse(extra.scanView ?? bytes)
  return Effect.runPromise(stage.run({ phase: "data", message, recipients: ["bob@example.test"] }))
}

describe("threat stage against a real clamd", () => {
  it("finds EICAR in an attachment and names the part carrying it", async () => {
    const stage = makeThreatStage({ clamd: { socket: clamd.socket, timeoutSeconds: 10 } })
    const result = await run(stage, eicarAttachmentMessage())
    const facts = result.facts as unknown as ThreatFacts
    expect(facts.threats).toHaveLength(1)
    expect(facts.threats[0]!.partIndex).toBe(2)
    expect([HASH_SIGNATURE, BODY_SIGNATURE]).toContain(facts.threats[0]!.signature)
    expect(result.symbols).toHaveLength(1)
    expect(result.symbols[0]).toMatchObject({ name: "THREAT_FOUND", score: 100, source: "threat" })
    expect(result.symbols[0]!.detail).toContain('in part 2 "report.com" (application/octet-stream)')
  })

  it("over TCP too; a clean message gets no symbols", async () => {
    const stage = makeThreatStage({ clamd: { host: "127.0.0.1", port: clamd.port, timeoutSeconds: 10 } })
    const result = await run(stage, cleanMessage())
    expect(result.symbols).toEqual([])
    expect((result.facts as unknown as ThreatFacts).threats).toEqual([])
  })

  it("EICAR inline in a single-part message is part 0", async () => {
    const stage = makeThreatStage({ clamd: { socket: clamd.socket } })
    const text = [...topHeaders, "Content-Type: text/plain", "", "look:", new TextDecoder().decode(eicar()), ""].join(
      "\r\n"
    )
    const facts = (await run(stage, bytesOf(text))).facts as unknown as ThreatFacts
    expect(facts.threats).toEqual([{ signature: BODY_SIGNATURE, partIndex: 0 }])
  })

  it("clamd down: THREAT_SCAN_UNAVAILABLE with weight 0, no failure", async () => {
    for (const clamdOptions of [{ socket: `${clamd.dir}/missing.sock` }, { port: await freeTcpPort() }]) {
      const result = await run(makeThreatStage({ clamd: clamdOptions }), eicarAttachmentMessage())
      expect(result.symbols).toHaveLength(1)
      expect(result.symbols[0]).toMatchObject({ name: "THREAT_SCAN_UNAVAILABLE", score: 0 })
      expect(result.symbols[0]!.detail).toMatch(/^connect: /)
      expect((result.facts as unknown as ThreatFacts).unavailable?.reason).toBe("connect")
    }
  })

  it("a wedged clamd (SIGSTOP): the timeout is honoured and the result is THREAT_SCAN_UNAVAILABLE", async () => {
    const stage = makeThreatStage({ clamd: { socket: clamd.socket, timeoutSeconds: 0.5 } })
    expect(stage.budgetMillis).toBe(2500)
    process.kill(clamd.pid, "SIGSTOP")
    try {
      const result = await run(stage, eicarAttachmentMessage())
      expect(result.symbols[0]).toMatchObject({ name: "THREAT_SCAN_UNAVAILABLE", score: 0 })
      expect(result.symbols[0]!.detail).toMatch(/^timeout: /)
    } finally {
      process.kill(clamd.pid, "SIGCONT")
    }
  })

  it("a truncated scan view without a source is unavailable; with a source the whole message is scanned", async () => {
    const full = eicarAttachmentMessage()
    const view = full.subarray(0, 300)
    const message = parse(view)
    // fromBytes with a size larger than the view marks it truncated
    const truncated = MessageModel.fromBytes(view, {
      envelope: Envelope.make({ clientAddress: "192.0.2.1" }),
      size: full.length
    })
    expect(truncated.scanTruncated).toBe(true)
    expect(message.scanTruncated).toBe(false)
    const plain = makeThreatStage({ clamd: { socket: clamd.socket } })
    const r1 = await Effect.runPromise(plain.run({ phase: "data", message: truncated, recipients: [] }))
    expect(r1.symbols[0]).toMatchObject({ name: "THREAT_SCAN_UNAVAILABLE" })
    expect(r1.symbols[0]!.detail).toMatch(/^truncated: /)
    const sourced = makeThreatStage({ clamd: { socket: clamd.socket }, source: () => full })
    const r2 = await Effect.runPromise(sourced.run({ phase: "data", message: truncated, recipients: [] }))
    expect(r2.symbols[0]).toMatchObject({ name: "THREAT_FOUND" })
    // The attachment lies past the 300-byte view: found, but not isolated to a part.
    expect((r2.facts as unknown as ThreatFacts).threats).toEqual([{ signature: expect.any(String) }])
  })

  it("a 20 MB message streams through the stage (source as chunks)", async () => {
    const head = bytesOf(
      [...topHeaders, "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", ""].join(
        "\r\n"
      )
    )
    const line = bytesOf(`${"QUFB".repeat(19)}\r\n`)
    const lines = Math.ceil((20 * 1024 * 1024) / line.length)
    const stage = makeThreatStage({
      clamd: { socket: clamd.socket, timeoutSeconds: 20 },
      source: () =>
        (async function* () {
          yield head
          const block = new Uint8Array(line.length * 1000)
          for (let i = 0; i < 1000; i++) block.set(line, i * line.length)
          for (let n = 0; n < lines; n += 1000) yield block
        })()
    })
    const message = MessageModel.fromBytes(head, {
      envelope: Envelope.make({ clientAddress: "192.0.2.1" }),
      size: head.length + lines * line.length
    })
    const result = await Effect.runPromise(stage.run({ phase: "data", message, recipients: [] }))
    expect(result.symbols).toEqual([])
  })

  it("the replace action: the EICAR part becomes a notice that clamd then passes", async () => {
    const bytes = eicarAttachmentMessage()
    const message = parse(bytes)
    const stage = makeThreatStage({ clamd: { socket: clamd.socket } })
    const facts = (await Effect.runPromise(stage.run({ phase: "data", message, recipients: [] })))
      .facts as unknown as ThreatFacts
    const index = facts.threats[0]!.partIndex!
    const parts = MimeWalk.walk(message.mime)
    const out = replaceThreatParts(
      bytes,
      message.mime,
      [index],
      partNotice(facts.threats[0]!.signature, parts[index]!.part.filename)
    )
    expect(out.replaced).toEqual([2])
    const after = parse(out.bytes)
    const leaf = MimeWalk.walk(after.mime)[2]!.part
    expect(leaf.contentType).toBe("text/plain")
    expect(new TextDecoder().decode(leaf.body)).toContain("Original file name: report.com")
    expect(after.headers.get("subject")).toBe("Quarterly report")
    expect(await new ClamdClient({ socket: clamd.socket }).scan(out.bytes)).toEqual({ _tag: "Clean" })
  })

  it("the block action: a notice message that keeps the identifying headers and is clean", async () => {
    const message = parse(eicarAttachmentMessage())
    const notice = blockNotice({ headers: message.headers, threats: [{ signature: HASH_SIGNATURE, partIndex: 2 }] })
    const parsed = parse(notice)
    expect(parsed.headers.get("subject")).toBe("[Blocked: threat found] Quarterly report")
    expect(parsed.headers.get("from")).toBe("Alice <alice@example.test>")
    expect(parsed.headers.get("message-id")).toBe("<r1@example.test>")
    expect(parsed.mime.contentType).toBe("text/plain")
    expect(new TextDecoder().decode(parsed.mime.body)).toContain(`Threat: ${HASH_SIGNATURE} (MIME part 2)`)
    expect(await new ClamdClient({ socket: clamd.socket }).scan(notice)).toEqual({ _tag: "Clean" })
  })
})
