// `antispam.virus`: off when absent, defaults when given a clamd, one clear line per bad value,
// the socket/host cross-check, environment overrides, and a property: whatever is written under
// the key, decoding never throws and gives either the section or problems naming their path.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { GatewayConfig } from "../../src/index.ts"

const virus = (value: unknown) => {
  const r = GatewayConfig.decode({ antispam: { virus: value } })
  return r.ok ? { ok: true as const, virus: r.config.antispam.virus } : { ok: false as const, problems: r.problems }
}

describe("antispam.virus", () => {
  it("is absent (off) in the defaults and in the commented defaults file's values", () => {
    expect(GatewayConfig.defaults().antispam.virus).toBeUndefined()
    const text = GatewayConfig.defaultsYaml()
    expect(GatewayConfig.decodeText(text)).toEqual({ ok: true, config: GatewayConfig.defaults() })
    expect(text).toContain("virus")
  })

  it("a clamd alone gets every other key's default", () => {
    expect(virus({ clamd: { socket: "/run/clamav/clamd.ctl" } })).toEqual({
      ok: true,
      virus: {
        clamd: { socket: "/run/clamav/clamd.ctl", timeoutSeconds: 60 },
        onVirus: "reject",
        onUnavailable: "tempfail",
        onOversize: "deliver",
        maxSizeMB: 0,
        bypass: []
      }
    })
    const tcp = virus({ clamd: { host: "127.0.0.1", port: 3310, timeoutSeconds: 5 }, bypass: ["allowedIps"] })
    expect(tcp.ok && tcp.virus?.clamd).toEqual({ host: "127.0.0.1", port: 3310, timeoutSeconds: 5 })
    expect(tcp.ok && tcp.virus?.bypass).toEqual(["allowedIps"])
  })

  it("a scan deadline that would outlast the data phase's 300 s (the client's 451 while the scan still runs) is refused", () => {
    expect(virus({ clamd: { socket: "/s", timeoutSeconds: 240 } }).ok).toBe(true)
    expect(virus({ clamd: { socket: "/s", timeoutSeconds: 600 } })).toEqual({
      ok: false,
      problems: ["antispam.virus.clamd.timeoutSeconds: expected a number from 1 to 240, got 600"]
    })
  })

  it("bad values are named by their path, each on its own line", () => {
    expect(virus({})).toEqual({
      ok: false,
      problems: ["antispam.virus.clamd: expected a mapping of settings, got nothing (this key is required)"]
    })
    expect(virus({ clamd: {} })).toEqual({
      ok: false,
      problems: ["antispam.virus.clamd.socket: expected a clamd socket path, or a host (with port), got nothing"]
    })
    expect(virus({ clamd: { socket: "/s", host: "127.0.0.1" } })).toEqual({
      ok: false,
      problems: ['antispam.virus.clamd.host: expected no host when socket is set (use one of them), got "127.0.0.1"']
    })
    expect(
      virus({
        clamd: { host: "127.0.0.1", port: 99999, timeoutSeconds: 0 },
        onVirus: "bounce",
        onUnavailable: "accept",
        onOversize: "tempfail",
        maxSizeMB: -1,
        bypass: ["safeSenders"]
      })
    ).toEqual({
      ok: false,
      problems: [
        "antispam.virus.clamd.port: expected an integer from 1 to 65535, got 99999",
        "antispam.virus.clamd.timeoutSeconds: expected a number from 1 to 240, got 0",
        'antispam.virus.onVirus: expected one of reject | quarantine | drop, got "bounce"',
        'antispam.virus.onUnavailable: expected one of tempfail | deliver, got "accept"',
        'antispam.virus.onOversize: expected one of deliver | reject, got "tempfail"',
        "antispam.virus.maxSizeMB: expected a number >= 0, got -1",
        'antispam.virus.bypass[0]: expected one of allowedIps | session | recipient, got "safeSenders"'
      ]
    })
    const typo = virus({ clamd: { socket: "/s" }, onVirsu: "drop" })
    expect(typo.ok ? [] : typo.problems[0]).toMatch(/^antispam\.virus\.onVirsu: unknown key \(did you mean onVirus\?\)/)
  })

  it("can be set from the environment", () => {
    const r = GatewayConfig.decodeText("", {
      env: {
        MAILMOAT_ANTISPAM__VIRUS__CLAMD__SOCKET: "/run/clamav/clamd.ctl",
        MAILMOAT_ANTISPAM__VIRUS__ON_VIRUS: "quarantine"
      }
    })
    expect(r.ok && [r.config.antispam.virus?.clamd.socket, r.config.antispam.virus?.onVirus]).toEqual([
      "/run/clamav/clamd.ctl",
      "quarantine"
    ])
  })

  const valueLike = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        clamd: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              socket: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue()),
              host: fc.oneof(fc.constantFrom("127.0.0.1", "clamd.example", "::1", "no such host"), fc.jsonValue()),
              port: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.jsonValue()),
              timeoutSeconds: fc.oneof(fc.double({ min: -1, max: 1000 }), fc.jsonValue())
            },
            { requiredKeys: [] }
          )
        ),
        onVirus: fc.oneof(fc.constantFrom("reject", "quarantine", "drop", "x"), fc.jsonValue()),
        onUnavailable: fc.oneof(fc.constantFrom("tempfail", "deliver", ""), fc.jsonValue()),
        onOversize: fc.oneof(fc.constantFrom("deliver", "reject", "tempfail"), fc.jsonValue()),
        maxSizeMB: fc.oneof(fc.double({ min: -10, max: 100 }), fc.jsonValue()),
        bypass: fc.oneof(fc.array(fc.constantFrom("allowedIps", "session", "recipient", "safe")), fc.jsonValue())
      },
      { requiredKeys: [] }
    )
  )

  test.prop([valueLike], { numRuns: 500 })(
    "arbitrary input never throws: a section (that decodes to itself, also through YAML) or problems naming their path",
    (value) => {
      const r = virus(value)
      if (!r.ok) {
        expect(r.problems.length).toBeGreaterThan(0)
        for (const p of r.problems) {
          expect(p.startsWith("antispam.virus")).toBe(true)
          expect(p).toMatch(/: (expected|unknown key)/)
          expect(p).not.toMatch(/[\r\n]/)
        }
        return
      }
      // Undefined only for an explicit null / absent value: the key is then "not set".
      if (r.virus === undefined) return
      expect(virus(r.virus)).toEqual(r)
      const again = GatewayConfig.decodeText(stringify({ antispam: { virus: r.virus } }))
      expect(again.ok && again.config.antispam.virus).toEqual(r.virus)
    }
  )
})
