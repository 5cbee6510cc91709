// Auto-learning through the whole gateway: messages sent over SMTP to a gateway with
// `classifier.autolearn` on, delivered to its maildir. A genuine reply is learned as ham once it
// is handed off; a spam with strong word-free traits, delivered tagged (`onSpam: none`), is
// learned as spam; the same spam quarantined on a second gateway is never learned; /status and
// the log lines say what happened to each.
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { api, maildirMessages, quietAntispam, TOKEN } from "./support/admin.ts"
import { gateway, sendRaw, tempDir } from "./support/peers.ts"

const USER = "user@example.test"

/** A reply to a colleague: In-Reply-To/References naming the thread, the quoted original. */
const reply = (n: number) =>
  [
    "From: Ann Example <ann@colleague.test>",
    `To: ${USER}`,
    `Subject: Re: the kernel build on the staging box (${n})`,
    "Date: Mon, 07 Dec 2026 09:15:00 +0000",
    `Message-ID: <reply-${n}@colleague.test>`,
    `In-Reply-To: <thread-${n}@example.test>`,
    `References: <thread-${n}@example.test>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "On Sun, 06 Dec 2026, you wrote:",
    "> Could you look at why the build on staging fails after the upgrade?",
    "> The log says the linker cannot find the new library.",
    "",
    "I had a look this morning. The library path changed with the upgrade, so the",
    "linker searched the old directory. I fixed the path in the build script and the",
    "build went through; the tests pass too. I will push the change after lunch.",
    "",
    "Ann",
    ""
  ].join("\r\n")

/**
 * A spam whose structure alone says spam: HTML only under Outlook Express's name without the
 * header it always writes, no Date, no Message-ID, undisclosed recipients, a link to a bare IP
 * whose text names another domain, hidden text and tiny fonts.
 */
const spam = (n: number) =>
  [
    "From: Best Offers <offers@deals-now.test>",
    "To: undisclosed-recipients:;",
    `Subject: YOUR ACCOUNT IS APPROVED!!! ${n}`,
    "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
    "X-Priority: 1 (Highest)",
    "MIME-Version: 1.0",
    "Content-Type: text/html; charset=us-ascii",
    "",
    "<html><body>",
    '<p><font size="1" color="#ffffff">quiet words nobody reads</font></p>',
    '<div style="display:none">hidden padding text for filters</div>',
    '<p><a href="http://192.0.2.7:8081/claim?id=1&amp;r=http://198.51.100.9/">www.yourbank.test</a></p>',
    "<p>CLICK NOW!!! $$$ FREE $500 CASH BONUS!!! LIMITED TIME!!!</p>",
    "</body></html>",
    ""
  ].join("\r\n")

interface AutoLearnStatus {
  readonly learned: { readonly ham: number; readonly spam: number }
  readonly thisHour: { readonly ham: number; readonly spam: number }
  readonly failed: number
}

const autolearnStatus = async (gw: RunningGateway): Promise<AutoLearnStatus> => {
  const r = await api(gw, "GET", "/status")
  const found = findAutolearn(r.json)
  expect(found, r.text).toBeDefined()
  return found!
}

/** /status nests module sections; the auto-learner's block is the one object named `autolearn`. */
const findAutolearn = (v: unknown): AutoLearnStatus | undefined => {
  if (v === null || typeof v !== "object") return undefined
  for (const [k, x] of Object.entries(v)) {
    if (k === "autolearn" && x !== null && typeof x === "object" && "learned" in x) return x as AutoLearnStatus
    const inner = findAutolearn(x)
    if (inner !== undefined) return inner
  }
  return undefined
}

/** Learning runs after the reply: wait for its log line, then read it. */
const logLine = async (log: ReadonlyArray<string>, match: (l: string) => boolean, what: string): Promise<string> => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const line = log.find(match)
    if (line !== undefined) return line
    if (Date.now() > deadline) throw new Error(`no log line for ${what}; lines:\n${log.join("\n")}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A gateway with auto-learning on a copy of the shipped model, logging at debug into `log`. */
const learningGateway = (onSpam: "none" | "quarantine", log: Array<string>): Promise<RunningGateway> => {
  const model = join(tempDir(), "model.bin")
  copyFileSync(Classifier.shippedModelPath(), model)
  return gateway(
    {
      admin: { token: TOKEN },
      log: { level: "debug" },
      classifier: { enabled: true, model, autolearn: { enabled: true } },
      antispam: { ...quietAntispam, auth: { enabled: false }, onSpam }
    },
    { log: (l) => log.push(l) }
  )
}

describe("auto-learning over SMTP, messages handed off to the maildir", () => {
  let gw: RunningGateway
  const log: Array<string> = []
  beforeAll(async () => {
    gw = await learningGateway("none", log)
  }, 120_000)
  afterAll(async () => {
    await gw?.close()
  })

  test("a genuine reply is delivered, then learned as ham: an info line and /status count it", async () => {
    expect(await autolearnStatus(gw)).toMatchObject({ learned: { ham: 0, spam: 0 }, failed: 0 })
    const sent = await sendRaw(gw.smtp.port, { from: "ann@colleague.test", to: [USER] }, reply(1))
    expect(sent.data).toMatch(/^250 /)
    const line = await logLine(log, (l) => l.includes(" info autolearn "), "the reply's learning")
    expect(line).toMatch(/note="auto-learned as ham \(word-free 0\.0\d+/)
    expect(maildirMessages(gw, USER).filter((m) => m.includes("the kernel build on the staging box (1)"))).toHaveLength(
      1
    )
    expect(await autolearnStatus(gw)).toMatchObject({
      learned: { ham: 1, spam: 0 },
      thisHour: { ham: 1, spam: 0 },
      failed: 0
    })
  })

  test("a spam whose structure says spam, delivered tagged, is learned as spam", async () => {
    const sent = await sendRaw(gw.smtp.port, { from: "offers@deals-now.test", to: [USER] }, spam(1))
    expect(sent.data).toMatch(/^250 /)
    const line = await logLine(
      log,
      (l) => l.includes(" info autolearn ") && l.includes("auto-learned as spam"),
      "the spam's learning"
    )
    expect(line).toMatch(/word-free (0\.9\d*|1\.0+)/)
    const delivered = maildirMessages(gw, USER).filter((m) => m.includes("YOUR ACCOUNT IS APPROVED!!! 1"))
    expect(delivered).toHaveLength(1)
    expect((await autolearnStatus(gw)).learned).toEqual({ ham: 1, spam: 1 })
  })
})

describe("auto-learning over SMTP: a quarantined spam is never learned", () => {
  let gw: RunningGateway
  const log: Array<string> = []
  beforeAll(async () => {
    gw = await learningGateway("quarantine", log)
  }, 120_000)
  afterAll(async () => {
    await gw?.close()
  })

  test("the spam is quarantined (250), a debug line says why it was not learned, /status counts none", async () => {
    const sent = await sendRaw(gw.smtp.port, { from: "offers@deals-now.test", to: [USER] }, spam(2))
    expect(sent.data).toMatch(/^250 /)
    const line = await logLine(log, (l) => l.includes(" debug autolearn_skipped "), "the quarantined spam's skip")
    expect(line).toMatch(/note="not auto-learned as spam: quarantined"/)
    const held = await api(gw, "GET", `/api/quarantine?q=${encodeURIComponent("YOUR ACCOUNT IS APPROVED!!! 2")}`)
    expect(held.json.items, held.text).toHaveLength(1)
    expect(await autolearnStatus(gw)).toMatchObject({ learned: { ham: 0, spam: 0 }, failed: 0 })
    expect(log.some((l) => l.includes(" info autolearn "))).toBe(false)
  })
})
