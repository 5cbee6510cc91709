/**
 * The module's compiled lists: providers for RBL, DNSBL and end-user zones, the local end-user
 * list, the allowed-IP set, and the list health monitor over every zone.
 *
 * Entries come from the configuration plus the list store (`mailmoat lists import`). The set is
 * rebuilt only when those entries change, so an import applies to the next message; health state
 * restarts for a rebuilt set. The check per message is cheap: the store hands back the same
 * arrays while nothing changed, so they are compared by identity.
 *
 * @category services
 * @since 0.1.0
 */
import type { BlocklistProvider, DnsShape } from "@mailmoat/core"
import * as EndUserList from "../enduser/EndUserList.ts"
import * as ListHealth from "../health/ListHealth.ts"
import type { ListKind } from "../lists/ListFile.ts"
import type { ListStore } from "../lists/ListStore.ts"
import * as CidrSet from "../net/CidrSet.ts"
import * as DnsZoneProvider from "../rbl/DnsZoneProvider.ts"
import type { AntispamSettings } from "../Settings.ts"

export interface Lists {
  readonly rbl: ReadonlyArray<BlocklistProvider>
  readonly dnsbl: ReadonlyArray<BlocklistProvider>
  readonly endUser: ReadonlyArray<BlocklistProvider>
  readonly allowed: CidrSet.CidrSet
  readonly health: ListHealth.ListHealth
}

export interface ListSetOptions {
  readonly settings: AntispamSettings
  readonly dns: DnsShape
  readonly store?: ListStore | undefined
  /** Runs the health rounds in the owner's context (its logger and Clock). */
  readonly fork?: ListHealth.Fork | undefined
  /** 0 = no periodic probing. */
  readonly healthIntervalMillis: number
  /**
   * The stages' runner keeps the lists' answers (a `BlocklistRunner` with its answer cache): their
   * DNS questions are asked for the runner alone (`DnsZoneProvider`'s `keptByRunner`). Default false.
   */
  readonly keptByRunner?: boolean | undefined
}

const unique = (xs: ReadonlyArray<string>) => [...new Set(xs.map((x) => x.trim()).filter((x) => x.length > 0))]

export const make = (options: ListSetOptions) => {
  const s = options.settings
  const NONE: ReadonlyArray<string> = []
  const stored = (kind: ListKind, at: number | undefined) => options.store?.entries(kind, at) ?? NONE
  let key: ReadonlyArray<ReadonlyArray<string>> = []
  let current: Lists | undefined
  let stopHealth: (() => void) | undefined

  const zoneProviders = (
    entries: ReadonlyArray<string>,
    kinds: ReadonlyArray<"ip" | "domain">,
    timeoutSeconds: number,
    fresh = false
  ) =>
    unique(entries).map((e) =>
      DnsZoneProvider.make({
        spec: DnsZoneProvider.parseZoneSpec(e),
        kinds,
        timeoutMillis: Math.round(timeoutSeconds * 1000),
        dns: options.dns,
        fresh,
        keptByRunner: !fresh && options.keptByRunner === true
      })
    )

  /** The lists in force at `at` (epoch ms; rebuilt when the store's entries changed). */
  const get = (at?: number): Lists => {
    const k = [stored("rbl", at), stored("dnsbl", at), stored("enduser", at), stored("allowedIps", at)]
    if (current !== undefined && k.every((e, i) => e === key[i])) return current
    const [rblStored, dnsblStored, enduserStored, allowedStored] = k as [
      ReadonlyArray<string>,
      ReadonlyArray<string>,
      ReadonlyArray<string>,
      ReadonlyArray<string>
    ]
    const entries = {
      rbl: [...s.rbl.servers, ...rblStored],
      dnsbl: [...s.dnsbl.servers, ...dnsblStored],
      enduser: [...s.endUserBlocklist.entries, ...enduserStored],
      allowed: [...s.bypass.allowedIps, ...allowedStored]
    }
    const rbl = zoneProviders(entries.rbl, ["ip"], s.rbl.timeoutSeconds)
    const dnsbl = zoneProviders(entries.dnsbl, ["ip", "domain"], s.dnsbl.timeoutSeconds)
    const zones = s.endUserBlocklist.enabled
      ? zoneProviders(s.endUserBlocklist.zones, ["ip"], s.rbl.timeoutSeconds)
      : []
    const endUser = s.endUserBlocklist.enabled
      ? [EndUserList.make(unique(entries.enduser), { recipientDelimiter: s.recipientDelimiter }), ...zones]
      : []
    // Health probes use their own providers that bypass the DNS cache, so a cached answer never hides a change.
    const probes = [
      ...zoneProviders(entries.rbl, ["ip"], s.rbl.timeoutSeconds, true),
      ...zoneProviders(entries.dnsbl, ["ip", "domain"], s.dnsbl.timeoutSeconds, true),
      ...(s.endUserBlocklist.enabled ? zoneProviders(s.endUserBlocklist.zones, ["ip"], s.rbl.timeoutSeconds, true) : [])
    ]
    const health = ListHealth.make(probes)
    stopHealth?.()
    stopHealth = options.healthIntervalMillis > 0 ? health.start(options.healthIntervalMillis, options.fork) : undefined
    current = { rbl, dnsbl, endUser, allowed: CidrSet.compile(unique(entries.allowed)), health }
    key = k
    return current
  }

  return {
    get,
    close: () => {
      stopHealth?.()
      stopHealth = undefined
    }
  }
}
