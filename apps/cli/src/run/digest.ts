/**
 * Implementation of `mailmoat quarantine digest` (declared in ../commands/quarantine.ts, loaded
 * on use): sends the quarantine digest now, exactly as the gateway does at
 * `quarantine.digest.at` (one message per recipient with newly quarantined mail, through the
 * configured delivery, with a signed link to the recipient's own quarantine page).
 *
 * @since 0.1.0
 */
import { now } from "../cli/Time.ts"
import { messageOf } from "../cli/Common.ts"
import { gatewaySettings, loadConfig } from "../cli/Config.ts"
import { EXIT_OK, InputError, RuntimeFailure } from "../cli/Errors.ts"
import { print, printJson } from "../cli/Io.ts"
import { openQuarantine } from "../cli/QuarantineAccess.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

export const runDigestNow = async (a: Parsed): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const digest = config.config.quarantine.digest
  const missing = [
    ...(digest.from === undefined ? ["quarantine.digest.from: expected the sender address of the digest"] : []),
    ...(digest.baseUrl === undefined
      ? ["quarantine.digest.baseUrl: expected the public URL of the quarantine pages"]
      : [])
  ]
  if (missing.length > 0) throw new InputError(missing)
  const settings = await gatewaySettings(config)
  const { runDigest, SharedState } = await import("@mailmoat/gateway")
  const store = await openQuarantine(config)
  // With Redis the links are signed with the fleet's key, so they open on every node, and the
  // fleet's ledger says what was sent already and keeps a node's daily run from sending at once.
  const shared = SharedState.openSharedWeb(settings.state)
  let results: Awaited<ReturnType<typeof runDigest>>
  try {
    results = await runDigest(settings, store, now(), { key: shared?.digestKey, ledger: shared?.digestLedger })
  } catch (e) {
    throw new RuntimeFailure(`digest failed: ${messageOf(e)}`)
  } finally {
    await Promise.all([store.close(), shared?.close()])
  }
  const failed = results.filter((r) => !r.sent)
  if (opt.flag(a, "json")) printJson({ digests: results })
  else {
    if (results.length === 0) print("no recipient has newly quarantined mail: no digest sent")
    for (const r of results)
      print(
        `${r.sent ? "sent" : "FAILED"} ${r.recipient}: ${r.messages} ${r.messages === 1 ? "message" : "messages"}${r.error ? ` (${r.error})` : ""}`
      )
  }
  if (failed.length > 0)
    throw new RuntimeFailure(
      `${failed.length} of ${results.length} digests could not be delivered (the next run retries them)`
    )
  return EXIT_OK
}
