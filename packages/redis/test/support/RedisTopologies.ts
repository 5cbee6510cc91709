// The Redis topologies operators run, each started on loopback and ephemeral ports and stopped by
// PID: standalone, TLS (certificates made with openssl), an ACL user, a 3-master Cluster, and
// Sentinel with one master, one replica and one sentinel. Each yields the connection options a
// gateway would be configured with.
import { spawnSync } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import type { RedisConnectionOptions } from "../../src/RedisConnection.ts"
import { type RedisProcess, redisCli, startRedisProcess } from "./RedisProcess.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

export interface Topology {
  readonly name: string
  readonly options: RedisConnectionOptions
  readonly processes: ReadonlyArray<RedisProcess>
  readonly stop: () => Promise<void>
}

const stopAll =
  (ps: ReadonlyArray<RedisProcess>, dirs: ReadonlyArray<string> = []) =>
  async () => {
    await Promise.all(ps.map((p) => p.stop()))
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }

export const standalone = async (): Promise<Topology> => {
  const p = await startRedisProcess([])
  return { name: "standalone", options: { url: `redis://127.0.0.1:${p.port}` }, processes: [p], stop: stopAll([p]) }
}

export const aclUser = async (): Promise<Topology> => {
  const p = await startRedisProcess(["user default off", "user mailmoat on >s3cret-pass ~* &* +@all"])
  return {
    name: "acl",
    options: { url: `redis://127.0.0.1:${p.port}`, username: "mailmoat", password: "s3cret-pass" },
    processes: [p],
    stop: stopAll([p])
  }
}

const openssl = (dir: string, args: ReadonlyArray<string>) => {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`)
}

/**
 * A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in a temp dir.
 * EC P-256 keys: three RSA 2048 key searches block this process for seconds each at load 40.
 */
export const makeCertificates = (): { readonly dir: string; readonly file: (name: string) => string } => {
  const dir = tempDir("mailmoat-redis-tls-")
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=mailmoat test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem"
  ])
  for (const [name, san] of [
    ["server", "IP:127.0.0.1,DNS:localhost"],
    ["client", "DNS:gateway"]
  ] as const) {
    openssl(dir, [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`
    ])
    spawnSync("sh", ["-c", `printf 'subjectAltName=${san}\\n' > ${name}.ext`], { cwd: dir })
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`
    ])
  }
  return { dir, file: (name) => join(dir, name) }
}

/** TLS only (no plain port), client certificates required. */
export const tls = async (): Promise<Topology> => {
  const certs = makeCertificates()
  const p = await startRedisProcess(
    [
      `tls-cert-file ${certs.file("server.pem")}`,
      `tls-key-file ${certs.file("server.key")}`,
      `tls-ca-cert-file ${certs.file("ca.pem")}`,
      "tls-auth-clients yes"
    ],
    { tlsPort: true }
  )
  const read = (n: string) => readFileSync(certs.file(n), "utf8")
  return {
    name: "tls",
    options: {
      url: `rediss://127.0.0.1:${p.port}`,
      tls: { ca: read("ca.pem"), cert: read("client.pem"), key: read("client.key") }
    },
    processes: [p],
    stop: stopAll([p], [certs.dir])
  }
}

const until = async (what: string, ok: () => boolean, millis = 20_000) => {
  const deadline = Date.now() + millis
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Three masters, no replicas, slots spread by `redis-cli --cluster create`. */
export const cluster = async (): Promise<Topology> => {
  const ps: Array<RedisProcess> = []
  try {
    for (let i = 0; i < 3; i++)
      ps.push(
        await startRedisProcess(["cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 2000"])
      )
    redisCli(ps[0]!.port, ["--cluster", "create", ...ps.map((p) => `127.0.0.1:${p.port}`), "--cluster-yes"])
    await until("cluster_state:ok", () =>
      ps.every((p) => redisCli(p.port, ["cluster", "info"]).includes("cluster_state:ok"))
    )
  } catch (error) {
    await stopAll(ps)()
    throw error
  }
  return {
    name: "cluster",
    options: { cluster: { nodes: ps.map((p) => ({ host: "127.0.0.1", port: p.port })) } },
    processes: ps,
    stop: stopAll(ps)
  }
}

export interface SentinelTopology extends Topology {
  /** The port of the current master, as the sentinel reports it. */
  readonly masterPort: () => number
  /** Asks the sentinel to fail over; resolves once the other server is master and the old one its replica. */
  readonly failover: () => Promise<void>
}

/** One master, one replica, one sentinel (quorum 1), master name `mymaster`. */
export const sentinel = async (): Promise<SentinelTopology> => {
  const ps: Array<RedisProcess> = []
  let sentinelPort = 0
  const masterPort = () =>
    Number(redisCli(sentinelPort, ["sentinel", "get-master-addr-by-name", "mymaster"]).trim().split("\n")[1])
  try {
    const master = await startRedisProcess([])
    ps.push(master)
    ps.push(await startRedisProcess([`replicaof 127.0.0.1 ${master.port}`, "replica-serve-stale-data yes"]))
    const s = await startRedisProcess(
      [
        `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
        "sentinel down-after-milliseconds mymaster 1000",
        "sentinel failover-timeout mymaster 4000",
        "sentinel parallel-syncs mymaster 1"
      ],
      { sentinel: true }
    )
    ps.push(s)
    sentinelPort = s.port
    await until("the replica to be in sync", () =>
      /master_link_status:up/.test(redisCli(ps[1]!.port, ["info", "replication"]))
    )
    await until("the sentinel to know the replica", () =>
      /127\.0\.0\.1/.test(redisCli(sentinelPort, ["sentinel", "replicas", "mymaster"]))
    )
  } catch (error) {
    await stopAll(ps)()
    throw error
  }
  return {
    name: "sentinel",
    options: { sentinel: { masterName: "mymaster", nodes: [{ host: "127.0.0.1", port: sentinelPort }] } },
    processes: ps,
    stop: stopAll(ps),
    masterPort,
    failover: async () => {
      const before = masterPort()
      redisCli(sentinelPort, ["sentinel", "failover", "mymaster"])
      await until("the sentinel to promote the replica", () => masterPort() !== before)
      await until("the new master to take writes", () =>
        /role:master/.test(redisCli(masterPort(), ["info", "replication"]))
      )
      // The old master rejoins as the new master's replica (the sentinel converts it).
      await until(
        "the old master to replicate the new one",
        () => /slave0:.*state=online/.test(redisCli(masterPort(), ["info", "replication"])),
        30_000
      )
    }
  }
}

export const topologies = { standalone, acl: aclUser, tls, cluster, sentinel } as const
