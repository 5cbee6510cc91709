// fast-check arbitraries of DNS answers' parts, for the wire module's round trips (core) and the
// c-ares oracle comparison (platform-node).
import { fc } from "@fast-check/vitest"
import type { RecordData } from "./answerEncoder.ts"

export type AskedType = "A" | "AAAA" | "TXT" | "PTR" | "MX"

export const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/)
export const hostname = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join("."))
export const askedType = fc.constantFrom<AskedType>("A", "AAAA", "TXT", "PTR", "MX")

/** Record data of type `t`; TXT strings of bytes `minByte`-255 (one character per byte). */
export const recordDataOf = (t: AskedType, minByte = 0): fc.Arbitrary<RecordData> => {
  switch (t) {
    case "A":
      return fc
        .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
        .map((p) => ({ type: "A", address: p.join(".") }))
    case "AAAA":
      return fc
        .array(fc.oneof(fc.constant(0), fc.constant(255), fc.nat(255)), { minLength: 16, maxLength: 16 })
        .map((bytes) => ({ type: "AAAA", bytes }))
    case "TXT":
      return fc
        .array(
          fc.string({
            unit: fc.integer({ min: minByte, max: 255 }).map((c) => String.fromCharCode(c)),
            maxLength: 120
          }),
          { minLength: 1, maxLength: 4 }
        )
        .map((strings) => ({ type: "TXT", strings }))
    case "PTR":
      return hostname.map((target) => ({ type: "PTR", target }))
    case "MX":
      return fc.tuple(fc.nat(65535), hostname).map(([preference, exchange]) => ({ type: "MX", preference, exchange }))
  }
}
