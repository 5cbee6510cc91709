// End to end: swaks (bound to 127.0.0.2, listed by a real rbldnsd) -> the gateway's own wiring
// with a recipient directory file -> smtp-sink / quarantine / SMTP reply. Domains of one
// message with different spam policies, a domain whose lower cut-off catches what the default
// lets through, an address tagged only, its sub-addresses under the configured delimiters, and
// an edit of the file applied to the next message.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import type { RunningGateway } from "../src/index.ts"
import { gateway, SmtpSink, swaks, tempDir } from "./support/peers.ts"

const DIRECTORY = [
  "recipients:",
  "  '@reject.example': { onSpam: reject, spamScore: 2 }",
  "  '@quarantine.example': { onSpam: quarantine, spamScore: 2 }",
  "  ceo@reject.example: { onSpam: none, subjectPrefix: '[SPAM]' }",
  ""
].join("\n")

describe("per-recipient spam policy through a real SMTP session", () => {
  let rbl: Rbldnsd
  let sink: SmtpSink
  let gw: RunningGateway
  let file: string
  const logs: Array<string> = []
  beforeAll(async () => {
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
    sink = await SmtpSink.start()
    file = join(tempDir(), "recipients.yaml")
    writeFileSync(file, DIRECTORY)
    gw = await gateway(
      {
        delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
        antispam: {
          onSpam: "quarantine",
          // Listed weighs 3: under the default cut-off (5), over the domains' (2).
          scores: { RBL_LISTED: 3 },
          rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
          endUserBlocklist: { enabled: false },
          dns: { servers: [rbl.server] },
          bypass: { directory: file },
          // Sub-addresses with + (the default's) and with - (qmail and Exim style).
          recipientDelimiter: "+-"
        }
      },
      { log: (l) => logs.push(l) }
    )
  })
  afterAll(async () => {
    await gw?.close()
    await sink?.stop()
    await rbl?.stop()
  })

  const send = (subject: string, to: ReadonlyArray<string>) =>
    swaks(gw.smtp.port, [
      "--local-interface",
      "127.0.0.2",
      "--from",
      "sender@client.test",
      "--helo",
      "client.test",
      "--to",
      to.join(","),
      "--header",
      `Subject: ${subject}`
    ])
  // The cases share the gateway, its sink and its quarantine: each counts what carries its own
  // Subject, never a total, which a message another case's session was still handing off raises.
  const quarantined = async (subject: string) =>
    (await FileQuarantineStore.make({ root: gw.settings.quarantine.path }).list()).entries.filter(
      (e) => e.subject === subject
    )
  /** The sink's dumps of `subject`'s message, tagged or not. */
  const delivered = (subject: string) => sink.dumpsWith(`${subject}\n`)

  test("reject and quarantine domains in one message: 250, both copies quarantined as the plan says", async () => {
    const r = await send("e2e two domains", ["a@reject.example", "b@quarantine.example"])
    expect(r.out).toMatch(/<- {2}250 /)
    expect(delivered("e2e two domains"), logs.join("\n")).toEqual([])
    const entries = await quarantined("e2e two domains")
    const byRcpt = Object.fromEntries(entries.map((e) => [e.recipients.join(","), e.reason]))
    expect(byRcpt).toEqual({
      "a@reject.example": expect.stringMatching(
        /^rejected for this recipient, quarantined because other recipients accept the message: spam \(score 3\.\d\d[,)]/
      ),
      "b@quarantine.example": expect.stringMatching(/^spam \(score 3\.\d\d[,)]/)
    })
    // The message line names the rule of the worst verdict (the first of equals): the recipient policy.
    const line = logs.find((l) => /rcpts="a@reject\.example,b@quarantine\.example"/.test(l))
    expect(line).toContain('rule="policy: spam onSpam=reject (directory: @reject.example)"')
  })

  test("the reject domain alone: 550 5.7.1", async () => {
    const r = await send("e2e reject domain", ["a@reject.example"])
    expect(r.out).toMatch(/<\*\* +550 5\.7\.1/)
  })

  test("the default lets the message through; the tagged-only address gets it with its prefix and rule", async () => {
    const r = await send("e2e default and ceo", ["c@default.example", "ceo@reject.example"])
    expect(r.out).toMatch(/<- {2}250 /)
    const plain = sink.dumpWith("Subject: e2e default and ceo")
    expect(plain).toContain("X-Mailmoat-Verdict: ham")
    expect(plain).toContain("X-Mailmoat-Rule: policy: ham\n")
    const ceo = sink.dumpWith("Subject: [SPAM] e2e default and ceo")
    expect(ceo).toContain("X-Mailmoat-Verdict: spam")
    expect(ceo).toContain("X-Mailmoat-Rule: policy: spam onSpam=none (directory: ceo@reject.example + @reject.example)")
  })

  test("quarantine, reject, deliver and other spellings of one address in one message: 250, each as its own", async () => {
    const ceo = ['"CEO"@reject.example', "ceo+news@reject.example"]
    const r = await send("e2e four ways", ["a@reject.example", "b@quarantine.example", "c@default.example", ...ceo])
    expect(r.out).toMatch(/<- {2}250 /)
    // Two deliveries: the default's copy as it is, the address's spellings tagged with its prefix.
    expect(delivered("e2e four ways"), logs.join("\n")).toHaveLength(2)
    expect(sink.dumpWith("Subject: e2e four ways")).toContain("X-Mailmoat-Verdict: ham")
    const tagged = sink.dumpWith("Subject: [SPAM] e2e four ways")
    expect(tagged).toContain(
      "X-Mailmoat-Rule: policy: spam onSpam=none (directory: ceo@reject.example + @reject.example)"
    )
    for (const rcpt of ceo) expect(tagged).toContain(`<${rcpt}>`)
    // One quarantine entry per reason: the rejecting recipient's copy and the quarantining one's.
    const held = await quarantined("e2e four ways")
    expect(held.map((e) => e.recipients.join(",")).sort()).toEqual(["a@reject.example", "b@quarantine.example"])
  })

  test("sub-addresses under antispam.recipientDelimiter take the address's entry; other characters do not", async () => {
    const r = await send("e2e delimiters", ["ceo-news@reject.example", "ceo+x-y@reject.example"])
    expect(r.out).toMatch(/<- {2}250 /)
    expect(delivered("e2e delimiters"), logs.join("\n")).toHaveLength(1)
    const tagged = sink.dumpWith("Subject: [SPAM] e2e delimiters")
    expect(tagged).toContain(
      "X-Mailmoat-Rule: policy: spam onSpam=none (directory: ceo@reject.example + @reject.example)"
    )
    // `_` is no delimiter here: ceo_news@ is another mailbox, under the domain's reject.
    expect((await send("e2e no delimiter", ["ceo_news@reject.example"])).out).toMatch(/<\*\* +550 5\.7\.1/)
  })

  test("an edit of the directory applies to the next message", async () => {
    expect((await send("e2e before edit", ["c@default.example"])).out).toMatch(/<- {2}250 /)
    writeFileSync(file, `${DIRECTORY}  '@default.example': { onSpam: reject, spamScore: 2 }\n`)
    // The file is looked at no more than once a second.
    await new Promise((r) => setTimeout(r, 1100))
    expect((await send("e2e after edit", ["c@default.example"])).out).toMatch(/<\*\* +550 5\.7\.1/)
    expect(logs.some((l) => /recipient directory .* reloaded/.test(l))).toBe(true)
  })
})
