// The configuration schema: defaults, one clear line per problem (path, expected, got), every
// error kind, and properties (decoding never throws, is idempotent, and survives YAML).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { number, withDefault } from "../../src/config/Fields.ts"
import * as Config from "../../src/config/index.ts"
import { GatewayConfig } from "./support/codec.ts"
import { configLike } from "./support/arbitrary.ts"

const problems = (input: unknown): ReadonlyArray<string> => {
  const r = GatewayConfig.decode(input)
  if (r.ok) throw new Error(`expected problems, got a valid configuration: ${JSON.stringify(input)}`)
  return r.problems
}

describe("defaults", () => {
  it("an empty file is the documented defaults", () => {
    const d = GatewayConfig.defaults()
    expect(d.dataDir).toBe("./data")
    expect(d.smtp).toEqual({
      host: "127.0.0.1",
      port: 2525,
      maxMessageSizeKB: 65536,
      maxRecipients: 100,
      maxConnections: 100,
      maxConnectionsPerIp: 20,
      bareLineEndings: "normalise",
      processes: 1,
      limits: {
        maxConnectionsPerNetwork: 30,
        stressIdleTimeoutSeconds: 10,
        maxSessionSeconds: 1800,
        maxCommandsPerSession: 5000,
        maxTransactionsPerSession: 100,
        maxHops: 100,
        minFreeSpaceMB: 64,
        authMaxFailures: 5,
        authWindowSeconds: 900,
        authLockoutSeconds: 300,
        rateWindowSeconds: 60,
        connectionRatePerIp: 0,
        connectionRatePerNetwork: 0,
        messageRatePerIp: 0,
        messageRatePerNetwork: 0
      }
    })
    expect(d.delivery).toEqual({})
    expect(d.admin).toEqual({ enabled: true, host: "127.0.0.1", port: 8025 })
    expect(d.antispam).toEqual({
      enabled: true,
      onSpam: "quarantine",
      spamScore: 5,
      scores: {},
      lists: { enabled: false, servers: [], allowedIps: [], timeoutSeconds: 5 }
    })
    expect(d.state).toEqual({
      backend: "embedded",
      keyPrefix: "mailmoat:",
      dnsCache: {
        maxTtlSeconds: 86400,
        negativeTtlSeconds: 60,
        refusedTtlSeconds: 60,
        failureTtlSeconds: 5,
        localEntries: 10000
      }
    })
    expect(d.classifier).toEqual({
      enabled: true,
      hamBelow: 0.2,
      spamAbove: 0.9,
      updateIntervalMinutes: 360,
      autolearn: { enabled: false, spamAbove: 0.9, hamBelow: 0.1, maxPerHour: 200 }
    })
    expect(d.protocols).toEqual({
      filtering: true,
      tlsFiltering: true,
      tlsPorts: "585, 993, 995",
      listeners: [],
      ca: { cert: "./data/ca/ca.pem", key: "./data/ca/ca.key" },
      upstreamCa: "system",
      onSpam: "tag",
      onThreat: "replace",
      maxLiteralMB: 64,
      maxScanMB: 25,
      maxHeldMB: 256,
      mint: { perSecond: 20, burst: 20, concurrency: 2, maxWaiting: 100 }
    })
    expect(d.plugins).toEqual([])
    expect(d.log).toEqual({ level: "info", format: "text" })
    expect(GatewayConfig.decode(null)).toEqual({ ok: true, config: d })
  })

  it("defaultsYaml decodes to defaults(), documents every key, and every commented example decodes", () => {
    const text = GatewayConfig.defaultsYaml()
    expect(GatewayConfig.decodeText(text)).toEqual({ ok: true, config: GatewayConfig.defaults() })
    expect(text).toContain(
      "# SMTP listen port. Accepts an integer from 0 to 65535 (0 = any free port).\n  port: 2525\n"
    )
    expect(text).toContain('keyPrefix: "mailmoat:"')
    const lines = text.split("\n")
    const examples = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*# [a-z]\w*: \S/.test(l))
    expect(examples.length).toBeGreaterThanOrEqual(10)
    for (const { l, i } of examples) {
      const uncommented = lines.map((x, j) => (j === i ? l.replace("# ", "") : x)).join("\n")
      const r = GatewayConfig.decodeText(uncommented)
      expect(r.ok ? "ok" : r.problems, l).toBe("ok")
    }
  })

  it("an empty value (YAML `key:`) means the default", () => {
    const r = GatewayConfig.decodeText("smtp:\n  port:\nantispam:\nplugins:\n  - use: x\n    options: { keep: null }\n")
    expect(r.ok && r.config.smtp.port).toBe(2525)
    expect(r.ok && r.config.plugins).toEqual([{ use: "x", options: { keep: null } }])
  })
})

describe("one line per problem: <path>: expected <what>, got <value>", () => {
  it("wrong type", () => {
    expect(problems({ smtp: { port: "abc" } })).toEqual([
      'smtp.port: expected an integer from 0 to 65535 (0 = any free port), got "abc"'
    ])
    expect(problems({ admin: { enabled: "yes" } })).toEqual(['admin.enabled: expected true or false, got "yes"'])
    expect(problems({ antispam: { lists: { servers: "bl.example" } } })).toEqual([
      'antispam.lists.servers: expected a list of DNS zones, got "bl.example"'
    ])
    expect(problems({ smtp: [] })).toEqual(["smtp: expected a mapping of settings, got an empty list"])
    expect(problems([1])).toEqual(["(top level): expected a mapping of settings, got a list (1 entry)"])
  })

  it("out of range", () => {
    expect(problems({ smtp: { port: 70000 } })).toEqual([
      "smtp.port: expected an integer from 0 to 65535 (0 = any free port), got 70000"
    ])
    expect(problems({ delivery: { downstream: { port: 0 } } })).toEqual([
      "delivery.downstream.port: expected an integer from 1 to 65535, got 0"
    ])
    expect(problems({ smtp: { maxRecipients: 2.5 } })).toEqual([
      "smtp.maxRecipients: expected an integer >= 1, got 2.5"
    ])
    expect(problems({ classifier: { hamBelow: 1.5 } })).toEqual([
      "classifier.hamBelow: expected a number from 0 to 1, got 1.5"
    ])
    expect(problems({ antispam: { lists: { timeoutSeconds: -1 } } })).toEqual([
      "antispam.lists.timeoutSeconds: expected a number >= 0, got -1"
    ])
  })

  it("smtp.processes: an integer from 1 to 256 or auto", () => {
    expect(GatewayConfig.decode({ smtp: { processes: 2 } })).toMatchObject({
      ok: true,
      config: { smtp: { processes: 2 } }
    })
    expect(GatewayConfig.decode({ smtp: { processes: "auto" } })).toMatchObject({
      ok: true,
      config: { smtp: { processes: "auto" } }
    })
    for (const bad of [0, 1.5, 300, "many", "2"])
      expect(problems({ smtp: { processes: bad } })).toEqual([
        `smtp.processes: expected an integer from 1 to 256 or "auto", got ${JSON.stringify(bad)}`
      ])
  })

  it("state.dnsCache failure TTLs: 0 to 300 s (RFC 2308 §7.1)", () => {
    expect(
      GatewayConfig.decode({ state: { dnsCache: { refusedTtlSeconds: 300, failureTtlSeconds: 0 } } })
    ).toMatchObject({
      ok: true,
      config: { state: { dnsCache: { refusedTtlSeconds: 300, failureTtlSeconds: 0 } } }
    })
    for (const key of ["refusedTtlSeconds", "failureTtlSeconds"])
      for (const bad of [301, -1, 2.5])
        expect(problems({ state: { dnsCache: { [key]: bad } } })).toEqual([
          `state.dnsCache.${key}: expected an integer from 0 to 300, got ${bad}`
        ])
  })

  it("bad enum", () => {
    expect(problems({ antispam: { onSpam: "bounce" } })).toEqual([
      'antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"'
    ])
    expect(problems({ state: { backend: "postgres" } })).toEqual([
      'state.backend: expected one of embedded | redis, got "postgres"'
    ])
    expect(problems({ log: { level: 3 } })).toEqual(["log.level: expected one of debug | info | warn | error, got 3"])
    expect(problems({ log: { format: "xml" } })).toEqual(['log.format: expected one of text | json, got "xml"'])
  })

  it("bad formats: CIDR, zone, host:port, URL, digest, port list", () => {
    expect(problems({ antispam: { lists: { allowedIps: ["10.0.0.0/8", "300.1.1.1/33"] } } })).toEqual([
      'antispam.lists.allowedIps[1]: expected an IP address or CIDR range, got "300.1.1.1/33"'
    ])
    expect(problems({ antispam: { lists: { servers: ["zen.example:10.0.0.2"] } } })).toEqual([
      'antispam.lists.servers[0]: expected a DNS zone, got "zen.example:10.0.0.2"'
    ])
    expect(problems({ protocols: { listeners: [{ listen: "127.0.0.1", upstream: "imap.example:143" }] } })).toEqual([
      'protocols.listeners[0].listen: expected host:port to listen on (port 0 = any free port), got "127.0.0.1"'
    ])
    expect(problems({ classifier: { updateUrl: "ftp://models.example/m", updateSha256: "abc" } })).toEqual([
      'classifier.updateUrl: expected an http:// or https:// URL, got "ftp://models.example/m"',
      'classifier.updateSha256: expected 64 hexadecimal digits (a SHA-256 digest), got "abc"'
    ])
    expect(problems({ protocols: { tlsPorts: "993, abc, 70000" } })).toEqual([
      'protocols.tlsPorts: expected a port from 1 to 65535 (entry 2 of "993, abc, 70000"), got "abc"',
      'protocols.tlsPorts: expected a port from 1 to 65535 (entry 3 of "993, abc, 70000"), got "70000"'
    ])
  })

  it("unknown keys are named, with the closest known key", () => {
    expect(problems({ smtp: { prot: 25 } })).toEqual([
      'smtp.prot: unknown key (did you mean port?); expected one of host | port | hostname | maxMessageSizeKB | maxRecipients | maxConnections | maxConnectionsPerIp | bareLineEndings | processes | tls | auth | limits, got "prot"'
    ])
    expect(problems({ antispm: {} })[0]).toMatch(
      /^antispm: unknown key \(did you mean antispam\?\); expected one of dataDir \| smtp/
    )
    expect(problems({ plugins: [{ use: "x", opts: {} }] })[0]).toMatch(
      /^plugins\[0\]\.opts: unknown key \(did you mean options\?\)/
    )
  })

  it("missing required keys", () => {
    expect(problems({ smtp: { tls: { certFile: "c.pem" } } })).toEqual([
      "smtp.tls.keyFile: expected a file path, got nothing (this key is required)"
    ])
    expect(problems({ plugins: [{ options: {} }] })).toEqual([
      "plugins[0].use: expected a plugin module name or path, got nothing (this key is required)"
    ])
  })

  it("state.redis: Sentinel, Cluster, secrets and TLS, each problem at its key", () => {
    const sentinel = GatewayConfig.decode({
      state: {
        backend: "redis",
        redis: {
          sentinel: { masterName: "mymaster", nodes: ["10.0.0.1:26379", "[::1]:26380"] },
          passwordEnv: "REDIS_PW"
        }
      }
    })
    expect(sentinel.ok && sentinel.config.state.redis?.sentinel?.nodes).toEqual(["10.0.0.1:26379", "[::1]:26380"])
    const cluster = GatewayConfig.decode({
      state: {
        backend: "redis",
        redis: { cluster: { nodes: ["10.0.0.1:7000"] }, tls: { caFile: "ca.pem" }, waitReplicas: 1 }
      }
    })
    expect(cluster.ok).toBe(true)
    expect(
      problems({
        state: { backend: "redis", url: "redis://h:6379", redis: { sentinel: { masterName: "m", nodes: ["h:26379"] } } }
      })
    ).toEqual([
      'state.url: expected no state.url with state.redis.sentinel (the sentinels name the master), got "redis://h:6379"'
    ])
    expect(problems({ state: { backend: "redis", redis: { cluster: { nodes: [] } } } })).toEqual([
      "state.redis.cluster.nodes: expected at least one host:port, got an empty list"
    ])
    expect(problems({ state: { backend: "redis", redis: { cluster: { nodes: ["h"] } } } })).toEqual([
      'state.redis.cluster.nodes[0]: expected host:port, got "h"'
    ])
    expect(
      problems({ state: { backend: "redis", url: "redis://h", redis: { password: "x", passwordFile: "/p" } } })
    ).toEqual([
      'state.redis.passwordFile: expected only one of password, passwordFile, passwordEnv (got password and passwordFile), got "/p"'
    ])
    expect(problems({ state: { backend: "redis", url: "redis://h", redis: { tls: { certFile: "c.pem" } } } })).toEqual([
      "state.redis.tls.keyFile: expected certFile and keyFile together (a client certificate needs its key), got nothing"
    ])
    expect(problems({ state: { keyPrefix: "{tag}:" } })).toEqual([
      'state.keyPrefix: expected a non-empty key prefix without { or }, got "{tag}:"'
    ])
  })

  it("cross-field checks", () => {
    expect(problems({ state: { backend: "redis" } })).toEqual([
      "state.url: expected a redis:// URL (or state.redis.sentinel or state.redis.cluster) when state.backend is redis, got nothing"
    ])
    expect(problems({ classifier: { hamBelow: 0.95 } })).toEqual([
      "classifier.spamAbove: expected a number greater than hamBelow (0.95), got 0.9"
    ])
    expect(problems({ delivery: { maildir: "./m", downstream: { host: "10.0.0.5" } } })).toEqual([
      "delivery.downstream: expected no downstream when maildir is set (use one of them), got a mapping"
    ])
    expect(problems({ protocols: { clamd: { timeoutSeconds: 5 } } })).toEqual([
      "protocols.clamd.socket: expected a clamd socket path, or a host (with port), got nothing"
    ])
    expect(problems({ protocols: { clamd: { socket: "/run/c", host: "127.0.0.1" } } })).toEqual([
      'protocols.clamd.host: expected no host when socket is set (use one of them), got "127.0.0.1"'
    ])
    expect(problems({ smtp: { auth: { dovecot: {} } } })).toEqual([
      "smtp.auth.dovecot.socket: expected a Dovecot auth socket path, or a host (with port), got nothing"
    ])
    expect(problems({ smtp: { auth: { dovecot: { socket: "/run/a", host: "127.0.0.1", port: 12345 } } } })).toEqual([
      'smtp.auth.dovecot.host: expected no host when socket is set (use one of them), got "127.0.0.1"'
    ])
    expect(problems({ smtp: { auth: { dovecot: { host: "127.0.0.1" } } } })).toEqual([
      "smtp.auth.dovecot.port: expected the port of Dovecot's auth listener when host is set, got nothing"
    ])
    expect(GatewayConfig.decode({ smtp: { auth: { dovecot: { socket: "/run/dovecot/auth-client" } } } }).ok).toBe(true)
  })

  it("delivery.maildir: a path or { path, domains }, problems named inside the mapping", () => {
    const ok = (maildir: unknown) => {
      const r = GatewayConfig.decode({ delivery: { maildir } })
      return r.ok ? r.config.delivery.maildir : r.problems
    }
    expect(ok("./m")).toBe("./m")
    expect(ok({ path: "./m", domains: ["example.org", "*", "Mail.Example.NET"] })).toEqual({
      path: "./m",
      domains: ["example.org", "*", "Mail.Example.NET"]
    })
    expect(ok({ domains: ["example.org"] })).toEqual({ domains: ["example.org"] })
    expect(
      problems({ delivery: { maildir: { path: "./m", domains: ["example.org", "192.0.2.1", "bad domain"] } } })
    ).toEqual([
      'delivery.maildir.domains[1]: expected a domain name or *, got "192.0.2.1"',
      'delivery.maildir.domains[2]: expected a domain name or *, got "bad domain"'
    ])
    expect(problems({ delivery: { maildir: { path: "./m", dommains: [] } } })[0]).toMatch(
      /^delivery\.maildir\.dommains: unknown key \(did you mean domains\?\)/
    )
    expect(problems({ delivery: { maildir: 5 } })).toEqual([
      "delivery.maildir: expected a path, or { path, domains }, got 5"
    ])
  })

  it("collects every problem, not only the first", () => {
    const all = problems({
      smtp: { port: "x", host: 5, prot: 1 },
      antispam: { onSpam: "bounce" },
      log: { level: "loud" },
      state: { backend: "redis" }
    })
    expect(all.map((p) => p.split(":")[0])).toEqual([
      "smtp.prot",
      "smtp.host",
      "smtp.port",
      "antispam.onSpam",
      "state.url",
      "log.level"
    ])
  })

  it("valid values in every section decode, and the antispam section keeps its formats", () => {
    const r = GatewayConfig.decode({
      smtp: { port: 25, hostname: "mx.example", tls: { certFile: "c.pem", keyFile: "k.pem" } },
      delivery: {
        downstream: { host: "10.0.0.5", port: 10025, protocol: "lmtp", tls: "required", servername: "mx.example" }
      },
      antispam: {
        lists: {
          servers: ["bl.example", "zen.example:127.0.0.4"],
          allowedIps: ["::ffff:10.0.0.0/104", "2001:db8::/32"]
        }
      },
      state: { backend: "redis", url: "redis://127.0.0.1:6379/0" },
      protocols: {
        tlsPorts: 993,
        listeners: [{ listen: "[::1]:0", upstream: "imap.example:993", protocol: "imap" }],
        clamd: { host: "127.0.0.1", port: 3310 }
      },
      plugins: [{ use: "@example/plugin", options: { anything: [1, null] } }]
    })
    expect(r.ok ? "ok" : r.problems).toBe("ok")
    if (!r.ok) return
    expect(r.config.protocols.tlsPorts).toBe("993")
    expect(r.config.protocols.listeners[0]).toEqual({
      listen: "[::1]:0",
      upstream: "imap.example:993",
      protocol: "imap",
      serverNames: []
    })
    expect(r.config.antispam.lists.servers).toEqual(["bl.example", "zen.example:127.0.0.4"])
  })
})

describe("properties", () => {
  const line = /^(\(top level\)|[A-Za-z_$][\w$]*(\[\d+\])*(\.[^.:\s[]+(\[\d+\])*)*): \S/

  test.prop([fc.jsonValue()])("decode never throws on arbitrary JSON; problems are one line each", (input) => {
    const r = GatewayConfig.decode(input)
    if (!r.ok) for (const p of r.problems) expect(p).not.toContain("\n")
  })

  test.prop([configLike], { numRuns: 300 })(
    "configuration-shaped input: decoding is total, idempotent and survives YAML",
    (input) => {
      const r = GatewayConfig.decode(input)
      if (!r.ok) {
        expect(r.problems.length).toBeGreaterThan(0)
        for (const p of r.problems) expect(p).toMatch(line)
        return
      }
      expect(GatewayConfig.decode(r.config)).toEqual(r)
      expect(GatewayConfig.decodeText(stringify(r.config))).toEqual(r)
    }
  )
})

describe("composing the antispam section", () => {
  it("a contribution's keys join the policy's; a key declared twice is a programming error", () => {
    const own = { options: { size: number(0).pipe(withDefault(3)) } }
    const codec = Config.make(Config.composeAntispam([own]))
    expect(codec.defaults().antispam).toEqual({
      enabled: true,
      onSpam: "quarantine",
      spamScore: 5,
      scores: {},
      size: 3
    })
    expect(() => Config.composeAntispam([own, own])).toThrow("antispam.size is declared twice")
    expect(() => Config.composeAntispam([{ options: { onSpam: number(0) } }])).toThrow(
      "antispam.onSpam is declared twice"
    )
  })
})
