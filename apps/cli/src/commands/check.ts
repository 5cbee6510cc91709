/**
 * `mailmoat check ip|domain VALUE`: asks every configured list (RBL and DNSBL zones, the
 * end-user list and zones, from the configuration plus `lists import`) about one value and
 * prints each answer and how long it took. Exit 1 when any list lists it.
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const sub = (kind: "ip" | "domain"): CommandSpec => ({
  name: kind,
  summary:
    kind === "ip"
      ? "ask every RBL, DNSBL and end-user list about an IP address"
      : "ask every DNSBL and end-user list about a domain",
  description:
    kind === "ip"
      ? "Asks every configured RBL and DNSBL zone and the end-user blocklist (local entries and zones) about IP, and prints each answer with its latency."
      : "Asks every configured DNSBL zone and the end-user blocklist about DOMAIN, and prints each answer with its latency.",
  positionals: [{ name: "VALUE", help: kind === "ip" ? "IPv4 or IPv6 address" : "domain name" }],
  options: [configOption, jsonOption],
  exitCodes: ["1  listed on at least one list"],
  examples: [
    kind === "ip" ? "mailmoat check ip 192.0.2.7 --config mailmoat.yaml" : "mailmoat check domain example.net --json"
  ],
  run: (a) => import("../run/check.ts").then((m) => m.runCheck(kind, a))
})

export const checkCommand: CommandSpec = {
  name: "check",
  summary: "ask every configured list about an IP address or a domain",
  subcommands: [sub("ip"), sub("domain")]
}
