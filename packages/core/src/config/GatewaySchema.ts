/**
 * The gateway's own sections: SMTP listener, delivery (Maildir or before-queue relay),
 * quarantine, admin API, shared state, logging. Paths are kept as written; the gateway resolves
 * them against the configuration file's directory.
 *
 * **Gotchas**
 * - `smtp.hostname`, `delivery.maildir` and `quarantine.path` have runtime defaults (the machine's
 *   host name, `<dataDir>/maildir`, `<dataDir>/quarantine`), so they stay absent when not set.
 * - `delivery` takes `maildir` or `downstream`, not both. `delivery.maildir` is a path, or
 *   `{ path, domains }` to name the local domains (recipients elsewhere get 550 5.1.1 at RCPT).
 * - With `state.backend: redis`, exactly one of `state.url`, `state.redis.sentinel` and
 *   `state.redis.cluster` names the Redis servers.
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { MAX_FAILURE_TTL_SECONDS } from "../dns/DnsCache.ts"
import {
  boolean,
  doc,
  int,
  list,
  listenPort,
  literals,
  number,
  optional,
  path,
  port,
  section,
  string,
  withDefault
} from "./Fields.ts"
import { isHost, isLoopbackHost, isUrl } from "./Formats.ts"
import { Redis } from "./RedisSchema.ts"

const host = string("a host name or IP address", isHost)

/** A domain is a host name that is not an IP literal. */
const HOSTNAME_ONLY = /[a-z-]/i

/** `smtp.processes`: one check, so every bad value gets the same message. */
const PROCESSES = 'an integer from 1 to 256 or "auto"'
const processCount = Schema.Union([Schema.Number, Schema.Literal("auto")])
  .annotate({ expected: PROCESSES })
  .pipe(
    Schema.check(
      Schema.makeFilter<number | "auto">((v) => v === "auto" || (Number.isInteger(v) && v >= 1 && v <= 256), {
        expected: PROCESSES
      })
    )
  )

const SmtpTls = Schema.Struct({
  certFile: path.pipe(doc("PEM certificate chain.")),
  keyFile: path.pipe(doc("PEM private key."))
})

const SmtpUser = Schema.Struct({
  username: string("a user name").pipe(doc("Login of a trusted relay or submission client.")),
  password: string("a password").pipe(doc("Its password (keep this file readable by the gateway only).")),
  bypassAntispam: boolean.pipe(
    doc(
      "Sessions of this user carry the bypass flag (edge -> hub); honoured when antispam.bypass.acceptSessionBypass is on."
    ),
    withDefault(false)
  )
})

const DovecotAuth = Schema.Struct({
  socket: path.pipe(doc("Dovecot's auth-client unix socket (its `service auth { unix_listener ... }`)."), optional),
  host: host.pipe(doc("Dovecot's auth-client TCP listener (`inet_listener`), instead of a socket."), optional),
  port: port.pipe(doc("Port of that TCP listener."), optional),
  timeoutSeconds: number(0.1).pipe(
    doc("How long one check may take; an answer that does not come in time is 454 4.7.0."),
    withDefault(5)
  ),
  bypassAntispam: boolean.pipe(
    doc("Sessions of users Dovecot accepts carry the bypass flag (as `users[].bypassAntispam`)."),
    withDefault(false)
  )
})
  .annotate({ description: "Users checked by Dovecot's auth service (as Postfix's `smtpd_sasl_type = dovecot`)." })
  .check(
    Schema.makeFilter((d) =>
      d.socket === undefined && d.host === undefined
        ? { path: ["socket"], issue: "a Dovecot auth socket path, or a host (with port)" }
        : d.socket !== undefined && d.host !== undefined
          ? { path: ["host"], issue: "no host when socket is set (use one of them)" }
          : d.host !== undefined && d.port === undefined
            ? { path: ["port"], issue: "the port of Dovecot's auth listener when host is set" }
            : undefined
    )
  )

const SmtpAuth = Schema.Struct({
  users: Schema.Array(SmtpUser).pipe(
    doc("Accounts allowed to authenticate (AUTH PLAIN/LOGIN, offered inside TLS only)."),
    withDefault([])
  ),
  dovecot: DovecotAuth.pipe(
    doc("Check the users no account here names with Dovecot's auth service.", {
      socket: "/var/spool/postfix/private/auth"
    }),
    optional
  )
})

const SmtpLimits = Schema.Struct({
  maxConnectionsPerNetwork: int(1).pipe(
    doc("Most simultaneous connections from one /24 (IPv4) or /64 (IPv6) network."),
    withDefault(30)
  ),
  stressIdleTimeoutSeconds: number(1).pipe(
    doc("Idle timeout once 70 % of maxConnections are in use (otherwise 300 s)."),
    withDefault(10)
  ),
  maxSessionSeconds: number(1).pipe(doc("Total lifetime of a session, then 421 4.4.2."), withDefault(1800)),
  maxCommandsPerSession: int(1).pipe(doc("Command lines per session, then 421 4.7.0."), withDefault(5000)),
  maxTransactionsPerSession: int(1).pipe(doc("MAIL commands per session, then 421 4.7.0."), withDefault(100)),
  maxHops: int(1).pipe(doc("Received headers a message may carry; more is a mail loop (554 5.4.6)."), withDefault(100)),
  minFreeSpaceMB: int(0).pipe(
    doc(
      "Free space kept in the spool, Maildir and quarantine beyond the declared SIZE; less gives 452 4.3.1 at MAIL (0 = no check)."
    ),
    withDefault(64)
  ),
  authMaxFailures: int(1).pipe(
    doc("Failed AUTH attempts per client IP or per user name within authWindowSeconds before a lockout (454 4.7.0)."),
    withDefault(5)
  ),
  authWindowSeconds: number(1).pipe(doc("Window in which AUTH failures are counted."), withDefault(900)),
  authLockoutSeconds: number(1).pipe(doc("How long a client IP or user name stays locked out."), withDefault(300)),
  rateWindowSeconds: number(1).pipe(
    doc("Window of the connection and message rate limits (counted across the fleet with state.backend redis)."),
    withDefault(60)
  ),
  connectionRatePerIp: int(0).pipe(
    doc("New connections from one client IP per rateWindowSeconds; more get 421 4.7.0 (0 = no limit)."),
    withDefault(0)
  ),
  connectionRatePerNetwork: int(0).pipe(
    doc("New connections from one /24 (IPv4) or /64 (IPv6) per rateWindowSeconds; more get 421 4.7.0 (0 = no limit)."),
    withDefault(0)
  ),
  messageRatePerIp: int(0).pipe(
    doc("Transactions (MAIL FROM) from one client IP per rateWindowSeconds; more get 451 4.7.1 (0 = no limit)."),
    withDefault(0)
  ),
  messageRatePerNetwork: int(0).pipe(
    doc("Transactions (MAIL FROM) from one /24 or /64 per rateWindowSeconds; more get 451 4.7.1 (0 = no limit)."),
    withDefault(0)
  )
}).annotate({ description: "Resource limits of the SMTP listener (per session, per client, per network)." })

export const Smtp = Schema.Struct({
  host: host.pipe(doc("Address the SMTP listener binds to."), withDefault("127.0.0.1")),
  port: listenPort.pipe(doc("SMTP listen port."), withDefault(2525)),
  hostname: host.pipe(
    doc("Name in the greeting and Received headers; default: this machine's host name.", "mx.example"),
    optional
  ),
  maxMessageSizeKB: int(1).pipe(doc("Largest message accepted (SIZE), in KB."), withDefault(65536)),
  maxRecipients: int(1).pipe(doc("Most recipients per message."), withDefault(100)),
  maxConnections: int(1).pipe(doc("Most simultaneous connections."), withDefault(100)),
  maxConnectionsPerIp: int(1).pipe(doc("Most simultaneous connections from one client IP."), withDefault(20)),
  bareLineEndings: literals(["normalise", "reject"]).pipe(
    doc("A stray CR or LF in DATA is normalised or rejected (550 5.5.2)."),
    withDefault("normalise")
  ),
  processes: processCount.pipe(
    doc(
      'Gateway processes sharing the listening sockets ("auto" = one per core); connection limits apply per process.',
      2
    ),
    withDefault(1)
  ),
  tls: SmtpTls.pipe(
    doc("Offer STARTTLS with this certificate.", { certFile: "cert.pem", keyFile: "key.pem" }),
    optional
  ),
  auth: SmtpAuth.pipe(
    doc("SMTP AUTH: accounts here, users Dovecot checks, or both; needs smtp.tls.", {
      users: [{ username: "edge1", password: "change-me", bypassAntispam: true }]
    }),
    optional
  ),
  limits: SmtpLimits.pipe(section)
}).annotate({ description: "SMTP listener." })

const Downstream = Schema.Struct({
  host: host.pipe(doc("Downstream mail server."), withDefault("127.0.0.1")),
  port: port.pipe(doc("Downstream port."), withDefault(25)),
  protocol: literals(["smtp", "lmtp"]).pipe(doc("Relay protocol."), withDefault("smtp")),
  tls: literals(["none", "starttls", "required"]).pipe(doc("TLS to the downstream."), withDefault("none")),
  servername: host.pipe(doc("Name the downstream certificate must match.", "mx.example"), optional),
  caFile: path.pipe(doc("CA bundle for the downstream certificate.", "ca.pem"), optional),
  timeoutSeconds: number(1).pipe(doc("Deadline for the downstream's final reply."), withDefault(120)),
  commandTimeoutSeconds: number(0.1).pipe(
    doc(
      "Deadline for every other downstream step: TCP connect, greeting, EHLO, STARTTLS, MAIL, RCPT, DATA, each block of the message."
    ),
    withDefault(30)
  )
})

const maildirDomain = string("a domain name or *", (s) => s === "*" || (HOSTNAME_ONLY.test(s) && isHost(s)))

const MaildirSection = Schema.Struct({
  path: path.pipe(doc("Maildir root: default <dataDir>/maildir.", "./data/maildir"), optional),
  domains: list(maildirDomain, "a list of domain names (or * for every domain)").pipe(
    doc(
      'Local domains: recipients at other domains get 550 5.1.1 at RCPT. Unset: every domain while smtp.host is a loopback address, else a configuration error. ["*"]: every domain.',
      ["example.org", "example.net"]
    ),
    optional
  )
})

export const Delivery = Schema.Struct({
  maildir: Schema.Union([path, MaildirSection])
    .annotate({ expected: "a path, or { path, domains }", shorthandKey: "path" })
    .pipe(
      doc("Local Maildir (the default delivery): a path (default <dataDir>/maildir) or { path, domains }.", {
        path: "./data/maildir",
        domains: ["example.org"]
      }),
      optional
    ),
  downstream: Downstream.pipe(
    doc("Before-queue relay instead of the Maildir.", { host: "127.0.0.1", port: 10025, protocol: "smtp" }),
    optional
  )
})
  .annotate({ description: "Where accepted mail goes: a local Maildir, or a downstream server (before-queue)." })
  .check(
    Schema.makeFilter((d) =>
      d.maildir !== undefined && d.downstream !== undefined
        ? { path: ["downstream"], issue: "no downstream when maildir is set (use one of them)" }
        : undefined
    )
  )

const Digest = Schema.Struct({
  enabled: boolean.pipe(doc("Send each recipient with newly quarantined mail one message a day."), withDefault(false)),
  at: string("a time of day HH:MM (24 h, UTC)", (s) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s)).pipe(
    doc("When the digest goes out (UTC)."),
    withDefault("08:00")
  ),
  from: string("a mail address", (s) => /^[^\s@<>]+@[^\s@<>]+$/.test(s)).pipe(
    doc("Sender of the digest messages.", "quarantine@example.org"),
    optional
  ),
  baseUrl: string("an http:// or https:// URL", (s) => isUrl(s, ["http", "https"])).pipe(
    doc("Public address of the quarantine pages; links are {baseUrl}/q/{token}.", "https://mail.example.org:8025"),
    optional
  ),
  linkTtlHours: int(1, 24 * 90).pipe(doc("How long a digest link works."), withDefault(72))
})
  .annotate({ description: "Daily quarantine digest with signed links to each recipient's own quarantine page." })
  .check(
    Schema.makeFilter((d) =>
      d.enabled && d.from === undefined
        ? { path: ["from"], issue: "a sender address when quarantine.digest.enabled is true" }
        : d.enabled && d.baseUrl === undefined
          ? {
              path: ["baseUrl"],
              issue: "the public URL of the quarantine pages when quarantine.digest.enabled is true"
            }
          : undefined
    )
  )

export const Quarantine = Schema.Struct({
  path: path.pipe(doc("Quarantine directory: default <dataDir>/quarantine.", "./data/quarantine"), optional),
  digest: Digest.pipe(section)
})

export const Admin = Schema.Struct({
  enabled: boolean.pipe(
    doc("Serve /status, /metrics, the /api/* endpoints and the /quarantine page."),
    withDefault(true)
  ),
  host: host.pipe(doc("Admin API address (a non-loopback address needs a token)."), withDefault("127.0.0.1")),
  port: listenPort.pipe(doc("Admin API port."), withDefault(8025)),
  token: string("a token of at least 16 characters", (s) => s.trim().length >= 16).pipe(
    doc(
      "Bearer token for /api/* and the /quarantine login; without one, /api/* and /quarantine are not served.",
      "change-me-to-a-long-random-string"
    ),
    optional
  ),
  tokenFile: path.pipe(
    doc("File holding the token (first line), instead of admin.token.", "/etc/mailmoat/admin.token"),
    optional
  )
})
  .annotate({ description: "Admin HTTP API." })
  .check(
    Schema.makeFilter((a) =>
      a.token !== undefined && a.tokenFile !== undefined
        ? { path: ["tokenFile"], issue: "no tokenFile when token is set (use one of them)" }
        : a.enabled && !isLoopbackHost(a.host) && a.token === undefined && a.tokenFile === undefined
          ? {
              path: ["token"],
              issue: `a token (admin.token or admin.tokenFile) when admin.host is not a loopback address, got host ${a.host} without one`
            }
          : undefined
    )
  )

const DnsCache = Schema.Struct({
  maxTtlSeconds: int(0).pipe(
    doc("Longest time a DNS answer is kept, whatever TTL it came with (a hostile or huge TTL is cut to this)."),
    withDefault(86400)
  ),
  negativeTtlSeconds: int(0).pipe(
    doc(
      "How long an NXDOMAIN / NODATA answer is kept (Node's resolver does not expose the zone's SOA minimum); 0 = not kept."
    ),
    withDefault(60)
  ),
  refusedTtlSeconds: int(0, MAX_FAILURE_TTL_SECONDS).pipe(
    doc(
      "How long a REFUSED answer is kept (the server will not answer that name; RFC 2308 §7.1 allows up to 300); still a failure while kept, never 'not listed'; 0 = not kept."
    ),
    withDefault(60)
  ),
  failureTtlSeconds: int(0, MAX_FAILURE_TTL_SECONDS).pipe(
    doc(
      "How long a SERVFAIL answer is kept (RFC 2308 §7.1 allows up to 300); still a failure while kept, never 'not listed'; 0 = not kept."
    ),
    withDefault(5)
  ),
  localEntries: int(0).pipe(
    doc(
      "Answers each gateway keeps in memory in front of the shared cache (0 = none: every lookup asks the shared cache)."
    ),
    withDefault(10000)
  )
}).annotate({ description: "The DNS answer cache: each gateway's memory, in front of Redis with state.backend redis." })

/** The servers of a Redis backend: a URL, or sentinels, or cluster seeds; one of them. */
const stateServers = (s: {
  readonly backend: string
  readonly url?: string | undefined
  readonly redis?: { readonly sentinel?: unknown; readonly cluster?: unknown } | undefined
}) => {
  const topology = s.redis?.sentinel !== undefined ? "sentinel" : s.redis?.cluster !== undefined ? "cluster" : undefined
  if (s.url !== undefined && topology !== undefined)
    return {
      path: ["url"],
      issue: `no state.url with state.redis.${topology} (the ${topology === "sentinel" ? "sentinels name the master" : "seed nodes name the servers"})`
    }
  if (s.backend === "redis" && s.url === undefined && topology === undefined)
    return {
      path: ["url"],
      issue: "a redis:// URL (or state.redis.sentinel or state.redis.cluster) when state.backend is redis"
    }
  return undefined
}

export const State = Schema.Struct({
  backend: literals(["embedded", "redis"]).pipe(
    doc("Where shared state lives: embedded (memory + files) or redis (several gateways)."),
    withDefault("embedded")
  ),
  url: string("a redis:// or rediss:// URL", (s) => isUrl(s, ["redis", "rediss"])).pipe(
    doc(
      "Redis server (rediss:// for TLS), unless state.redis.sentinel or state.redis.cluster names the servers.",
      "redis://127.0.0.1:6379/0"
    ),
    optional
  ),
  keyPrefix: string("a non-empty key prefix without { or }", (s) => s.trim() !== "" && !/[{}]/.test(s)).pipe(
    doc("Prefix of every Redis key (braces are reserved for the Cluster hash tags the stores add)."),
    withDefault("mailmoat:")
  ),
  redis: Redis.pipe(
    doc("Credentials, TLS, Sentinel or Cluster, deadlines (see docs/scale-out.md).", {
      passwordFile: "/etc/mailmoat/redis.pass"
    }),
    optional
  ),
  dnsCache: DnsCache.pipe(section)
})
  .annotate({ description: "Shared state: temporary-rejection records, reputation, DNS cache, quarantine index." })
  .check(Schema.makeFilter(stateServers))

export const Log = Schema.Struct({
  level: literals(["debug", "info", "warn", "error"]).pipe(doc("Least severe level logged."), withDefault("info")),
  format: literals(["text", "json"]).pipe(
    doc("One line per event: key=value text, or one JSON object per line."),
    withDefault("text")
  )
})

export const dataDir = path.pipe(
  doc("Spool, Maildir and quarantine live under this directory unless set otherwise."),
  withDefault("./data")
)
