/**
 * Implementation of the commands declared in ../commands/lists.ts (loaded on use).
 *
 * `mailmoat lists import|export KIND`: the lists the gateway adds to its configured ones
 * (RBL/DNSBL zones, end-user entries, allowed IPs), stored under `<dataDir>/lists/` through the
 * antispam `ListStore`, or in Redis with `state.backend: redis` (every gateway of the fleet
 * applies an import at once). An import is all or nothing: a bad line is reported with its number and
 * nothing is imported (exit 2).
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { type ListFile, ListStore } from "@mailmoat/antispam"
import { messageOf } from "../cli/Common.ts"
import { loadConfig } from "../cli/Config.ts"
import { EXIT_OK, InputError } from "../cli/Errors.ts"
import { print, readStdin, warn } from "../cli/Io.ts"
import { openLists } from "../cli/ListAccess.ts"
import { opt, type Parsed } from "../cli/Spec.ts"

export const runImport = async (a: Parsed): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const kind = a.positionals.KIND as ListFile.ListKind
  const file = a.positionals.FILE!
  let text: string
  try {
    text = file === "-" ? new TextDecoder().decode(await readStdin()) : readFileSync(file, "utf8")
  } catch (e) {
    throw new InputError([`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? messageOf(e)}`])
  }
  const lists = await openLists(config)
  const store = ListStore.make(lists.documents)
  try {
    const n = store.importList(kind, text)
    await store.settled()
    print(`imported ${n} ${kind} ${n === 1 ? "entry" : "entries"} into ${lists.where}`)
    return EXIT_OK
  } catch (e) {
    if (e instanceof ListStore.ListImportError) {
      throw new InputError(
        e.errors.map((x) => `${file}:${x.line}: ${JSON.stringify(x.text.trim())}: ${x.message}`),
        `mailmoat: ${file}: ${e.errors.length} bad ${e.errors.length === 1 ? "line" : "lines"}, nothing imported`
      )
    }
    throw e
  } finally {
    await lists.close()
  }
}

export const runExport = async (a: Parsed): Promise<number> => {
  const config = loadConfig(opt.string(a, "config"))
  const lists = await openLists(config)
  const store = ListStore.make(lists.documents)
  try {
    process.stdout.write(store.exportList(a.positionals.KIND as ListFile.ListKind))
  } catch (e) {
    if (e instanceof ListStore.ListImportError)
      throw new InputError(
        e.errors.map((x) => `line ${x.line}: ${x.message}`),
        `mailmoat: the stored ${e.kind} list is damaged:`
      )
    throw e
  } finally {
    await lists.close()
  }
  warn(`# from ${lists.where}`)
  return EXIT_OK
}
