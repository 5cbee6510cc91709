/**
 * Implementation of the commands declared in ../commands/check.ts (loaded on use).
 *
 * `mailmoat check ip|domain VALUE`: asks every configured list (RBL and DNSBL zones, the
 * end-user list and zones, from the configuration plus `lists import`; the plugins' providers,
 * loaded by the gateway's wiring) about one value and
 * prints each answer and how long it took. Exit 1 when any list lists it.
 *
 * @since 0.1.0
 */
import { DnsZoneProvider, EndUserList, ListStore, resolveAntispamSettings } from "@mailmoat/antispam"
import { NodeDns } from "@mailmoat/platform-node"
import type { BlocklistProvider, BlocklistQuery } from "@mailmoat/core"
import { BlocklistRunner, IpAddress } from "@mailmoat/core"
import { Effect } from "effect"
import { messageOf } from "../cli/Common.ts"
import { type LoadedConfig, loadConfig, section } from "../cli/Config.ts"
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from "../cli/Errors.ts"
import { print, printJson, table } from "../cli/Io.ts"
import { openLists } from "../cli/ListAccess.ts"
import { wireEngine } from "../cli/Wiring.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

interface ListUnderTest {
  readonly type: "rbl" | "dnsbl" | "enduser" | "plugin"
  readonly provider: BlocklistProvider
}

const listsFor = (
  config: LoadedConfig,
  stored: ListStore.ListStore,
  kind: "ip" | "domain"
): ReadonlyArray<ListUnderTest> => {
  let s: ReturnType<typeof resolveAntispamSettings>
  try {
    s = resolveAntispamSettings(section(config.raw, "antispam"))
  } catch (e) {
    throw new InputError([messageOf(e)])
  }
  const dns = NodeDns.make({ servers: s.dns.servers, resolver: s.dns.resolver, cache: false })
  const zones = (
    type: ListUnderTest["type"],
    entries: ReadonlyArray<string>,
    kinds: ReadonlyArray<"ip" | "domain">,
    timeoutSeconds: number
  ) =>
    [...new Set(entries)].map((e): ListUnderTest => {
      try {
        return {
          type,
          provider: DnsZoneProvider.make({
            spec: DnsZoneProvider.parseZoneSpec(e),
            kinds,
            timeoutMillis: Math.round(timeoutSeconds * 1000),
            dns
          })
        }
      } catch (err) {
        throw new InputError([`${type} zone ${JSON.stringify(e)}: ${messageOf(err)}`])
      }
    })
  const all: Array<ListUnderTest> = [
    ...zones("rbl", [...s.rbl.servers, ...stored.entries("rbl")], ["ip"], s.rbl.timeoutSeconds),
    ...zones("dnsbl", [...s.dnsbl.servers, ...stored.entries("dnsbl")], ["ip", "domain"], s.dnsbl.timeoutSeconds),
    ...(s.endUserBlocklist.enabled
      ? [
          {
            type: "enduser" as const,
            provider: EndUserList.make([...new Set([...s.endUserBlocklist.entries, ...stored.entries("enduser")])], {
              recipientDelimiter: s.recipientDelimiter
            })
          },
          ...zones("enduser", s.endUserBlocklist.zones, ["ip"], s.rbl.timeoutSeconds)
        ]
      : [])
  ]
  return all.filter((l) => l.provider.kinds.includes(kind))
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/

export const runCheck = async (kind: "ip" | "domain", a: Parsed): Promise<number> => {
  const raw = a.positionals.VALUE!
  let value: string
  if (kind === "ip") {
    const ip = IpAddress.parse(raw)
    if (!ip) throw new UsageError(`${JSON.stringify(raw)} is not an IP address`, "check ip")
    value = ip.text
  } else {
    value = raw.trim().toLowerCase().replace(/\.$/, "")
    if (!DOMAIN.test(value)) throw new UsageError(`${JSON.stringify(raw)} is not a domain name`, "check domain")
  }
  const config = loadConfig(opt.string(a, "config"))
  // The plugins the gateway loads (the same wiring, no antispam module): their lists count too.
  // Without plugins there is nothing to wire (and with embedded state the gateway module is not
  // loaded at all).
  const wiring = config.config.plugins.length > 0 ? await wireEngine(config, { pluginsOnly: true }) : undefined
  const imported = await openLists(config).catch(async (e: unknown) => {
    await wiring?.close()
    throw e
  })
  let configured: ReadonlyArray<ListUnderTest>
  try {
    configured = listsFor(config, ListStore.make(imported.documents), kind)
  } catch (e) {
    await wiring?.close()
    throw e
  } finally {
    // The stored entries are read at once: the questions need no Redis connection.
    await imported.close()
  }
  const lists = [
    ...configured,
    ...(wiring?.plugins.providers ?? [])
      .filter((p) => p.kinds.includes(kind))
      .map((provider): ListUnderTest => ({ type: "plugin", provider }))
  ]
  const query: BlocklistQuery = { kind, value }
  const runner = BlocklistRunner.make({ cache: false })
  const records = await Effect.runPromise(
    Effect.forEach(lists, (l) => runner.lookup(l.provider, query), { concurrency: "unbounded" })
  ).finally(() => wiring?.close())
  const answers = records.map((r, i) => ({
    list: r.provider,
    type: lists[i]!.type,
    answer: r.answer._tag === "Listed" ? "listed" : r.answer._tag === "NotListed" ? "not listed" : "unknown",
    ...(r.answer._tag === "Listed"
      ? { codes: r.answer.codes, ...(r.answer.reason ? { reason: r.answer.reason } : {}) }
      : {}),
    ...(r.answer._tag === "Unknown"
      ? { reason: r.answer.reason, ...(r.answer.detail ? { detail: r.answer.detail } : {}) }
      : {}),
    inTime: r.inTime,
    millis: r.millis
  }))
  const listed = answers.some((x) => x.answer === "listed")
  if (opt.flag(a, "json")) printJson({ query, listed, answers })
  else {
    const n = answers.filter((x) => x.answer === "listed").length
    print(
      `${value}: ${listed ? `LISTED on ${n} of ${answers.length}` : `not listed on any of ${answers.length}`} ${answers.length === 1 ? "list" : "lists"}`
    )
    if (answers.length === 0)
      print(
        `no ${kind === "ip" ? "RBL, DNSBL or end-user" : "DNSBL or end-user"} list is configured (antispam.rbl/dnsbl/endUserBlocklist, or mailmoat lists import)`
      )
    else {
      const rows = answers.map((x) => [
        x.list,
        x.type,
        x.answer === "listed"
          ? `LISTED ${(x.codes ?? []).join(",")}${x.reason ? ` (${x.reason})` : ""}`
          : x.answer === "unknown"
            ? `unknown: ${x.reason}${x.detail ? ` (${x.detail})` : ""}`
            : "not listed",
        `${x.millis} ms${x.inTime ? "" : " (late)"}`
      ])
      for (const line of table(["list", "type", "answer", "time"], rows, 80)) print(`  ${line}`)
    }
  }
  return listed ? EXIT_FINDINGS : EXIT_OK
}
