// The tokenizer names round 32's header and MIME-structure traits (HeaderStructure.ts) among its
// features: a relay-written Message-ID and an encoded multipart reach `feat:` tokens.
import { describe, expect, it } from "vitest"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Wed, 25 Sep 2002 16:52:48 +0100"
const relayHop = `Received: from email.com (host-66-133-60-171.example.net [198.51.100.171]) by mx.example.org (8.11.6/8.11.6) with SMTP id g8PFqmC02323 for <u@example.org>; ${STAMP}`

const features = (headers: ReadonlyArray<string>, body = "Hello.") =>
  tokenize(parse(withHeaders(headers, body))).features

describe("header and structure traits through the tokenizer", () => {
  it("a Message-ID the origin relay wrote", () => {
    const headers = [
      relayHop,
      "Message-Id: <200209251552.g8PFqmC02323@mx.example.org>",
      "From: Anne <annekojo@email.example>",
      "To: u@example.org",
      "Subject: Partnership",
      "Date: Wed, 25 Sep 2002 16:46:33 +0100"
    ]
    expect(features(headers)).toContain("message_id_relay_written")
    expect(features([...headers, "X-Mailer: Mutt/1.4i"])).not.toContain("message_id_relay_written")
  })

  it("a multipart declared base64", () => {
    const headers = [
      "From: a@example.net",
      "To: b@example.org",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b"',
      "Content-Transfer-Encoding: base64"
    ]
    const body = ["--b", "Content-Type: text/plain", "", "Hello.", "--b--"].join("\r\n")
    expect(features(headers, body)).toContain("mime_multipart_encoded")
    expect(features(headers.slice(0, 4), body)).not.toContain("mime_multipart_encoded")
  })
})
