/**
 * The threat stage (data phase): the whole message goes to clamd over INSTREAM; when clamd finds
 * something, each leaf MIME part is scanned on its own to say which part carries it, so the
 * `replace` action can swap just that part (`replaceThreatParts`).
 *
 * A leaf part is sent as `MIME-Version: 1.0` + the part's own header fields and encoded body:
 * clamd then recognises it as mail and decodes the transfer encoding itself, exactly as it
 * does inside the whole message (the bare part would be scanned as undecoded text).
 *
 * Facts: `{ threats: [{ signature, partIndex? }], scanner, unavailable? }`. A threat with no
 * `partIndex` could not be isolated (it spans parts, sits in the header, or the part lies past
 * the scan view): the caller must then block the whole message.
 *
 * **Gotchas**
 * `Message.scanView` may be only the start of the message. Pass `source` so the stage can scan
 * all of it; without `source` a truncated message is reported as THREAT_SCAN_UNAVAILABLE, never
 * as clean.
 *
 * @category stages
 * @since 0.1.0
 */
import type { Message, MimePart, Stage, StageResult, SymbolHit } from "@mailmoat/core"
import { EMPTY_LIST } from "@mailmoat/core"
import { Effect } from "effect"
import { hit } from "../Symbols.ts"
import { ClamdClient, type ClamdOptions, type ScanInput } from "./ClamdClient.ts"
import type { ScanResult } from "./ClamdReply.ts"
import * as MimeWalk from "./MimeWalk.ts"
import type { Threat } from "./ThreatNotice.ts"
import { ThreatSymbols } from "./ThreatSymbols.ts"

export interface ThreatStageOptions {
  readonly clamd: ClamdOptions | ClamdClient
  /** The complete message bytes (e.g. from the proxy's spool) when `scanView` may be truncated. */
  readonly source?: ((message: Message) => ScanInput | undefined) | undefined
  /** Leaf parts scanned one by one after a whole-message hit (default 64). */
  readonly maxPartScans?: number | undefined
  /** Part scans in flight at once (default 4). */
  readonly partConcurrency?: number | undefined
  /** Default: three clamd timeouts plus a second. */
  readonly budgetMillis?: number | undefined
  readonly order?: number | undefined
}

export interface ThreatFacts {
  readonly threats: ReadonlyArray<Threat>
  readonly scanner: string
  readonly unavailable?: { readonly reason: string; readonly detail: string } | undefined
  /** Leaf parts that were not scanned individually (limit or outside the scan view). */
  readonly partsNotIsolated?: number | undefined
}

const SOURCE = "threat"

const partInput = (view: Uint8Array, part: MimePart): AsyncIterable<Uint8Array> => {
  const bytes = view.subarray(part.start, part.end)
  const crlf = bytes.indexOf(0x0d) >= 0
  const prefix = new TextEncoder().encode(crlf ? "MIME-Version: 1.0\r\n" : "MIME-Version: 1.0\n")
  return (async function* () {
    yield prefix
    yield bytes
  })()
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
const mapLimited = async <A, B>(
  items: ReadonlyArray<A>,
  limit: number,
  task: (a: A) => Promise<B>
): Promise<Array<B>> => {
  const out = new Array<B>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await task(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return out
}

const describeThreat = (t: Threat, parts: ReadonlyArray<MimeWalk.IndexedPart>): string => {
  if (t.partIndex === undefined) return `${t.signature} (part not isolated)`
  const part = parts[t.partIndex]?.part
  const name = part?.filename ? ` ${JSON.stringify(part.filename.slice(0, 100))}` : ""
  return `${t.signature} in part ${t.partIndex}${name}${part ? ` (${part.contentType})` : ""}`
}

/** Scans `message`; never fails: scanner problems become THREAT_SCAN_UNAVAILABLE. */
export const scanMessage = async (
  client: ClamdClient,
  message: Message,
  options: ThreatStageOptions,
  signal?: AbortSignal
): Promise<StageResult> => {
  const full = options.source?.(message) ?? (message.scanTruncated ? undefined : message.scanView)
  const unavailable = (reason: string, detail: string): StageResult => ({
    symbols: [hit(ThreatSymbols, "THREAT_SCAN_UNAVAILABLE", SOURCE, `${reason}: ${detail}`)],
    facts: { threats: [], scanner: client.address, unavailable: { reason, detail } } satisfies ThreatFacts
  })
  if (full === undefined)
    return unavailable("truncated", `only ${message.scanView.length} of ${message.size} bytes available to scan`)
  const whole = await client.scan(full, signal)
  if (whole._tag === "Unavailable") return unavailable(whole.reason, whole.detail)
  if (whole._tag === "Clean")
    return { symbols: EMPTY_LIST, facts: { threats: [], scanner: client.address } satisfies ThreatFacts }

  const parts = MimeWalk.walk(message.mime)
  const leaves = parts.filter((p) => p.isLeaf)
  let threats: Array<Threat>
  let notIsolated = 0
  if (leaves.length === 1 && leaves[0]!.index === 0) {
    // A single-part message: the root is the part.
    threats = [{ signature: whole.signature, partIndex: 0 }]
  } else {
    const inView = leaves.filter((p) => p.part.end <= message.scanView.length && p.part.start < p.part.end)
    const scanned = inView.slice(0, options.maxPartScans ?? 64)
    notIsolated = leaves.length - scanned.length
    const results: Array<ScanResult> = await mapLimited(scanned, options.partConcurrency ?? 4, (p) =>
      client.scan(partInput(message.scanView, p.part), signal)
    )
    threats = []
    results.forEach((r, i) => {
      if (r._tag === "Found") threats.push({ signature: r.signature, partIndex: scanned[i]!.index })
    })
    if (threats.length === 0) threats = [{ signature: whole.signature }]
  }
  const symbols: Array<SymbolHit> = threats.map((t) =>
    hit(ThreatSymbols, "THREAT_FOUND", SOURCE, describeThreat(t, parts))
  )
  return {
    symbols,
    facts: {
      threats,
      scanner: client.address,
      ...(notIsolated > 0 ? { partsNotIsolated: notIsolated } : {})
    } satisfies ThreatFacts
  }
}

export const makeThreatStage = (options: ThreatStageOptions): Stage => {
  const client = options.clamd instanceof ClamdClient ? options.clamd : new ClamdClient(options.clamd)
  const timeoutMs = (client.options.timeoutSeconds ?? 30) * 1000
  return {
    name: "threat",
    phase: "data",
    order: options.order ?? 1,
    budgetMillis: options.budgetMillis ?? timeoutMs * 3 + 1000,
    symbols: ThreatSymbols,
    run: (input) =>
      input.phase !== "data"
        ? Effect.succeed({ symbols: EMPTY_LIST })
        : Effect.promise((signal) => scanMessage(client, input.message, options, signal))
  }
}
