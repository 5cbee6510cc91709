/**
 * `mailmoat reputation show|reset KEY`: a source's reputation history (`antispam.reputation`),
 * asked of the running gateway's admin API, which holds it (its memory, the primary's, or Redis)
 * and scores it with the stage's own code; with `state.backend: redis` (and no `--url`), of Redis
 * directly, with the same code.
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const keyArg = {
  name: "KEY",
  help: "an IP address, a /24 or /64 network, or an (authenticated sender) domain; ip:, net:, domain: prefixes as in the store"
}
const urlOption = {
  name: "url",
  value: "URL",
  help: "ask the gateway's admin API at URL (default http://<admin.host>:<admin.port>; with state.backend: redis, Redis itself)"
}
const exitCodes = [
  "1  the gateway cannot be reached, or the reputation store (Redis) is down",
  "2  a malformed KEY, reputation or the admin API off, no or a wrong admin token"
]

const show: CommandSpec = {
  name: "show",
  summary: "a key's decayed ham/spam counts, spam ratio and the symbol a message would get now",
  description:
    "Asks the running gateway (its admin API, with the configuration's admin token) for the history of KEY: the decayed ham and spam counts, the smoothed spam ratio, whether antispam.reputation.minMessages is reached, and the REPUTATION_* symbol and score a message would get from it now. An IP address shows its /24 or /64 network too, as a message from it is scored by both.",
  positionals: [keyArg],
  options: [configOption, urlOption, jsonOption],
  exitCodes,
  examples: ["mailmoat reputation show 192.0.2.7", "mailmoat reputation show example.net --json"],
  run: (a) => import("../run/reputation.ts").then((m) => m.runShow(a))
}

const reset: CommandSpec = {
  name: "reset",
  summary: "delete a key's history (a fixed compromised account, a partner to forgive)",
  description:
    "Deletes the history of KEY in the running gateway's reputation store; the next message from it scores as from a new source. Only the key named: an IP address's network keeps its history (reset it too by naming it, e.g. 192.0.2.0/24). The gateway logs the reset.",
  positionals: [keyArg],
  options: [configOption, urlOption, jsonOption],
  exitCodes,
  examples: ["mailmoat reputation reset 192.0.2.7", "mailmoat reputation reset 192.0.2.0/24"],
  run: (a) => import("../run/reputation.ts").then((m) => m.runReset(a))
}

export const reputationCommand: CommandSpec = {
  name: "reputation",
  summary: "show or reset a sender's reputation history (IP, network, domain)",
  description:
    "Works on the reputation counters (antispam.reputation) of a running gateway through its admin API (admin.token or admin.tokenFile); with state.backend: redis, on Redis itself unless --url is given.",
  subcommands: [show, reset]
}
