import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { looksLikeZip, zipListing } from "../../src/attachments/ZipNames.ts"
import { makeZip } from "./support.ts"

/** The same archive with its end record saying "see the ZIP64 end record" (as 7-Zip and .NET write). */
const toZip64 = (zip: Buffer): Buffer => {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]))
  const count = BigInt(zip.readUInt16LE(end + 10))
  const record = Buffer.alloc(56)
  record.writeUInt32LE(0x06064b50, 0)
  record.writeBigUInt64LE(44n, 4)
  record.writeUInt16LE(45, 12)
  record.writeUInt16LE(45, 14)
  record.writeBigUInt64LE(count, 24)
  record.writeBigUInt64LE(count, 32)
  record.writeBigUInt64LE(BigInt(zip.readUInt32LE(end + 12)), 40)
  record.writeBigUInt64LE(BigInt(zip.readUInt32LE(end + 16)), 48)
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(end), 8)
  locator.writeUInt32LE(1, 16)
  const last = Buffer.from(zip.subarray(end))
  last.writeUInt16LE(0xffff, 8)
  last.writeUInt16LE(0xffff, 10)
  last.writeUInt32LE(0xffffffff, 12)
  last.writeUInt32LE(0xffffffff, 16)
  return Buffer.concat([zip.subarray(0, end), record, locator, last])
}

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

  it("reads a ZIP64 archive's central directory (end record pointing at the ZIP64 end record)", () => {
    // Streamed entries: the local headers stop at the first name, only the directory has the rest.
    const names = ["readme.txt", "bin/setup.exe"]
    expect(zipListing(toZip64(makeZip(names, { streamed: true }))).names).toEqual(names)
  })

  it("a name the local headers give and the central directory hides still counts", () => {
    const zip = makeZip(["readme.txt", "bin/setup.exe"])
    const central = zip.lastIndexOf(Buffer.from("bin/setup.exe"))
    zip.write("bin/setup.txt", central, "latin1")
    expect(zipListing(zip).names).toEqual(expect.arrayContaining(["bin/setup.txt", "bin/setup.exe"]))
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
