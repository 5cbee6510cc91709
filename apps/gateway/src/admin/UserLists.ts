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
 * With `state.backend: redis` both live in Redis instead (the `enduser` list and the `directory`
 * document of the shared list store): an edit on one gateway is in force on every gateway at
 * once, and a reply is sent only once Redis has it (503 when Redis refused it: nothing changed).
 *
 * Entries are validated like an import: a bad one is refused and nothing is written.
 *
 * An edit is made on this gateway's copy and the document is written whole; Redis takes it only
 * if no other gateway wrote the document since that copy was read (`ListDocumentChanged`).
 * A refused edit is made again on the copy read afresh, so two gateways editing at the same
 * moment both keep their entries; on a retry, an entry already there (added) or already gone
 * (removed) means the edit is in force.
 *
 * @category services
 * @since 0.1.0
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { ListFile, ListStore } from "@mailmoat/antispam"
import { type ListDocumentsShape, State } from "@mailmoat/core"
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
  /** The shared list store (Redis): the blocklist and the `directory` document live there. */
  readonly shared?: { readonly documents: ListDocumentsShape; readonly directory: string } | undefined
}

/** Where the directory text is read and written: the file, or the shared document. */
interface DirectoryText {
  readonly where: string
  readonly read: () => string | undefined
  readonly write: (text: string) => void
}

const fileText = (file: string): DirectoryText => ({
  where: file,
  read: () => (existsSync(file) ? readFileSync(file, "utf8") : undefined),
  write: (text) => {
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, text)
    renameSync(tmp, file)
  }
})

/**
 * Waits until an edit is where every gateway reads it; a refusal is a 503 (the edit was undone),
 * except a `ListDocumentChanged`, which `edited` answers by editing again.
 */
const stored = async (documents: ListDocumentsShape | undefined): Promise<void> => {
  try {
    await documents?.settled?.()
  } catch (error) {
    if (State.isListDocumentChanged(error)) throw error
    throw new OperationError(503, `shared state unavailable, nothing changed: ${(error as Error).message}`)
  }
}

/** Tries of one edit while other gateways keep writing the same document. */
const EDIT_ATTEMPTS = 10
/** Longest pause before a retry, times the attempt's number (ms). */
const RETRY_PAUSE_MS = 25

/**
 * Runs `edit` (told whether it is a retry) until no other gateway's write came in between. A
 * refused edit waits a random pause, longer at each attempt, before it tries again: gateways
 * whose edits collided would otherwise retry in step and collide again (a node's concurrent
 * edits are chained, so one refusal refuses them all).
 */
const edited = async <A>(edit: (retry: boolean) => Promise<A>): Promise<A> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await edit(attempt > 1)
    } catch (error) {
      if (!State.isListDocumentChanged(error)) throw error
      if (attempt >= EDIT_ATTEMPTS)
        throw new OperationError(409, `${error.message}: other gateways kept writing it, nothing changed; try again`)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_PAUSE_MS * attempt))
    }
  }
}

export const makeUserLists = (options: UserListsOptions) => {
  const documents = options.shared?.documents
  const store = ListStore.make(documents ?? FileListDocuments.make(options.listsDir))

  const blocklist = (): ReadonlyArray<string> => store.entries("enduser")
  const writeBlocklist = async (entries: ReadonlyArray<string>) => {
    store.importList("enduser", entries.join("\n"))
    await stored(documents)
  }

  const directoryText = (): DirectoryText => {
    const shared = options.shared
    if (shared !== undefined)
      return {
        where: `${shared.documents.describe} ${shared.directory}`,
        read: () => shared.documents.read(shared.directory),
        write: (text) => shared.documents.write(shared.directory, text)
      }
    if (options.directoryFile === undefined)
      throw new OperationError(409, "safe senders live in the recipient directory: set antispam.bypass.directory first")
    return fileText(options.directoryFile)
  }
  const readDirectory = () => {
    const file = directoryText()
    const doc = parseDocument(file.read() ?? "recipients: {}\n")
    if (doc.errors.length > 0) throw new OperationError(409, `${file.where}: ${doc.errors[0]!.message}`)
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
      out[lower(String((pair.key as { value?: unknown }).value ?? pair.key))] = isSeq(seq)
        ? seq.items.map((i) => String((i as { value?: unknown }).value ?? i))
        : []
    }
    return out
  }
  const editSafeSenders = async (
    recipient: string,
    edit: (current: Array<string>) => Array<string>
  ): Promise<ReadonlyArray<string>> => {
    const { file, doc } = readDirectory()
    const recipients = doc.get("recipients")
    const key = isMap(recipients)
      ? (recipients.items
          .map((p) => String((p.key as { value?: unknown }).value ?? p.key))
          .find((k) => lower(k) === recipient) ?? recipient)
      : recipient
    const seq = doc.getIn(["recipients", key, "safeSenders"])
    const current = isSeq(seq) ? seq.items.map((i) => lower(String((i as { value?: unknown }).value ?? i))) : []
    const next = edit(current)
    doc.setIn(["recipients", key, "safeSenders"], doc.createNode(next, { flow: true }))
    file.write(doc.toString())
    await stored(documents)
    return next
  }

  return {
    blocklist,
    addBlocked: async (entry: string): Promise<ReadonlyArray<string>> => {
      let normal: string
      try {
        normal = ListFile.normaliseEntry("enduser", entry)
      } catch (e) {
        throw new OperationError(422, `enduser entry: ${(e as Error).message}`)
      }
      return edited(async () => {
        if (!blocklist().includes(normal)) await writeBlocklist([...blocklist(), normal])
        return blocklist()
      })
    },
    removeBlocked: async (entry: string): Promise<ReadonlyArray<string>> => {
      let normal = entry.trim()
      try {
        normal = ListFile.normaliseEntry("enduser", entry)
      } catch {
        // Not a valid entry: it cannot be on the list either (404 below).
      }
      return edited(async (retry) => {
        const current = blocklist()
        if (!current.includes(normal)) {
          if (retry) return current
          throw new OperationError(404, `${JSON.stringify(entry)} is not on the end-user blocklist`)
        }
        await writeBlocklist(current.filter((e) => e !== normal))
        return blocklist()
      })
    },
    safeSenders,
    addSafeSender: async (recipient: string, sender: string): Promise<ReadonlyArray<string>> => {
      const r = lower(recipient)
      const s = lower(sender).replace(/^@/, "")
      if (!isAddress(r))
        throw new OperationError(422, `recipient: expected a mail address, got ${JSON.stringify(recipient)}`)
      if (!isSafeSenderEntry(s))
        throw new OperationError(422, `sender: expected a mail address or a domain, got ${JSON.stringify(sender)}`)
      return edited(() => editSafeSenders(r, (current) => (current.includes(s) ? current : [...current, s])))
    },
    removeSafeSender: async (recipient: string, sender: string): Promise<ReadonlyArray<string>> => {
      const r = lower(recipient)
      const s = lower(sender).replace(/^@/, "")
      return edited(async (retry) => {
        const current = safeSenders()[r] ?? []
        if (!current.includes(s)) {
          if (retry) return current
          throw new OperationError(404, `${JSON.stringify(sender)} is not a safe sender of ${r}`)
        }
        return editSafeSenders(r, (list) => list.filter((x) => x !== s))
      })
    }
  }
}

export type UserLists = ReturnType<typeof makeUserLists>
