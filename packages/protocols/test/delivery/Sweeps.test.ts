// Start-up sweeps of the spool and of the Maildir's tmp/: what a dead process left goes, what a
// live one (another gateway, a local IMAP server) is writing stays.
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { MaildirDelivery, sweepMaildirTmp, uniqueName } from "../../src/delivery/index.ts"
import { SpoolWriter, sweepSpool } from "../../src/smtp/index.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const fresh = () => tempDir("mailmoat-sweep-")
/** A pid that is certainly gone: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", "0"]).pid!

describe("sweepSpool", () => {
  test("removes spool files of dead processes and of this one; keeps other names and live processes' files", async () => {
    const dir = fresh()
    writeFileSync(join(dir, `mailmoat-spool-${deadPid()}-00aa`), "x".repeat(100))
    writeFileSync(join(dir, `mailmoat-spool-${process.pid}-00bb`), "y")
    writeFileSync(join(dir, `mailmoat-spool-${process.ppid}-00cc`), "live")
    writeFileSync(join(dir, "notes.txt"), "not ours")
    expect(await sweepSpool(dir)).toEqual({ files: 2, bytes: 101 })
    expect(readdirSync(dir).sort()).toEqual([`mailmoat-spool-${process.ppid}-00cc`, "notes.txt"])
    expect(await sweepSpool(join(dir, "missing"))).toEqual({ files: 0, bytes: 0 })
  })

  test("a real spilled spool file of this process is found by the sweep", async () => {
    const dir = fresh()
    const w = new SpoolWriter({ dir, memoryThreshold: 10 })
    await w.write(new Uint8Array(100))
    expect(readdirSync(dir)).toHaveLength(1)
    expect((await sweepSpool(dir)).files).toBe(1)
    await w.dispose()
  })
})

describe("sweepMaildirTmp", () => {
  test("our dead writers' files go at once, foreign files only past the age bound; new/ is never touched", async () => {
    const root = fresh()
    const host = "gw/1:a.test"
    const m = new MaildirDelivery({ root, hostname: host })
    await m.deliver(["u@example.test"], async function* () {
      yield new TextEncoder().encode("Subject: kept\r\n\r\nx\r\n")
    })
    const tmp = join(root, "u@example.test", "tmp")
    const dead = uniqueName(host).replace(/P\d+Q/, `P${deadPid()}Q`)
    const live = uniqueName(host).replace(/P\d+Q/, `P${process.ppid}Q`)
    const otherHost = uniqueName("elsewhere.test").replace(/P\d+Q/, `P${deadPid()}Q`)
    for (const name of [dead, live, otherHost, "dovecot-fresh", "dovecot-old"])
      writeFileSync(join(tmp, name), "partial")
    const old = (Date.now() - 37 * 3600_000) / 1000
    utimesSync(join(tmp, "dovecot-old"), old, old)
    mkdirSync(join(root, "stray-file-not-a-maildir-dir"), { recursive: true })
    writeFileSync(join(root, "plain-file"), "x")
    expect(await sweepMaildirTmp(root, host)).toEqual({ files: 2, bytes: 14 })
    expect(readdirSync(tmp).sort()).toEqual([live, otherHost, "dovecot-fresh"].sort())
    expect(readdirSync(join(root, "u@example.test", "new"))).toHaveLength(1)
  })
})
