// The built-in configuration: the antispam section composed from the stage folders' options
// (defaults, formats, cross-field checks, env overrides), decoded by core's codec.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Dns, GatewayConfig as CoreConfig } from "@mailmoat/core"
import { DEFAULT_BLOCKED } from "../../src/attachments/options.ts"
import { AntispamConfigError, GatewayConfig, makeClientAntispam, resolveAntispamSettings } from "../../src/index.ts"

const problems = (input: unknown): ReadonlyArray<string> => {
  const r = GatewayConfig.decode(input)
  if (r.ok) throw new Error(`expected problems, got a valid configuration: ${JSON.stringify(input)}`)
  return r.problems
}

describe("the built-in antispam section", () => {
  it("an empty file is every stage folder's documented defaults", () => {
    expect(GatewayConfig.defaults().antispam).toEqual({
      enabled: true,
      onSpam: "quarantine",
      spamScore: 5,
      scores: {},
      recipientDelimiter: "+",
      bypass: { allowedIps: [], acceptSessionBypass: true, safeSendersRequireAuth: true },
      maxScanSizeKB: 0,
      attachments: { enabled: true, blockedExtensions: [...DEFAULT_BLOCKED], archives: true },
      auth: { enabled: true, timeoutSeconds: 5 },
      dmarc: { enforce: false, trustedForwarders: [] },
      arc: { trustedSealers: [] },
      received: { maxIps: 0, trustedNetworks: [] },
      rbl: { servers: [], timeoutSeconds: 5, maxAddresses: 0, skip: ["127.0.0.0/8"] },
      dnsbl: { servers: [], timeoutSeconds: 5, maxAddresses: 10, maxDomains: 20 },
      endUserBlocklist: { enabled: true, entries: [], zones: [] },
      reputation: {
        enabled: false,
        halfLifeHours: 72,
        minMessages: 5,
        maxEntries: 100_000,
        ip: { bad: 2, good: -1 },
        network: { bad: 1, good: -0.5 },
        domain: { bad: 1.5, good: -1.5 }
      },
      tempReject: {
        enabled: false,
        periodMinutes: 15,
        submitForAnalysis: false,
        analysisTimeoutSeconds: 10,
        analysisQueueSize: 100
      },
      dns: { servers: [], resolver: "system" }
    })
  })

  it("the commented defaults file documents the stage keys and decodes to the defaults", () => {
    const text = GatewayConfig.defaultsYaml()
    expect(GatewayConfig.decodeText(text)).toEqual({ ok: true, config: GatewayConfig.defaults() })
    expect(text).toContain(
      "  # Larger messages are not scanned; 0 = unlimited, 1..12 is raised to 12. Accepts an integer >= 0.\n  maxScanSizeKB: 0\n"
    )
    expect(text).toContain(
      "    # RBL zones for the sender IPs: zone or zone:127.0.0.x. Accepts a list of DNS zones.\n    servers: []\n"
    )
  })

  it("antispam.maxScanSizeKB: 0 is unlimited, 1..12 is raised to 12, larger stays", () => {
    const kb = (n: number) => {
      const r = GatewayConfig.decode({ antispam: { maxScanSizeKB: n } })
      return r.ok ? r.config.antispam.maxScanSizeKB : r.problems
    }
    expect([kb(0), kb(1), kb(11), kb(12), kb(13), kb(500)]).toEqual([0, 12, 12, 12, 13, 500])
  })

  it("bad values are named by their path", () => {
    expect(problems({ antispam: { rbl: { servers: "bl.example" } } })).toEqual([
      'antispam.rbl.servers: expected a list of DNS zones, got "bl.example"'
    ])
    expect(problems({ antispam: { rbl: { timeoutSeconds: -1 } } })).toEqual([
      "antispam.rbl.timeoutSeconds: expected a number >= 0, got -1"
    ])
    expect(problems({ antispam: { onSpam: "bounce" } })).toEqual([
      'antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"'
    ])
    expect(problems({ antispam: { bypass: { allowedIps: ["10.0.0.0/8", "300.1.1.1/33"] } } })).toEqual([
      'antispam.bypass.allowedIps[1]: expected an IP address or CIDR range, got "300.1.1.1/33"'
    ])
    expect(problems({ antispam: { rbl: { servers: ["zen.example:10.0.0.2"] } } })).toEqual([
      'antispam.rbl.servers[0]: expected a DNS zone, optionally with :127.x.y.z (e.g. zen.example:127.0.0.4), got "zen.example:10.0.0.2"'
    ])
    expect(problems({ antispam: { dns: { servers: ["dns.example"] } } })).toEqual([
      'antispam.dns.servers[0]: expected a resolver address host:port (127.0.0.1:5353, [::1]:53) or an IP, got "dns.example"'
    ])
    expect(problems({ antispam: { rlb: {} } })[0]).toMatch(/^antispam\.rlb: unknown key \(did you mean rbl\?\)/)
  })

  it("sender authentication keys name the bad value", () => {
    expect(
      problems({
        antispam: {
          dmarc: { trustedForwarders: ["10.0.0.0/33"] },
          arc: { trustedSealers: ["not a domain"] },
          auth: { timeoutSeconds: 0 }
        }
      })
    ).toEqual([
      "antispam.auth.timeoutSeconds: expected a number >= 0.001, got 0",
      'antispam.dmarc.trustedForwarders[0]: expected an IP address or CIDR range, got "10.0.0.0/33"',
      'antispam.arc.trustedSealers[0]: expected a domain name, got "not a domain"'
    ])
    const ok = GatewayConfig.decode({
      antispam: {
        dmarc: { enforce: true, trustedForwarders: ["192.0.2.0/24"] },
        arc: { trustedSealers: ["lists.example.org."] }
      }
    })
    expect(ok.ok && ok.config.antispam.dmarc).toEqual({ enforce: true, trustedForwarders: ["192.0.2.0/24"] })
  })

  it("cross-field check: tempReject.submitForAnalysis needs analysisUrl", () => {
    expect(problems({ antispam: { tempReject: { submitForAnalysis: true } } })).toEqual([
      "antispam.tempReject.analysisUrl: expected an http:// or https:// URL when submitForAnalysis is true, got nothing"
    ])
  })

  it("valid values keep their formats", () => {
    const r = GatewayConfig.decode({
      antispam: {
        rbl: { servers: ["bl.example", "zen.example:127.0.0.4"] },
        dns: { servers: ["127.0.0.1:5353", "[::1]:53", "192.0.2.53"] },
        bypass: { allowedIps: ["::ffff:10.0.0.0/104", "2001:db8::/32"] },
        endUserBlocklist: { entries: ["198.51.100.0/24", "user@example.net", "example.net"] }
      }
    })
    expect(r.ok ? r.config.antispam.rbl.servers : r.problems).toEqual(["bl.example", "zen.example:127.0.0.4"])
  })

  it("stage keys can be set from the environment", () => {
    const r = GatewayConfig.decodeText("antispam:\n  onSpam: drop\n", {
      env: {
        MAILMOAT_ANTISPAM__TEMPREJECT__ENABLED: "true",
        MAILMOAT_ANTISPAM__RBL__SERVERS: "[bl.example, zen.example:127.0.0.4]",
        MAILMOAT_ANTISPAM__ON_SPAM: "reject"
      }
    })
    expect(
      r.ok && [r.config.antispam.onSpam, r.config.antispam.tempReject.enabled, r.config.antispam.rbl.servers]
    ).toEqual(["reject", true, ["bl.example", "zen.example:127.0.0.4"]])
    const bad = GatewayConfig.decodeText("", { env: { MAILMOAT_ANTISPAM__BYPASS__ALLOWED_IPS: "[300.1.1.1/33]" } })
    expect(bad.ok ? [] : bad.problems).toEqual([
      'antispam.bypass.allowedIps[0]: expected an IP address or CIDR range, got "300.1.1.1/33" (set by MAILMOAT_ANTISPAM__BYPASS__ALLOWED_IPS)'
    ])
  })
})

describe("AntispamConfigError", () => {
  it("a section that does not decode, or scores naming no declared symbol, is a typed error with one problem per line", () => {
    const caught = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return e
      }
      throw new Error("expected a throw")
    }
    const bad = caught(() => resolveAntispamSettings({ rbl: { timeoutSeconds: -1 }, onSpam: "bounce" as never }))
    expect(bad).toBeInstanceOf(AntispamConfigError)
    expect((bad as AntispamConfigError).problems).toEqual([
      'antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"',
      "antispam.rbl.timeoutSeconds: expected a number >= 0, got -1"
    ])
    const scores = caught(() =>
      makeClientAntispam({ scores: { RBL_LISTD: 4 } }, { dns: Dns.makeStatic({}), healthIntervalMillis: 0 })
    )
    expect(scores).toBeInstanceOf(AntispamConfigError)
    expect((scores as AntispamConfigError).problems).toEqual(["antispam.scores: no stage declares RBL_LISTD"])
  })
})

describe("formats", () => {
  // Together with platform-node's DnsServerFormat test (isDnsServer accepts exactly what NodeDns
  // can use), this proves antispam.dns.servers accepts exactly what the resolver can use.
  const serverLike = fc.oneof(
    fc.constantFrom("127.0.0.1:5353", "[::1]:53", "192.0.2.53", "dns.example", "1.2.3.4:0", "[::1]"),
    fc.string({ maxLength: 12 })
  )
  test.prop([serverLike])("antispam.dns.servers entries are checked by core's isDnsServer", (s) => {
    expect(GatewayConfig.decode({ antispam: { dns: { servers: [s] } } }).ok).toBe(CoreConfig.Formats.isDnsServer(s))
  })
})
