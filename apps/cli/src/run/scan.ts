/**
 * Implementation of the commands declared in ../commands/scan.ts (loaded on use).
 *
 * `mailmoat scan FILE|-`: runs the configured pipeline (the server antispam module with the
 * configuration's `antispam` section, the imported lists, and the content classifier when one
 * is available) on one message, as the gateway would on receiving it with the given envelope,
 * and prints the verdict, the action per recipient, every symbol, the hop table and the
 * per-list answers. Exit 1 when the verdict is spam.
 *
 * @since 0.1.0
 */
import { now } from "../cli/Time.ts"
import { readFileSync } from "node:fs"
import type { Auth } from "@mailmoat/antispam"
import type { Action, RecipientOutcome, StageTrace, Verdict } from "@mailmoat/core"
import { Envelope, IpAddress, MessageModel } from "@mailmoat/core"
import { Effect } from "effect"
import { messageOf } from "../cli/Common.ts"
import { loadConfig } from "../cli/Config.ts"
import { classifierNote, wireEngine } from "../cli/Wiring.ts"
import { envelopeFromHeaders, prepare } from "../cli/Eml.ts"
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from "../cli/Errors.ts"
import { print, printJson, readStdin, table } from "../cli/Io.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

const ADDRESS = /^[^\s<>@,;]+@[^\s<>@,;]+$/

const describeAction = (a: Action.Action): string => {
  switch (a._tag) {
    case "Deliver":
      return `deliver${a.addHeaders.length > 0 ? ` (adds ${a.addHeaders.map(([n]) => n).join(", ")})` : ""}${a.subjectPrefix ? ` subject prefix ${JSON.stringify(a.subjectPrefix)}` : ""}`
    case "Quarantine":
      return `quarantine (250, kept in the quarantine): ${a.reason}`
    case "Reject":
      return `reject (550 5.7.1): ${a.reason}`
    case "Drop":
      return `drop (250, discarded, no bounce): ${a.reason}`
    case "Tempfail":
      return `temporary rejection (451 4.7.1): ${a.reason}`
  }
}

/** The verdict that counts for the exit code and the headline: the worst over recipients. */
const headline = (outcomes: ReadonlyArray<RecipientOutcome>): Verdict => {
  const rank = { spam: 2, unsure: 1, ham: 0 } as const
  return outcomes.reduce(
    (worst, o) => (rank[o.verdict.class] > rank[worst.class] ? o.verdict : worst),
    outcomes[0]!.verdict
  )
}

const factsOf = (trace: ReadonlyArray<StageTrace>, key: string): Array<{ stage: string; value: unknown }> =>
  trace.flatMap((t) => (t.facts && t.facts[key] !== undefined ? [{ stage: t.stage, value: t.facts[key] }] : []))

const readInput = async (file: string): Promise<Uint8Array> => {
  try {
    return file === "-" ? await readStdin() : readFileSync(file)
  } catch (e) {
    throw new InputError([`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? messageOf(e)}`])
  }
}

/** One row per SPF identity, DKIM signature, DMARC and ARC. */
const authRows = (f: Auth.AuthFacts): Array<Array<string>> => {
  const spf = [f.spf.mailFrom, ...(f.spf.helo ? [f.spf.helo] : [])].map((s) => [
    `spf (${s.scope})`,
    s.result,
    s.identity,
    `${s.domain} for ${f.clientIp}`
  ])
  const dkim =
    f.dkim.length === 0
      ? [["dkim", "none", "", "message not signed"]]
      : f.dkim.map((d) => [
          "dkim",
          d.result,
          `d=${d.domain} s=${d.selector}`,
          `${d.algorithm}${d.aligned ? " aligned" : ""}${d.comment ? ` ${d.comment}` : ""}`
        ])
  const dm = f.dmarc
  const dmarc = dm
    ? [
        [
          "dmarc",
          dm.result,
          dm.fromDomain,
          dm.policy
            ? `p=${dm.p} sp=${dm.sp} pct=${dm.pct} applies ${dm.policy}${dm.result === "fail" ? ` -> ${dm.applied}` : ""}; aligned spf=${dm.alignment.spf.domain ?? "-"}${dm.alignment.spf.strict ? " (strict)" : ""} dkim=${dm.alignment.dkim.domain ?? "-"}${dm.alignment.dkim.strict ? " (strict)" : ""}`
            : (dm.comment ?? "")
        ]
      ]
    : [["dmarc", "none", "", "no single From domain"]]
  // A passing chain's comment only repeats what the sealer claimed.
  const arc = [
    [
      "arc",
      f.arc.result,
      f.arc.sealer ?? "",
      `i=${f.arc.instance}${f.arc.comment && f.arc.result !== "pass" ? ` ${f.arc.comment}` : ""}`
    ]
  ]
  return [...spf, ...dkim, ...dmarc, ...arc]
}

export const runScan = async (a: Parsed): Promise<number> => {
  const file = a.positionals.FILE!
  const config = loadConfig(opt.string(a, "config"))
  const clientIpArg = opt.string(a, "client-ip")
  if (clientIpArg !== undefined && !IpAddress.parse(clientIpArg))
    throw new UsageError(`--client-ip: ${JSON.stringify(clientIpArg)} is not an IP address`, "scan")
  const fromArg = opt.string(a, "from")
  if (fromArg !== undefined && fromArg !== "<>" && !ADDRESS.test(fromArg))
    throw new UsageError(
      `--from: ${JSON.stringify(fromArg)} is not a mail address (use <> for the null sender)`,
      "scan"
    )
  const rcptArgs = opt.list(a, "rcpt")
  for (const r of rcptArgs)
    if (!ADDRESS.test(r)) throw new UsageError(`--rcpt: ${JSON.stringify(r)} is not a mail address`, "scan")

  const bytes = prepare(await readInput(file))
  if (bytes.length === 0) throw new InputError([`${file}: empty message`])
  const fromHeaders = envelopeFromHeaders(bytes)
  const rcptTo = rcptArgs.length > 0 ? rcptArgs : fromHeaders.rcptTo
  if (rcptTo.length === 0)
    throw new InputError([`${file}: no recipient: the message has no To or Cc address; give --rcpt ADDR`])
  // Without --client-ip the message is scanned as if it came from the host the top-most
  // Received header recorded (what the receiving server saw), else from the loopback.
  const probe = MessageModel.fromBytes(bytes, { envelope: Envelope.make({ clientAddress: "127.0.0.1" }) })
  const top = probe.received.find((h) => h.ip !== undefined)
  const envelope = Envelope.make({
    clientAddress: clientIpArg ?? top?.ip ?? "127.0.0.1",
    helo: opt.string(a, "helo") ?? (clientIpArg === undefined ? top?.helo : undefined) ?? "unknown",
    mailFrom: fromArg === "<>" ? "" : (fromArg ?? fromHeaders.mailFrom ?? ""),
    rcptTo,
    receivedAt: now()
  })
  const message = MessageModel.fromBytes(bytes, { envelope, size: bytes.length })
  // The gateway's own wiring (plugins, state stores, lists, classifier), without listeners.
  const wiring = await wireEngine(config, { verbose: opt.flag(a, "verbose") })
  const protection = wiring.protection!
  let outcomes: ReadonlyArray<RecipientOutcome>
  try {
    outcomes = await Effect.runPromise(protection.module.evaluate(message))
  } finally {
    await wiring.close()
  }
  const classifier = { note: classifierNote(protection.status()) }
  const verdict = headline(outcomes)
  const trace = outcomes.flatMap((o) => o.verdict.trace).filter((t, i, all) => all.indexOf(t) === i)
  const hops = factsOf(trace, "hops").flatMap((f) => f.value as ReadonlyArray<Record<string, unknown>>)
  const lists = factsOf(trace, "lists").flatMap((f) =>
    (f.value as ReadonlyArray<Record<string, unknown>>).map((row): Record<string, unknown> & { stage: string } => ({
      stage: f.stage,
      ...row
    }))
  )
  const symbols = verdict.symbols
  const auth = factsOf(trace, "auth")[0]?.value as Auth.AuthFacts | undefined

  if (opt.flag(a, "json")) {
    printJson({
      file,
      envelope: {
        clientAddress: envelope.clientAddress,
        helo: envelope.helo,
        mailFrom: envelope.mailFrom,
        rcptTo: envelope.rcptTo
      },
      verdict: {
        class: verdict.class,
        score: verdict.score,
        ...(verdict.probability !== undefined ? { probability: verdict.probability } : {}),
        ...(verdict.decidedBy ? { decidedBy: verdict.decidedBy } : {})
      },
      recipients: outcomes.map((o) => ({
        recipient: o.recipient,
        class: o.verdict.class,
        score: o.verdict.score,
        action: o.action,
        rule: o.rule
      })),
      symbols,
      hops,
      lists,
      ...(auth ? { auth } : {}),
      trace: trace.map((t) => ({
        stage: t.stage,
        phase: t.phase,
        outcome: t.outcome,
        millis: t.millis,
        symbols: t.symbols.map((s) => s.name),
        ...(t.facts ? { facts: t.facts } : {})
      })),
      ...(classifier.note ? { classifier: classifier.note } : {})
    })
  } else {
    print(
      `verdict    ${verdict.class.toUpperCase()}  score ${verdict.score.toFixed(2)}${verdict.probability !== undefined ? `  p(spam) ${verdict.probability.toFixed(3)}` : ""}`
    )
    print(`envelope   client ${envelope.clientAddress}  HELO ${envelope.helo}  MAIL FROM <${envelope.mailFrom}>`)
    if (classifier.note) print(`classifier ${classifier.note}`)
    print("")
    print("action per recipient:")
    for (const o of outcomes) print(`  ${o.recipient}: ${describeAction(o.action)}  [${o.rule}]`)
    print("")
    print(`symbols (${symbols.length}):`)
    if (symbols.length > 0)
      for (const l of table(
        ["symbol", "score", "source", "detail"],
        symbols.map((s) => [s.name, s.score.toFixed(2), s.source, s.detail ?? ""]),
        70
      ))
        print(`  ${l}`)
    print("")
    print("sender authentication:")
    if (auth === undefined) print("  (not checked)")
    else for (const l of table(["method", "result", "identity", "detail"], authRows(auth), 70)) print(`  ${l}`)
    print("")
    print("hops (Received chain, newest first):")
    if (hops.length === 0) print("  (none analysed)")
    else
      for (const l of table(
        ["source", "ip", "helo", "trusted", "status", "checked", "why"],
        hops.map((h) => [
          String(h.source ?? ""),
          String(h.ip ?? "-"),
          String(h.helo ?? ""),
          h.trusted ? "yes" : "no",
          String(h.status ?? ""),
          h.selected ? "yes" : "no",
          String(h.why ?? "")
        ]),
        50
      ))
        print(`  ${l}`)
    print("")
    print("list answers:")
    if (lists.length === 0) print("  (no list was asked)")
    else
      for (const l of table(
        ["stage", "list", "query", "answer", "time"],
        lists.map((r) => [
          r.stage,
          String(r.list ?? ""),
          `${String(r.value ?? "")} (${String(r.origin ?? r.kind ?? "")})`,
          String(r.answer ?? ""),
          `${String(r.millis ?? "")} ms${r.answeredInTime === false ? " (late)" : ""}`
        ]),
        60
      ))
        print(`  ${l}`)
  }
  return verdict.class === "spam" ? EXIT_FINDINGS : EXIT_OK
}
