/**
 * The SMTP path's virus scan (`antispam.virus`): the whole message as the client sent it goes to
 * clamd over INSTREAM, streamed from the spool (its memory, or its file read in 64 KiB chunks), so
 * a message of any size is scanned without being held in memory, and `antispam.maxScanSizeKB`
 * (the spam checks' view) does not limit it. It runs beside the spam checks, started before them;
 * `VirusVerdict.ts` applies its result to the recipients.
 *
 * What can spare a message: only the bypasses named in `virus.bypass` (an allowed IP, a trusted
 * relay's session, a recipient's directory entry), read from what the session's phases decided;
 * a safe sender never does (From can be forged). A message larger than `maxSizeMB` is not sent.
 *
 * clamd's answers: `OK` clean; `<name> FOUND` a virus; `INSTREAM size limit exceeded` oversize;
 * anything else (refused, reset, no answer in `timeoutSeconds`, ERROR, garbage) unavailable,
 * logged at warn (`virus_scan_unavailable`). Never a throw: a failure is a result.
 *
 * @category services
 * @since 0.1.0
 */
import { resolve } from "node:path"
import { Threat } from "@mailmoat/antispam"
import type { Engine, Envelope } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import type { GatewayLog } from "./Log.ts"
import type { Metrics } from "./Metrics.ts"
import type { VirusResult, VirusScanOutcome, VirusSettings } from "./VirusVerdict.ts"

export interface VirusScanner {
  /** clamd's address, for the status and the logs. */
  readonly scanner: string
  readonly settings: VirusSettings
  /** Scans one received message; never rejects. */
  readonly scan: (
    envelope: Envelope.Envelope,
    spool: Smtp.Spool,
    earlier: Engine.Earlier,
    queueId: string
  ) => Promise<VirusResult>
}

export interface VirusScanDeps {
  /** The configuration file's directory (a relative socket path is taken from it). */
  readonly base: string
  readonly logger: GatewayLog
  readonly metrics: Metrics
  readonly now: () => number
}

/** The stage that decides each bypass `virus.bypass` may name. */
const BYPASS_STAGES: Readonly<Record<Threat.VirusBypass, string>> = {
  allowedIps: "allowed-ips",
  session: "session-bypass",
  recipient: "recipient-bypass"
}

const bypassedBy = (outcome: Engine.PhaseOutcome | undefined, stage: string): boolean =>
  outcome?.decided?.decision._tag === "Bypass" && outcome.decided.stage === stage

/** The recipients the configured bypasses spare, and which bypass spared them. */
const spared = (
  settings: VirusSettings,
  rcptTo: ReadonlyArray<string>,
  earlier: Engine.Earlier
): { readonly recipients: ReadonlySet<string>; readonly by?: string | undefined } => {
  const none = { recipients: new Set<string>() }
  if (settings.bypass.length === 0) return none
  const all = (by: string) => ({ recipients: new Set(rcptTo.map((r) => r.toLowerCase())), by })
  if (settings.bypass.includes("allowedIps") && bypassedBy(earlier.connect, BYPASS_STAGES.allowedIps))
    return all("allowedIps")
  if (settings.bypass.includes("session") && bypassedBy(earlier.mail, BYPASS_STAGES.session)) return all("session")
  if (!settings.bypass.includes("recipient")) return none
  const recipients = new Set(
    rcptTo.filter((r) => bypassedBy(earlier.rcpt?.get(r), BYPASS_STAGES.recipient)).map((r) => r.toLowerCase())
  )
  return recipients.size === 0 ? none : { recipients, by: "recipient" }
}

const MIB = 1024 * 1024

const outcomeOf = (result: Threat.ScanResult): VirusScanOutcome => {
  switch (result._tag) {
    case "Clean":
      return { _tag: "Clean" }
    case "Found":
      return { _tag: "Found", signature: result.signature }
    case "Unavailable":
      return result.reason === "size-limit"
        ? { _tag: "Oversize", detail: `over clamd's StreamMaxLength: ${result.detail}` }
        : { _tag: "Unavailable", reason: result.reason, detail: result.detail }
  }
}

/**
 * One whole-message scan with clamd, nothing else: no bypass, no count, no log line (the SMTP
 * path's scan and a release's rescan of a stored message each add their own).
 */
export interface MessageScan {
  /** clamd's address. */
  readonly scanner: string
  /** `body` is called once, only when the message is sent (a message over `maxSizeMB` is not). */
  readonly scanMessage: (size: number, body: () => Uint8Array | AsyncIterable<Uint8Array>) => Promise<VirusScanOutcome>
}

export const makeMessageScan = (settings: VirusSettings, base: string): MessageScan => {
  const c = settings.clamd
  const client = new Threat.ClamdClient(
    c.socket !== undefined
      ? { socket: resolve(base, c.socket), timeoutSeconds: c.timeoutSeconds }
      : { host: c.host, port: c.port ?? 3310, timeoutSeconds: c.timeoutSeconds }
  )
  const maxBytes = settings.maxSizeMB * MIB
  return {
    scanner: client.address,
    scanMessage: async (size, body) => {
      if (maxBytes > 0 && size > maxBytes)
        return { _tag: "Oversize", detail: `${size} bytes, over maxSizeMB ${settings.maxSizeMB}` }
      try {
        return outcomeOf(await client.scan(body()))
      } catch (error) {
        return { _tag: "Unavailable", reason: "error", detail: error instanceof Error ? error.message : String(error) }
      }
    }
  }
}

export const makeVirusScanner = (settings: VirusSettings, deps: VirusScanDeps): VirusScanner => {
  const { scanner, scanMessage } = makeMessageScan(settings, deps.base)
  // A message the head holds whole is sent from memory; a larger one is read from the spool file.
  const scanOnce = (spool: Smtp.Spool): Promise<VirusScanOutcome> =>
    scanMessage(spool.size, () => (spool.complete ? spool.head : spool.stream()))

  const scan: VirusScanner["scan"] = async (envelope, spool, earlier, queueId) => {
    const sparing = spared(settings, envelope.rcptTo, earlier)
    const base = { spared: sparing.recipients, sparedBy: sparing.by, scanner }
    if (envelope.rcptTo.length > 0 && sparing.recipients.size === envelope.rcptTo.length) {
      deps.metrics.prom.virusScan("skipped")
      return { ...base, scan: undefined, millis: 0 }
    }
    const started = deps.now()
    const outcome = await scanOnce(spool)
    const millis = deps.now() - started
    deps.metrics.prom.virusScan(outcome._tag.toLowerCase())
    if (outcome._tag === "Unavailable")
      deps.logger.warn("virus_scan_unavailable", {
        queue: queueId,
        scanner,
        reason: outcome.reason,
        detail: outcome.detail,
        action: settings.onUnavailable
      })
    else if (outcome._tag === "Oversize")
      deps.logger.warn("virus_scan_oversize", {
        queue: queueId,
        scanner,
        detail: outcome.detail,
        action: settings.onOversize
      })
    return { ...base, scan: outcome, millis }
  }

  return { scanner, settings, scan }
}
