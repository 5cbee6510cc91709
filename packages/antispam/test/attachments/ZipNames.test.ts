import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { looksLikeZip, zipListing } from "../../src/attachments/ZipNames.ts"
import { makeZip } from "./support.ts"

const files = ["readme.txt", "docs/invoice.pdf", "bin/setup.exe"]

describe("zipListing against archives made by zip", () => {
  it("reads the names of a whole archive (central directory)", () => {
    const zip = makeZip(files)
    expect(looksLikeZip(zip)).toBe(true)
    expect(zipListing(zip)).toEqual({ names: files, encrypted: false })
  })

  it("sees encryption (the names stay readable)", () => {
    expect(zipListing(makeZip(files, { password: "secret" }))).toEqual({ names: files, encrypted: true })
  })

  it("reads a streamed archive (sizes after the data) through its central directory", () => {
    const zip = makeZip(files, { streamed: true })
    expect(zipListing(zip).names).toEqual(files)
  })

  it("an archive cut short gives the names its local headers show, in order", () => {
    const zip = makeZip(files)
    const cut = zipListing(zip.subarray(0, zip.length - 150))
    expect(cut.names.length).toBeGreaterThan(0)
    expect(files.slice(0, cut.names.length)).toEqual(cut.names)
  })

  test.prop([fc.uint8Array({ maxLength: 4096 })])("never throws on arbitrary bytes", (bytes) => {
    const listing = zipListing(bytes)
    expect(listing.names.length).toBeLessThanOrEqual(1000)
  })

  const real = makeZip(files)
  test.prop([
    fc.nat({ max: real.length }),
    fc.array(fc.tuple(fc.nat({ max: real.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
  ])("never throws on a real archive cut anywhere and with bytes changed", (cut, changes) => {
    const bytes = Buffer.from(real)
    for (const [at, value] of changes) bytes[at] = value
    zipListing(bytes.subarray(0, cut))
  })
})
