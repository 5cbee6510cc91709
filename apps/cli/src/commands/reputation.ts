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
    "Deletes the history of KEY in the running gateway's reputation store; the next message from it scores as from a new source. Only the key named unless --with-network: an IP address's network keeps its history otherwise (or reset it by naming it, e.g. 192.0.2.0/24). The gateway logs each key reset.",
  positionals: [keyArg],
  options: [
    configOption,
    urlOption,
    { name: "with-network", help: "an IP address's /24 or /64 is reset too" },
    jsonOption
  ],
  exitCodes,
  examples: [
    "mailmoat reputation reset 192.0.2.7",
    "mailmoat reputation reset 192.0.2.7 --with-network",
    "mailmoat reputation reset 192.0.2.0/24"
  ],
  run: (a) => import("../run/reputation.ts").then((m) => m.runReset(a))
}

const list: CommandSpec = {
  name: "list",
  summary: "a page of keys of a kind with their reports, worst or most recent first",
  description:
    "Lists keys of one kind (ip, net, domain) with the report show gives (an address with its network). A page ranks the next 1,000 keys of the store (its memory, or a bounded SCAN of Redis) and prints the --limit first (at most 100) in the order asked: worst (the highest REPUTATION_*_BAD score first) or recent (the newest activity first); over the whole store while it holds at most 1,000 keys of the kind, else per stretch of 1,000. --cursor goes on where a page stopped.",
  options: [
    configOption,
    urlOption,
    { name: "kind", value: "ip|net|domain", help: "the keys listed (default ip)" },
    { name: "order", value: "worst|recent", help: "the order of a page (default worst)" },
    { name: "limit", value: "N", help: "keys per page, 1 to 100 (default 20)" },
    { name: "cursor", value: "C", help: "the next page: the cursor a page printed" },
    jsonOption
  ],
  exitCodes,
  examples: ["mailmoat reputation list", "mailmoat reputation list --kind domain --order recent --limit 50"],
  run: (a) => import("../run/reputation.ts").then((m) => m.runList(a))
}

export const reputationCommand: CommandSpec = {
  name: "reputation",
  summary: "show, list or reset senders' reputation histories (IP, network, domain)",
  description:
    "Works on the reputation counters (antispam.reputation) of a running gateway through its admin API (admin.token or admin.tokenFile); with state.backend: redis, on Redis itself unless --url is given.",
  subcommands: [show, list, reset]
}
