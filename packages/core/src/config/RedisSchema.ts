/**
 * `state.redis`: how the gateway reaches Redis when `state.backend` is `redis` and a plain
 * `state.url` is not enough: ACL user and password (inline, from a file or from an environment
 * variable), TLS files, Sentinel (a master name and sentinels) or Cluster (seed nodes), and the
 * per-call deadlines.
 *
 * **Gotchas**
 * - One of `state.url`, `state.redis.sentinel` or `state.redis.cluster` names the servers; the
 *   cross-field check is on `State` (GatewaySchema.ts) because `state.url` lives there.
 * - TLS is on with a `rediss://` URL, or whenever `state.redis.tls` is present (Sentinel, Cluster).
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { doc, int, list, optional, path, string } from "./Fields.ts"
import { isHost, isHostPort } from "./Formats.ts"

const hostPort = string("host:port", (s) => isHostPort(s, 1))
const nodes = list(hostPort, "a list of host:port").pipe(
  Schema.check(Schema.makeFilter((l: ReadonlyArray<string>) => l.length > 0, { expected: "at least one host:port" }))
)
const secret = (what: string) => string(what, (s) => s !== "")
const envName = string("an environment variable name", (s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s))

/** At most one of the keys that give the same secret. */
const oneOf = (keys: ReadonlyArray<string>) =>
  Schema.makeFilter((o: Record<string, unknown>) => {
    const set = keys.filter((k) => o[k] !== undefined)
    return set.length > 1
      ? { path: [set[1]!], issue: `only one of ${keys.join(", ")} (got ${set.join(" and ")})` }
      : undefined
  })

const RedisTls = Schema.Struct({
  caFile: path.pipe(
    doc(
      "CA certificates the Redis server's certificate must chain to (default: the system CAs).",
      "/etc/mailmoat/redis-ca.pem"
    ),
    optional
  ),
  certFile: path.pipe(
    doc("Client certificate, for a server with tls-auth-clients on.", "/etc/mailmoat/redis-client.pem"),
    optional
  ),
  keyFile: path.pipe(doc("The client certificate's private key.", "/etc/mailmoat/redis-client.key"), optional),
  serverName: string("a host name", isHost).pipe(
    doc("Name the server certificate must match (default: the host connected to)."),
    optional
  )
}).check(
  Schema.makeFilter((t) =>
    (t.certFile === undefined) !== (t.keyFile === undefined)
      ? {
          path: [t.certFile === undefined ? "certFile" : "keyFile"],
          issue: "certFile and keyFile together (a client certificate needs its key)"
        }
      : undefined
  )
)

const Sentinel = Schema.Struct({
  masterName: string("a master name").pipe(
    doc("The name the sentinels monitor the master under (sentinel monitor <name> ...).", "mymaster")
  ),
  nodes: nodes.pipe(
    doc("Sentinels to ask for the current master.", ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"])
  ),
  username: secret("a user name").pipe(doc("ACL user on the sentinels (default: none)."), optional),
  password: secret("a password").pipe(doc("Password of the sentinels (requirepass / ACL)."), optional),
  passwordFile: path.pipe(doc("File holding the sentinels' password (first line)."), optional)
}).check(oneOf(["password", "passwordFile"]))

const Cluster = Schema.Struct({
  nodes: nodes.pipe(
    doc("Seed nodes; the rest of the cluster is discovered from them.", [
      "10.0.0.1:7000",
      "10.0.0.2:7000",
      "10.0.0.3:7000"
    ])
  )
})

export const Redis = Schema.Struct({
  username: secret("a user name").pipe(doc("ACL user (overrides the user in state.url).", "mailmoat"), optional),
  password: secret("a password").pipe(
    doc("Password (overrides the one in state.url); prefer passwordFile or passwordEnv."),
    optional
  ),
  passwordFile: path.pipe(
    doc("File holding the password (first line), readable by the gateway only.", "/etc/mailmoat/redis.pass"),
    optional
  ),
  passwordEnv: envName.pipe(doc("Environment variable holding the password.", "MAILMOAT_REDIS_PASSWORD"), optional),
  tls: RedisTls.pipe(
    doc("TLS files; presence turns TLS on (a rediss:// URL does too).", { caFile: "/etc/mailmoat/redis-ca.pem" }),
    optional
  ),
  sentinel: Sentinel.pipe(
    doc("Redis Sentinel instead of state.url.", { masterName: "mymaster", nodes: ["10.0.0.1:26379"] }),
    optional
  ),
  cluster: Cluster.pipe(doc("Redis Cluster instead of state.url.", { nodes: ["10.0.0.1:7000"] }), optional),
  waitReplicas: int(0, 16).pipe(
    doc(
      "Replicas a quarantined message must reach (Redis WAIT) before the gateway answers 250; fewer in time = 451. 0 (default) does not wait; 1 with Sentinel keeps a failover from losing it."
    ),
    optional
  ),
  commandTimeoutMillis: int(10, 60_000).pipe(
    doc(
      "Deadline of one Redis call (default 1000); a call past it fails and the message is deferred or the step fails open."
    ),
    optional
  ),
  connectTimeoutMillis: int(10, 60_000).pipe(doc("Deadline of a (re)connection (default 2000)."), optional)
})
  .annotate({ description: "How to reach Redis: credentials, TLS, Sentinel or Cluster, deadlines." })
  .check(oneOf(["password", "passwordFile", "passwordEnv"]), oneOf(["sentinel", "cluster"]))
