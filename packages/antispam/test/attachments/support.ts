// Real ZIP archives made by Info-ZIP's `zip` (a checked test peer), and messages carrying them.
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Envelope, type Message, MessageModel } from "@mailmoat/core"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

/** An archive of `files` (paths inside it); `password` encrypts it; `streamed` writes sizes after the data. */
export const makeZip = (
  files: ReadonlyArray<string>,
  options: { readonly password?: string; readonly streamed?: boolean } = {}
): Buffer => {
  const dir = tempDir("mm-zip-")
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    writeFileSync(join(dir, f), `contents of ${f}\n`.repeat(20))
  }
  const args = ["-q", "-X", ...(options.password !== undefined ? ["-P", options.password] : [])]
  if (options.streamed === true) {
    // Read from a pipe, zip cannot seek back: every entry carries a data descriptor (flag bit 3).
    return execFileSync("zip", [...args, "-", ...files], { cwd: dir, input: "" })
  }
  execFileSync("zip", [...args, "out.zip", ...files], { cwd: dir })
  return readFileSync(join(dir, "out.zip"))
}

/** A message with one text part and, per attachment, a base64 part named `filename`. */
export const messageWith = (
  attachments: ReadonlyArray<{ filename: string; type?: string; bytes: Uint8Array }>
): Message => {
  // A name beyond ASCII goes as RFC 2231 parameters (charset, percent-encoded UTF-8), as clients send it.
  const param = (key: string, name: string) =>
    /^[\x20-\x7e]*$/.test(name) ? `${key}="${name}"` : `${key}*=utf-8''${encodeURIComponent(name)}`
  const parts = attachments.map((a) =>
    [
      "--b1",
      `Content-Type: ${a.type ?? "application/octet-stream"}; ${param("name", a.filename)}`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; ${param("filename", a.filename)}`,
      "",
      Buffer.from(a.bytes).toString("base64").replace(/.{76}/g, "$&\r\n"),
      ""
    ].join("\r\n")
  )
  const text = [
    "From: a@example.net",
    "To: b@example.org",
    "Subject: files",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    "see attached",
    ...parts,
    "--b1--",
    ""
  ].join("\r\n")
  return MessageModel.fromBytes(Buffer.from(text, "latin1"), {
    envelope: Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "a@example.net", rcptTo: ["b@example.org"] })
  })
}
