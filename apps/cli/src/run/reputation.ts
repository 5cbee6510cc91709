/**
 * Implementation of the commands declared in ../commands/reputation.ts (loaded on use): the key
 * is checked here first (exit 2 without asking anyone), then the gateway's admin API answers, or
 * Redis with `state.backend: redis` (`ReputationAccess`).
 *
 * @since 0.1.0
 */
import { Reputation } from "@mailmoat/antispam"
import { loadConfig } from "../cli/Config.ts"
import { EXIT_OK, InputError } from "../cli/Errors.ts"
import { print, printJson } from "../cli/Io.ts"
import { openReputation } from "../cli/ReputationAccess.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

const accessOf = (a: Parsed) => openReputation(loadConfig(opt.string(a, "config")), opt.string(a, "url"))

/** The key as the store writes it, and where to ask about it. */
const prepare = async (a: Parsed) => {
  const parsed = Reputation.KeyText.parse(a.positionals.KEY ?? "")
  if (!parsed.ok) throw new InputError([parsed.error])
  return { key: parsed.key.key, access: await accessOf(a) }
}

const describeKey = (k: Reputation.History.KeyReport, minMessages: number): string => {
  const counts = `${k.spam} spam / ${k.ham} ham (decayed), spam ratio ${k.spamRatio}`
  const scored = k.symbol
    ? `${k.symbol.name} ${k.symbol.score}`
    : k.scores
      ? "nothing (an even history or a zero weight)"
      : `nothing (below minMessages ${minMessages})`
  return `${k.key}: ${counts}; a message now: ${scored}`
}

export const runShow = async (a: Parsed): Promise<number> => {
  const { key, access } = await prepare(a)
  const report = (await access.show(key)) as unknown as Reputation.History.Report
  if (opt.flag(a, "json")) printJson(report)
  else for (const k of report.keys) print(describeKey(k, report.minMessages))
  return EXIT_OK
}

const resetLine = (key: string, existed: unknown) =>
  existed ? `reset ${key}: its history is deleted` : `reset ${key}: it had no history`

export const runReset = async (a: Parsed): Promise<number> => {
  const { key, access } = await prepare(a)
  const outcome = (await access.reset(key, opt.flag(a, "with-network"))) as {
    readonly existed?: unknown
    readonly networkKept?: unknown
    readonly network?: { readonly key: string; readonly existed: boolean }
  }
  if (opt.flag(a, "json")) {
    printJson(outcome)
    return EXIT_OK
  }
  print(resetLine(key, outcome.existed))
  if (outcome.network !== undefined) print(resetLine(outcome.network.key, outcome.network.existed))
  if (typeof outcome.networkKept === "string")
    print(`(its network ${outcome.networkKept} keeps its history: reset it with --with-network, or by naming it)`)
  return EXIT_OK
}

export const runList = async (a: Parsed): Promise<number> => {
  const given: Record<string, string> = {}
  for (const name of ["kind", "order", "limit", "cursor"]) {
    const v = opt.string(a, name)
    if (v !== undefined) given[name] = v
  }
  // Checked here first, as the gateway would: a bad query is exit 2 without asking anyone.
  const parsed = Reputation.Listing.parseQuery((name) => given[name])
  if (!parsed.ok) throw new InputError([parsed.error])
  const page = (await (await accessOf(a)).list(given)) as Reputation.Listing.ListPage
  if (opt.flag(a, "json")) {
    printJson(page)
    return EXIT_OK
  }
  if (page.keys.length === 0) print(`no ${page.kind} keys on this page (${page.ranked} ranked)`)
  for (const k of page.keys) {
    print(describeKey(k, page.minMessages))
    if (k.network !== undefined) print(`  ${describeKey(k.network, page.minMessages)}`)
  }
  if (page.next !== null) print(`(more: --cursor ${page.next})`)
  return EXIT_OK
}
