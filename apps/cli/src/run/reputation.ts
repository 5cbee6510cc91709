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

/** The key as the store writes it, and where to ask about it. */
const prepare = async (a: Parsed) => {
  const parsed = Reputation.KeyText.parse(a.positionals.KEY ?? "")
  if (!parsed.ok) throw new InputError([parsed.error])
  const access = await openReputation(loadConfig(opt.string(a, "config")), opt.string(a, "url"))
  return { key: parsed.key.key, access }
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

export const runReset = async (a: Parsed): Promise<number> => {
  const { key, access } = await prepare(a)
  const outcome = (await access.reset(key)) as { readonly existed?: unknown; readonly networkKept?: unknown }
  if (opt.flag(a, "json")) {
    printJson(outcome)
    return EXIT_OK
  }
  print(outcome.existed ? `reset ${key}: its history is deleted` : `reset ${key}: it had no history`)
  if (typeof outcome.networkKept === "string")
    print(`(its network ${outcome.networkKept} keeps its history: reset it by naming it)`)
  return EXIT_OK
}
