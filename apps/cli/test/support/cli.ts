// Runs the BUILT `mailmoat` binary as a user would (node apps/cli/bin/mailmoat.mjs ...), with
// stdin, a working directory and extra environment, and collects its output and exit code.
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))
export const bin = join(repoRoot, "apps/cli/bin/mailmoat.mjs")

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const mailmoat = (
  args: ReadonlyArray<string>,
  options: { input?: string | Uint8Array; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<Result> => {
  if (!existsSync(join(repoRoot, "apps/cli/dist/main.js")))
    throw new Error("apps/cli is not built: run `npx turbo run build` first")
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? tmp(),
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`mailmoat ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(options.input ?? "")
  })
}

/** A fresh folder under $TMPDIR, removed when the test file ends (test/support/temp-dirs.ts). */
export const tmp = (prefix = "mailmoat-cli-"): string => tempDir(prefix)

/** Writes a YAML/JSON configuration into a fresh directory; returns its path. */
export const writeConfig = (config: unknown, dir = tmp()): string => {
  const file = join(dir, "mailmoat.json")
  writeFileSync(file, JSON.stringify(config, null, 2))
  return file
}

/** No output line of a user error may look like a stack frame. */
export const hasStackTrace = (text: string): boolean => /^\s+at .+[(:]\d+/m.test(text) || text.includes("node:internal")

export const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

export const spamMessage = (subject = "gtube test") =>
  [
    "Return-Path: <spammer@example.net>",
    "Received: from mail.example.net (mail.example.net [192.0.2.7])",
    "\tby mx.example.org with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000",
    "From: Spammer <spammer@example.net>",
    "To: user@example.org",
    "Cc: other@example.org",
    `Subject: ${subject}`,
    "Message-ID: <1@example.net>",
    "",
    GTUBE,
    ""
  ].join("\n")

export const hamMessage = (subject = "Minutes of Tuesday's project meeting") =>
  [
    "Received: from colleague.example.org (colleague.example.org [198.51.100.20])",
    "\tby mx.example.org with ESMTP id 2; Tue, 2 Jan 2024 09:00:00 +0000",
    "From: Alice Martin <alice@example.org>",
    "To: Bob Jones <bob@example.org>",
    `Subject: ${subject}`,
    "Date: Tue, 2 Jan 2024 09:00:00 +0000",
    "Message-ID: <minutes-2@example.org>",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Hi Bob,",
    "",
    "here are the minutes of Tuesday's meeting. We agreed to move the release review to",
    "Thursday afternoon, and Carol will send the updated test plan before then. The build",
    "server upgrade is scheduled for next week; please check that your branch still compiles",
    "with the new compiler version and let me know if anything breaks.",
    "",
    "Thanks,",
    "Alice",
    ""
  ].join("\n")

/** Starts `mailmoat gateway --config FILE`; resolves with the child, its SMTP port and its output so far. */
export const startGatewayProcess = async (
  config: string
): Promise<{ child: ChildProcess; port: number; output: () => string }> => {
  const child = spawn(process.execPath, [bin, "gateway", "--config", config], { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()))
  // Ends on the listening line or the exit; the bound only catches a hang.
  const deadline = Date.now() + 60_000
  while (!/SMTP +127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100))
  const port = Number(/SMTP +127\.0\.0\.1:(\d+)/.exec(out)?.[1])
  if (!(port > 0)) {
    // Stopped here: the caller never gets its PID, and it must not write into a removed folder.
    child.kill("SIGKILL")
    throw new Error(`the gateway did not start:\n${out}`)
  }
  return { child, port, output: () => out }
}

/**
 * The gateway's output once it holds a line matching `line` (or after `millis`): its log lines
 * are written after the reply, so a test that reads them at once may read them before they come.
 */
export const outputWith = async (output: () => string, line: RegExp, millis = 60_000): Promise<string> => {
  const deadline = Date.now() + millis
  while (!line.test(output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  return output()
}

/** A small generated corpus: ham about meetings, spam about pills and prizes. */
export const corpus = () => {
  const dir = tmp()
  const words = {
    ham: ["meeting", "agenda", "review", "project", "schedule", "minutes", "build", "release", "team", "notes"],
    spam: ["viagra", "winner", "prize", "cheap", "pills", "casino", "free", "money", "offer", "unsubscribe"]
  }
  for (const label of ["ham", "spam"] as const) {
    mkdirSync(join(dir, label))
    for (let i = 0; i < 30; i++) {
      const w = words[label]
      const body = Array.from({ length: 40 }, (_, k) => w[(i * 7 + k * 3) % w.length]).join(" ")
      writeFileSync(
        join(dir, label, `${label}.${String(i).padStart(3, "0")}`),
        `From: ${label}${i}@example.net\nTo: user@example.org\nSubject: ${w[i % w.length]} ${w[(i + 3) % w.length]}\n\n${body}\n`
      )
    }
  }
  return { ham: join(dir, "ham"), spam: join(dir, "spam"), dir }
}
