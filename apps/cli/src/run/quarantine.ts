/**
 * Implementation of the commands declared in ../commands/quarantine.ts (loaded on use).
 *
 * `mailmoat quarantine list|show|release|delete|confirm`: the quarantine the gateway writes
 * (embedded files, or Redis with `state.backend: redis`).
 *
 * `release` re-injects the message with its original envelope (downstream or Maildir) and only
 * then removes it, once the gateway's release judgement lets it out (a message held for a virus
 * needs `--allow-virus`; with `antispam.virus` it is scanned again first); `confirm` marks it as
 * spam. Both feed the content classifier when one is
 * available (release = ham, confirm = spam).
 *
 * @since 0.1.0
 */
import type { QuarantineMeta, QuarantineStoreShape } from "@mailmoat/core"
import { messageOf } from "../cli/Common.ts"
import { type LoadedConfig, loadConfig } from "../cli/Config.ts"
import { EXIT_OK, InputError, RuntimeFailure, UsageError } from "../cli/Errors.ts"
import { print, printJson, table } from "../cli/Io.ts"
import { learnFromQuarantine } from "../cli/Learning.ts"
import { openQuarantine } from "../cli/QuarantineAccess.ts"
import { release } from "../cli/Release.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

/** Opens the store, runs `f`, always closes; store errors become clear one-line failures. */
const withStore = async (
  a: Parsed,
  f: (store: QuarantineStoreShape, config: LoadedConfig) => Promise<number>
): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const store = await openQuarantine(config)
  try {
    return await f(store, config)
  } catch (e) {
    const reason = (e as { reason?: string }).reason
    if (reason === "NotFound" || reason === "BadId") throw new InputError([messageOf(e)])
    // Another release delivered it (or is delivering it): the operation did not happen here.
    if (reason === "Released") throw new RuntimeFailure(messageOf(e))
    if (e instanceof UsageError || e instanceof InputError || e instanceof RuntimeFailure) throw e
    if (reason !== undefined) throw new RuntimeFailure(messageOf(e))
    throw e
  } finally {
    await store.close()
  }
}

const verdictText = (m: QuarantineMeta) => (m.verdict ? `${m.verdict.class} ${m.verdict.score.toFixed(1)}` : "-")

const nonNegativeInt = (a: Parsed, name: string, d: number): number => {
  const v = opt.string(a, name)
  if (v === undefined) return d
  if (!/^\d+$/.test(v))
    throw new UsageError(`--${name} must be a whole number (got ${JSON.stringify(v)})`, "quarantine list")
  return Number(v)
}

export const runList = (a: Parsed): Promise<number> =>
  withStore(a, async (store) => {
    const page = await store.list({ limit: nonNegativeInt(a, "limit", 50), offset: nonNegativeInt(a, "offset", 0) })
    if (opt.flag(a, "json")) {
      printJson({ store: store.describe, total: page.total, entries: page.entries })
      return EXIT_OK
    }
    print(`${page.total} quarantined ${page.total === 1 ? "message" : "messages"} (${store.describe})`)
    if (page.entries.length > 0) {
      const rows = page.entries.map((m) => [
        m.id,
        m.storedAt.replace("T", " ").slice(0, 19),
        m.envelope.mailFrom || "<>",
        m.recipients.join(","),
        m.subject ?? "",
        verdictText(m),
        m.confirmedAt ? "yes" : ""
      ])
      for (const line of table(["id", "stored (UTC)", "from", "to", "subject", "verdict", "confirmed"], rows, 40))
        print(line)
    }
    return EXIT_OK
  })

export const runShow = (a: Parsed): Promise<number> =>
  withStore(a, async (store) => {
    const entry = await store.get(a.positionals.ID!)
    if (opt.flag(a, "raw")) {
      for await (const chunk of entry.stream()) process.stdout.write(chunk)
      return EXIT_OK
    }
    const m = entry.meta
    if (opt.flag(a, "json")) {
      printJson(m)
      return EXIT_OK
    }
    print(`id          ${m.id}`)
    print(`stored      ${m.storedAt}${m.confirmedAt ? `   confirmed spam ${m.confirmedAt}` : ""}`)
    print(`reason      ${m.reason}`)
    print(`client      ${m.envelope.clientAddress}${m.envelope.helo ? ` (HELO ${m.envelope.helo})` : ""}`)
    print(`mail from   <${m.envelope.mailFrom}>`)
    print(
      `recipients  ${m.recipients.join(", ")}${m.recipients.length !== m.envelope.rcptTo.length ? ` (of ${m.envelope.rcptTo.join(", ")})` : ""}`
    )
    print(`from        ${m.from ?? ""}`)
    print(`subject     ${m.subject ?? ""}`)
    print(`size        ${m.size} bytes`)
    print(
      `verdict     ${verdictText(m)}${m.verdict?.probability !== undefined ? ` (p=${m.verdict.probability.toFixed(3)})` : ""}`
    )
    for (const line of table(
      ["symbol", "score", "source", "detail"],
      (m.verdict?.symbols ?? []).map((s) => [s.name, s.score.toFixed(2), s.source, s.detail ?? ""]),
      70
    ))
      print(`  ${line}`)
    return EXIT_OK
  })

export const runRelease = (a: Parsed): Promise<number> =>
  withStore(a, async (store, config) => {
    const id = a.positionals.ID!
    // The claim makes one of several concurrent releases deliver; the others end here.
    const claim = await store.claim(id)
    let done = false
    try {
      const entry = await store.get(id)
      let result: Awaited<ReturnType<typeof release>>
      try {
        result = await release(config, store, entry, { allowVirus: opt.flag(a, "allow-virus") })
      } catch (e) {
        // A refusal (a virus, clamd down) says itself why the message stays.
        if ((e as { kind?: unknown }).kind !== undefined) throw new RuntimeFailure(`release of ${id}: ${messageOf(e)}`)
        throw new RuntimeFailure(`release of ${id} failed, the message stays in the quarantine: ${messageOf(e)}`)
      }
      if (result.refused.length > 0) {
        const detail = result.refused.map((r) => `${r.recipient}: ${r.reply}`).join("; ")
        throw new RuntimeFailure(
          `release of ${id}: ${result.destination} refused ${detail}${result.accepted.length > 0 ? `; delivered to ${result.accepted.join(", ")}` : ""}; the message stays in the quarantine`
        )
      }
      // Learn before removing: the message bytes are read from the entry. A virus (let out by
      // --allow-virus) is delivered but never taught as ham.
      const learned =
        result.virus !== undefined
          ? (await import("@mailmoat/gateway")).virusNotLearned(result.virus)
          : await learnFromQuarantine(config, entry, "ham")
      await claim.complete()
      done = true
      result.logReleased()
      if (opt.flag(a, "json"))
        printJson({
          id,
          released: true,
          destination: result.destination,
          recipients: result.accepted,
          scan: result.scan,
          learned
        })
      else
        print(
          `released ${id} to ${result.destination} for ${result.accepted.join(", ")}${result.scan === "off" ? "" : ` (virus scan: ${result.scan})`}; ${learned}`
        )
      return EXIT_OK
    } finally {
      if (!done) await claim.abandon().catch(() => {})
    }
  })

export const runDelete = (a: Parsed): Promise<number> =>
  withStore(a, async (store) => {
    const id = a.positionals.ID!
    await store.remove(id)
    if (opt.flag(a, "json")) printJson({ id, deleted: true })
    else print(`deleted ${id}`)
    return EXIT_OK
  })

export const runConfirm = (a: Parsed): Promise<number> =>
  withStore(a, async (store, config) => {
    const id = a.positionals.ID!
    const entry = await store.get(id)
    const meta = await store.markConfirmed(id)
    const learned = await learnFromQuarantine(config, entry, "spam")
    if (opt.flag(a, "json")) printJson({ id, confirmedAt: meta.confirmedAt, learned })
    else print(`confirmed ${id} as spam; ${learned}`)
    return EXIT_OK
  })
