// message_id_relay_written: a Message-ID the origin hop wrote for a message that brought none,
// taken over plain SMTP from a host greeting under a name not its own, with no program named;
// on synthetic mail parsed by core, and on arbitrary input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerStructureFeatures } from "../../src/classifier/HeaderStructure.ts"
import { messageIdRelayWritten } from "../../src/classifier/MessageIdRelay.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Wed, 25 Sep 2002 16:52:48 +0100"
const originHop = (o: { helo?: string; rdns?: string; ip?: string; protocol?: string; id?: string } = {}) =>
  `Received: from ${o.helo ?? "email.com"} (${o.rdns ?? "host-66-133-60-171.example.net"} [${o.ip ?? "198.51.100.171"}]) by mx.example.org (8.11.6/8.11.6) with ${o.protocol ?? "SMTP"} id ${o.id ?? "g8PFqmC02323"} for <u@example.org>; ${STAMP}`
const upperHop = `Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org (Postfix) with ESMTP id 4F2A1; ${STAMP}`

// Through the family's one call (HeaderStructure.ts), as the tokenizer reads it.
const relayWritten = (headers: ReadonlyArray<string>) =>
  headerStructureFeatures(parse(withHeaders(headers))).includes("message_id_relay_written")

const message = (
  o: { hops?: ReadonlyArray<string>; id?: string; from?: string; extra?: ReadonlyArray<string> } = {}
): ReadonlyArray<string> => [
  ...(o.hops ?? [upperHop, originHop()]),
  `Message-Id: ${o.id ?? "<200209251552.g8PFqmC02323@mx.example.org>"}`,
  `From: ${o.from ?? '"Mrs. Anne Kojo" <annekojo@email.example>'}`,
  "To: <u@example.org>",
  "Subject: Partnership.",
  "Date: Wed, 25 Sep 2002 16:46:33 -0700",
  ...(o.extra ?? [])
]

describe("message_id_relay_written", () => {
  it("the origin's relay wrote the ID: plain SMTP, a HELO not its own, no program named", () => {
    expect(relayWritten(message())).toBe(true)
    // A bare-word HELO, no reverse DNS name recorded.
    expect(relayWritten(message({ hops: [upperHop, originHop({ helo: "Aster25", rdns: "" })] }))).toBe(true)
    // The origin hop alone, with the relay's older local hops below it.
    expect(
      relayWritten(
        message({
          hops: [
            originHop({ helo: "linux.local" }),
            `Received: from unknown (HELO h) (192.168.0.2) by linux.local with SMTP; ${STAMP}`
          ]
        })
      )
    ).toBe(true)
  })

  it("not when the message names its program, or the client said EHLO", () => {
    expect(relayWritten(message({ extra: ["X-Mailer: Microsoft Outlook Express 6.00.2600.0000"] }))).toBe(false)
    expect(relayWritten(message({ extra: ["User-Agent: Mutt/1.4i"] }))).toBe(false)
    expect(relayWritten(message({ hops: [upperHop, originHop({ protocol: "ESMTP" })] }))).toBe(false)
  })

  it("not when the client greeted as itself or as the sender's domain", () => {
    const own = originHop({ helo: "mail.shop.example.com", rdns: "smtp2.shop.example.com" })
    expect(relayWritten(message({ hops: [upperHop, own] }))).toBe(false)
    const sender = originHop({ helo: "mx.email.example", rdns: "host-66-133-60-171.example.net" })
    expect(relayWritten(message({ hops: [upperHop, sender] }))).toBe(false)
  })

  it("not when the ID is the program's own, another relay's, or another queue's", () => {
    expect(relayWritten(message({ id: "<3D91E2A1.5060709@email.example>" }))).toBe(false)
    expect(relayWritten(message({ id: "<200209251552.g8PFqmC02323@inbox.example.org>" }))).toBe(false)
    expect(relayWritten(message({ id: "<200209251552.g8PFqmC09999@mx.example.org>" }))).toBe(false)
    expect(relayWritten(message({ id: "200209251552.g8PFqmC02323@mx.example.org" }))).toBe(false)
  })

  it("not when the ID was written above the origin, or no hop recorded a public address", () => {
    // The relay above the origin wrote the ID (a list server or the reader's own relay).
    const above = `Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org (8.12.2) with SMTP id g8PQQ1234567; ${STAMP}`
    expect(
      relayWritten(message({ hops: [above, originHop()], id: "<200209251552.g8PQQ1234567@inbox.example.org>" }))
    ).toBe(false)
    // Local submission only (a web form, a cron job): no public hop.
    const local = `Received: (from www@localhost) by web.example.org (8.11.6) id g8PFqmC02323; ${STAMP}`
    expect(relayWritten(message({ hops: [local], id: "<200209251552.g8PFqmC02323@web.example.org>" }))).toBe(false)
    expect(relayWritten(message({ hops: [] }))).toBe(false)
  })

  test.prop([
    fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
    fc.array(
      fc.record({
        index: fc.nat(),
        raw: fc.string({ maxLength: 400 }),
        helo: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        rdns: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        ip: fc.option(fc.oneof(fc.ipV4(), fc.string({ maxLength: 40 })), { nil: undefined }),
        by: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        date: fc.option(fc.string({ maxLength: 60 }), { nil: undefined })
      }),
      { maxLength: 6 }
    )
  ])("never throws on arbitrary headers and hops", (messageId, from, received) => {
    expect(typeof messageIdRelayWritten({ messageId, from, mailer: undefined, userAgent: undefined, received })).toBe(
      "boolean"
    )
  })

  // A HELO spelled as one of the Received field's own words (`from by (...) by mx...`) makes the
  // hop's clauses ambiguous; the trait then reads whatever the parser took, so such names are
  // left to the never-throws property above.
  const clauseWords = new Set(["by", "for", "from", "id", "via", "with"])
  test.prop([
    fc.stringMatching(/^[A-Za-z0-9]{6,14}$/),
    fc.stringMatching(/^[a-z]{2,10}$/).filter((h) => !clauseWords.has(h))
  ])("the relay's own queue id in its own ID always counts; with a program named never", (queue, helo) => {
    const hops = [upperHop, originHop({ helo, id: queue })]
    const id = `<200209251552.${queue}@mx.example.org>`
    expect(relayWritten(message({ hops, id }))).toBe(true)
    expect(relayWritten(message({ hops, id, extra: ["X-Mailer: Envex Developments"] }))).toBe(false)
  })
})
