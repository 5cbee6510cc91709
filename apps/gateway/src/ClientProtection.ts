/**
 * Client protection: the `MessageScanner` the IMAP/POP3 proxies call for every whole message a
 * mail client fetches. Spam checks (content classifier, RBL on the Received chain, DNSBL on the
 * body, end-user blocklist) run through the antispam client profile; the threat scanner (clamd,
 * when `protocols.clamd` is set) runs beside it. The spam checks are those of the configuration
 * in force (`ProxyJudgement`): a reload reaches downloads as it reaches SMTP; the `protocols`
 * section (listeners, actions, clamd) is fixed at start. Then the `protocols` actions:
 *
 * - threat + `onThreat: replace`: each infected MIME part becomes a text notice
 *   (`Threat.replaceThreatParts`); a threat that cannot be tied to a part, or a part that cannot
 *   be replaced, blocks the whole message instead.
 * - threat + `onThreat: block`: the message becomes `Threat.blockNotice`.
 * - spam + `onSpam: tag`: our `X-Mailmoat-*` verdict headers on top, `[SPAM] ` in front of the
 *   Subject, forged `X-Mailmoat-*` fields removed; the body bytes are untouched.
 * - threat scanner unavailable (clamd down, timeout, size limit): the message passes with an
 *   `X-Mailmoat-Warning` header saying it was not scanned for threats (a fetch cannot be
 *   retried, so the IMAP/POP3 path never holds it back).
 * - anything else passes byte-identical (nothing is added to ham).
 *
 * Whenever the header block is edited, forged `X-Mailmoat-*` fields are removed first, so the
 * client only ever sees ours.
 *
 * **Why the threat scan is not a stage of the antispam module.** The module skips every stage
 * for messages over `antispam.maxScanSizeKB` and when `antispam.enabled` is false; a virus in a
 * large attachment must still be found. So the module only decides spam, and the threat scan
 * (which never fails: clamd problems are `THREAT_SCAN_UNAVAILABLE`) runs on its own.
 *
 * **Gotchas**
 * - Fail open: a fetch cannot be retried, so any error here passes the original bytes (logged).
 *   The proxy adds a deadline and a verdict cache on top (`MailProxy` ScanPolicy).
 * - Spam checks use the antispam client profile (`makeClientAntispam`): no bypass by client IP,
 *   session flag or directory (the "client" of a download is always this proxy), no temporary
 *   rejection (a download cannot be deferred), and no action of its own (the tag is applied
 *   here). It judges the message as a whole: a download has no SMTP recipients.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { GatewayLog } from "./Log.ts"
import { Threat } from "@mailmoat/antispam"
import type { GatewayConfig } from "@mailmoat/antispam"
import { Envelope, type Message, MessageModel, Policy, type Verdict } from "@mailmoat/core"
import type { MailProxy } from "@mailmoat/protocols"
import { Context } from "effect"
import type { JudgementSource } from "./ProxyJudgement.ts"
import * as Runner from "./runtime/Runner.ts"

export interface ClientProtectionServices {
  readonly logger: GatewayLog
  /**
   * The spam judgement of the configuration in force (its lists, zones, scores and classifier,
   * on the resolver and lists SMTP asks): a reload switches it for the next download.
   */
  readonly judgement: JudgementSource
}

export interface ClientScannerCounters {
  scanned: number
  passed: number
  tagged: number
  threatsReplaced: number
  threatsBlocked: number
  threatScanUnavailable: number
  failures: number
}

export interface ClientScanner {
  readonly scanner: MailProxy.MessageScanner
  readonly status: () => Readonly<Record<string, unknown>>
}

const SUBJECT_PREFIX = "[SPAM] "
const RULE = "client protection: spam, onSpam=tag"
const PASS: MailProxy.ScanOutcome = { kind: "pass" }
const rewrite = (bytes: Uint8Array): MailProxy.ScanOutcome => ({ kind: "rewrite", bytes })

/**
 * The envelope of a fetched message. The proxy is the "client" and our own address, so the
 * Received walk (SpamAssassin trust path) treats that first hop as ours and steps into the top
 * Received header: the one the user's mail provider wrote when it accepted the message. The
 * provider is the party the user trusts with their mail, so the IP it recorded is the last
 * identified sender, the address RBLs judge (further provider-internal hops belong in
 * `antispam.received.trustedNetworks`).
 */
const downloadEnvelope = (): Envelope.Envelope =>
  Envelope.make({ clientAddress: "127.0.0.1", localAddress: "127.0.0.1" })

const clamdOptions = (clamd: NonNullable<GatewayConfig.ProtocolsConfig["clamd"]>) =>
  clamd.socket !== undefined
    ? { socket: clamd.socket, timeoutSeconds: clamd.timeoutSeconds }
    : { host: clamd.host, port: clamd.port ?? 3310, timeoutSeconds: clamd.timeoutSeconds }

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** `bytes` with its header block edited (forged `X-Mailmoat-*` removed); the body bytes follow unchanged. */
const editHeaders = (
  bytes: Uint8Array,
  message: Message,
  edit: { readonly prepend: ReadonlyArray<readonly [string, string]>; readonly subjectPrefix?: string | undefined }
): Uint8Array => {
  const end = MessageModel.HeaderEdit.headerBlockEnd(bytes) ?? bytes.length
  const forged = [
    ...new Set(message.headers.list.map((h) => h.name.toLowerCase()).filter((n) => n.startsWith("x-mailmoat-")))
  ]
  const block = MessageModel.HeaderEdit.editHeaderBlock(bytes.subarray(0, end), { ...edit, remove: forged })
  return concat(block, bytes.subarray(end))
}

/**
 * `onThreat: replace`: the message with every infected part swapped for a notice, or undefined
 * when some threat cannot be replaced (not isolated to a part, or outside the bytes).
 */
const replaced = (
  bytes: Uint8Array,
  message: Message,
  threats: ReadonlyArray<Threat.Threat>
): Uint8Array | undefined => {
  if (threats.some((t) => t.partIndex === undefined)) return undefined
  const bySignature = new Map(threats.map((t) => [t.partIndex!, t.signature]))
  const result = Threat.replaceThreatParts(bytes, message.mime, [...bySignature.keys()], (index, part) =>
    Threat.partNotice(bySignature.get(index)!, part.filename)
  )
  return result.replaced.length === bySignature.size ? result.bytes : undefined
}

export const makeClientScanner = (config: GatewayConfig.Config, services: ClientProtectionServices): ClientScanner => {
  const { logger } = services
  const p = config.protocols
  const counters: ClientScannerCounters = {
    scanned: 0,
    passed: 0,
    tagged: 0,
    threatsReplaced: 0,
    threatsBlocked: 0,
    threatScanUnavailable: 0,
    failures: 0
  }

  const clamd = p.clamd ? new Threat.ClamdClient(clamdOptions(p.clamd)) : undefined

  // The judgement runs on the default services, as `Effect.runPromise` would, without its
  // promise chain when it has nothing to wait for.
  const run = Runner.make(Context.empty())
  // Spam checks only matter when spam is acted on: with `onSpam: none` no configuration builds a
  // judgement, and nothing is scanned for it.
  const spamVerdict = async (message: Message): Promise<Verdict | undefined> => {
    const held = services.judgement.hold()
    try {
      return held.judgement === undefined ? undefined : (await run(held.judgement.module.judge(message))).verdict
    } finally {
      held.release()
    }
  }

  const threatFacts = async (message: Message): Promise<Threat.ThreatFacts | undefined> => {
    if (clamd === undefined) return undefined
    const result = await Threat.scanMessage(clamd, message, { clamd })
    const facts = result.facts as Threat.ThreatFacts | undefined
    if (facts?.unavailable) {
      counters.threatScanUnavailable++
      logger.warn("threat_scan_unavailable", {
        text: `client-protection: threat scanner ${clamd.address} unavailable (${facts.unavailable.reason}: ${facts.unavailable.detail}); message passed with a warning header`
      })
    }
    return facts
  }

  const scanner: MailProxy.MessageScanner = async ({ bytes, key }) => {
    counters.scanned++
    try {
      const message = MessageModel.fromBytes(bytes, { envelope: downloadEnvelope(), size: bytes.length })
      const [verdict, threat] = await Promise.all([spamVerdict(message), threatFacts(message)])
      let out: Uint8Array | undefined
      const threats = threat?.threats ?? []
      if (threats.length > 0) {
        out = p.onThreat === "replace" ? replaced(bytes, message, threats) : undefined
        if (out === undefined) {
          counters.threatsBlocked++
          logger.info("threat_blocked", {
            message: key.slice(0, 16),
            threats: threats.map((t) => t.signature).join(", ")
          })
          return rewrite(Threat.blockNotice({ headers: message.headers, threats }))
        }
        counters.threatsReplaced++
        logger.info("threat_replaced", {
          message: key.slice(0, 16),
          parts: threats.length,
          threats: threats.map((t) => t.signature).join(", ")
        })
      }
      const spam = verdict?.class === "spam" ? verdict : undefined
      const warning = threat?.unavailable
        ? ([
            ["X-Mailmoat-Warning", `not scanned for threats (scanner unavailable: ${threat.unavailable.reason})`]
          ] as const)
        : []
      if (spam) counters.tagged++
      if (spam || warning.length > 0)
        out = editHeaders(out ?? bytes, message, {
          prepend: [...(spam ? Policy.verdictHeaders(spam, RULE) : []), ...warning],
          subjectPrefix: spam ? SUBJECT_PREFIX : undefined
        })
      if (out === undefined) {
        counters.passed++
        return PASS
      }
      return rewrite(out)
    } catch (error) {
      counters.failures++
      logger.error("client_scan_failed", {
        error: error instanceof Error ? error.message : String(error),
        text: "message passed unchanged"
      })
      return PASS
    }
  }

  return {
    scanner,
    status: () => ({
      onSpam: p.onSpam,
      onThreat: p.onThreat,
      classifier: services.judgement.current()?.classifier === true ? "on" : "off",
      threatScanner: clamd ? clamd.address : "off",
      counters: { ...counters }
    })
  }
}
