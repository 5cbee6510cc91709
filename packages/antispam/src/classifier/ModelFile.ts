/**
 * The model file format, version 1 (documented in docs/classifier.md):
 *
 * ```
 * {"format":"mailmoat-classifier","version":1,"nham":…,"nspam":…,"tokens":N,"options":{…},
 *  "logistic":{…},"meta":{…},"sha256":"<hex of the token table bytes>"}\n
 * <token>\t<ham count>\t<spam count>\n      (N lines, sorted by token, UTF-8)
 * ```
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
import { firstUnknownInput } from "./LayerInputs.ts"
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
  readonly meta?: Record<string, string | number> | undefined
  readonly sha256: string
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex")

export const serialise = (model: Model, options: { gzip?: boolean } = {}): Uint8Array => {
  const entries = [...model.tokens].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const table = Buffer.from(entries.map(([t, c]) => `${t}\t${c[0]}\t${c[1]}\n`).join(""), "utf8")
  const header: HeaderLine = {
    format: FORMAT,
    version: MODEL_VERSION,
    nham: model.nham,
    nspam: model.nspam,
    tokens: entries.length,
    options: model.options,
    ...(model.logistic ? { logistic: model.logistic } : {}),
    meta: { ...model.meta },
    sha256: sha256(table)
  }
  const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), table])
  return options.gzip ? gzipSync(bytes, { level: 9 }) : bytes
}

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

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0

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
  if (header.version !== MODEL_VERSION)
    throw new ModelFormatError(
      `model file: version ${header.version} is not supported (this build reads ${MODEL_VERSION})`
    )
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
  const text = table.toString("utf8")
  let start = 0
  while (start < text.length) {
    const end = text.indexOf("\n", start)
    if (end < 0) throw new ModelFormatError("model file: last line is not terminated")
    const t1 = text.indexOf("\t", start)
    const t2 = t1 < 0 ? -1 : text.indexOf("\t", t1 + 1)
    if (t1 < 0 || t2 < 0 || t2 > end) throw new ModelFormatError(`model file: bad table line ${tokens.size + 1}`)
    const ham = Number(text.slice(t1 + 1, t2))
    const spam = Number(text.slice(t2 + 1, end))
    if (!isCount(ham) || !isCount(spam))
      throw new ModelFormatError(`model file: bad counts on table line ${tokens.size + 1}`)
    tokens.set(text.slice(start, t1), [ham, spam])
    start = end + 1
  }
  if (tokens.size !== header.tokens)
    throw new ModelFormatError(`model file: ${tokens.size} table lines, header says ${header.tokens}`)
  const lg = header.logistic
  if (lg !== undefined) checkLayer(lg)
  return {
    version: header.version,
    nham: header.nham,
    nspam: header.nspam,
    tokens,
    // Models written before `minClues` existed combined every clue list as it was.
    options: { s: o.s, x: o.x, minDev: o.minDev, maxTokens: o.maxTokens, minClues: o.minClues ?? 0 },
    logistic: lg,
    meta: header.meta ?? {}
  }
}

/** Reads and parses a model file (plain or gzip). */
export const load = (path: string): Model => parse(readFileSync(path))
