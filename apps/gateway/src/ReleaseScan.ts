/**
 * What may leave the quarantine: every release (the admin API, the quarantine page, a digest
 * link, `mailmoat quarantine release`) is judged here before anything is delivered, so a release
 * never carries a virus past `antispam.virus` without an admin saying so.
 *
 * | entry / rescan | a recipient (digest link) | an admin | an admin with `allowVirus` |
 * | --- | --- | --- | --- |
 * | quarantined for a virus (`VIRUS_FOUND`, or found by an earlier rescan) | refused (403), no scan | refused (409) naming the signature, no scan | rescanned, then delivered (warn line) |
 * | rescan clean, or no `antispam.virus` | delivered | delivered | delivered |
 * | rescan finds a virus | refused (403); the entry keeps it (`virusFound`) | refused (409) naming it; kept | delivered (warn line); kept as found |
 * | clamd unavailable | `onUnavailable`: `tempfail` refuses (503, try later), `deliver` delivers with `X-Mailmoat-Warning` | same | same |
 * | too large to scan | `onOversize`: `reject` refuses (409), `deliver` delivers with the warning | same | delivered with the warning |
 *
 * The rescan is the SMTP path's whole-message scan (`VirusScan.makeMessageScan`) of the stored
 * bytes, with the signatures clamd has now: mail quarantined as spam before a signature existed
 * is caught on its way out. Refusals are `ReleaseRefused` (an `OperationError` with its HTTP
 * status) and are logged here (`quarantine_release_refused`, warn); the caller logs a release.
 *
 * @category services
 * @since 0.1.0
 */
import type { QuarantineMeta, QuarantineStoreShape, QuarantineStoredMessage } from "@mailmoat/core"
import { OperationError } from "./admin/OperationError.ts"
import type { GatewayLog } from "./Log.ts"
import type { GatewaySettings } from "./Settings.ts"
import { headerLines } from "./TraceHeaders.ts"
import { type MessageScan, makeMessageScan } from "./VirusScan.ts"
import { describeOutcome, type VirusSettings, WARNING } from "./VirusVerdict.ts"

/** The rescan a configuration asks for: its clamd and its policies (undefined: no `antispam.virus`). */
export interface ReleaseScanner {
  readonly scan: MessageScan
  readonly settings: VirusSettings
}

export const releaseScanner = (settings: GatewaySettings, base: string): ReleaseScanner | undefined => {
  const virus = settings.antispam.enabled ? settings.antispam.virus : undefined
  return virus === undefined ? undefined : { scan: makeMessageScan(virus, base), settings: virus }
}

export interface ReleaseRequest {
  /** Who asks, for the log lines: a recipient's address, or where the admin came from. */
  readonly by: string
  /** True for a recipient's own release (a digest link); false for an admin. */
  readonly recipient: boolean
  /** An admin's explicit override: deliver what carries a virus (or is too large to be scanned for one). */
  readonly allowVirus?: boolean | undefined
}

/** Why a release was refused: `virus` held for or found to carry one; `unavailable`, `oversize` the rescan could not judge. */
export type RefusalKind = "virus" | "unavailable" | "oversize"

export class ReleaseRefused extends OperationError {
  constructor(
    status: number,
    message: string,
    readonly kind: RefusalKind,
    readonly signature?: string | undefined
  ) {
    super(status, message)
  }
}

export interface ReleaseVerdict {
  /** The rescan's result for the log line: `clean`, `found <signature>`, `not scanned (...)`, `off`. */
  readonly scan: string
  /** Header fields to put on top of the released message (the unscanned warning). */
  readonly addHeaders: ReadonlyArray<readonly [string, string]>
  /** Set when an admin's override let a virus out. */
  readonly virus?: string | undefined
}

export interface ReleaseScanDeps {
  readonly scanner: ReleaseScanner | undefined
  readonly store: QuarantineStoreShape
  readonly logger: GatewayLog
  /** Counts one rescan by result (`mailmoat_virus_release_scans_total`). */
  readonly onScan?: ((result: string) => void) | undefined
}

/** The signature an entry is known to carry: the SMTP path's `VIRUS_FOUND`, or an earlier rescan's. */
export const virusOf = (meta: QuarantineMeta): string | undefined => {
  if (meta.virusFound !== undefined) return meta.virusFound.signature
  const hit = meta.verdict?.symbols.find((s) => s.name === "VIRUS_FOUND")
  return hit === undefined ? undefined : (hit.detail ?? "unknown signature")
}

const virusRefusal = (id: string, signature: string, request: ReleaseRequest, found: boolean): ReleaseRefused =>
  request.recipient
    ? new ReleaseRefused(
        403,
        `${id} ${found ? "carries" : "was quarantined for"} a virus (${signature}): only the mail administrator can release it`,
        "virus",
        signature
      )
    : new ReleaseRefused(
        409,
        `${id} ${found ? "carries" : "was quarantined for"} a virus (${signature}); it stays in the quarantine (an admin's override delivers it anyway: allowVirus=1 in the API, --allow-virus in mailmoat quarantine release)`,
        "virus",
        signature
      )

/**
 * Judges one release of `stored`: resolves with what to deliver, or rejects with
 * `ReleaseRefused` (logged). A virus the rescan finds is recorded in the entry first.
 */
export const judgeRelease = async (
  deps: ReleaseScanDeps,
  stored: QuarantineStoredMessage,
  request: ReleaseRequest
): Promise<ReleaseVerdict> => {
  const meta = stored.meta
  const known = virusOf(meta)
  const override = request.allowVirus === true && !request.recipient
  /** Logs the refusal; the caller throws it. */
  const refused = (e: ReleaseRefused, scan: string): ReleaseRefused => {
    deps.logger.warn("quarantine_release_refused", {
      id: meta.id,
      by: request.by,
      scan,
      signature: e.signature,
      reason: e.message
    })
    return e
  }
  // A recipient never releases a virus, and an admin only says so explicitly: no scan needed to refuse.
  if (known !== undefined && !override)
    throw refused(virusRefusal(meta.id, known, request, false), "not scanned (virus entry)")
  const scanner = deps.scanner
  if (scanner === undefined) return { scan: "off", addHeaders: [], virus: known }
  const outcome = await scanner.scan.scanMessage(meta.size, stored.stream)
  deps.onScan?.(outcome._tag.toLowerCase())
  const scan = describeOutcome(outcome)
  const s = scanner.settings
  switch (outcome._tag) {
    case "Clean":
      return { scan, addHeaders: [], virus: known }
    case "Found":
      if (meta.virusFound?.signature !== outcome.signature) await deps.store.markVirusFound(meta.id, outcome.signature)
      if (!override) throw refused(virusRefusal(meta.id, outcome.signature, request, true), scan)
      return { scan, addHeaders: [], virus: outcome.signature }
    case "Unavailable":
      if (s.onUnavailable === "tempfail")
        throw refused(
          new ReleaseRefused(
            503,
            `${meta.id} was not released: the virus scanner is unavailable (${outcome.reason}); try again later`,
            "unavailable"
          ),
          scan
        )
      return {
        scan,
        addHeaders: [[WARNING, `not scanned for threats (scanner unavailable: ${outcome.reason})`]],
        virus: known
      }
    case "Oversize":
      if (s.onOversize === "reject" && !override)
        throw refused(
          new ReleaseRefused(
            409,
            `${meta.id} was not released: too large to be scanned for viruses (${outcome.detail})`,
            "oversize"
          ),
          scan
        )
      return { scan, addHeaders: [[WARNING, `not scanned for threats (${outcome.detail})`]], virus: known }
  }
}

/** The one line a release writes: info, or warn naming the signature when an override let a virus out. */
export const logReleased = (
  logger: GatewayLog,
  release: { readonly id: string; readonly to: ReadonlyArray<string>; readonly by: string },
  verdict: ReleaseVerdict
): void => {
  const line = { id: release.id, to: release.to.join(","), by: release.by, scan: verdict.scan }
  if (verdict.virus === undefined) logger.info("quarantine_released", line)
  else logger.warn("quarantine_released", { ...line, override: "allowVirus", signature: verdict.virus })
}

/** The stored message with `headers` on top (the size grown by theirs). */
export const withHeaders = (
  stored: QuarantineStoredMessage,
  headers: ReadonlyArray<readonly [string, string]>
): QuarantineStoredMessage => {
  if (headers.length === 0) return stored
  const prefix = new TextEncoder().encode(headerLines(headers))
  return {
    meta: { ...stored.meta, size: stored.meta.size + prefix.length },
    stream: async function* () {
      yield prefix
      yield* stored.stream()
    }
  }
}
