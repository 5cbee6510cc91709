// Releases from the quarantine judged against a real clamd (Debian clamav-daemon, the two EICAR
// signatures of the virus e2e's harness): a message held for a virus is never released by its
// recipient (page and digest link: no Release button, the route refuses) and only by an admin who
// says allowVirus; every release rescans the stored message, so spam kept before a signature
// existed is caught on its way out (kept, the signature recorded); a bulk release judges each
// message; clamd down refuses (tempfail) or delivers with the warning header (deliver).
import { Envelope } from "@mailmoat/core"
import { FileQuarantineStore } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type ClamdPeer, eicar, startClamd } from "../../../packages/antispam/test/threat/support/clamd.ts"
import { digestKey, signLink } from "../src/digest/DigestLinks.ts"
import type { RunningGateway } from "../src/index.ts"
import { adminUrl, api, GTUBE, maildirMessages, quietAntispam, resultCount, TOKEN } from "./support/admin.ts"
import { freePort, gateway, sendRaw } from "./support/peers.ts"

const SIGNATURE = /^Mailmoat\.Test\.EICAR\.(Hash|Body)\.UNOFFICIAL$/
const EICAR = new TextDecoder().decode(eicar())
const USER = "user@example.test"

const message = (subject: string, body: string) =>
  `From: Sender <sender@client.test>\r\nTo: ${USER}\r\nSubject: ${subject}\r\n\r\n${body}\r\n`

let clamd: ClamdPeer
const running: Array<RunningGateway> = []
beforeAll(async () => {
  clamd = await startClamd()
})
afterAll(async () => {
  for (const g of running) await g.close()
  await clamd?.stop()
})

const start = async (virus: Record<string, unknown>, log: Array<string>): Promise<RunningGateway> => {
  const gw = await gateway(
    {
      admin: { token: TOKEN },
      classifier: { enabled: false },
      antispam: { ...quietAntispam, auth: { enabled: false }, virus }
    },
    { log: (l) => log.push(l) }
  )
  running.push(gw)
  return gw
}

/** A message kept as spam by an earlier gateway (no virus scan then): only its bytes carry EICAR, or not. */
const keptAsSpam = async (gw: RunningGateway, subject: string, body: string): Promise<string> => {
  const store = FileQuarantineStore.make({ root: gw.quarantine })
  try {
    return await store.put({
      envelope: Envelope.make({ clientAddress: "192.0.2.7", mailFrom: "sender@client.test", rcptTo: [USER] }),
      recipients: [USER],
      reason: "spam (score 9.0)",
      verdict: { class: "spam", score: 9, symbols: [{ name: "GTUBE", score: 9, source: "gtube" }], trace: [] },
      message: new TextEncoder().encode(message(subject, body))
    })
  } finally {
    await store.close()
  }
}

const virusRecorded = async (gw: RunningGateway, id: string) => {
  const store = FileQuarantineStore.make({ root: gw.quarantine })
  try {
    return (await store.get(id)).meta.virusFound
  } finally {
    await store.close()
  }
}

/** The recipient's digest link (the path after the host), as the digest would send it. */
const linkFor = (gw: RunningGateway, recipient: string): string =>
  `/q/${signLink(digestKey(gw.settings.dataDir), { recipient, expires: Math.floor(Date.now() / 1000) + 3600 })}`

const page = async (gw: RunningGateway, path: string) => (await fetch(adminUrl(gw, path))).text()

/** Posts the page's action form the way a browser would; resolves with the notice it redirects to. */
const act = async (gw: RunningGateway, base: string, action: string, ids: ReadonlyArray<string>) => {
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page(gw, base))?.[1] ?? ""
  const body = new URLSearchParams([
    ["csrf", csrf],
    ["action", action],
    ...ids.map((id): [string, string] => ["id", id])
  ])
  const res = await fetch(adminUrl(gw, `${base}/action`), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: body.toString()
  })
  expect(res.status).toBe(303)
  return new URL(res.headers.get("location") ?? "", "http://x").searchParams.get("notice") ?? ""
}

const delivered = (gw: RunningGateway, subject: string) =>
  maildirMessages(gw, USER).filter((m) => m.includes(`Subject: ${subject}\r\n`))

const idOf = async (gw: RunningGateway, subject: string): Promise<string> => {
  const list = await api(gw, "GET", `/api/quarantine?q=${encodeURIComponent(subject)}`)
  const item = list.json.items?.find((i) => i.subject === subject)
  if (item === undefined) throw new Error(`${subject} not in the quarantine: ${list.text}`)
  return item.id as string
}

const releaseScans = (gw: RunningGateway, result: string): Promise<number> =>
  resultCount(gw, "mailmoat_virus_release_scans_total", result)

describe("a message held for a virus (onVirus: quarantine)", () => {
  let gw: RunningGateway
  const log: Array<string> = []
  beforeAll(async () => {
    gw = await start({ clamd: { socket: clamd.socket, timeoutSeconds: 20 }, onVirus: "quarantine" }, log)
  })

  test("its recipient gets no Release button and the route refuses; the admin API answers 409 naming the signature; allowVirus delivers it, logged at warn", async () => {
    const r = await sendRaw(gw.smtp.port, { from: "sender@client.test", to: [USER] }, message("held virus", EICAR))
    expect(r.data).toMatch(/^250 /)
    const id = await idOf(gw, "held virus")
    const listed = (await api(gw, "GET", `/api/quarantine/${id}`)).json
    expect(listed.virus).toMatch(SIGNATURE)

    const link = linkFor(gw, USER)
    const own = await page(gw, `${link}/m/${id}`)
    expect(own).toContain("Only the mail administrator can release it.")
    expect(own).not.toContain('value="release"')
    expect(own).toContain('value="delete"')
    expect(await page(gw, link)).toContain('<span class="virus">virus</span>')
    expect(await act(gw, link, "release", [id])).toBe(
      "0 messages released; 1 held for a virus (only the mail administrator can release it)"
    )
    expect(log.find((l) => l.includes(" warn quarantine_release_refused ") && l.includes(`by="${USER}"`))).toMatch(
      /signature="Mailmoat\.Test\.EICAR\./
    )

    const admin = await (
      await fetch(adminUrl(gw, `/quarantine/m/${id}`), { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text()
    expect(admin).toContain(`POST /api/quarantine/${id}/release?allowVirus=1`)
    expect(admin).not.toContain('value="release"')
    expect(admin).not.toContain('value="not-spam"')

    const refused = await api(gw, "POST", `/api/quarantine/${id}/release`)
    expect(refused.status).toBe(409)
    expect(refused.json).toMatchObject({ refused: "virus", signature: expect.stringMatching(SIGNATURE) })
    expect(refused.json.error).toMatch(/was quarantined for a virus \(Mailmoat\.Test\.EICAR\./)
    expect(delivered(gw, "held virus")).toEqual([])
    expect((await api(gw, "GET", `/api/quarantine/${id}`)).status).toBe(200)

    const forced = await api(gw, "POST", `/api/quarantine/${id}/release?allowVirus=1`)
    expect(forced.status, forced.text).toBe(200)
    expect(forced.json).toMatchObject({ released: true, recipients: [USER], scan: expect.stringMatching(/^found /) })
    expect(delivered(gw, "held virus")).toHaveLength(1)
    expect(
      log.find((l) => l.includes(" warn quarantine_released ") && l.includes(`id="${id}"`) && l.includes("override"))
    ).toMatch(/by="admin API \(127\.0\.0\.1\)".*override="allowVirus" signature="Mailmoat\.Test\.EICAR\./)
  })
})

describe("every release rescans the stored message", () => {
  let gw: RunningGateway
  const log: Array<string> = []
  beforeAll(async () => {
    gw = await start({ clamd: { socket: clamd.socket, timeoutSeconds: 20 } }, log)
  })

  test("spam kept before the signature existed: the admin's release is refused naming it, the entry kept with the signature recorded", async () => {
    const id = await keptAsSpam(gw, "old spam with a virus", `${GTUBE}\r\n${EICAR}`)
    const r = await api(gw, "POST", `/api/quarantine/${id}/release`)
    expect(r.status).toBe(409)
    expect(r.json).toMatchObject({ refused: "virus", signature: expect.stringMatching(SIGNATURE) })
    expect(r.json.error).toMatch(/carries a virus/)
    expect(delivered(gw, "old spam with a virus")).toEqual([])
    expect((await virusRecorded(gw, id))?.signature).toMatch(SIGNATURE)
    expect((await api(gw, "GET", `/api/quarantine/${id}`)).json.virus).toMatch(SIGNATURE)
    expect(await releaseScans(gw, "found")).toBe(1)
    expect(log.find((l) => l.includes(" warn quarantine_release_refused ") && l.includes(`id="${id}"`))).toMatch(
      /scan="found Mailmoat\.Test\.EICAR\./
    )
  })

  test("a recipient's bulk release judges each message: the clean one is delivered, the infected one kept", async () => {
    const infected = await keptAsSpam(gw, "bulk infected", `${GTUBE}\r\n${EICAR}`)
    const clean = await keptAsSpam(gw, "bulk clean", GTUBE)
    const link = linkFor(gw, USER)
    expect(await act(gw, link, "release", [infected, clean])).toBe(
      "1 message released; 1 held for a virus (only the mail administrator can release it)"
    )
    expect(delivered(gw, "bulk clean")).toHaveLength(1)
    expect(delivered(gw, "bulk infected")).toEqual([])
    expect((await virusRecorded(gw, infected))?.signature).toMatch(SIGNATURE)
    expect(log.find((l) => l.includes(" info quarantine_released ") && l.includes(`id="${clean}"`))).toMatch(
      new RegExp(`by="${USER}" scan="clean"`)
    )
    expect(await releaseScans(gw, "clean")).toBe(1)
  })
})

describe("clamd unavailable at release", () => {
  test("onUnavailable: tempfail refuses with a retry-later reason and keeps the message; once clamd is back it is released", async () => {
    const port = await freePort()
    const log: Array<string> = []
    const gw = await start({ clamd: { host: "127.0.0.1", port, timeoutSeconds: 3 } }, log)
    const id = await keptAsSpam(gw, "release while clamd is down", GTUBE)
    const r = await api(gw, "POST", `/api/quarantine/${id}/release`)
    expect(r.status).toBe(503)
    expect(r.json).toMatchObject({ refused: "unavailable" })
    expect(r.json.error).toMatch(/virus scanner is unavailable \(connect\); try again later/)
    expect(await act(gw, linkFor(gw, USER), "release", [id])).toBe(
      "0 messages released; 1 not released: the virus scanner is unavailable, try again later"
    )
    expect(delivered(gw, "release while clamd is down")).toEqual([])
    expect(await releaseScans(gw, "unavailable")).toBe(2)

    const back = await startClamd({ port })
    try {
      const again = await api(gw, "POST", `/api/quarantine/${id}/release`)
      expect(again.status, again.text).toBe(200)
      expect(again.json.scan).toBe("clean")
    } finally {
      await back.stop()
    }
    expect(delivered(gw, "release while clamd is down")).toHaveLength(1)
  })

  test("onUnavailable: deliver releases with X-Mailmoat-Warning, as the SMTP path delivers", async () => {
    const gw = await start(
      { clamd: { host: "127.0.0.1", port: await freePort(), timeoutSeconds: 3 }, onUnavailable: "deliver" },
      []
    )
    const id = await keptAsSpam(gw, "release unscanned", GTUBE)
    const r = await api(gw, "POST", `/api/quarantine/${id}/release`)
    expect(r.status, r.text).toBe(200)
    expect(r.json.scan).toBe("not scanned (connect)")
    const [copy] = delivered(gw, "release unscanned")
    expect(copy).toMatch(/^X-Mailmoat-Warning: not scanned for threats \(scanner unavailable: connect\)\r\n/)
  })
})
