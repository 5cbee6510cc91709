/**
 * The file names a ZIP archive lists, read from its bytes without unpacking anything: the
 * central directory when the archive is whole, and the local file headers from the start (all a
 * message's scan view holds when it has only the archive's beginning).
 *
 * **Gotchas**
 * - Never throws: every length is checked against the buffer; a damaged archive gives the names
 *   read before the damage.
 * - Both lists are read and their names joined: extractors that stream (reading local headers)
 *   and those that seek (reading the directory) can be shown different names for one entry.
 * - ZIP64: an end record whose count or offset is saturated (0xFFFF, 0xFFFFFFFF) defers to the
 *   ZIP64 end record its locator points at; any tool may write one for a small archive.
 * - Bounded: at most `MAX_NAMES` names, each at most 1,024 bytes.
 * - Names are UTF-8 when the entry says so (flag bit 11), else read byte for byte (code page
 *   437's ASCII half is what matters for an extension).
 * - `encrypted` is flag bit 0 of any entry: the names stay readable, the contents do not.
 *
 * @category models
 * @since 0.1.0
 */

const LOCAL = 0x04034b50
const CENTRAL = 0x02014b50
const END = 0x06054b50
const ZIP64_END = 0x06064b50
const ZIP64_LOCATOR = 0x07064b50
const MAX_NAMES = 1000
const MAX_NAME_BYTES = 1024

export interface ZipListing {
  readonly names: ReadonlyArray<string>
  readonly encrypted: boolean
}

/** Whether the bytes start like a ZIP archive (a local file header, or an empty archive's end record). */
export const looksLikeZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5)

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8)
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000

/** An 8-byte length as a number: exact below 2^53, and any larger one lies outside the bytes anyway. */
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 0x100000000

/** Entry count and directory offset from the end record at `at`, through the ZIP64 record when saturated. */
const directoryOf = (b: Uint8Array, at: number): { readonly count: number; readonly offset: number } => {
  const count = u16(b, at + 10)
  const offset = u32(b, at + 16)
  if ((count !== 0xffff && offset !== 0xffffffff) || at < 20 || u32(b, at - 20) !== ZIP64_LOCATOR)
    return { count, offset }
  const record = u64(b, at - 12)
  if (record + 56 > b.length || u32(b, record) !== ZIP64_END) return { count, offset }
  return { count: Math.min(u64(b, record + 32), MAX_NAMES), offset: u64(b, record + 48) }
}

const decodeName = (bytes: Uint8Array, utf8: boolean): string =>
  utf8 ? Buffer.from(bytes).toString("utf8") : Buffer.from(bytes).toString("latin1")

/** The central directory's entries, when its end record is found and it lies inside the bytes. */
const fromCentral = (b: Uint8Array): ZipListing | undefined => {
  // The end record is 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, b.length - 22 - 65_535)
  for (let at = b.length - 22; at >= lowest; at--) {
    if (u32(b, at) !== END) continue
    const { count, offset } = directoryOf(b, at)
    let p = offset
    const names: Array<string> = []
    let encrypted = false
    for (let i = 0; i < count && names.length < MAX_NAMES; i++) {
      if (p + 46 > b.length || u32(b, p) !== CENTRAL) return undefined
      const flags = u16(b, p + 8)
      const nameLength = u16(b, p + 28)
      const next = p + 46 + nameLength + u16(b, p + 30) + u16(b, p + 32)
      if (p + 46 + nameLength > b.length) return undefined
      if ((flags & 1) !== 0) encrypted = true
      names.push(decodeName(b.subarray(p + 46, p + 46 + Math.min(nameLength, MAX_NAME_BYTES)), (flags & 0x800) !== 0))
      p = next
    }
    return { names, encrypted }
  }
  return undefined
}

/** Local file headers one after another from the start, as far as their sizes can be followed. */
const fromLocal = (b: Uint8Array): ZipListing => {
  const names: Array<string> = []
  let encrypted = false
  let p = 0
  while (p + 30 <= b.length && u32(b, p) === LOCAL && names.length < MAX_NAMES) {
    const flags = u16(b, p + 6)
    const compressed = u32(b, p + 18)
    const nameLength = u16(b, p + 26)
    const extraLength = u16(b, p + 28)
    if (p + 30 + nameLength > b.length) break
    if ((flags & 1) !== 0) encrypted = true
    names.push(decodeName(b.subarray(p + 30, p + 30 + Math.min(nameLength, MAX_NAME_BYTES)), (flags & 0x800) !== 0))
    // Sizes written after the data (flag bit 3) cannot be followed: the names read so far stand.
    if ((flags & 8) !== 0) break
    p += 30 + nameLength + extraLength + compressed
  }
  return { names, encrypted }
}

export const zipListing = (bytes: Uint8Array): ZipListing => {
  const local = fromLocal(bytes)
  const central = fromCentral(bytes)
  if (central === undefined) return local
  const names = new Set(central.names)
  for (const name of local.names) if (names.size < MAX_NAMES) names.add(name)
  return { names: [...names], encrypted: central.encrypted || local.encrypted }
}
