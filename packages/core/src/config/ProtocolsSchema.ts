/**
 * The `protocols` section: client-side IMAP/POP3 protection (scanning proxies, TLS interception
 * with a local CA, an optional clamd scanner).
 *
 * **Gotchas**
 * - `tlsPorts` is one comma-separated string (`"585, 993, 995"`); each bad entry is reported on
 *   its own. A bare number (`993`, as YAML or an environment variable gives it) is accepted and
 *   kept as its string form.
 * - `clamd` takes `socket` or `host` (with `port`), not both.
 *
 * @category models
 * @since 0.1.0
 */
import { Schema, SchemaGetter, SchemaIssue } from "effect"
import { clamdSchema } from "./ClamdSchema.ts"
import { boolean, doc, int, literals, number, optional, path, section, string, withDefault } from "./Fields.ts"
import { badPortEntries, isHostPort, serverNamePattern } from "./Formats.ts"

const portListExpected = "a comma-separated list of ports from 1 to 65535"

/**
 * Accepts a number too (YAML `tlsPorts: 993`); the decoded value is always the string. The check
 * runs on the input side so its problems are reported together with every other one.
 */
const tlsPorts = Schema.Union([Schema.String, Schema.Number])
  .annotate({ expected: portListExpected })
  .pipe(
    Schema.check(
      Schema.makeFilter((value: string | number, _ast, options) =>
        badPortEntries(String(value)).map(
          ({ position, entry }) =>
            new SchemaIssue.InvalidValue(
              { message: `a port from 1 to 65535 (entry ${position} of ${JSON.stringify(String(value))})` },
              entry,
              options
            )
        )
      )
    ),
    Schema.decodeTo(Schema.String, {
      decode: SchemaGetter.transform((v: string | number) => String(v)),
      encode: SchemaGetter.passthrough()
    })
  )

/** One `serverNames` entry; a problem says what was expected instead (`Formats.serverNamePattern`). */
const serverName = Schema.String.annotate({ expected: "a host name or *.example.com" }).pipe(
  Schema.check(
    Schema.makeFilter((value: string) => {
      const pattern = serverNamePattern(value)
      return "expected" in pattern ? pattern.expected : undefined
    })
  )
)

const Listener = Schema.Struct({
  listen: string("host:port to listen on (port 0 = any free port)", (s) => isHostPort(s, 0)).pipe(
    doc("Address the proxy listens on.")
  ),
  upstream: string("host:port of the real IMAP/POP3 server", (s) => isHostPort(s, 1)).pipe(
    doc("The real IMAP/POP3 server.")
  ),
  protocol: literals(["imap", "pop3", "auto"]).pipe(
    doc("auto detects the protocol from the greeting."),
    withDefault("auto")
  ),
  serverNames: Schema.Array(serverName)
    .annotate({ expected: "a list of host names and *.example.com wildcards" })
    .pipe(
      doc(
        "Names a client may ask for (SNI) and get a certificate of its own for, minted by the local CA: host names and *.example.com (one label). Any other name, or none, gets the listener's default certificate (the upstream's host, the listen address). Changed by a reload.",
        ["imap.example.com", "*.mail.example.org"]
      ),
      withDefault([])
    )
})

const Ca = Schema.Struct({
  cert: path.pipe(doc("Interception CA certificate (mailmoat ca init)."), withDefault("./data/ca/ca.pem")),
  key: path.pipe(doc("Interception CA key; it never leaves the machine."), withDefault("./data/ca/ca.key"))
})

/** How fast certificates for new SNI names are minted (a mint is milliseconds of CPU a client can ask for). */
const Mint = Schema.Struct({
  perSecond: number(0.1, 1000).pipe(
    doc("New names' certificates minted per second once the burst is spent."),
    withDefault(20)
  ),
  burst: int(1, 10_000).pipe(doc("Mints that may start back to back after a quiet spell."), withDefault(20)),
  concurrency: int(1, 64).pipe(
    doc("Mints running at once (each takes a core for a few milliseconds)."),
    withDefault(2)
  ),
  maxWaiting: int(0, 100_000).pipe(
    doc("Handshakes that may wait for a mint; one more gets the default certificate at once."),
    withDefault(100)
  )
})

const Clamd = clamdSchema({ seconds: 30, min: 0, description: "Scan deadline in seconds." })

export const Protocols = Schema.Struct({
  filtering: boolean.pipe(doc("Scan messages fetched over IMAP/POP3."), withDefault(true)),
  tlsFiltering: boolean.pipe(doc("Intercept implicit-TLS connections with the local CA."), withDefault(true)),
  tlsPorts: tlsPorts.pipe(doc("Ports treated as implicit TLS."), withDefault("585, 993, 995")),
  listeners: Schema.Array(Listener)
    .annotate({ expected: "a list of { listen, upstream, protocol, serverNames } entries" })
    .pipe(
      doc("Proxy listeners.", [{ listen: "127.0.0.1:1143", upstream: "imap.example:143", protocol: "imap" }]),
      withDefault([])
    ),
  ca: Ca.pipe(section),
  mint: Mint.pipe(
    doc(
      "Rations minting for names clients ask for (serverNames): a burst, then a rate, at most concurrency at once and maxWaiting queued; beyond that a handshake gets the listener's default certificate. Changed by a reload."
    ),
    section
  ),
  upstreamCa: string("system or a CA file path").pipe(
    doc("Trust for upstream certificates: system or a PEM file."),
    withDefault("system")
  ),
  onSpam: literals(["tag", "none"]).pipe(
    doc("Spam fetched by a client is tagged (header and subject) or left alone."),
    withDefault("tag")
  ),
  onThreat: literals(["replace", "block"]).pipe(
    doc("Dangerous content is replaced by a notice or the fetch is blocked."),
    withDefault("replace")
  ),
  clamd: Clamd.pipe(doc("External content scanner.", { socket: "/run/clamav/clamd.ctl" }), optional),
  maxLiteralMB: number(0).pipe(
    doc(
      "Largest IMAP literal a client may send (APPEND), in MiB: above it {n} gets NO [TOOBIG] and {n+} closes the connection."
    ),
    withDefault(64)
  ),
  maxScanMB: number(0).pipe(
    doc("Largest fetched message buffered and scanned, in MiB; a larger one streams through unscanned."),
    withDefault(25)
  ),
  maxHeldMB: number(0).pipe(
    doc(
      "Fetched messages held for scanning at once, across every proxy connection, in MiB: past it a full fetch streams through unscanned and a partial or section fetch gets NO [UNAVAILABLE] (both logged)."
    ),
    withDefault(256)
  )
}).annotate({ description: "Client-side IMAP/POP3 protection." })
