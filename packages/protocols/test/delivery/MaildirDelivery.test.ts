// Maildir delivery: real files in a temp directory, plus a file-system shim that records the
// order of the durable steps and fails on purpose (ENOSPC on write, EIO on fsync, a failing
// rename): a failed durable step is never reported as delivered.
import { fc, test as propTest } from "@fast-check/vitest"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { toClientReply } from "../../src/delivery/DeliveryError.ts"
import { type MaildirFs, MaildirDelivery, mailboxName, uniqueName } from "../../src/delivery/MaildirDelivery.ts"
import { chunks, failure } from "./support/peers.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const root = () => tempDir("mailmoat-maildir-")
const message = "Subject: hi\r\n\r\nbody line\r\n"

/** node:fs with a log of calls and an optional injected failure. */
const shim = (log: Array<string>, fail?: { op: string; code: string }): MaildirFs => {
  const boom = (op: string) => {
    if (fail?.op === op) throw Object.assign(new Error(`${fail.code}: injected`), { code: fail.code })
  }
  const sub = ["tmp", "new", "cur"]
  const short = (p: string) => {
    const parts = p.split("/")
    if (sub.includes(parts.at(-2) ?? "")) return `${parts.at(-2)}/<file>`
    return sub.includes(parts.at(-1) ?? "") ? `${parts.at(-1)}/` : "<dir>"
  }
  return {
    mkdir: (p, o) => fsp.mkdir(p, o),
    unlink: async (p) => {
      log.push(`unlink ${short(p)}`)
      await fsp.unlink(p)
    },
    rename: async (a, b) => {
      log.push(`rename ${short(a)} -> ${short(b)}`)
      boom("rename")
      await fsp.rename(a, b)
    },
    open: async (p, flags, mode) => {
      const h = await fsp.open(p, flags, mode)
      const name = short(p)
      return {
        write: async (buf, off, len) => {
          log.push(`write ${name}`)
          boom("write")
          return h.write(buf, off, len)
        },
        sync: async () => {
          log.push(`fsync ${name}`)
          if (name === "new/") boom("dirsync")
          else boom("sync")
          await h.sync()
        },
        close: async () => {
          if (name !== "new/" && name !== "tmp/" && name.includes("<file>")) log.push(`close ${name}`)
          await h.close()
        }
      }
    }
  }
}

describe("MaildirDelivery", () => {
  test("delivers one durable copy per recipient into <root>/<recipient>/new, tmp left empty", async () => {
    const dir = root()
    const maildir = new MaildirDelivery({ root: dir, hostname: "gw.test" })
    const results = await maildir.deliver(["Alice@Example.test", "bob@example.test"], () =>
      chunks("Subject: hi\r\n", "\r\nbody line\r\n")
    )
    expect(results.map((r) => r.recipient)).toEqual(["Alice@Example.test", "bob@example.test"])
    for (const r of results) {
      expect(readFileSync(r.path, "latin1")).toBe(message)
      expect(r.path).toMatch(/\/new\/\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}\.gw\.test,S=26$/)
    }
    expect(readdirSync(dir).sort()).toEqual(["alice@example.test", "bob@example.test"])
    expect(readdirSync(join(dir, "alice@example.test")).sort()).toEqual(["cur", "new", "tmp"])
    expect(readdirSync(join(dir, "alice@example.test", "tmp"))).toEqual([])
  })

  test("the durable path: write, fsync, close, rename into new/, fsync new/ — in that order", async () => {
    const log: Array<string> = []
    // (a sub-directory, so the temp root's own "/tmp" parent is not mistaken for a Maildir tmp/)
    const maildir = new MaildirDelivery({ root: join(root(), "store"), fs: shim(log) })
    await maildir.deliver(["a@example.test"], () => chunks(message))
    expect(log).toEqual([
      "fsync <dir>",
      "fsync <dir>",
      "write tmp/<file>",
      "fsync tmp/<file>",
      "close tmp/<file>",
      "rename tmp/<file> -> new/<file>",
      "fsync new/"
    ])
    const steps = log
    const i = (s: string) => steps.indexOf(s)
    expect(i("write tmp/<file>")).toBeGreaterThanOrEqual(0)
    expect(i("fsync tmp/<file>")).toBeGreaterThan(i("write tmp/<file>"))
    expect(i("close tmp/<file>")).toBeGreaterThan(i("fsync tmp/<file>"))
    expect(i("rename tmp/<file> -> new/<file>")).toBeGreaterThan(i("close tmp/<file>"))
    expect(steps.lastIndexOf("fsync new/")).toBeGreaterThan(i("rename tmp/<file> -> new/<file>"))
  })

  test("a message in pieces is one file write; a large one goes in 256 KiB writes, byte for byte", async () => {
    const small: Array<string> = []
    const maildir = new MaildirDelivery({ root: join(root(), "store"), fs: shim(small) })
    const [one] = await maildir.deliver(["a@example.test"], () =>
      chunks("Received: from x\r\n", "Subject: hi\r\n", "\r\n", "body line\r\n")
    )
    expect(small.filter((l) => l.startsWith("write"))).toEqual(["write tmp/<file>"])
    expect(readFileSync(one!.path, "latin1")).toBe(`Received: from x\r\n${message}`)

    const large: Array<string> = []
    const piece = `${"x".repeat(598)}\r\n`
    const pieces = Array.from({ length: 1000 }, () => piece)
    const big = new MaildirDelivery({ root: join(root(), "store"), fs: shim(large) })
    const [copy] = await big.deliver(["a@example.test"], () => chunks(...pieces))
    // 600-byte pieces: two writes once 256 KiB are collected, then the rest.
    expect(large.filter((l) => l.startsWith("write"))).toHaveLength(3)
    expect(readFileSync(copy!.path, "latin1")).toBe(pieces.join(""))
  })

  test("a short file write is continued until the whole batch is written", async () => {
    const dir = join(root(), "store")
    const clipped: MaildirFs = {
      ...shim([]),
      open: async (p, flags, mode) => {
        const h = await fsp.open(p, flags, mode)
        return {
          write: (buf, off, len) => h.write(buf, off, Math.min(len, 5)),
          sync: () => h.sync(),
          close: () => h.close()
        }
      }
    }
    const [copy] = await new MaildirDelivery({ root: dir, fs: clipped }).deliver(["a@example.test"], () =>
      chunks("Subject: hi\r\n", "\r\nbody line\r\n")
    )
    expect(readFileSync(copy!.path, "latin1")).toBe(message)
  })

  for (const [op, code] of [
    ["write", "ENOSPC"],
    ["sync", "EIO"],
    ["rename", "EACCES"],
    ["dirsync", "EIO"]
  ] as const) {
    test(`${code} on ${op}: temporary failure (451), nothing left in tmp/ or new/`, async () => {
      const dir = root()
      const log: Array<string> = []
      const maildir = new MaildirDelivery({ root: dir, fs: shim(log, { op, code }) })
      const e = await failure(maildir.deliver(["a@example.test"], () => chunks(message)))
      expect(e.reason).toBe("LocalIo")
      expect(e.temporary).toBe(true)
      expect(e.message).toContain(code)
      expect(toClientReply(e)).toMatchObject({ code: 451, enhanced: "4.3.0" })
      expect(readdirSync(join(dir, "a@example.test", "tmp"))).toEqual([])
      expect(readdirSync(join(dir, "a@example.test", "new"))).toEqual([])
    })
  }

  test("a spool that fails mid-stream: temporary, temp file removed", async () => {
    const dir = root()
    async function* broken() {
      yield new TextEncoder().encode("Subject: x\r\n")
      throw new Error("spool read failed")
    }
    const e = await failure(new MaildirDelivery({ root: dir }).deliver(["a@example.test"], broken))
    expect(e.reason).toBe("LocalIo")
    expect(readdirSync(join(dir, "a@example.test", "tmp"))).toEqual([])
    expect(readdirSync(join(dir, "a@example.test", "new"))).toEqual([])
  })

  test("an unusable root (a regular file): temporary failure", async () => {
    const dir = root()
    writeFileSync(join(dir, "file"), "x")
    const e = await failure(
      new MaildirDelivery({ root: join(dir, "file") }).deliver(["a@example.test"], () => chunks(message))
    )
    expect(e.reason).toBe("LocalIo")
    expect(e.temporary).toBe(true)
  })

  test("unique names differ", () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName("h/o:st", 1_700_000_000_123)))
    expect(names.size).toBe(1000)
    expect([...names][0]).toMatch(/^1700000000\.M123\d{3}P\d+Q\d+R[0-9a-f]{16}\.h\\057o\\072st$/)
  })

  propTest.prop([fc.string({ maxLength: 80, unit: "binary" })])(
    "mailbox names never escape the root or hide",
    (address) => {
      const name = mailboxName(address)
      expect(name.length).toBeGreaterThan(0)
      expect(name).toMatch(/^[a-z0-9._+=@%A-F-]+$/)
      expect(name.startsWith(".")).toBe(false)
      expect(name.includes("/")).toBe(false)
    }
  )
})
