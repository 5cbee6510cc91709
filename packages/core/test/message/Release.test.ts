import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { Message } from "../../src/MessageTypes.ts"
import { fromBytes, parsed, release } from "../../src/message/index.ts"
import { envelope, msg } from "./support.ts"

// Everything a reader can see of a message, as plain data. The body facts are read first: reading
// them fills the MIME parts' own caches, which the tree's JSON shows.
const view = (m: Message) => {
  const body = JSON.parse(JSON.stringify(m.body))
  return {
    headers: m.headers.list.map((h) => [h.name, h.value]),
    received: m.received,
    mime: JSON.parse(JSON.stringify(m.mime)),
    body
  }
}

describe("release", () => {
  it("drops what was parsed; a later read parses again and sees the same message", () => {
    const m = fromBytes(
      msg([
        "Received: from a.example (a.example [198.51.100.7]) by mx.example with ESMTP id 1",
        'Content-Type: multipart/alternative; boundary="b"',
        "Subject: hello",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "see http://link.example/x",
        "--b--",
        ""
      ]),
      { envelope }
    )
    const before = view(m)
    const headers = m.headers
    release(m)
    expect(m.headers).not.toBe(headers)
    expect(view(m)).toEqual(before)
  })

  it("parsed names the parts held, without parsing any", () => {
    const m = fromBytes(msg(["Received: from a.example by mx.example; 1 Dec 2025", "Subject: x", "", "body"]), {
      envelope
    })
    expect(parsed(m)).toEqual([])
    expect(parsed(m)).toEqual([])
    void m.received
    expect(parsed(m)).toEqual(["headers", "received"])
    void m.body
    expect(parsed(m)).toEqual(["headers", "received", "mime", "body"])
    release(m)
    expect(parsed(m)).toEqual([])
    void m.mime
    expect(parsed(m)).toEqual(["headers", "mime"])
  })

  it("does nothing to a Message it did not make", () => {
    const m = fromBytes(msg(["Subject: x", "", "body"]), { envelope })
    const other: Message = {
      envelope: m.envelope,
      size: m.size,
      headers: m.headers,
      scanView: m.scanView,
      scanTruncated: m.scanTruncated,
      received: m.received,
      mime: m.mime,
      body: m.body
    }
    expect(() => release(other)).not.toThrow()
    expect(parsed(other)).toEqual([])
    expect(other.headers).toBe(m.headers)
  })

  test.prop([fc.uint8Array({ maxLength: 600 }), fc.boolean()])(
    "any bytes read the same after a release as a fresh message's",
    (bytes, early) => {
      const m = fromBytes(bytes, { envelope })
      if (early) release(m)
      view(m)
      release(m)
      expect(view(m)).toEqual(view(fromBytes(bytes, { envelope })))
    }
  )
})
