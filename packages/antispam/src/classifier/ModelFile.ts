/**
 * The model file format, version 2 (documented in docs/classifier.md):
 *
 * ```
 * {"format":"mailmoat-classifier","version":2,"nham":…,"nspam":…,"tokens":N,"options":{…},
 *  "logistic":{…},"discriminative":{"weights":W},"meta":{…},"sha256":"<hex of the token table bytes>"}\n
 * <token>\t<ham count>\t<spam count>\t<weight>\n      (N lines, sorted by token, UTF-8)
 * ```
 *
 * The weight is the token's discriminative weight (Discriminative.ts), empty for a token without
 * one; `discriminative` says how many tokens have one (W), present exactly for a model with
 * token weights (then the layer may weigh their margin, `tok:margin`). Version 1 is the same
 * without the weight column and `discriminative`; this build reads it as a model without token
 * weights, and writes a model without token weights as version 1. Builds that read only version 1
 * refuse a version 2 file by its version.
 *
 * The whole file may be gzip-compressed (recognised by its magic bytes). `parse` checks the
 * format name, the version, the line count and the SHA-256 of the table, so a truncated or
 * altered file is refused, never half-loaded; and that the logistic layer weighs only inputs
 * this build computes (LayerInputs.ts), so a model trained for another build is refused too.
 *
 * @category models
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { gunzipSync, gzipSync } from "node:zlib"
import type { ChiOptions } from "./Chi2.ts"
import type { TokenWeights } from "./Discriminative.ts"
import { firstUnknownInput, MARGIN_INPUT } from "./LayerInputs.ts"
import { type Logistic, MODEL_VERSION, type Model } from "./Model.ts"

export const FORMAT = "mailmoat-classifier"

export class ModelFormatError extends Error {
  override readonly name = "ModelFormatError"
}

interface HeaderLine {
  readonly format: string
  readonly version: number
  readonly nham: number
  readonly nspam: number
  readonly tokens: number
  /** `minClues` is absent in files written before it existed. */
  readonly options: Omit<ChiOptions, "minClues"> & { readonly minClues?: number }
  readonly logistic?: Logistic | undefined
  readonly discriminative?: { readonly weights: number } | undefined
  readonly meta?: Record<string, string | number> | undefined
  readonly sha256: string
}

/** The versions this build reads: 1 (no token weights) and 2. */
const READS = [1, 2]

/**
 * The largest |weight| a file may give a token. Fitted weights stay within a
 * few units (Discriminative.ts); a larger one is a damaged or hostile file, and sums of such
 * weights could reach infinity, whose differences are NaN.
 */
export const MAX_WEIGHT = 1000

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex")

export const serialise = (model: Model, options: { gzip?: boolean } = {}): Uint8Array => {
  const entries = [...model.tokens].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const weights = model.discriminative?.weights
  // The file carries the weights of the table's tokens (training keeps no others).
  const weightOf = (t: string): string => {
    const w = weights?.get(t)
    return w === undefined ? "" : String(w)
  }
  // A model without token weights is written as version 1, which builds before version 2 read too.
  const version = weights === undefined ? 1 : MODEL_VERSION
  const line =
    version === 1
      ? ([t, c]: readonly [string, [number, number]]) => `${t}\t${c[0]}\t${c[1]}\n`
      : ([t, c]: readonly [string, [number, number]]) => `${t}\t${c[0]}\t${c[1]}\t${weightOf(t)}\n`
  const table = Buffer.from(entries.map(line).join(""), "utf8")
  const header: HeaderLine = {
    format: FORMAT,
    version,
    nham: model.nham,
    nspam: model.nspam,
    tokens: entries.length,
    options: model.options,
    ...(model.logistic ? { logistic: model.logistic } : {}),
    ...(model.discriminative ? { discriminative: { weights: countWeights(entries, weights) } } : {}),
    meta: { ...model.meta },
    sha256: sha256(table)
  }
  const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), table])
  return options.gzip ? gzipSync(bytes, { level: 9 }) : bytes
}

/** How many of the table's tokens have a weight (the header's cross-check of the weight column). */
const countWeights = (
  entries: ReadonlyArray<readonly [string, unknown]>,
  weights: ReadonlyMap<string, number> | undefined
) => (weights === undefined ? 0 : entries.filter(([t]) => weights.has(t)).length)

const isWeight = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n)

/**
 * The layer must be numbers over inputs this build computes. Scoring reads a weight only for an
 * input it sets, so a weight for any other input would be dropped and the model would score
 * differently from its own evaluation, silently: such a model was trained for another build.
 */
const checkLayer = (lg: Logistic | null): void => {
  if (
    typeof lg !== "object" ||
    lg === null ||
    !isWeight(lg.bias) ||
    typeof lg.weights !== "object" ||
    lg.weights === null ||
    Array.isArray(lg.weights) ||
    !Object.values(lg.weights).every(isWeight)
  )
    throw new ModelFormatError("model file: bad logistic layer")
  const unknown = firstUnknownInput(lg.weights)
  if (unknown !== undefined)
    throw new ModelFormatError(
      `model file: the logistic layer weighs input ${JSON.stringify(unknown)}, which this build does not compute: the model was trained for another build`
    )
}

/** The length from which V8 makes a slice of a string share the string's characters. */
const SHARED_SLICE = 13

/** `s` in a string of its own characters (decoded afresh, so it shares none with what it came from). */
const ownCopy = (s: string): string => Buffer.from(s, "utf8").toString("utf8")

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0

const isTokenWeight = (n: unknown): n is number => isWeight(n) && Math.abs(n) <= MAX_WEIGHT

/** A weight column: empty (no weight) or a number within MAX_WEIGHT written as JavaScript writes it. */
const parseWeight = (text: string, line: number): number | undefined => {
  if (text === "") return undefined
  const w = Number(text)
  if (!isTokenWeight(w) || String(w) !== text)
    throw new ModelFormatError(`model file: bad weight on table line ${line}`)
  return w
}

export const parse = (input: Uint8Array): Model => {
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes)
    } catch (e) {
      throw new ModelFormatError(`model file: gzip data is corrupt (${(e as Error).message})`)
    }
  }
  const nl = bytes.indexOf(0x0a)
  if (nl < 0) throw new ModelFormatError("model file: no header line")
  let header: HeaderLine
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString("utf8")) as HeaderLine
  } catch {
    throw new ModelFormatError("model file: header line is not JSON")
  }
  if (header?.format !== FORMAT)
    throw new ModelFormatError(`model file: format is ${JSON.stringify(header?.format)}, expected ${FORMAT}`)
  if (!READS.includes(header.version))
    throw new ModelFormatError(
      `model file: version ${JSON.stringify(header.version)} is not supported (this build reads ${READS.join(" and ")})`
    )
  const withWeights = header.version >= 2
  const d = header.discriminative
  if (d !== undefined && (!withWeights || typeof d !== "object" || d === null || !isCount(d.weights)))
    throw new ModelFormatError("model file: bad discriminative header")
  if (!isCount(header.nham) || !isCount(header.nspam) || !isCount(header.tokens))
    throw new ModelFormatError("model file: bad counts in header")
  const o = header.options
  if (
    !o ||
    ![o.s, o.x, o.minDev, o.maxTokens, o.minClues ?? 0].every((n) => typeof n === "number" && Number.isFinite(n))
  )
    throw new ModelFormatError("model file: bad options in header")
  const table = bytes.subarray(nl + 1)
  if (sha256(table) !== header.sha256)
    throw new ModelFormatError("model file: token table checksum mismatch (truncated or altered)")
  const tokens = new Map<string, [number, number]>()
  const weights = new Map<string, number>()
  const text = table.toString("utf8")
  // A long token is copied out of `text`: sliced from it, V8 would share `text`'s characters with
  // it (slices of SHARED_SLICE or more characters) and keep the whole text (~1 MB) alive as long as
  // the model is loaded; shorter slices are copies already.
  let start = 0
  while (start < text.length) {
    const line = tokens.size + 1
    const end = text.indexOf("\n", start)
    if (end < 0) throw new ModelFormatError("model file: last line is not terminated")
    const t1 = text.indexOf("\t", start)
    const t2 = t1 < 0 ? -1 : text.indexOf("\t", t1 + 1)
    // Version 2 has a third tab before the weight; version 1 none.
    const t3 = t2 < 0 ? -1 : text.indexOf("\t", t2 + 1)
    const countsEnd = withWeights ? t3 : end
    if (t1 < 0 || t2 < 0 || t2 > end || (withWeights ? t3 < 0 || t3 > end : t3 >= 0 && t3 < end))
      throw new ModelFormatError(`model file: bad table line ${line}`)
    const ham = Number(text.slice(t1 + 1, t2))
    const spam = Number(text.slice(t2 + 1, countsEnd))
    if (!isCount(ham) || !isCount(spam)) throw new ModelFormatError(`model file: bad counts on table line ${line}`)
    const token = t1 - start < SHARED_SLICE ? text.slice(start, t1) : ownCopy(text.slice(start, t1))
    if (tokens.has(token)) throw new ModelFormatError(`model file: token on table line ${line} repeats an earlier one`)
    tokens.set(token, [ham, spam])
    const w = withWeights ? parseWeight(text.slice(t3 + 1, end), line) : undefined
    if (w !== undefined) weights.set(token, w)
    start = end + 1
  }
  if (tokens.size !== header.tokens)
    throw new ModelFormatError(`model file: ${tokens.size} table lines, header says ${header.tokens}`)
  if (weights.size !== (d?.weights ?? 0))
    throw new ModelFormatError(
      `model file: ${weights.size} token weights, the discriminative header says ${d?.weights ?? "none"}`
    )
  const discriminative: TokenWeights | undefined = d === undefined ? undefined : { weights }
  const lg = header.logistic
  if (lg !== undefined) checkLayer(lg)
  // The margin is computed only for a model with token weights: without them the layer's weight
  // for it would be dropped, and the model would score differently from its own figures.
  if (lg !== undefined && discriminative === undefined && Object.hasOwn(lg.weights, MARGIN_INPUT))
    throw new ModelFormatError(
      `model file: the logistic layer weighs input ${JSON.stringify(MARGIN_INPUT)} but the file carries no token weights`
    )
  return {
    version: header.version,
    nham: header.nham,
    nspam: header.nspam,
    tokens,
    // Models written before `minClues` existed combined every clue list as it was.
    options: { s: o.s, x: o.x, minDev: o.minDev, maxTokens: o.maxTokens, minClues: o.minClues ?? 0 },
    logistic: lg,
    discriminative,
    meta: header.meta ?? {}
  }
}

/** Reads and parses a model file (plain or gzip). */
export const load = (path: string): Model => parse(readFileSync(path))
