/**
 * Re-injects a quarantined message where the gateway would have delivered it, with the original
 * envelope: the gateway's own release judgement (a message held for a virus needs
 * `--allow-virus`; with `antispam.virus` the stored message is scanned again first) and
 * re-injection (downstream or Maildir), with the settings of this configuration. The gateway's
 * warn lines (a refusal, a virus released by the override) are written to stderr.
 *
 * @since 0.1.0
 */
import { userInfo } from "node:os"
import type { QuarantineStoredMessage, QuarantineStoreShape } from "@mailmoat/core"
import { gatewaySettings, type LoadedConfig } from "./Config.ts"
import { warn } from "./Io.ts"

export interface ReleaseResult {
  readonly destination: string
  readonly accepted: ReadonlyArray<string>
  readonly refused: ReadonlyArray<{ readonly recipient: string; readonly reply: string }>
  /** The rescan's result: `clean`, `found <signature>`, `not scanned (...)`, `off`. */
  readonly scan: string
  /** The virus an admin's `--allow-virus` let out (its signature); such a release is never learned as ham. */
  readonly virus?: string | undefined
  /** Writes the release's log line (once the entry is removed). */
  readonly logReleased: () => void
}

const who = (): string => {
  try {
    return `mailmoat CLI (user ${userInfo().username})`
  } catch {
    return `mailmoat CLI (uid ${process.getuid?.() ?? "?"})`
  }
}

/** Rejects with the gateway's `ReleaseRefused` when the judgement keeps the message. */
export const release = async (
  config: LoadedConfig,
  store: QuarantineStoreShape,
  entry: QuarantineStoredMessage,
  options: { readonly allowVirus: boolean }
): Promise<ReleaseResult> => {
  const settings = await gatewaySettings(config)
  const { Log, ReleaseScan, reinject } = await import("@mailmoat/gateway")
  // stderr gets what an admin must see: refusals, and a virus let out by the override.
  const logger = Log.make({ level: "warn", format: "text" }, warn, Date.now)
  const by = who()
  const verdict = await ReleaseScan.judgeRelease(
    { scanner: ReleaseScan.releaseScanner(settings, config.base), store, logger },
    entry,
    { by, recipient: false, allowVirus: options.allowVirus }
  )
  const result = await reinject(
    settings.delivery,
    settings.smtp.hostname,
    ReleaseScan.withHeaders(entry, verdict.addHeaders)
  )
  return {
    ...result,
    scan: verdict.scan,
    virus: verdict.virus,
    logReleased: () => ReleaseScan.logReleased(logger, { id: entry.meta.id, to: result.accepted, by }, verdict)
  }
}
