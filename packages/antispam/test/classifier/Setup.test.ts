import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { setup, shippedModelPath } from "../../src/classifier/index.ts"
import * as Model from "../../src/classifier/Model.ts"
import { serialise } from "../../src/classifier/ModelFile.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-setup-")

describe("setup from configuration", () => {
  it("uses the shipped model and memory learning by default, with the configured cutoffs", async () => {
    const rt = setup({ hamBelow: 0.1, spamAbove: 0.95 }, { dataDir: join(dir, "none") })
    expect(rt.modelPath).toBe(shippedModelPath())
    expect(rt.store.describe).toBe("memory")
    expect(rt.classifier.cutoffs).toEqual({ hamBelow: 0.1, spamAbove: 0.95 })
    expect(rt.stage.name).toBe("classifier")
    expect(rt.updater).toBeUndefined()
    await rt.close()
  })

  it("prefers an update downloaded earlier, and ignores a damaged one", async () => {
    const m = Model.empty({}, undefined, { name: "downloaded" })
    Model.addMessage(m, ["x"], "spam")
    writeFileSync(join(dir, "classifier.model.gz"), serialise(m, { gzip: true }))
    const rt = setup({}, { dataDir: dir })
    expect(rt.modelPath).toBe(join(dir, "classifier.model.gz"))
    expect(rt.classifier.model.get().meta.name).toBe("downloaded")
    await rt.close()
    writeFileSync(join(dir, "classifier.model.gz"), "damaged")
    const logs: Array<string> = []
    const rt2 = setup({}, { dataDir: dir, log: (l) => logs.push(l) })
    expect(rt2.modelPath).toBe(shippedModelPath())
    expect(logs.join("\n")).toMatch(/ignoring downloaded model/)
    await rt2.close()
  })
})
