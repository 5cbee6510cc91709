import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { fromBytes } from "../../src/message/index.ts"
import { envelope } from "./support.ts"

import { corpusDir, corpusMissing, findCorpus } from "../support/corpus.ts"

// The shared SpamAssassin corpus (read in place, never copied into the repo).

const files = (label: "spam" | "ham", n: number): Array<string> => {
  const dir = `${corpusDir("train")}/${label}`
  return readdirSync(dir)
    .sort()
    .slice(0, n)
    .map((f) => `${dir}/${f}`)
}

const present = findCorpus("train") !== undefined

describe(`corpus${present ? "" : ` ${corpusMissing("train")}`}`, () => {
  it.skipIf(!present)("parses 300 corpus messages without throwing and reads every fact", () => {
    const paths = [...files("spam", 150), ...files("ham", 150)]
    expect(paths).toHaveLength(300)
    let withUrls = 0
    let withReceived = 0
    for (const p of paths) {
      const m = fromBytes(readFileSync(p), { envelope })
      const f = m.body
      if (f.urls.length > 0) withUrls++
      if (m.received.some((h) => h.ip !== undefined)) withReceived++
      expect(f.texts.length + f.attachments.length, p).toBeGreaterThan(0)
    }
    expect(withUrls).toBeGreaterThan(150)
    expect(withReceived).toBeGreaterThan(290)
  })

  it.skipIf(!present)("finds the URLs, hosts and relays of a known spam", () => {
    const m = fromBytes(readFileSync(`${corpusDir("train")}/spam/spam.00002.d94f1b97e48ed3b553b3508d116e6a09`), {
      envelope
    })
    expect(m.headers.get("subject")).toBeDefined()
    expect(m.body.urls).toContain("http://www.adclick.ws/p.cfm?o=315&s=pk007")
    expect(m.body.hosts).toEqual(expect.arrayContaining(["www.adclick.ws", "www.qves.com"]))
    expect(m.received.map((h) => h.ip)).toContain("67.104.83.251")
  })
})
