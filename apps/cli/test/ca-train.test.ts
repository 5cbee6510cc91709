// ca init/show, train and eval through the built binary.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { corpus, hasStackTrace, mailmoat, tmp, writeConfig } from "./support/cli.ts"

describe("ca", () => {
  test("init makes a 0600 key and a CA certificate; show prints the same fingerprint openssl sees", async () => {
    const dir = tmp()
    const file = writeConfig({ protocols: { ca: { cert: "./ca/ca.pem", key: "./ca/ca.key" } } }, dir)
    const init = await mailmoat(["ca", "init", "--config", file])
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toMatch(/^created the Mailmoat interception CA$/m)
    expect(init.stdout).toMatch(/trust the Mailmoat CA/)
    expect(statSync(join(dir, "ca", "ca.key")).mode & 0o777).toBe(0o600)
    const show = await mailmoat(["ca", "show", "--config", file, "--json"])
    expect(show.code).toBe(0)
    const j = JSON.parse(show.stdout)
    const openssl = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", join(dir, "ca", "ca.pem")], { encoding: "utf8" })
    expect(openssl.trim().split("=")[1]).toBe(j.fingerprintSha256)
    expect(j.certPath).toBe(join(dir, "ca", "ca.pem"))

    const again = await mailmoat(["ca", "init", "--config", file])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already exists; refusing to overwrite it without --force/)
    expect(hasStackTrace(again.stderr)).toBe(false)
    const forced = await mailmoat(["ca", "init", "--force", "--config", file, "--json"])
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout).fingerprintSha256).not.toBe(j.fingerprintSha256)
  }, 60_000)

  test("show without a CA is exit 2 with a hint", async () => {
    const r = await mailmoat(["ca", "show"], { cwd: tmp() })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/mailmoat ca init/)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

describe("train and eval", () => {
  test("train writes a model; eval measures it (JSON and text)", async () => {
    const c = corpus()
    const out = join(c.dir, "model.gz")
    const t = await mailmoat(["train", "--ham", c.ham, "--spam", c.spam, "--out", out, "--json"])
    expect(t.code, t.stderr).toBe(0)
    expect(JSON.parse(t.stdout)).toMatchObject({ out, ham: 30, spam: 30, tokens: expect.any(Number) })
    expect(existsSync(out)).toBe(true)
    const e = await mailmoat(["eval", "--ham", c.ham, "--spam", c.spam, "--model", out, "--json"])
    expect(e.code, e.stderr).toBe(0)
    const j = JSON.parse(e.stdout)
    expect(j).toMatchObject({ model: out, cutoffs: { hamBelow: 0.2, spamAbove: 0.9 }, counts: { ham: 30, spam: 30 } })
    for (const k of ["precision", "recall", "falsePositiveRate", "unsureRate"]) expect(j[k]).toBeGreaterThanOrEqual(0)
    expect(j.recall).toBeGreaterThan(0.8)
    expect(j.falsePositiveRate).toBe(0)
    const text = await mailmoat(["eval", "--ham", c.ham, "--spam", c.spam, "--model", out])
    expect(text.stdout).toMatch(/^spam recall +\d+\.\d\d%$/m)
    expect(text.stdout).toMatch(/^false-positive rate +0\.00% /m)
  }, 90_000)

  test("missing directories are exit 2, each named", async () => {
    const r = await mailmoat(["train", "--ham", "/nonexistent/ham"])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("mailmoat: --ham: /nonexistent/ham does not exist\nmailmoat: --spam DIR is required\n")
  })
})
