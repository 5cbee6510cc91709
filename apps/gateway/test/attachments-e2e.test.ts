// End to end with the gateway's own wiring (the configuration's `antispam` section, attachment
// checks on by default): swaks sends real ZIP archives made by Info-ZIP; one listing a program is
// refused as spam, one of documents reaches smtp-sink.
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { gateway, SmtpSink, swaks, tempDir } from "./support/peers.ts"

const archive = (files: ReadonlyArray<string>): string => {
  const dir = tempDir()
  for (const f of files) writeFileSync(join(dir, f), `contents of ${f}\n`)
  execFileSync("zip", ["-q", "-X", "bundle.zip", ...files], { cwd: dir })
  return join(dir, "bundle.zip")
}

describe("attachment checks through a real SMTP session", () => {
  let sink: SmtpSink
  let gw: RunningGateway
  beforeAll(async () => {
    sink = await SmtpSink.start()
    gw = await gateway({
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      // No DNS here: only the attachment checks decide.
      antispam: { onSpam: "reject", endUserBlocklist: { enabled: false }, auth: { enabled: false } }
    })
  })
  afterAll(async () => {
    await gw?.close()
    await sink?.stop()
  })

  const send = (subject: string, zip: string) =>
    swaks(gw.smtp.port, [
      "--from",
      "sender@client.test",
      "--to",
      "user@example.test",
      "--header",
      `Subject: ${subject}`,
      "--attach-type",
      "application/zip",
      "--attach-name",
      "bundle.zip",
      "--attach",
      `@${zip}`
    ])

  test("a ZIP listing a program is refused as spam; a ZIP of documents is delivered", async () => {
    const bad = await send("zip with a program", archive(["readme.txt", "setup.exe"]))
    // The attachment symbol alone (weight 10) makes it spam, and the refusal names it; the
    // classifier's probability may stand beside it, nothing else scores here.
    expect(bad.out).toMatch(
      /<\*\* +550 5\.7\.1 Message rejected: spam \(score 10\.00(, probability [\d.]+)?: ATTACHMENT_BLOCKED_IN_ARCHIVE 10/
    )
    expect(sink.dumps().filter((d) => d.includes("Subject: zip with a program"))).toEqual([])
    const good = await send("zip of documents", archive(["invoice.pdf", "notes.txt"]))
    expect(good.out).toMatch(/<- {2}250 /)
    expect(sink.dumpWith("Subject: zip of documents")).toContain("bundle.zip")
  })
})
