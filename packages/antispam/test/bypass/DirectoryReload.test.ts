// Reloads an unattended gateway meets: a file caught between its truncation and its rewrite, and
// a shared document that disappears (Redis restarted empty, the key evicted). Neither is an edit:
// the directory in force, reject policies and bypasses included, stays until a real one comes.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ListDocumentsShape } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { fromDocument, fromFile } from "../../src/bypass/RecipientDirectory.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const REJECT = "recipients:\n  '@example.org': { onSpam: reject }\n"
const QUARANTINE = "recipients:\n  '@example.org': { onSpam: quarantine }\n"

describe("recipient directory: reloads that are not edits", () => {
  it("a file emptied in place keeps the directory in force until it is written again", () => {
    const path = join(tempDir("mm-dir-"), "recipients.yaml")
    writeFileSync(path, REJECT)
    const d = fromFile(path, { checkIntervalMillis: 0 })
    writeFileSync(path, "")
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")?.onSpam).toBe("reject")
    expect(d.lastError()).toMatch(/empty .*keeping the previous directory/)
    writeFileSync(path, QUARANTINE)
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")?.onSpam).toBe("quarantine")
    expect(d.lastError()).toBeUndefined()
    // An empty directory written as one is an edit like any other.
    writeFileSync(path, "recipients: {}\n")
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")).toBeUndefined()
  })

  it("a shared document that disappears keeps the directory in force; the next write applies", () => {
    const docs = new Map<string, { text: string; version: number }>()
    let version = 0
    const store: ListDocumentsShape = {
      describe: "test",
      stampIsLocal: true,
      stamp: (name) => (docs.has(name) ? `v${docs.get(name)!.version}` : undefined),
      read: (name) => docs.get(name)?.text,
      write: (name, text) => void docs.set(name, { text, version: ++version })
    }
    const d = fromDocument(store, "directory")
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")).toBeUndefined()
    store.write("directory", REJECT)
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")?.onSpam).toBe("reject")
    docs.delete("directory")
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")?.onSpam).toBe("reject")
    expect(d.lastError()).toMatch(/the document is gone; keeping the previous directory/)
    store.write("directory", QUARANTINE)
    Effect.runSync(d.refresh)
    expect(d.policyOf("a@example.org")?.onSpam).toBe("quarantine")
  })
})
