// An embedded gateway keeps the quarantine page's logins in its data directory: a login holds
// across a restart on the same directory, a logout ends it there too, and a changed admin token
// still logs everyone out.
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { adminUrl, quietAntispam, TOKEN } from "./support/admin.ts"
import { gateway, tempDir } from "./support/peers.ts"

const running: Array<RunningGateway> = []
afterEach(async () => {
  for (const gw of running.splice(0)) await gw.close()
})

const start = async (dataDir: string, token = TOKEN) => {
  const gw = await gateway({ dataDir, admin: { token }, antispam: quietAntispam })
  running.push(gw)
  return gw
}

const page = (gw: RunningGateway, cookie: string) =>
  fetch(adminUrl(gw, "/quarantine"), { headers: { cookie } }).then((r) => r.text())

const logIn = async (gw: RunningGateway): Promise<string> => {
  const login = await fetch(adminUrl(gw, "/quarantine/login"), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: adminUrl(gw, "") },
    body: new URLSearchParams({ token: TOKEN }).toString()
  })
  expect(login.status).toBe(303)
  const cookie = /^(mailmoat_session=[^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1]
  expect(cookie).toBeDefined()
  return cookie!
}

describe("quarantine page logins of an embedded gateway", () => {
  it("hold across a restart on the same data directory; a logout after it ends them", async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const cookie = await logIn(first)
    expect(await page(first, cookie)).toContain('action="/quarantine/logout"')
    // Only a digest of the session id is on disk.
    const files = readdirSync(join(dataDir, "web-sessions"))
    expect(files).toHaveLength(1)
    expect(files[0]).not.toContain(cookie.slice("mailmoat_session=".length))
    await running.pop()!.close()

    const second = await start(dataDir)
    const html = await page(second, cookie)
    expect(html).toContain('action="/quarantine/logout"')
    expect(html).not.toContain('name="token"')
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1]
    const logout = await fetch(adminUrl(second, "/quarantine/logout"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: adminUrl(second, ""), cookie },
      body: new URLSearchParams({ csrf: csrf ?? "" }).toString()
    })
    expect(logout.status).toBe(303)
    expect(await page(second, cookie)).toContain('name="token"')
  })

  it("a restart with another admin token logs everyone out", async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const cookie = await logIn(first)
    await running.pop()!.close()
    const second = await start(dataDir, "another-admin-token-0123456789abcdef")
    expect(await page(second, cookie)).toContain('name="token"')
  })
})
