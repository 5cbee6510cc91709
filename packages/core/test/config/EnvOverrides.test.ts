// Environment overrides: MAILMOAT_<PATH> with __ between segments, matched to the schema's keys
// ignoring case and underscores, values parsed as YAML, env winning over the file.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { GatewayConfig } from "./support/codec.ts"
import { parseEnv } from "../../src/config/EnvOverrides.ts"

const withEnv = (text: string, env: Record<string, string | undefined>) =>
  GatewayConfig.decodeText(text, { source: "mailmoat.yaml", env })

describe("environment overrides", () => {
  it("MAILMOAT_CONFIG names the file; it is not a setting", () => {
    const r = withEnv("smtp: { port: 25 }\n", { MAILMOAT_CONFIG: "/etc/mailmoat/mailmoat.yaml" })
    expect(r.ok && r.config.smtp.port).toBe(25)
  })

  it("set nested camelCase keys, in any case, with or without underscores; env wins over the file", () => {
    const r = withEnv("smtp:\n  port: 25\n  maxRecipients: 10\nantispam:\n  onSpam: drop\n", {
      MAILMOAT_SMTP__PORT: "2626",
      MAILMOAT_SMTP__MAX_RECIPIENTS: "50",
      MAILMOAT_ANTISPAM__ONSPAM: "reject",
      MAILMOAT_ANTISPAM__LISTS__ENABLED: "true",
      MAILMOAT_ANTISPAM__LISTS__SERVERS: "[bl.example, zen.example:127.0.0.4]",
      MAILMOAT_PROTOCOLS__LISTENERS: "[{ listen: 127.0.0.1:1143, upstream: imap.example:143 }]",
      MAILMOAT_STATE__KEY_PREFIX: "gw1:",
      PATH: "/usr/bin",
      MAILMOAT_LOG__LEVEL: undefined
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.config.smtp.port).toBe(2626)
    expect(r.config.smtp.maxRecipients).toBe(50)
    expect(r.config.antispam.onSpam).toBe("reject")
    expect(r.config.antispam.lists.enabled).toBe(true)
    expect(r.config.antispam.lists.servers).toEqual(["bl.example", "zen.example:127.0.0.4"])
    expect(r.config.protocols.listeners).toEqual([
      { listen: "127.0.0.1:1143", upstream: "imap.example:143", protocol: "auto", serverNames: [] }
    ])
    expect(r.config.state.keyPrefix).toBe("gw1:")
  })

  it("a whole section can be set as a flow mapping; an empty value sets nothing", () => {
    const r = withEnv("", { MAILMOAT_ADMIN: "{ enabled: false }", MAILMOAT_SMTP__HOSTNAME: "" })
    expect(r.ok && r.config.admin).toEqual({ enabled: false, host: "127.0.0.1", port: 8025 })
    expect(r.ok && r.config.smtp.hostname).toBeUndefined()
  })

  it("delivery.maildir (a path or { path, domains }): its keys can be set; a path from the file is kept", () => {
    const domains = { MAILMOAT_DELIVERY__MAILDIR__DOMAINS: "[example.org, example.net]" }
    const fromPath = withEnv("delivery:\n  maildir: /srv/mail\n", domains)
    expect(fromPath.ok && fromPath.config.delivery.maildir).toEqual({
      path: "/srv/mail",
      domains: ["example.org", "example.net"]
    })
    const fromMapping = withEnv("delivery:\n  maildir: { path: /srv/mail, domains: [a.test] }\n", domains)
    expect(fromMapping.ok && fromMapping.config.delivery.maildir).toEqual({
      path: "/srv/mail",
      domains: ["example.org", "example.net"]
    })
    const fromNothing = withEnv("", domains)
    expect(fromNothing.ok && fromNothing.config.delivery.maildir).toEqual({ domains: ["example.org", "example.net"] })
    const whole = withEnv("delivery:\n  maildir: { path: /srv/mail, domains: [a.test] }\n", {
      MAILMOAT_DELIVERY__MAILDIR: "/other"
    })
    expect(whole.ok && whole.config.delivery.maildir).toBe("/other")
    const typo = withEnv("", { MAILMOAT_DELIVERY__MAILDIR__DOMAIN: "[a.test]" })
    expect(typo.ok ? [] : typo.problems).toEqual([
      expect.stringMatching(
        /^MAILMOAT_DELIVERY__MAILDIR__DOMAIN: unknown setting "DOMAIN" under delivery\.maildir \(did you mean domains\?\)/
      )
    ])
  })

  it("an unknown path names the variable and suggests the key", () => {
    const r = withEnv("", {
      MAILMOAT_SMTP__PROT: "25",
      MAILMOAT_NOPE: "1",
      MAILMOAT_PLUGINS__0__USE: "x",
      MAILMOAT_SMTP__PORT__X: "1"
    })
    expect(r.ok ? [] : r.problems).toEqual([
      'MAILMOAT_NOPE: unknown setting "NOPE" at the top level; expected one of dataDir | smtp | delivery | quarantine | admin | antispam | state | classifier | protocols | plugins | log',
      'MAILMOAT_PLUGINS__0__USE: plugins is a list: set the whole list as a flow value, e.g. [a, b]; it has no setting "0"',
      'MAILMOAT_SMTP__PORT__X: smtp.port is a single value; it has no setting "X"',
      'MAILMOAT_SMTP__PROT: unknown setting "PROT" under smtp (did you mean port?); expected one of host | port | hostname | maxMessageSizeKB | maxRecipients | maxConnections | maxConnectionsPerIp | bareLineEndings | processes | tls | auth | limits'
    ])
  })

  it("a bad value names the path and the variable that set it", () => {
    const r = withEnv("smtp:\n  port: 25\n", {
      MAILMOAT_SMTP__PORT: "abc",
      MAILMOAT_ANTISPAM__LISTS__ALLOWED_IPS: "[10.0.0.0/8, 300.1.1.1/33]"
    })
    expect(r.ok ? [] : r.problems).toEqual([
      'smtp.port: expected an integer from 0 to 65535 (0 = any free port), got "abc" (set by MAILMOAT_SMTP__PORT)',
      'antispam.lists.allowedIps[1]: expected an IP address or CIDR range, got "300.1.1.1/33" (set by MAILMOAT_ANTISPAM__LISTS__ALLOWED_IPS)'
    ])
  })

  it("an unparsable value is a problem naming the variable", () => {
    const r = withEnv("", { MAILMOAT_ANTISPAM__LISTS__SERVERS: "[bl.example" })
    expect(r.ok ? [] : r.problems).toHaveLength(1)
    expect(r.ok ? "" : r.problems[0]).toMatch(/^MAILMOAT_ANTISPAM__LISTS__SERVERS:1: .*expected a YAML value/)
  })

  it("env problems are reported with the file's syntax errors", () => {
    const r = withEnv("smtp: [unclosed\n", { MAILMOAT_NOPE: "1" })
    expect(r.ok ? [] : r.problems.map((p) => p.split(":")[0])).toEqual(["mailmoat.yaml", "MAILMOAT_NOPE"])
  })

  const segment = fc.oneof(
    fc.constantFrom(
      "SMTP",
      "PORT",
      "ANTISPAM",
      "LISTS",
      "SERVERS",
      "PLUGINS",
      "0",
      "",
      "MAX_RECIPIENTS",
      "LISTENERS",
      "__proto__",
      "constructor"
    ),
    fc.string({ maxLength: 6 })
  )
  const name = fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `MAILMOAT_${s.join("__")}`)
  const value = fc.oneof(
    fc.string(),
    fc.constantFrom("[a, b", "{x: 1}", "*alias", "&a [*a]", "2626", "true", "~", "- a\n- b", ": :")
  )

  test.prop([fc.dictionary(name, fc.option(value, { nil: undefined }))])(
    "the env parser and loader never throw",
    (env) => {
      const parsed = parseEnv(env, GatewayConfig.schema.ast)
      expect(parsed.overrides.length + parsed.problems.length).toBeLessThanOrEqual(Object.keys(env).length)
      const r = GatewayConfig.decodeText("", { env })
      if (!r.ok) for (const p of r.problems) expect(p).not.toContain("\n")
    }
  )
})
