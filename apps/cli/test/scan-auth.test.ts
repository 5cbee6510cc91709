// `mailmoat scan` (the built binary) shows SPF, DKIM, DMARC and ARC, in JSON and in its table,
// with the same verdicts the SMTP path gives (the scenario table shared with the gateway's swaks
// test), the resolver pointed at a real dnsmasq.
import { writeFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Dnsmasq, startDnsmasq } from "../../../packages/antispam/test/auth/support/dnsmasq.ts"
import { AUTH_CONFIG, SCENARIOS } from "../../../packages/antispam/test/auth/support/scenarios.ts"
import { RECORDS, ZONES } from "../../../packages/antispam/test/auth/support/world.ts"
import { mailmoat, tmp, writeConfig } from "./support/cli.ts"

let dns: Dnsmasq
let config: string
beforeAll(async () => {
  dns = await startDnsmasq(ZONES, RECORDS)
  config = writeConfig({
    dataDir: `${tmp()}/data`,
    smtp: { hostname: "gw.test" },
    classifier: { enabled: false },
    antispam: { ...AUTH_CONFIG, dns: { servers: [dns.server] } }
  })
})
afterAll(async () => {
  await dns?.stop()
})

const ACTION = { deliver: "Deliver", reject: "Reject", quarantine: "Quarantine" } as const

describe("scan: sender authentication", () => {
  // The table is read for two scenarios only: each run of the binary costs seconds.
  test.each(SCENARIOS.map((s, i) => [s.name, s, i === 0 || s.results.arc === "pass"] as const))(
    "%s",
    async (_name, s, table) => {
      const file = `${tmp()}/m.eml`
      writeFileSync(file, await s.build())
      const args = [
        "scan",
        file,
        "--config",
        config,
        "--client-ip",
        s.ip,
        "--helo",
        s.helo,
        "--from",
        s.mailFrom,
        "--rcpt",
        "user@rcpt.test"
      ]
      const r = await mailmoat([...args, "--json"])
      expect(r.stderr).toBe("")
      const j = JSON.parse(r.stdout)
      expect(j.recipients[0].action._tag).toBe(ACTION[s.outcome])
      if (s.outcome === "reject") expect(j.recipients[0].action.reason).toMatch(/^DMARC policy of \S+ is reject/)
      const names = j.symbols.map((x: { name: string }) => x.name)
      for (const name of s.symbols) expect(names).toContain(name)
      expect(j.auth.spf.mailFrom.result).toBe(s.results.spf)
      expect(j.auth.dkim.length === 0 ? "none" : j.auth.dkim[0].result).toBe(s.results.dkim)
      expect(j.auth.dmarc.result).toBe(s.results.dmarc)
      expect(j.auth.arc.result).toBe(s.results.arc)

      if (!table) return
      const human = await mailmoat(args)
      expect(human.stdout).toMatch(/sender authentication:/)
      expect(human.stdout).toMatch(new RegExp(`spf \\(mailfrom\\)\\s+${s.results.spf}\\s`))
      expect(human.stdout).toMatch(new RegExp(`dmarc\\s+${s.results.dmarc}\\s`))
      expect(human.stdout).toMatch(new RegExp(`arc\\s+${s.results.arc}\\s`))
      // Two runs of the binary: each takes seconds on a loaded machine.
    },
    60_000
  )
})
