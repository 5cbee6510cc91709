/**
 * A list file kept current: loaded at start, reloaded when it changes.
 *
 * Change detection uses `fs.watch` on the file's directory (editors and `mv` replace the file,
 * which a watch on the file itself would miss) and, as a fallback for file systems where watch
 * events do not arrive (NFS, some containers), polls the file's mtime and size every
 * `pollMillis`. A reload that fails (unreadable file, any bad line) keeps the previous list and
 * logs why; the first load must succeed, so a broken file fails the plugin at startup.
 *
 * **Gotchas**
 * Timers and watchers are `unref`'d so they never keep the process alive; call `close()` in tests.
 *
 * @category services
 * @since 0.1.0
 */
import { type FSWatcher, watch } from "node:fs"
import { readFile, stat } from "node:fs/promises"
import { basename, dirname } from "node:path"
import { type CompiledList, parseListFile } from "./ListFile.ts"

export interface WatchedListOptions {
  readonly file: string
  /** Poll interval for the mtime fallback (default 2000 ms; 0 = no polling). */
  readonly pollMillis?: number | undefined
  /** Use fs.watch (default true). */
  readonly watch?: boolean | undefined
  readonly log?: ((line: string) => void) | undefined
}

export interface WatchedList {
  readonly current: () => CompiledList
  /** Reloads now; resolves true when a new list was taken. */
  readonly reload: () => Promise<boolean>
  /** How many times a new list was taken (the first load counts). */
  readonly generation: () => number
  readonly close: () => void
}

export const openWatchedList = async (options: WatchedListOptions): Promise<WatchedList> => {
  const log = options.log ?? (() => {})
  const load = async (): Promise<CompiledList | string> => {
    let text: string
    try {
      text = await readFile(options.file, "utf8")
    } catch (e) {
      return `cannot read ${options.file}: ${(e as Error).message}`
    }
    const r = parseListFile(text)
    return r.ok
      ? r.list
      : `${options.file}: ${r.errors.slice(0, 5).join("; ")}${r.errors.length > 5 ? ` (and ${r.errors.length - 5} more)` : ""}`
  }

  const first = await load()
  if (typeof first === "string") throw new Error(first)
  let list = first
  let generation = 1
  let signature = ""
  const statSignature = () =>
    stat(options.file).then(
      (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
      () => "missing"
    )
  signature = await statSignature()

  // Reloads are serialised: a burst of watch events leads to one read at a time.
  let running: Promise<boolean> | undefined
  let again = false
  const reloadOnce = async (): Promise<boolean> => {
    signature = await statSignature()
    const next = await load()
    if (typeof next === "string") {
      log(`reload failed, keeping the previous list (${list.entries} entries): ${next}`)
      return false
    }
    list = next
    generation++
    log(`reloaded ${options.file}: ${next.entries} entries`)
    return true
  }
  const reload = (): Promise<boolean> => {
    if (running !== undefined) {
      again = true
      return running
    }
    running = reloadOnce().finally(() => {
      running = undefined
      if (again) {
        again = false
        void reload()
      }
    })
    return running
  }

  let watcher: FSWatcher | undefined
  if (options.watch ?? true) {
    try {
      const name = basename(options.file)
      watcher = watch(dirname(options.file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed.toString() === name) void reload()
      })
      watcher.on("error", (e) => log(`watch failed, polling only: ${e.message}`))
    } catch (e) {
      log(`watch unavailable, polling only: ${(e as Error).message}`)
    }
  }
  const pollMillis = options.pollMillis ?? 2000
  const timer =
    pollMillis > 0
      ? setInterval(async () => {
          if ((await statSignature()) !== signature) void reload()
        }, pollMillis)
      : undefined
  timer?.unref()

  return {
    current: () => list,
    reload,
    generation: () => generation,
    close: () => {
      watcher?.close()
      if (timer !== undefined) clearInterval(timer)
    }
  }
}
