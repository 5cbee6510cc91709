/**
 * Writes files with an exact mode, never leaving a readable copy of a private key behind.
 *
 * Without `replace` the content goes to a temporary sibling that is then hard-linked to the
 * target: `link` fails when the target exists, so two racing `ca init` runs cannot both win, and
 * no reader ever sees the file half-written. With `replace` the content goes to a temporary sibling created with the final mode
 * and is renamed over the target, so readers see the old or the new file, never half of one.
 *
 * @category constructors
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { chmod, link, mkdir, open, rename, stat, unlink } from "node:fs/promises"
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

const writeTemp = async (path: string, data: string, mode: number): Promise<string> => {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`)
  try {
    const handle = await open(tmp, "wx", mode)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    // The umask can only remove bits; chmod makes the mode exact (e.g. 0644 under umask 077).
    await chmod(tmp, mode)
    return tmp
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw e
  }
}

export const write = async (path: string, data: string, mode: number, replace: boolean): Promise<void> => {
  const tmp = await writeTemp(path, data, mode)
  try {
    await (replace ? rename(tmp, path) : link(tmp, path))
  } finally {
    // After a rename there is nothing left to remove; after a link (or a failure) the temporary name goes.
    await unlink(tmp).catch(() => undefined)
  }
}
