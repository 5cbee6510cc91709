/**
 * Writes files with an exact mode, never leaving a readable copy of a private key behind.
 *
 * Without `replace` the file is created exclusively (`wx`), so two racing `ca init` runs cannot
 * both win. With `replace` the content goes to a temporary sibling created with the final mode
 * and is renamed over the target, so readers see the old or the new file, never half of one.
 *
 * @category constructors
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { chmod, mkdir, open, rename, stat, unlink } from "node:fs/promises"
import { basename, dirname, join } from "node:path"

export const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return false
      throw e
    }
  )

/** Creates the parent directory when missing (with `dirMode`); an existing directory is left alone. */
export const ensureDir = async (path: string, dirMode: number): Promise<void> => {
  const dir = dirname(path)
  if (!(await exists(dir))) await mkdir(dir, { recursive: true, mode: dirMode })
}

const writeNew = async (path: string, data: string, mode: number): Promise<void> => {
  const handle = await open(path, "wx", mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  // The umask can only remove bits; chmod makes the mode exact (e.g. 0644 under umask 077).
  await chmod(path, mode)
}

export const write = async (path: string, data: string, mode: number, replace: boolean): Promise<void> => {
  if (!replace) return writeNew(path, data, mode)
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`)
  try {
    await writeNew(tmp, data, mode)
    await rename(tmp, path)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw e
  }
}
