import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { binarySection, partSection } from "../../src/imap/MimeParts.ts"

const b = (s: string) => Buffer.from(s, "latin1")
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : Buffer.from(u).toString("latin1"))

const multipart = (boundary: string, parts: ReadonlyArray<string>, header = "") =>
  `${header}Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\npreamble\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\nepilogue\r\n`

describe("MimeParts", () => {
  const inner = multipart("in", [
    "Content-Type: text/plain\r\n\r\ninner one",
    "Content-Type: text/html\r\n\r\n<p>two</p>"
  ])
  const m = b(
    multipart(
      "out",
      [
        "Content-Type: text/plain\r\n\r\nfirst part",
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=",
        `Content-Type: message/rfc822\r\n\r\nSubject: enclosed\r\n${inner}`,
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nsoft"
      ],
      "From: a@example.test\r\n"
    )
  )

  it("numbered parts, MIME headers, an enclosed message's header, text and parts", () => {
    expect(text(partSection(m, "1"))).toBe("first part")
    expect(text(partSection(m, "1.MIME"))).toBe("Content-Type: text/plain\r\n\r\n")
    expect(text(partSection(m, "2"))).toBe("aGVsbG8gd29ybGQ=")
    expect(text(binarySection(m, "2"))).toBe("hello world")
    expect(text(binarySection(m, "4"))).toBe("caf\xc3\xa9 soft")
    expect(text(partSection(m, "3.HEADER"))).toMatch(/^Subject: enclosed\r\nContent-Type: multipart/)
    expect(text(partSection(m, "3.HEADER.FIELDS (SUBJECT)"))).toBe("Subject: enclosed\r\n\r\n")
    expect(text(partSection(m, "3.1"))).toBe("inner one")
    expect(text(partSection(m, "3.2.MIME"))).toBe("Content-Type: text/html\r\n\r\n")
    expect(partSection(m, "5")).toBeUndefined()
    expect(partSection(m, "1.HEADER")).toBeUndefined()
    expect(text(partSection(b("Subject: plain\r\n\r\nbody\r\n"), "1"))).toBe("body\r\n")
  })

  test.prop([
    fc.uint8Array({ maxLength: 500 }),
    fc.constantFrom("1", "2", "1.1", "2.MIME", "1.HEADER", "3.2.1", "1.TEXT")
  ])("never throws on arbitrary bytes", (bytes, section) => {
    partSection(bytes, section)
    binarySection(bytes, section)
    partSection(Buffer.concat([b('Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n'), bytes]), section)
  })

  const body = fc.stringMatching(/^[a-z0-9 ]{0,20}(\r\n[a-z0-9 ]{0,20}){0,3}$/)

  test.prop([fc.array(body, { minLength: 1, maxLength: 6 })])(
    "round trip: part n of a built multipart is its body",
    (bodies) => {
      const msg = b(
        multipart(
          "zz",
          bodies.map((x) => `Content-Type: text/plain\r\n\r\n${x}`)
        )
      )
      for (const [i, x] of bodies.entries()) expect(text(partSection(msg, String(i + 1)))).toBe(x)
      expect(partSection(msg, String(bodies.length + 1))).toBeUndefined()
    }
  )
})
