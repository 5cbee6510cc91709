import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { LeafName, Pem } from "../../src/tls/index.ts"

describe("Pem", () => {
  test.prop([fc.string({ maxLength: 2000 })])("decodeAll never throws on arbitrary text", (text) => {
    for (const block of Pem.decodeAll(text)) expect(block.der.length).toBeGreaterThan(0)
  })

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.constantFrom("CERTIFICATE", "PRIVATE KEY")])(
    "encode then decode returns the bytes",
    (der, label) => {
      const pem = Pem.encode(label, der)
      expect(pem.split("\n").every((line) => line.length <= 64)).toBe(true)
      expect(Pem.decode(`junk before\n${pem}junk after`, label)).toEqual(der)
    }
  )

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(400), fc.string({ maxLength: 3 })])(
    "a corrupted body is skipped, not thrown",
    (der, at, noise) => {
      const pem = Pem.encode("CERTIFICATE", der)
      const start = pem.indexOf("\n") + 1
      const cut = start + (at % Math.max(1, pem.indexOf("-----END") - start))
      const broken = pem.slice(0, cut) + noise + pem.slice(cut)
      const got = Pem.decode(broken, "CERTIFICATE")
      if (got !== undefined) expect(got.length).toBeGreaterThan(0)
    }
  )
})

describe("LeafName", () => {
  test.prop([fc.string({ maxLength: 300 })])("parse never throws; accepted names are normalised and stable", (raw) => {
    const parsed = LeafName.parse(raw)
    if (parsed === undefined) return
    expect(parsed.value).toBe(parsed.value.toLowerCase())
    expect(parsed.value).not.toMatch(/[\s*\u0000-\u001f\u007f-\uffff]/)
    expect(LeafName.parse(parsed.value)).toEqual(parsed)
  })

  test.prop([fc.domain()])("every DNS domain is accepted as dns", (domain) => {
    expect(LeafName.parse(domain)).toEqual({ kind: "dns", value: domain.toLowerCase() })
  })

  test.prop([fc.oneof(fc.ipV4(), fc.ipV6())])("IP literals are accepted as ip", (ip) => {
    expect(LeafName.parse(ip)?.kind).toBe("ip")
  })
})
