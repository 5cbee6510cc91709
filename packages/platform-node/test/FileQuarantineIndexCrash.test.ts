// Two processes quarantine into one file store at once (the workers of the multi-process mode)
// while a third lists it (writing the index snapshot again and again), and all are killed with
// SIGKILL mid-stream: their journal appends never interleave into garbage (at most the last line
// is unfinished), every entry whose `put` resolved is in the journal before any check, a new
// handle lists from the snapshot and the journal after it exactly what the journal alone says,
// and after the start-up check the listing is exactly the entry folders.
// The writers run the BUILT store (packages/platform-node/dist), as the gateway's workers do.
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, expect, test } from "vitest"
import { parseLines } from "../src/FileQuarantineIndexRecord.ts"
import { FileQuarantineStore, FileQuarantineSweep } from "../src/index.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url))
const children: Array<ChildProcess> = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
})

/** A writer: puts entries (and removes every fifth) until killed; prints each id once `put` resolved. */
const writer = (root: string, name: string) => {
  const script = `
    const { FileQuarantineStore } = await import(${JSON.stringify(dist)})
    const store = FileQuarantineStore.make({ root: ${JSON.stringify(root)} })
    for (let i = 0; ; i++) {
      const id = await store.put({
        envelope: { clientAddress: "192.0.2.1", helo: "h", mailFrom: "${name}@x.test", rcptTo: ["u" + (i % 7) + "@x.test"],
          tls: false, sessionFlags: [], receivedAt: Date.now() },
        reason: "spam",
        message: new TextEncoder().encode("Subject: ${name} " + i + " " + "y".repeat(i % 300) + "\\r\\n\\r\\nbody\\r\\n")
      })
      if (i % 5 === 4) { await store.remove(id); process.stdout.write("removed " + id + "\\n") }
      else process.stdout.write("put " + id + "\\n")
    }`
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  let out = ""
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()))
  return { child, out: () => out }
}

/** A lister: a new handle and a long-lived one list in turn, the snapshot rewritten past 512 bytes of journal. */
const lister = (root: string) => {
  const script = `
    const { FileQuarantineStore } = await import(${JSON.stringify(dist)})
    const warm = FileQuarantineStore.make({ root: ${JSON.stringify(root)}, snapshotAfter: 512 })
    for (;;) {
      await warm.list({ limit: 5, filter: { recipient: "u1@x.test" } })
      await FileQuarantineStore.make({ root: ${JSON.stringify(root)}, snapshotAfter: 512 }).list({ limit: 5 })
    }`
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] })
  children.push(child)
  let err = ""
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()))
  return { child, err: () => err }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test("kill -9 two writing processes: no interleaved records, every acknowledged entry listed", async () => {
  if (!existsSync(dist)) throw new Error("packages/platform-node is not built: run `npx turbo run build` first")
  const root = tempDir("mailmoat-qcrash-")
  // The quarantine exists before the writers start, as the gateway's start-up check leaves it.
  mkdirSync(join(root, "entries"))
  writeFileSync(join(root, "index.log"), "")
  const writers = [writer(root, "w1"), writer(root, "w2")]
  const { child: reader, err: readerErr } = lister(root)
  const deadline = Date.now() + 120_000
  const count = (w: (typeof writers)[number]) => (w.out().match(/^put /gm) ?? []).length
  // Until the lister has written a snapshot too: a loaded machine can start it after the writers
  // put their 40 entries each (then nothing tested the snapshot under the writers).
  const snapshot = join(root, "index.snap")
  while ((writers.some((w) => count(w) < 40) || !existsSync(snapshot)) && Date.now() < deadline) {
    for (const w of writers) if (w.child.exitCode !== null) throw new Error(`writer failed: ${w.out()}`)
    if (reader.exitCode !== null) throw new Error(`lister failed: ${readerErr()}`)
    await sleep(20)
  }
  for (const c of [reader, ...writers.map((w) => w.child)]) c.kill("SIGKILL")
  await Promise.all(
    [reader, ...writers.map((w) => w.child)].map(
      (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(0) : c.once("exit", r)))
    )
  )

  const journal = readFileSync(join(root, "index.log"))
  const parsed = parseLines(journal)
  expect(parsed.bad, "records interleaved or damaged").toBe(0)
  expect(journal.length - parsed.consumed).toBeLessThan(4096)

  // Before any check: `put` resolves only after its record is appended.
  const journalled = new Set(parsed.records.flatMap((r) => (r.kind === "add" ? [r.row.id] : [])))
  const acknowledgedFirst = writers.flatMap((w) => [...w.out().matchAll(/^(?:put|removed) (\S+)$/gm)].map((m) => m[1]!))
  for (const id of acknowledgedFirst) expect(journalled.has(id), `${id} in the journal`).toBe(true)

  // From the snapshot and the journal after it, as from the journal alone.
  expect(existsSync(join(root, "index.snap")), "a snapshot was written").toBe(true)
  const everything = async () =>
    (await FileQuarantineStore.make({ root, log: () => {} }).list({ limit: 100_000 })).entries.map((m) => m.id)
  const fromSnapshot = await everything()
  renameSync(join(root, "index.snap"), join(root, "index.snap.aside"))
  expect(fromSnapshot).toEqual(await everything())
  renameSync(join(root, "index.snap.aside"), join(root, "index.snap"))
  const removedFirst = writers.flatMap((w) => [...w.out().matchAll(/^removed (\S+)$/gm)].map((m) => m[1]!))
  for (const id of removedFirst) expect(fromSnapshot).not.toContain(id)

  const check = await FileQuarantineSweep.checkIndex(root)
  expect(["ok", "repaired", "rebuilt"]).toContain(check.state)
  const acknowledged = writers.flatMap((w) => [...w.out().matchAll(/^put (\S+)$/gm)].map((m) => m[1]!))
  const removed = writers.flatMap((w) => [...w.out().matchAll(/^removed (\S+)$/gm)].map((m) => m[1]!))
  const folders = readdirSync(join(root, "entries")).sort()
  const listed = (await FileQuarantineStore.make({ root }).list({ limit: 100_000 })).entries.map((m) => m.id)
  expect([...listed].sort()).toEqual(folders)
  for (const id of acknowledged) expect(listed).toContain(id)
  for (const id of removed) expect(listed).not.toContain(id)
}, 180_000)
