/**
 * The `antispam` section: the server antispam module's `AntispamInput`, with issue 3's defaults.
 * The decoded value is passed straight to `makeServerAntispam`; key names and value formats are
 * the module's (docs/antispam.md).
 *
 * **Gotchas**
 * - `maxScanSizeKB`: 0 = unlimited, 1..12 is raised to 12 while decoding (the first 12 KB are
 *   needed to see the headers and the start of the body).
 * - `tempReject.submitForAnalysis: true` needs `tempReject.analysisUrl`.
 *
 * @category models
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect"
import { boolean, doc, int, list, literals, number, optional, path, section, string, withDefault } from "./Fields.ts"
import { isDnsServer, isEndUserEntry, isNetwork, isUrl, isZoneSpec } from "./Formats.ts"

const network = string("an IP address or CIDR range", isNetwork)
const networks = list(network, "a list of IP addresses or CIDR ranges")
const zoneSpec = string("a DNS zone, optionally with :127.x.y.z (e.g. zen.example:127.0.0.4)", isZoneSpec)
const zones = list(zoneSpec, "a list of DNS zones")
const seconds = number(0)

/** 1..12 is raised to 12; 0 stays unlimited. Decoding it again gives the same value. */
const scanSize = int(0).pipe(
  Schema.decode({
    decode: SchemaGetter.transform((kb: number) => (kb > 0 && kb < 12 ? 12 : kb)),
    encode: SchemaGetter.passthrough()
  })
)

const Bypass = Schema.Struct({
  allowedIps: networks.pipe(doc("Mail from these servers skips antispam for every recipient."), withDefault([])),
  acceptSessionBypass: boolean.pipe(doc("Honour the bypass flag set by an authenticated session from a trusted relay."), withDefault(true)),
  directory: path.pipe(doc("Recipient directory (YAML): per recipient bypassAntispam and safeSenders.", "./recipients.yaml"), optional),
  safeSendersRequireAuth: boolean.pipe(doc("A safe sender applies only when the From domain passes aligned SPF or DKIM."), withDefault(true))
})

const Received = Schema.Struct({
  maxIps: int(0).pipe(doc("Received-header IPs checked: 0 = only the last identified sender."), withDefault(0)),
  trustedNetworks: networks.pipe(doc("Our own relays: their Received headers are believed."), withDefault([]))
})

const Rbl = Schema.Struct({
  servers: zones.pipe(doc("RBL zones for the sender IPs: zone or zone:127.0.0.x."), withDefault([])),
  timeoutSeconds: seconds.pipe(doc("Per-list deadline in seconds; 0 = none."), withDefault(5)),
  maxAddresses: int(0).pipe(doc("Most IPs checked per message; 0 = unlimited."), withDefault(0)),
  skip: networks.pipe(doc("IPs never sent to lists."), withDefault(["127.0.0.0/8"]))
})

const Dnsbl = Schema.Struct({
  servers: zones.pipe(doc("DNSBL zones for IPs and domains found in the body."), withDefault([])),
  timeoutSeconds: seconds.pipe(doc("Per-list deadline in seconds; 0 = none."), withDefault(5)),
  maxAddresses: int(0).pipe(doc("Most body IPs checked; 0 = unlimited."), withDefault(10)),
  maxDomains: int(0).pipe(doc("Most body domains checked; 0 = unlimited."), withDefault(20))
})

const EndUserBlocklist = Schema.Struct({
  enabled: boolean.pipe(doc("Check senders that are not mail servers against the end-user blocklist."), withDefault(true)),
  entries: list(string("an IP, CIDR range, mail address or domain", isEndUserEntry), "a list of IPs, CIDR ranges, mail addresses or domains").pipe(
    doc("Local end-user list entries."),
    withDefault([])
  ),
  zones: zones.pipe(doc("End-user DNS zones queried for the sending IP."), withDefault([]))
})

const Dns = Schema.Struct({
  servers: list(string("a resolver address host:port (127.0.0.1:5353, [::1]:53) or an IP", isDnsServer), "a list of resolver addresses").pipe(
    doc("Resolvers as host:port; empty = the system resolvers."),
    withDefault([])
  )
})

const TempReject = Schema.Struct({
  enabled: boolean.pipe(doc("Answer 451 4.7.1 to unsure messages."), withDefault(false)),
  periodMinutes: number(0).pipe(doc("Retries before this period ends get 451 again."), withDefault(15)),
  submitForAnalysis: boolean.pipe(doc("POST deferred messages to analysisUrl."), withDefault(false)),
  analysisUrl: string("an http:// or https:// URL", (s) => isUrl(s, ["http", "https"])).pipe(doc("Where deferred messages are submitted.", "https://analysis.example/submit"), optional),
  analysisTimeoutSeconds: seconds.pipe(doc("Per-attempt timeout of the submitter."), withDefault(10)),
  analysisQueueSize: int(0).pipe(doc("Queue bound of the submitter."), withDefault(100))
}).check(
  Schema.makeFilter((t) =>
    t.submitForAnalysis && t.analysisUrl === undefined ? { path: ["analysisUrl"], issue: "an http:// or https:// URL when submitForAnalysis is true" } : undefined
  )
)

const Auth = Schema.Struct({
  enabled: boolean.pipe(doc("Check SPF, DKIM, DMARC and ARC of scanned mail and add Authentication-Results."), withDefault(true)),
  timeoutSeconds: number(0.001).pipe(doc("Deadline for all of one message's authentication lookups together."), withDefault(5))
})

const Dmarc = Schema.Struct({
  enforce: boolean.pipe(doc("Refuse DMARC failures under p=reject (550 5.7.1) and quarantine them under p=quarantine."), withDefault(false)),
  trustedForwarders: networks.pipe(doc("Mail from these IPs is never refused or quarantined for DMARC."), withDefault([]))
})

const domain = string("a domain name", (s) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*\.?$/i.test(s.trim()))

const Arc = Schema.Struct({
  trustedSealers: list(domain, "a list of domain names").pipe(doc("A valid ARC chain last sealed by one of these domains exempts a message from DMARC enforcement."), withDefault([]))
})

export const Antispam = Schema.Struct({
  enabled: boolean.pipe(doc("Off: nothing is scanned, every recipient is delivered."), withDefault(true)),
  onSpam: literals(["none", "quarantine", "reject", "drop"]).pipe(doc("Action for a spam verdict."), withDefault("quarantine")),
  maxScanSizeKB: scanSize.pipe(doc("Larger messages are not scanned; 0 = unlimited, 1..12 is raised to 12."), withDefault(0)),
  spamScore: number(0).pipe(doc("Score at or above which a message is spam."), withDefault(5)),
  bypass: Bypass.pipe(section),
  received: Received.pipe(section),
  rbl: Rbl.pipe(section),
  dnsbl: Dnsbl.pipe(section),
  endUserBlocklist: EndUserBlocklist.pipe(section),
  dns: Dns.pipe(section),
  tempReject: TempReject.pipe(section),
  auth: Auth.pipe(section),
  dmarc: Dmarc.pipe(section),
  arc: Arc.pipe(section)
}).annotate({ description: "Server antispam (docs/antispam.md)." })

export type Antispam = typeof Antispam.Type
