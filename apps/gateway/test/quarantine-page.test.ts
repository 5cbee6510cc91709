// The quarantine web page in a real headless Chromium (Debian's, through playwright-core) against a
// gateway with the real antispam module. What the test clicks:
// 1. /quarantine: types the admin token into the login form and clicks "Log in";
// 2. types alice's address into the Recipient filter and clicks "Filter" (bob's message disappears);
// 3. clicks the GTUBE message's subject, reads the text preview, clicks "Release": the page reports
//    it and the message is in alice's Maildir;
// 4. opens an HTML message whose HTML has a <script> and remote image/stylesheet/frame: nothing runs
//    (the marker the script would set is absent) and a loopback server counting requests gets none;
// 5. ticks two messages and clicks "Delete selected" (bulk action);
// 6. sends the digest, takes the signed link out of bob's digest message and opens it in a fresh
//    browser profile (no login): only bob's messages are listed, alice's message cannot be opened
//    through it, and "Release" delivers bob's.
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RunningGateway, runDigest } from "../src/index.ts"
import { adminUrl, api, GTUBE, maildirMessages, quarantineGtube, quietAntispam, TOKEN } from "./support/admin.ts"
import { launchChromium, requestCounter } from "./support/browser.ts"
import { freePort, gateway, sendRaw } from "./support/peers.ts"

const htmlMessage = (port: number) =>
  [
    "From: Tricky <tricky@spam.test>",
    "To: alice@example.test",
    "Subject: html with script",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `plain part ${GTUBE}`,
    "--b1",
    "Content-Type: text/html; charset=utf-8",
    "",
    `<html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/style.css"></head><body><p id="visible">Hello from HTML</p>`,
    `<script>document.body.setAttribute("data-script-ran", "yes"); fetch("http://127.0.0.1:${port}/script-fetch"); try { parent.document.body.setAttribute("data-script-ran", "yes") } catch (e) {}</script>`,
    `<img src="http://127.0.0.1:${port}/pixel.gif" alt="pixel"><iframe src="http://127.0.0.1:${port}/frame"></iframe>`,
    `<div style="background: url(http://127.0.0.1:${port}/bg.png)">styled</div></body></html>`,
    "--b1--",
    ""
  ].join("\r\n")

/** Logs in through the form when the browser has no session yet. */
const logIn = async (page: Page, gw: RunningGateway) => {
  await page.goto(adminUrl(gw, "/quarantine"))
  if ((await page.getByLabel("Admin token").count()) === 0) return
  await page.getByLabel("Admin token").fill(TOKEN)
  await page.getByRole("button", { name: "Log in" }).click()
  await page.waitForURL(adminUrl(gw, "/quarantine"))
}

describe("quarantine page in Chromium", () => {
  let gw: RunningGateway
  let browser: BrowserContext
  let counter: Awaited<ReturnType<typeof requestCounter>>
  beforeAll(async () => {
    counter = await requestCounter()
    const port = await freePort()
    gw = await gateway({
      admin: { token: TOKEN, port },
      antispam: quietAntispam,
      quarantine: { digest: { from: "quarantine@gw.test", baseUrl: `http://127.0.0.1:${port}`, linkTtlHours: 24 } }
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await gw?.close()
    await counter?.close()
  })

  test("log in, filter by recipient, preview the GTUBE message and release it into the Maildir", async () => {
    const aliceId = await quarantineGtube(gw, "alice@example.test", "GTUBE for alice")
    await quarantineGtube(gw, "bob@example.test", "GTUBE for bob")
    const page = await browser.newPage()
    await page.goto(adminUrl(gw, "/quarantine"))
    await page.getByLabel("Admin token").fill(TOKEN)
    await page.getByRole("button", { name: "Log in" }).click()
    await expect.poll(() => page.locator("table").innerText()).toContain("GTUBE for bob")
    const cookie = (await browser.cookies()).find((c) => c.name === "mailmoat_session")
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" })

    await page.getByLabel("Recipient").fill("alice@example.test")
    await page.getByRole("button", { name: "Filter" }).click()
    await expect.poll(() => page.locator("tbody").innerText()).toContain("GTUBE for alice")
    expect(await page.locator("tbody").innerText()).not.toContain("GTUBE for bob")
    if (process.env.MAILMOAT_SCREENSHOT)
      await page.screenshot({ path: process.env.MAILMOAT_SCREENSHOT, fullPage: true })

    await page.getByRole("link", { name: "GTUBE for alice" }).click()
    await expect.poll(() => page.locator("#text-preview").innerText()).toContain(GTUBE)
    await page.getByRole("button", { name: "Release", exact: true }).click()
    await expect.poll(() => page.locator(".notice").innerText()).toBe("1 message released")
    const delivered = maildirMessages(gw, "alice@example.test")
    expect(delivered).toHaveLength(1)
    expect(delivered[0]).toContain("Subject: GTUBE for alice")
    expect((await api(gw, "GET", `/api/quarantine/${aliceId}`)).status).toBe(404)
    await page.close()
  })

  test("an HTML message with a script and remote content runs nothing and fetches nothing", async () => {
    expect(
      (await sendRaw(gw.smtp.port, { from: "tricky@spam.test", to: ["alice@example.test"] }, htmlMessage(counter.port)))
        .data
    ).toMatch(/^250 /)
    const page = await browser.newPage()
    const answered: Array<string> = []
    const failed: Array<string> = []
    page.on("response", (r) => answered.push(r.url()))
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`))
    await logIn(page, gw)
    await page.goto(adminUrl(gw, "/quarantine?q=html+with+script"))
    await page.getByRole("link", { name: "html with script" }).click()
    const frame = page.frameLocator("iframe.html-view")
    await expect.poll(() => frame.locator("#visible").innerText()).toBe("Hello from HTML")
    // Give a script or a lazy fetch every chance to happen.
    await page.waitForTimeout(1500)
    expect(await frame.locator("body").getAttribute("data-script-ran")).toBeNull()
    expect(await page.locator("body").getAttribute("data-script-ran")).toBeNull()
    expect(counter.seen).toEqual([])
    // Chromium may start a request the policy then blocks: none got an answer, each was blocked.
    expect(answered.filter((u) => u.includes(`:${counter.port}/`))).toEqual([])
    for (const f of failed.filter((u) => u.includes(`:${counter.port}/`)))
      expect(f).toMatch(/ (csp|net::ERR_BLOCKED_BY_CSP)$/)
    await page.close()
  })

  test("bulk delete of ticked messages", async () => {
    const one = await quarantineGtube(gw, "carol@example.test", "bulk one")
    const two = await quarantineGtube(gw, "carol@example.test", "bulk two")
    const page = await browser.newPage()
    await logIn(page, gw)
    await page.goto(adminUrl(gw, "/quarantine?q=bulk"))
    await page.getByLabel("select bulk one").check()
    await page.getByLabel("select bulk two").check()
    await page.getByRole("button", { name: "Delete selected" }).click()
    await expect.poll(() => page.locator(".notice").innerText()).toBe("2 messages deleted")
    for (const id of [one, two]) expect((await api(gw, "GET", `/api/quarantine/${id}`)).status).toBe(404)
    expect(maildirMessages(gw, "carol@example.test")).toEqual([])
    await page.close()
  })

  test("a digest link opens that recipient's own quarantine without a login, and nobody else's", async () => {
    const bobId = await quarantineGtube(gw, "bob@example.test", "second for bob")
    const aliceId = await quarantineGtube(gw, "alice@example.test", "private to alice")
    // The digest as bob receives it: one message in his Maildir with the signed link.
    const { FileQuarantineStore } = await import("@mailmoat/platform-node")
    const results = await runDigest(
      gw.settings,
      FileQuarantineStore.make({ root: gw.settings.quarantine.path }),
      Date.now()
    )
    expect(results.find((r) => r.recipient === "bob@example.test")).toMatchObject({ sent: true })
    const digest = maildirMessages(gw, "bob@example.test").find((m) => m.includes("Subject: Quarantine digest:"))!
    const url = /^(http:\/\/127\.0\.0\.1:\d+\/q\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\r?$/m.exec(
      digest.replace(/=\r?\n/g, "")
    )![1]!
    const link = url.slice(url.indexOf("/q/") + 3)
    expect(digest).toContain("Subject: second for bob")
    const fresh = await launchChromium()
    try {
      const page = await fresh.newPage()
      await page.goto(url)
      const listed = await page.locator("tbody").innerText()
      expect(listed).toContain("second for bob")
      expect(listed).toContain("GTUBE for bob")
      expect(listed).not.toContain("alice")
      expect(await page.getByLabel("Recipient").count()).toBe(0)
      const other = await page.goto(adminUrl(gw, `/q/${link}/m/${aliceId}`))
      expect(other?.status()).toBe(404)
      expect(await page.content()).not.toContain("private to alice")
      await page.goto(adminUrl(gw, `/q/${link}`))
      await page.getByRole("link", { name: "second for bob" }).click()
      await page.getByRole("button", { name: "Release", exact: true }).click()
      await expect.poll(() => page.locator(".notice").innerText()).toBe("1 message released")
      expect(maildirMessages(gw, "bob@example.test").some((m) => m.includes("Subject: second for bob"))).toBe(true)
      expect((await api(gw, "GET", `/api/quarantine/${bobId}`)).status).toBe(404)
      // A tampered link (another recipient in the payload, old signature) is refused.
      const forged = `${Buffer.from(JSON.stringify({ r: "alice@example.test", e: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.${link.split(".")[1]}`
      expect((await page.goto(adminUrl(gw, `/q/${forged}`)))?.status()).toBe(403)
    } finally {
      await fresh.close()
    }
  })
})
