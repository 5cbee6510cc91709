// The spool: memory below the threshold, a private temp file above, bounded head, re-readable
// stream, idempotent dispose, write errors reported instead of thrown, and no promise for a message
// kept in memory (only the file's work is waited for).
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { concat, SpoolWriter } from "../../src/smtp/index.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-spool-test-")

const readAll = async (it: AsyncIterable<Uint8Array>) => {
  const parts: Array<Uint8Array> = []
  for await (const p of it) parts.push(p.slice())
  return concat(parts)
}

describe("SpoolWriter", () => {
  it("keeps small messages in memory", async () => {
    const w = new SpoolWriter({ memoryThreshold: 100, headSize: 10, dir })
    await w.write(new TextEncoder().encode("hello world"))
    const spool = await w.finish()
    expect(spool).toMatchObject({ size: 11, onDisk: false, complete: false })
    expect(new TextDecoder().decode(spool.head)).toBe("hello worl")
    expect(new TextDecoder().decode(await readAll(spool.stream()))).toBe("hello world")
    await spool.dispose()
    expect(() => spool.stream()).toThrow(/disposed/)
  })

  it("spills to a private file past the threshold and streams it twice", async () => {
    const w = new SpoolWriter({ memoryThreshold: 1000, headSize: 1500, dir })
    const chunk = new Uint8Array(700)
    for (let i = 0; i < 10; i++) await w.write(chunk.fill(i))
    const spool = await w.finish()
    expect(spool).toMatchObject({ size: 7000, onDisk: true, complete: false })
    expect(spool.head.length).toBe(1500)
    expect(spool.head[699]).toBe(0)
    expect(spool.head[700]).toBe(1)
    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    const a = await readAll(spool.stream())
    const b = await readAll(spool.stream())
    expect(a.length).toBe(7000)
    expect(a).toEqual(b)
    expect(a[6999]).toBe(9)
    await spool.dispose()
    await spool.dispose()
    expect(readdirSync(dir)).toHaveLength(0)
  })

  it("head is the whole message when it fits (complete)", async () => {
    const w = new SpoolWriter({ headSize: 100, dir })
    await w.write(new Uint8Array(50))
    const spool = await w.finish()
    expect(spool.complete).toBe(true)
    await spool.dispose()
  })

  it("records a write failure instead of throwing, and cleans up", async () => {
    const missing = join(dir, "does-not-exist")
    const w = new SpoolWriter({ memoryThreshold: 10, dir: missing })
    await w.write(new Uint8Array(100))
    expect(w.failed).toBe(true)
    await expect(w.finish()).rejects.toThrow()
    expect(existsSync(missing)).toBe(false)
  })

  it("answers at once while the message is in memory, and waits only for the file", async () => {
    const w = new SpoolWriter({ memoryThreshold: 100, dir })
    expect(w.write(new Uint8Array(60).fill(1))).toBeUndefined()
    const spool = w.finish()
    expect(spool).not.toBeInstanceOf(Promise)
    expect((spool as { size: number }).size).toBe(60)
    expect(w.release()).toBeUndefined()
    expect(w.release()).toBeUndefined()

    const spilled = new SpoolWriter({ memoryThreshold: 100, dir })
    expect(spilled.write(new Uint8Array(60))).toBeUndefined()
    const opening = spilled.write(new Uint8Array(60))
    expect(opening).toBeInstanceOf(Promise)
    await opening
    expect(readdirSync(dir)).toHaveLength(1)
    const onDisk = spilled.finish()
    expect(onDisk).toBeInstanceOf(Promise)
    expect(await onDisk).toMatchObject({ size: 120, onDisk: true })
    const releasing = spilled.release()
    expect(releasing).toBeInstanceOf(Promise)
    await releasing
    expect(readdirSync(dir)).toHaveLength(0)
    expect(spilled.release()).toBeUndefined()
  })
})
