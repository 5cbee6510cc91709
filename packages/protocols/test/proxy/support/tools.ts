// Real client programs (curl, openssl s_client) run against loopback with a deadline, and the
// test corpus / tagging scanner shared by the proxy integration tests.
import { spawn } from "node:child_process"
import type { MessageScanner } from "../../../src/proxy/index.ts"

export const run = (
  cmd: string,
  args: ReadonlyArray<string>,
  options: { input?: string; timeoutMs?: number } = {}
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    let err = ""
    child.stdout.on("data", (d: Buffer) => out.push(d))
    child.stderr.on("data", (d: Buffer) => (err += d.toString("latin1")))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out), stderr: err })
    })
    // A tool may exit before it reads its input; the EPIPE that follows says nothing the exit code does not.
    child.stdin.on("error", () => {})
    if (options.input !== undefined) child.stdin.end(options.input)
    else child.stdin.end()
  })

export const curl = (url: string, args: ReadonlyArray<string> = []) =>
  run("curl", ["-s", "-S", "--max-time", "20", ...args, url])

/** A plain message; `spam` ones contain SPAMWORD. Some lines start with dots (stuffing). */
export const makeMessage = (i: number, options: { spam?: boolean; bodyLines?: number } = {}): Buffer => {
  const lines = [
    `From: sender${i}@example.test`,
    `To: user@example.test`,
    `Subject: message ${i}`,
    `Message-ID: <m${i}@example.test>`,
    `Date: Mon, 1 Jan 2024 00:00:00 +0000`,
    "",
    `Hello ${i}.`,
    ".leading dot line",
    "..two dots",
    "." + "x",
    ...(options.spam ? ["Buy now SPAMWORD cheap"] : []),
    ...Array.from(
      { length: options.bodyLines ?? 20 },
      (_, k) => `line ${k} of message ${i}: lorem ipsum dolor sit amet`
    ),
    ""
  ]
  return Buffer.from(lines.join("\r\n"), "latin1")
}

/** The tagging test scanner: prefixes the subject and adds a header to messages containing SPAMWORD. */
export const taggingScanner = () => {
  const calls: Array<string> = []
  const scanner: MessageScanner = async ({ bytes, key }) => {
    calls.push(key)
    const text = Buffer.from(bytes).toString("latin1")
    if (!text.includes("SPAMWORD")) return { kind: "pass" }
    return { kind: "rewrite", bytes: Buffer.from(tag(text), "latin1") }
  }
  return { scanner, calls }
}

export const tag = (text: string): string =>
  `X-Mailmoat-Spam: yes\r\n${text.replace(/^Subject: /m, "Subject: [SPAM] ")}`
