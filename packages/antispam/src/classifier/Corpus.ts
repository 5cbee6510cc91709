/**
 * Reading labelled mail from directories (one message per file, as in the SpamAssassin public
 * corpus). The mbox `From ` separator line some files start with is not a header: it is
 * stripped before parsing so it can never become a feature.
 *
 * @category constructors
 * @since 0.1.0
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Envelope, type Message, MessageModel } from "@mailmoat/core"

/** Largest part of a file read as the scan view (the gateway scans a bounded prefix too). */
export const MAX_SCAN_BYTES = 512 * 1024

const FROM_LINE = new TextEncoder().encode("From ")

export const stripMboxFrom = (bytes: Uint8Array): Uint8Array => {
  if (bytes.length < 5 || !FROM_LINE.every((b, i) => bytes[i] === b)) return bytes
  const nl = bytes.indexOf(0x0a)
  return nl < 0 ? bytes.subarray(bytes.length) : bytes.subarray(nl + 1)
}

const envelope = Envelope.make({ clientAddress: "0.0.0.0", helo: "corpus", mailFrom: "", rcptTo: ["corpus@localhost"] })

/** Parses corpus bytes (mbox line stripped, scan view bounded) into a `Message`. */
export const parseMessage = (bytes: Uint8Array): Message => {
  const body = stripMboxFrom(bytes)
  const view = body.length > MAX_SCAN_BYTES ? body.subarray(0, MAX_SCAN_BYTES) : body
  return MessageModel.fromBytes(view, { envelope, size: body.length })
}

/** Regular files of a directory, sorted by name (deterministic training). */
export const listFiles = (dir: string): Array<string> => {
  let names: Array<string>
  try {
    names = readdirSync(dir)
  } catch (e) {
    throw new Error(`cannot read corpus directory ${dir}: ${(e as Error).message}`)
  }
  return names
    .filter((n) => !n.startsWith(".") && n !== "cmds")
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile())
}

export const readMessage = (path: string): Message => parseMessage(readFileSync(path))

/** Counts processed messages for a `progress(done, total)` callback (undefined: no counting). */
export const counter = (
  progress: ((done: number, total: number) => void) | undefined,
  total: number
): (() => void) | undefined => {
  let done = 0
  return progress === undefined ? undefined : () => progress(++done, total)
}
