/**
 * `mailmoat quarantine list|show|release|delete|confirm`: the quarantine the gateway writes
 * (embedded files, or Redis with `state.backend: redis`).
 *
 * `release` re-injects the message with its original envelope (downstream or Maildir) and only
 * then removes it; `confirm` marks it as spam. Both feed the content classifier when one is
 * available (release = ham, confirm = spam).
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const idArg = { name: "ID", help: "quarantine id (from quarantine list)" }

const list: CommandSpec = {
  name: "list",
  summary: "list quarantined messages, newest first",
  options: [
    configOption,
    { name: "limit", value: "N", help: "at most N entries (default 50)" },
    { name: "offset", value: "N", help: "skip the N newest entries (default 0)" },
    jsonOption
  ],
  run: (a) => import("../run/quarantine.ts").then((m) => m.runList(a))
}

const show: CommandSpec = {
  name: "show",
  summary: "show one entry: envelope, verdict, symbols (or the raw message)",
  positionals: [idArg],
  options: [configOption, { name: "raw", help: "print the message itself instead" }, jsonOption],
  run: (a) => import("../run/quarantine.ts").then((m) => m.runShow(a))
}

const releaseCommand: CommandSpec = {
  name: "release",
  summary: "deliver a quarantined message with its original envelope, then remove it",
  description:
    "Re-injects the message to the configured downstream (delivery.downstream) or into the Maildir, with the original MAIL FROM and the recipients it was quarantined for, and removes it from the quarantine once every recipient is accepted. The classifier learns it as ham when one is available. With antispam.virus the stored message is scanned with clamd first: a virus keeps it (and is recorded in the entry), clamd down follows antispam.virus.onUnavailable. A message held for a virus is released only with --allow-virus (logged at warn with the signature).",
  positionals: [idArg],
  options: [
    configOption,
    {
      name: "allow-virus",
      help: "release even a message held for a virus or found to carry one (the override is logged)"
    },
    jsonOption
  ],
  exitCodes: [
    "1  the downstream refused a recipient or could not be reached, the message carries a virus (without --allow-virus), or clamd is unavailable under onUnavailable: tempfail (the entry is kept)"
  ],
  run: (a) => import("../run/quarantine.ts").then((m) => m.runRelease(a))
}

const deleteCommand: CommandSpec = {
  name: "delete",
  summary: "remove a quarantined message without delivering it",
  positionals: [idArg],
  options: [configOption, jsonOption],
  run: (a) => import("../run/quarantine.ts").then((m) => m.runDelete(a))
}

const confirm: CommandSpec = {
  name: "confirm",
  summary: "mark a quarantined message as spam (the classifier learns it)",
  positionals: [idArg],
  options: [configOption, jsonOption],
  run: (a) => import("../run/quarantine.ts").then((m) => m.runConfirm(a))
}

const digest: CommandSpec = {
  name: "digest",
  summary: "send the quarantine digest now (one message per recipient with new quarantined mail)",
  description:
    "Sends what the gateway sends daily at quarantine.digest.at: each recipient with mail quarantined since their last digest gets one message listing it (sender, subject, date) with a signed link ({baseUrl}/q/...) to their own quarantine page, valid for quarantine.digest.linkTtlHours. Needs quarantine.digest.from and baseUrl (enabled only switches the daily run).",
  options: [configOption, jsonOption],
  exitCodes: ["1  a digest could not be delivered (retried by the next run)"],
  examples: ["mailmoat quarantine digest --config mailmoat.yaml"],
  run: (a) => import("../run/digest.ts").then((m) => m.runDigestNow(a))
}

export const quarantineCommand: CommandSpec = {
  name: "quarantine",
  summary: "list, inspect, release, delete or confirm quarantined messages; send the digest",
  description:
    "Works on the quarantine the gateway writes: files under quarantine.path (default <dataDir>/quarantine), or Redis when state.backend is redis.",
  subcommands: [list, show, releaseCommand, deleteCommand, confirm, digest]
}
