/**
 * The end-user lists an admin edits through `/api/lists/...`:
 *
 * - the end-user blocklist: the stored `enduser` list under `<dataDir>/lists/` (the one
 *   `mailmoat lists import enduser` writes; the antispam module adds it to the configured
 *   entries and picks a change up with the next message);
 * - safe senders: the `safeSenders` of each recipient in the recipient directory
 *   (`antispam.bypass.directory`), edited in place with its comments kept and rewritten
 *   atomically (the directory reloads itself on change).
 *
 * Entries are validated like an import: a bad one is refused and nothing is written.
 *
 * @category services
 * @since 0.1.0
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { ListFile, ListStore } from "@mailmoat/antispam"
import { FileListDocuments } from "@mailmoat/platform-node"
import { isMap, isSeq, parseDocument } from "yaml"
import { OperationError } from "./QuarantineService.ts"

const lower = (s: string) => s.trim().toLowerCase()
const isAddress = (s: string) => /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(s)
const isSafeSenderEntry = (s: string) => isAddress(s) || /^@?([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(s)

export interface UserListsOptions {
  /** `<dataDir>/lists`. */
  readonly listsDir: string
  /** The recipient directory file, when `antispam.bypass.directory` is set (absolute). */
  readonly directoryFile?: string | undefined
}

export const makeUserLists = (options: UserListsOptions) => {
  const store = ListStore.make(FileListDocuments.make(options.listsDir))

  const blocklist = (): ReadonlyArray<string> => store.entries("enduser")
  const writeBlocklist = (entries: ReadonlyArray<string>) => store.importList("enduser", entries.join("\n"))

  const directoryFile = (): string => {
    if (options.directoryFile === undefined) throw new OperationError(409, "safe senders live in the recipient directory: set antispam.bypass.directory first")
    return options.directoryFile
  }
  const readDirectory = () => {
    const file = directoryFile()
    const doc = parseDocument(existsSync(file) ? readFileSync(file, "utf8") : "recipients: {}\n")
    if (doc.errors.length > 0) throw new OperationError(409, `${file}: ${doc.errors[0]!.message}`)
    if (!isMap(doc.get("recipients"))) doc.set("recipients", doc.createNode({}))
    return { file, doc }
  }
  const safeSenders = (): Record<string, Array<string>> => {
    const { doc } = readDirectory()
    const out: Record<string, Array<string>> = {}
    const recipients = doc.get("recipients")
    if (!isMap(recipients)) return out
    for (const pair of recipients.items) {
      const seq = doc.getIn(["recipients", String((pair.key as { value?: unknown }).value ?? pair.key), "safeSenders"])
      out[lower(String((pair.key as { value?: unknown }).value ?? pair.key))] = isSeq(seq) ? seq.items.map((i) => String((i as { value?: unknown }).value ?? i)) : []
    }
    return out
  }
  const editSafeSenders = (recipient: string, edit: (current: Array<string>) => Array<string>) => {
    const { file, doc } = readDirectory()
    const recipients = doc.get("recipients")
    const key = isMap(recipients)
      ? (recipients.items.map((p) => String((p.key as { value?: unknown }).value ?? p.key)).find((k) => lower(k) === recipient) ?? recipient)
      : recipient
    const seq = doc.getIn(["recipients", key, "safeSenders"])
    const current = isSeq(seq) ? seq.items.map((i) => lower(String((i as { value?: unknown }).value ?? i))) : []
    const next = edit(current)
    doc.setIn(["recipients", key, "safeSenders"], doc.createNode(next, { flow: true }))
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, doc.toString())
    renameSync(tmp, file)
    return next
  }

  return {
    blocklist,
    addBlocked: (entry: string): ReadonlyArray<string> => {
      let normal: string
      try {
        normal = ListFile.normaliseEntry("enduser", entry)
      } catch (e) {
        throw new OperationError(422, `enduser entry: ${(e as Error).message}`)
      }
      if (!blocklist().includes(normal)) writeBlocklist([...blocklist(), normal])
      return blocklist()
    },
    removeBlocked: (entry: string): ReadonlyArray<string> => {
      const current = blocklist()
      let normal = entry.trim()
      try {
        normal = ListFile.normaliseEntry("enduser", entry)
      } catch {
        // Not a valid entry: it cannot be on the list either (404 below).
      }
      if (!current.includes(normal)) throw new OperationError(404, `${JSON.stringify(entry)} is not on the end-user blocklist`)
      writeBlocklist(current.filter((e) => e !== normal))
      return blocklist()
    },
    safeSenders,
    addSafeSender: (recipient: string, sender: string): ReadonlyArray<string> => {
      const r = lower(recipient)
      const s = lower(sender).replace(/^@/, "")
      if (!isAddress(r)) throw new OperationError(422, `recipient: expected a mail address, got ${JSON.stringify(recipient)}`)
      if (!isSafeSenderEntry(s)) throw new OperationError(422, `sender: expected a mail address or a domain, got ${JSON.stringify(sender)}`)
      return editSafeSenders(r, (current) => (current.includes(s) ? current : [...current, s]))
    },
    removeSafeSender: (recipient: string, sender: string): ReadonlyArray<string> => {
      const r = lower(recipient)
      const s = lower(sender).replace(/^@/, "")
      if (!(safeSenders()[r] ?? []).includes(s)) throw new OperationError(404, `${JSON.stringify(sender)} is not a safe sender of ${r}`)
      return editSafeSenders(r, (current) => current.filter((x) => x !== s))
    }
  }
}

export type UserLists = ReturnType<typeof makeUserLists>
