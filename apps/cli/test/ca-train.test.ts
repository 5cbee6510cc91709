// ca init/show, train and eval through the built binary.
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, statSync, writeFileSync } from "node:fs"
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
    const openssl = execFileSync(
      "openssl",
      ["x509", "-noout", "-fingerprint", "-sha256", "-in", join(dir, "ca", "ca.pem")],
      { encoding: "utf8" }
    )
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
    expect(text.stdout).toMatch(/^spam recall +\d+\.\d\d% {2}95% CI \[\d+\.\d\d%, \d+\.\d\d%\]$/m)
    expect(text.stdout).toMatch(/^false-positive rate +0\.00% {2}95% CI \[0\.00%, \d+\.\d\d%\] /m)
    expect(text.stdout).toMatch(/^unsure rate +\d+\.\d\d% {2}95% CI /m)
    expect(text.stdout).toMatch(
      /^throughput +\d+ messages\/s classification alone, warm \(\d+ per CPU-second\), one core\n +first pass \d+ messages\/s \(\d+ per CPU-second\), \d+ messages\/s with parsing\n +steady state \d+ messages\/s \(\d+ per CPU-second\), \d+ messages after \d+ classifications$/m
    )
    expect(text.stdout).not.toMatch(/FALSE POSITIVE|MISSED SPAM/)
    expect(j.intervals.recall).toHaveLength(2)
    expect(j.throughput.classification.messagesPerSecond).toBeGreaterThan(0)
    expect(j.throughput.steady).toMatchObject({ after: expect.any(Number), messages: expect.any(Number) })

    // Swapped directories: every message is an error, and --explain says why.
    const swapped = await mailmoat(["eval", "--ham", c.spam, "--spam", c.ham, "--model", out, "--explain"])
    expect(swapped.code, swapped.stderr).toBe(0)
    expect(swapped.stdout).toMatch(/^\d+ errors \(false positives, then spam not called spam\):$/m)
    expect(swapped.stdout).toMatch(/^FALSE POSITIVE spam\.\d{3} {2}p=[01]\.\d{3} \(tokens alone [01]\.\d{3}\)$/m)
    expect(swapped.stdout).toMatch(/^MISSED SPAM {4}ham\.\d{3} /m)
    expect(swapped.stdout).toMatch(/^ {2}inputs: chi:logit [+-]\d/m)
    expect(swapped.stdout).toMatch(/^ {2}tokens: \S+=0\.\d\d/m)
    const explained = JSON.parse(
      (await mailmoat(["eval", "--ham", c.spam, "--spam", c.ham, "--model", out, "--explain", "--json"])).stdout
    )
    expect(explained.errors.length).toBe(
      explained.counts.falsePositives + explained.counts.spam - explained.counts.truePositives
    )
    expect(explained.errors[0].explanation.clues.length).toBeGreaterThan(0)
  }, 90_000)

  test("train sets aside one-sided languages' tokens and says which languages it saw; --no-one-sided does not", async () => {
    const c = corpus()
    const plain = await mailmoat([
      "train",
      "--ham",
      c.ham,
      "--spam",
      c.spam,
      "--out",
      join(c.dir, "a.gz"),
      "--no-one-sided",
      "--json"
    ])
    expect(plain.code, plain.stderr).toBe(0)
    expect(JSON.parse(plain.stdout).languages).toBeUndefined()
    const out = join(c.dir, "b.gz")
    const r = await mailmoat(["train", "--ham", c.ham, "--spam", c.spam, "--out", out, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ out, ham: 30, spam: 30, languageBound: expect.any(Number) })
    // Every message is tallied under one language: the counts add up to the corpus.
    const tallies = [...String(j.languages).matchAll(/(\d+)\/(\d+)/g)]
    expect(tallies.reduce((n, m) => n + Number(m[1]), 0)).toBe(30)
    expect(tallies.reduce((n, m) => n + Number(m[2]), 0)).toBe(30)
    const text = await mailmoat(["train", "--ham", c.ham, "--spam", c.spam, "--out", out])
    expect(text.stdout).toMatch(/^languages \(ham\/spam; \* its own tokens set aside\): .+; \d+ tokens set aside$/m)
  }, 90_000)

  test("eval --autolearn adds the stream's figures with classifier.autolearn's gate; without it, none", async () => {
    const c = corpus()
    const out = join(c.dir, "model.gz")
    expect((await mailmoat(["train", "--ham", c.ham, "--spam", c.spam, "--out", out, "--json"])).code).toBe(0)
    const config = writeConfig({ classifier: { autolearn: { spamAbove: 0.6, hamBelow: 0.4, maxPerHour: 7 } } }, c.dir)
    const evalArgs = ["eval", "--ham", c.ham, "--spam", c.spam, "--model", out, "--config", config]
    const plain = await mailmoat(evalArgs)
    expect(plain.stdout).not.toMatch(/auto-learning/)
    const text = await mailmoat([...evalArgs, "--autolearn"])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(
      /^with auto-learning, as a stream \(word-free spamAbove 0\.6, hamBelow 0\.4, at most 7 per class and hour, a message a minute\):$/m
    )
    expect(text.stdout).toMatch(
      /^learned +\d+ as spam \(\d+ of them ham\), \d+ as ham \(\d+ of them spam\); held back: /m
    )
    const j = JSON.parse((await mailmoat([...evalArgs, "--autolearn", "--json"])).stdout)
    expect(j.autolearn).toMatchObject({
      settings: { spamAbove: 0.6, hamBelow: 0.4, maxPerHour: 7 },
      counts: { ham: 30, spam: 30 }
    })
    // The cap: 60 messages a minute apart span two clock hours, 7 of each class in each at most.
    expect(j.autolearn.learned.spam).toBeLessThanOrEqual(14)
    expect(j.autolearn.learned.ham).toBeLessThanOrEqual(14)
  }, 90_000)

  test("a model trained for another build (its layer weighs an input this build lacks) is exit 2, naming the input", async () => {
    const c = corpus()
    const out = join(c.dir, "other-build.model")
    const table = "winner\t0\t3\n"
    const header = {
      format: "mailmoat-classifier",
      version: 1,
      nham: 3,
      nspam: 3,
      tokens: 1,
      options: { s: 0.45, x: 0.5, minDev: 0.1, maxTokens: 150, minClues: 3 },
      logistic: { bias: -1, weights: { "chi:logit": 1, "chi:next": 0.7 } },
      meta: {},
      sha256: createHash("sha256").update(table).digest("hex")
    }
    writeFileSync(out, `${JSON.stringify(header)}\n${table}`)
    const r = await mailmoat(["eval", "--ham", c.ham, "--spam", c.spam, "--model", out])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^mailmoat: the classifier model cannot be loaded:$/m)
    expect(r.stderr).toMatch(
      /weighs input "chi:next", which this build does not compute: the model was trained for another build/
    )
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  test("missing directories are exit 2, each named", async () => {
    const r = await mailmoat(["train", "--ham", "/nonexistent/ham"])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("mailmoat: --ham: /nonexistent/ham does not exist\nmailmoat: --spam DIR is required\n")
  })
})
