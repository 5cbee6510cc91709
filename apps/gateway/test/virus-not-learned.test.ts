// `not-spam` with an admin's allowVirus against a real clamd (Debian clamav-daemon, the EICAR
// signatures of the virus e2e's harness) and a classifier model file that learns: the message held
// for a virus is released (delivered), but the model file is not touched and the reply and a warn
// line say it was not learned; a not-spam of plain spam still teaches ham (the model changes).
import { copyFileSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Classifier } from "@mailmoat/antispam"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type ClamdPeer, eicar, startClamd } from "../../../packages/antispam/test/threat/support/clamd.ts"
import type { RunningGateway } from "../src/index.ts"
import { api, maildirMessages, quarantineGtube, quietAntispam, TOKEN } from "./support/admin.ts"
import { gateway, sendRaw, tempDir } from "./support/peers.ts"

const USER = "user@example.test"
const EICAR = new TextDecoder().decode(eicar())

describe("not-spam of a message held for a virus: released with allowVirus, never learned as ham", () => {
  let clamd: ClamdPeer
  let gw: RunningGateway
  const log: Array<string> = []
  const model = join(tempDir(), "model.bin")
  beforeAll(async () => {
    clamd = await startClamd()
    copyFileSync(Classifier.shippedModelPath(), model)
    gw = await gateway(
      {
        admin: { token: TOKEN },
        classifier: { enabled: true, model },
        antispam: {
          ...quietAntispam,
          auth: { enabled: false },
          virus: { clamd: { socket: clamd.socket, timeoutSeconds: 20 }, onVirus: "quarantine" }
        }
      },
      { log: (l) => log.push(l) }
    )
  }, 120_000)
  afterAll(async () => {
    await gw?.close()
    await clamd?.stop()
  })

  test("the virus is delivered, the model file is unchanged, the reply and a warn line say why", async () => {
    const body = `From: Sender <sender@client.test>\r\nTo: ${USER}\r\nSubject: virus not ham\r\n\r\n${EICAR}\r\n`
    expect((await sendRaw(gw.smtp.port, { from: "sender@client.test", to: [USER] }, body)).data).toMatch(/^250 /)
    const list = await api(gw, "GET", `/api/quarantine?q=${encodeURIComponent("virus not ham")}`)
    const id = list.json.items?.[0]?.id as string
    expect(id, list.text).toBeDefined()
    const before = readFileSync(model)

    const r = await api(gw, "POST", `/api/quarantine/${id}/not-spam?allowVirus=1`)
    expect(r.status, r.text).toBe(200)
    expect(r.json).toMatchObject({ released: true, recipients: [USER] })
    expect(r.json.learned).toMatch(
      /^not learned: it carries a virus \(Mailmoat\.Test\.EICAR\.\w+\.UNOFFICIAL\); a release with allowVirus delivers it but never teaches the classifier ham$/
    )
    expect(maildirMessages(gw, USER).filter((m) => m.includes("virus not ham"))).toHaveLength(1)
    expect(readFileSync(model).equals(before)).toBe(true)
    expect(log.find((l) => l.includes(" warn quarantine_not_learned ") && l.includes(`id="${id}"`))).toMatch(
      /signature="Mailmoat\.Test\.EICAR\..*by="admin API \(127\.0\.0\.1\)"/
    )
  })

  test("a not-spam of spam without a virus still teaches ham: the model file changes", async () => {
    const id = await quarantineGtube(gw, "other@example.test", "plain spam, not spam")
    const before = readFileSync(model)
    const r = await api(gw, "POST", `/api/quarantine/${id}/not-spam`)
    expect(r.status, r.text).toBe(200)
    expect(r.json.learned).toMatch(/^classifier learned it as ham \(/)
    expect(readFileSync(model).equals(before)).toBe(false)
  })
})
