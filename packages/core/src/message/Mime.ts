/**
 * The MIME tree walker (RFC 2045/2046): iterative (an explicit stack, so 10 000 nested parts
 * cannot overflow the call stack), depth- and part-capped, with decoded
 * bytes handed out in tree order so the result does not depend on which bodies are read first.
 *
 * `message/rfc822` (and `message/global`) bodies in an identity encoding are walked as one child
 * whose headers are the enclosed message's. Leaf bodies are decoded on first access.
 *
 * @category parsers
 * @since 0.1.0
 */
import type { Headers, MimePart } from "../MessageTypes.ts"
import * as Base64 from "./Base64.ts"
import { decode as decodeCharset, decodeHeaderBytes, readsAsBinary } from "./Charset.ts"
import { blockEndIn } from "./HeaderBlock.ts"
import * as HeaderParams from "./HeaderParams.ts"
import * as HeadersModule from "./Headers.ts"
import type { MimeLimits } from "./Limits.ts"
import * as Multipart from "./Multipart.ts"
import * as QuotedPrintable from "./QuotedPrintable.ts"

const EMPTY = new Uint8Array(0)
const IDENTITY = new Set(["", "7bit", "8bit", "binary"])

/** A walked part; `body` is decoded lazily within the allowance fixed during the walk. */
export class Part implements MimePart {
  readonly children: Array<Part> = []
  private decoded: Uint8Array | undefined
  // True when `decoded` is the scan view's own bytes at `bodyStart` (an identity encoding).
  private inPlace = false
  /** Decoded bytes this leaf may produce; 0 for containers. */
  allowance = 0
  /** True for parts walked as containers (multipart with a boundary, message/rfc822). */
  container = false

  constructor(
    private readonly raw: string,
    private readonly bytes: Uint8Array,
    // Every byte of `bytes` is below 0x80 (found when the walked text was made).
    private readonly ascii: boolean,
    readonly headers: Headers,
    readonly contentType: string,
    readonly charset: string | undefined,
    readonly filename: string | undefined,
    readonly typeName: string | undefined,
    readonly disposition: string | undefined,
    readonly transferEncoding: string | undefined,
    readonly start: number,
    readonly bodyStart: number,
    readonly end: number,
    readonly boundary: string | undefined
  ) {}

  get body(): Uint8Array {
    if (this.decoded) return this.decoded
    const { raw, bodyStart, end, allowance } = this
    const enc = this.transferEncoding ?? ""
    let out: Uint8Array
    if (this.container || allowance === 0) out = EMPTY
    else if (enc === "base64") out = Base64.decode(raw, bodyStart, end, allowance)
    else if (enc === "quoted-printable") out = QuotedPrintable.decode(raw, bodyStart, end, allowance)
    else {
      out = this.bytes.subarray(bodyStart, Math.min(end, bodyStart + allowance))
      this.inPlace = true
    }
    this.decoded = out
    return out
  }

  /**
   * The body as text in its charset (`Charset.decode`). An ASCII body in an identity encoding
   * reads the same as the walked binary text, so it is a slice of that instead of a new copy.
   */
  bodyText(): string {
    const body = this.body
    return this.inPlace && readsAsBinary(body, this.charset, this.ascii)
      ? this.raw.slice(this.bodyStart, this.bodyStart + body.length)
      : decodeCharset(body, this.charset)
  }
}

export interface Walk {
  readonly root: Part
  readonly limitsHit: boolean
  /** Leaves in tree order. */
  readonly leaves: ReadonlyArray<Part>
}

interface Context {
  readonly raw: string
  readonly bytes: Uint8Array
  readonly ascii: boolean
}

const makePart = (
  ctx: Context,
  start: number,
  end: number,
  headers: Headers | undefined,
  bodyStart: number | undefined,
  defaultType: string
): Part => {
  let hdrs = headers
  let bStart = bodyStart ?? start
  if (!hdrs) {
    bStart = blockEndIn(ctx.raw, start, end)
    hdrs = HeadersModule.parse(decodeHeaderBytes(ctx.bytes.subarray(start, bStart)))
  }
  const ct = HeaderParams.parse(hdrs.get("content-type"))
  const cd = HeaderParams.parse(hdrs.get("content-disposition"))
  const type = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(ct.value) ? ct.value : defaultType
  const enc = hdrs.get("content-transfer-encoding")?.trim().toLowerCase()
  const typeName = ct.params.get("name")
  const filename = cd.params.get("filename") ?? typeName
  const charset = ct.params.get("charset")?.trim().toLowerCase()
  const boundary = ct.params.get("boundary")
  return new Part(
    ctx.raw,
    ctx.bytes,
    ctx.ascii,
    hdrs,
    type,
    charset || undefined,
    filename || undefined,
    typeName || undefined,
    cd.value || undefined,
    enc || undefined,
    start,
    bStart,
    end,
    boundary && boundary.length <= 200 ? boundary : undefined
  )
}

/**
 * Walks the message in `raw` (the scan view as a binary string, `bytes` the same view) whose
 * header block `[0, bodyStart)` is already parsed into `headers`. `ascii`: every byte of
 * `bytes` is below 0x80 (`Binary.isAscii`), so no part's bytes need that test again.
 */
export const walk = (
  raw: string,
  bytes: Uint8Array,
  headers: Headers,
  bodyStart: number,
  limits: MimeLimits,
  ascii = false
): Walk => {
  const ctx: Context = { raw, bytes, ascii }
  const root = makePart(ctx, 0, raw.length, headers, bodyStart, "text/plain")
  const leaves: Array<Part> = []
  let limitsHit = false
  let parts = 1
  let budget = limits.maxTotalBytes
  const stack: Array<{ part: Part; depth: number }> = [{ part: root, depth: 0 }]
  while (stack.length > 0) {
    const { part, depth } = stack.pop()!
    const type = part.contentType
    const isMultipart = type.startsWith("multipart/") && part.boundary !== undefined
    const isMessage =
      (type === "message/rfc822" || type === "message/global") && IDENTITY.has(part.transferEncoding ?? "")
    if ((isMultipart || isMessage) && depth >= limits.maxDepth) limitsHit = true
    else if (isMultipart) {
      part.container = true
      const split = Multipart.split(raw, part.bodyStart, part.end, part.boundary!, Math.max(0, limits.maxParts - parts))
      if (split.truncated) limitsHit = true
      const childDefault = type === "multipart/digest" ? "message/rfc822" : "text/plain"
      for (const [s, e] of split.ranges) part.children.push(makePart(ctx, s, e, undefined, undefined, childDefault))
      parts += part.children.length
      for (let i = part.children.length - 1; i >= 0; i--) stack.push({ part: part.children[i]!, depth: depth + 1 })
      continue
    } else if (isMessage) {
      if (parts >= limits.maxParts) limitsHit = true
      else {
        part.container = true
        parts++
        const child = makePart(ctx, part.bodyStart, part.end, undefined, undefined, "text/plain")
        part.children.push(child)
        stack.push({ part: child, depth: depth + 1 })
        continue
      }
    }
    // A leaf: reserve its decoded bytes now, in tree order.
    const encoded = part.end - part.bodyStart
    const estimate = part.transferEncoding === "base64" ? Math.ceil((encoded * 3) / 4) : encoded
    const allowed = Math.min(limits.maxPartBytes, budget)
    if (estimate > allowed) limitsHit = true
    part.allowance = Math.min(estimate, allowed)
    budget -= part.allowance
    leaves.push(part)
  }
  return { root, limitsHit, leaves }
}
