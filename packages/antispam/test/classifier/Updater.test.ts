import { createHash } from "node:crypto"
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ref } from "../../src/classifier/Classifier.ts"
import * as Model from "../../src/classifier/Model.ts"
import { serialise } from "../../src/classifier/ModelFile.ts"
import { score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { make } from "../../src/classifier/Updater.ts"
import { parse, rfc822 } from "./support.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const modelWith = (token: string) => {
  const m = Model.empty({}, undefined, { name: token })
  Model.addMessage(m, [token, "shared"], "spam")
  Model.addMessage(m, ["shared"], "ham")
  return m
}
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")

describe("model updater (local HTTP server)", () => {
  let server: Server
  let base = ""
  let dir = ""
  // What the server answers for /model.gz: bytes, a published digest, an ETag, or a cut-off body.
  const state = {
    body: Buffer.alloc(0),
    digest: "",
    etag: '"v1"',
    truncate: false,
    requests: [] as Array<Record<string, string | undefined>>
  }

  beforeAll(async () => {
    dir = tempDir("mailmoat-updater-")
    server = createServer((req, res) => {
      if (req.url === "/model.gz.sha256") {
        res.end(`${state.digest}  model.gz\n`)
        return
      }
      state.requests.push({ inm: req.headers["if-none-match"], ims: req.headers["if-modified-since"] })
      if (req.headers["if-none-match"] === state.etag) {
        res.writeHead(304).end()
        return
      }
      res.writeHead(200, {
        etag: state.etag,
        "last-modified": "Mon, 01 Jun 2026 10:00:00 GMT",
        "content-length": state.body.length
      })
      if (state.truncate) {
        res.write(state.body.subarray(0, state.body.length >> 1))
        res.destroy() // connection dies mid-body
      } else res.end(state.body)
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  it("installs a good update, then answers 304 with the same model, then refuses corrupt and partial downloads", async () => {
    const path = join(dir, "model.gz")
    const old = modelWith("old")
    writeFileSync(path, serialise(old, { gzip: true }))
    const current = ref(old)
    const updater = make({ url: `${base}/model.gz`, path, model: current, intervalMillis: 0 })

    // 1. Good update: digest published at <url>.sha256.
    state.body = Buffer.from(serialise(modelWith("new"), { gzip: true }))
    state.digest = sha(state.body)
    expect((await updater.check()).status).toBe("updated")
    expect(current.get().meta.name).toBe("new")
    expect(readFileSync(path)).toEqual(state.body)

    // 2. Unchanged: conditional request, 304, nothing swapped.
    const before = current.get()
    expect((await updater.check()).status).toBe("not-modified")
    expect(state.requests.at(-1)).toEqual({ inm: '"v1"', ims: "Mon, 01 Jun 2026 10:00:00 GMT" })
    expect(current.get()).toBe(before)

    // 3. Corrupt download (digest of the published file does not match): refused, old model kept.
    const good = state.body
    state.etag = '"v2"'
    state.body = Buffer.from(good)
    state.body[state.body.length - 10]! ^= 0xff
    const r3 = await updater.check()
    expect(r3.status).toBe("refused")
    expect(r3.detail).toMatch(/SHA-256 mismatch/)
    expect(current.get()).toBe(before)
    expect(readFileSync(path)).toEqual(good)

    // 4. Digest matches but the model's own checksum does not (a corrupt file was published).
    const raw = Buffer.from(serialise(modelWith("bad")))
    raw[raw.length - 2] = "7".charCodeAt(0)
    state.etag = '"v3"'
    state.body = raw
    state.digest = sha(raw)
    const r4 = await updater.check()
    expect(r4.status).toBe("refused")
    expect(r4.detail).toMatch(/checksum/)
    expect(current.get()).toBe(before)

    // 5. Partial download: the connection drops mid-body.
    state.etag = '"v4"'
    state.body = Buffer.from(serialise(modelWith("partial"), { gzip: true }))
    state.digest = sha(state.body)
    state.truncate = true
    expect((await updater.check()).status).toBe("refused")
    expect(current.get()).toBe(before)
    expect(readFileSync(path)).toEqual(good)
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([])
    state.truncate = false
  })

  it("a configured sha256 pins the update; a mismatch is refused", async () => {
    const path = join(dir, "pinned.gz")
    const current = ref(modelWith("old"))
    state.etag = '"p1"'
    state.body = Buffer.from(serialise(modelWith("pinned"), { gzip: true }))
    state.digest = "0".repeat(64) // the published digest is ignored when one is configured
    const wrong = make({ url: `${base}/model.gz`, path, model: current, sha256: "f".repeat(64), intervalMillis: 0 })
    expect((await wrong.check()).status).toBe("refused")
    const right = make({ url: `${base}/model.gz`, path, model: current, sha256: sha(state.body), intervalMillis: 0 })
    expect((await right.check()).status).toBe("updated")
    expect(current.get().meta.name).toBe("pinned")
  })

  it("refuses a model trained for another build (its layer weighs an unknown input); the old model keeps scoring", async () => {
    const path = join(dir, "other-build.gz")
    const old = Model.withLogistic(modelWith("old"), { bias: -0.5, weights: { "chi:logit": 1, "chi:evidence": 0.5 } })
    writeFileSync(path, serialise(old, { gzip: true }))
    const current = ref(old)
    const lines: Array<string> = []
    const u = make({ url: `${base}/model.gz`, path, model: current, intervalMillis: 0, log: (l) => lines.push(l) })
    const message = tokenize(parse(rfc822({ subject: "old shared", body: "old shared words" })))
    const before = score(current.get(), message).probability

    state.etag = '"other-build"'
    const future = Model.withLogistic(modelWith("future"), { bias: 0, weights: { "chi:logit": 1, "chi:later": 2 } })
    state.body = Buffer.from(serialise(future, { gzip: true }))
    state.digest = sha(state.body)
    const r = await u.check()
    expect(r.status).toBe("refused")
    expect(r.detail).toMatch(/"chi:later".*trained for another build/)
    expect(lines).toEqual([expect.stringMatching(/^classifier update .*: refused: .*"chi:later".*another build/)])
    expect(u.status().lastResult).toEqual(r)
    expect(current.get()).toBe(old)
    expect(score(current.get(), message).probability).toBe(before)
    expect(readFileSync(path)).toEqual(Buffer.from(serialise(old, { gzip: true })))
  })

  it("an unreachable server keeps the old model", async () => {
    const current = ref(modelWith("old"))
    const u = make({
      url: "http://127.0.0.1:1/model.gz",
      path: join(dir, "x.gz"),
      model: current,
      timeoutMillis: 1000,
      intervalMillis: 0
    })
    expect((await u.check()).status).toBe("refused")
    expect(current.get().meta.name).toBe("old")
  })
})
