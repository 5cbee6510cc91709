/**
 * Imported list documents as files: `<dir>/<name>.list`. A write goes to a temporary file that
 * is renamed over the old one, so a reader sees the old or the new list, never a mix. The stamp
 * is the file's mtime, size and inode: a hand edit is seen too.
 *
 * @category services
 * @since 0.1.0
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { ListDocuments, type ListDocumentsShape } from "@mailmoat/core"
import { Layer } from "effect"

export const make = (dir: string): ListDocumentsShape => {
  const file = (name: string) => join(dir, `${name}.list`)
  return {
    describe: `files ${dir}`,
    stamp: (name) => {
      try {
        // A list never imported is the common case: no error object is built for it.
        const st = statSync(file(name), { throwIfNoEntry: false })
        return st === undefined ? undefined : `${st.mtimeMs}:${st.size}:${st.ino}`
      } catch {
        return undefined
      }
    },
    read: (name) => {
      try {
        return readFileSync(file(name), "utf8")
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
        throw error
      }
    },
    write: (name, text) => {
      mkdirSync(dir, { recursive: true })
      const tmp = `${file(name)}.${process.pid}.tmp`
      writeFileSync(tmp, text)
      renameSync(tmp, file(name))
    }
  }
}

export const layer = (dir: string): Layer.Layer<ListDocuments> => Layer.sync(ListDocuments, () => make(dir))
