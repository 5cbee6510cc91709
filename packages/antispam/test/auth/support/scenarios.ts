// Messages and envelopes that the SMTP (swaks) and the `mailmoat scan` tests both run, with the
// verdict each must get under AUTH_CONFIG: the same table, so both paths must agree.
import { alter, IP, message, seal, sign } from "./world.ts"

/** The `antispam` settings both paths use (plus `dns.servers` pointing at the test's dnsmasq). */
export const AUTH_CONFIG = {
  dmarc: { enforce: true, trustedForwarders: ["127.0.0.60/32"] },
  arc: { trustedSealers: ["lists.trusted.test"] },
  endUserBlocklist: { enabled: false },
  auth: { timeoutSeconds: 3 }
} as const

export interface Scenario {
  readonly name: string
  readonly ip: string
  readonly helo: string
  readonly mailFrom: string
  readonly build: () => Promise<string>
  /** "deliver" (250, delivered), "reject" (550 5.7.1 naming DMARC), "quarantine" (250, quarantined). */
  readonly outcome: "deliver" | "reject" | "quarantine"
  readonly symbols: ReadonlyArray<string>
  /** Expected results in our Authentication-Results (and scan's facts). */
  readonly results: { readonly spf: string; readonly dkim: string; readonly dmarc: string; readonly arc: string }
}

const listCopy = async (sealer: "trusted" | "other") =>
  seal(
    alter(
      await sign(message({ from: "ceo@sig.test", subject: `list copy via ${sealer}` })),
      `Subject: list copy via ${sealer}`,
      `Subject: [list] list copy via ${sealer}`
    ),
    sealer
  )

export const SCENARIOS: ReadonlyArray<Scenario> = [
  {
    name: "signed (RSA + Ed25519) from an SPF-authorised IP",
    ip: IP.good,
    helo: "mail.pass.test",
    mailFrom: "ceo@sig.test",
    build: () => sign(message({ from: "ceo@sig.test", subject: "auth e2e signed" }), ["rsa", "ed"]),
    outcome: "deliver",
    symbols: ["SPF_PASS", "DKIM_PASS", "DMARC_PASS"],
    results: { spf: "pass", dkim: "pass", dmarc: "pass", arc: "none" }
  },
  {
    name: "signed, body altered in transit, SPF softfail",
    ip: IP.bad,
    helo: "client.example",
    mailFrom: "x@soft.test",
    build: async () =>
      alter(
        await sign(message({ from: "a@org.test", subject: "auth e2e altered" })),
        "signed test message",
        "signed test messagE"
      ),
    outcome: "deliver",
    symbols: ["SPF_SOFTFAIL", "DKIM_FAIL", "DMARC_FAIL_NONE"],
    results: { spf: "softfail", dkim: "fail", dmarc: "fail", arc: "none" }
  },
  {
    name: "spoofed p=reject From",
    ip: IP.bad,
    helo: "client.example",
    mailFrom: "x@pass.test",
    build: async () => message({ from: "ceo@sig.test", subject: "auth e2e spoof" }),
    outcome: "reject",
    symbols: ["SPF_FAIL", "DMARC_FAIL_REJECT"],
    results: { spf: "fail", dkim: "none", dmarc: "fail", arc: "none" }
  },
  {
    name: "spoofed p=quarantine From",
    ip: IP.bad,
    helo: "client.example",
    mailFrom: "x@nospf.test",
    build: async () => message({ from: "a@quar.test", subject: "auth e2e quarantine" }),
    outcome: "quarantine",
    symbols: ["SPF_NONE", "DMARC_FAIL_QUARANTINE"],
    results: { spf: "none", dkim: "none", dmarc: "fail", arc: "none" }
  },
  {
    name: "spoofed p=reject From through a trusted forwarder",
    ip: "127.0.0.60",
    helo: "client.example",
    mailFrom: "x@nospf.test",
    build: async () => message({ from: "ceo@sig.test", subject: "auth e2e forwarder" }),
    outcome: "deliver",
    symbols: ["SPF_NONE", "DMARC_FAIL_REJECT"],
    results: { spf: "none", dkim: "none", dmarc: "fail", arc: "none" }
  },
  {
    name: "mailing-list copy sealed by a trusted sealer",
    ip: IP.trustedList,
    helo: "client.example",
    mailFrom: "bounce@lists.trusted.test",
    build: () => listCopy("trusted"),
    outcome: "deliver",
    symbols: ["SPF_PASS", "DKIM_FAIL", "DMARC_FAIL_REJECT", "ARC_PASS"],
    results: { spf: "pass", dkim: "fail", dmarc: "fail", arc: "pass" }
  },
  {
    name: "mailing-list copy sealed by an untrusted sealer",
    ip: IP.otherList,
    helo: "client.example",
    mailFrom: "bounce@lists.other.test",
    build: () => listCopy("other"),
    outcome: "reject",
    symbols: ["SPF_PASS", "DKIM_FAIL", "DMARC_FAIL_REJECT", "ARC_PASS"],
    results: { spf: "pass", dkim: "fail", dmarc: "fail", arc: "pass" }
  }
]
