// Help text for every command and subcommand, usage errors, exit codes, and `npx mailmoat`.
import { spawnSync } from "node:child_process"
import { describe, expect, test } from "vitest"
import { hasStackTrace, mailmoat, repoRoot } from "./support/cli.ts"

const commands: ReadonlyArray<ReadonlyArray<string>> = [
  ["gateway"],
  ["config"],
  ["config", "validate"],
  ["config", "defaults"],
  ["scan"],
  ["check"],
  ["check", "ip"],
  ["check", "domain"],
  ["lists"],
  ["lists", "import"],
  ["lists", "export"],
  ["quarantine"],
  ["quarantine", "list"],
  ["quarantine", "show"],
  ["quarantine", "release"],
  ["quarantine", "delete"],
  ["quarantine", "confirm"],
  ["reputation"],
  ["reputation", "show"],
  ["reputation", "reset"],
  ["ca"],
  ["ca", "init"],
  ["ca", "show"],
  ["train"],
  ["eval"]
]

describe("help", () => {
  test("mailmoat --help lists every command and the exit codes", async () => {
    const r = await mailmoat(["--help"])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: mailmoat <command>/)
    for (const c of ["gateway", "config", "scan", "check", "lists", "quarantine", "reputation", "ca", "train", "eval"])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"))
    expect(r.stdout).toContain("2  usage or configuration error")
  })

  test.each(commands.map((c) => [c.join(" "), c]))("mailmoat %s --help", async (_name, path) => {
    const r = await mailmoat([...path, "--help"])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe("")
    expect(r.stdout).toMatch(new RegExp(`^usage: mailmoat ${path.join(" ")}[ \n]`))
    expect(r.stdout).toContain("exit codes:")
  })

  test("scan --help documents every option", async () => {
    const r = await mailmoat(["scan", "--help"])
    for (const o of ["--config FILE", "--client-ip IP", "--helo NAME", "--from ADDR", "--rcpt ADDR", "--json"])
      expect(r.stdout).toContain(o)
    expect(r.stdout).toContain("1  the verdict is spam")
  })

  test("--version", async () => {
    const r = await mailmoat(["--version"])
    expect(r).toMatchObject({ code: 0, stdout: "0.1.0\n" })
  })
})

describe("usage errors exit 2 with one clear message", () => {
  test.each([
    [[], /^usage: mailmoat <command>/],
    [["quarantine"], /^usage: mailmoat quarantine <command>/],
    [["frobnicate"], /^mailmoat: unknown command "frobnicate"\nRun "mailmoat --help" for usage\.\n$/],
    [["quarantine", "nuke"], /^mailmoat: unknown command "nuke" for quarantine\n/],
    [["scan", "--bogus"], /^mailmoat: unknown option --bogus\nRun "mailmoat scan --help"/],
    [["scan"], /^mailmoat: missing argument FILE\n/],
    [["scan", "a.eml", "b.eml"], /^mailmoat: unexpected argument "b.eml"\n/],
    [["scan", "a.eml", "--config"], /^mailmoat: --config needs a value \(FILE\)\n/],
    [["scan", "a.eml", "--client-ip", "300.1.1.1"], /^mailmoat: --client-ip: "300.1.1.1" is not an IP address\n/],
    [["lists", "export", "bogus"], /^mailmoat: KIND must be one of rbl, dnsbl, enduser, allowedIps \(got "bogus"\)\n/],
    [["check", "ip", "not-an-ip"], /^mailmoat: "not-an-ip" is not an IP address\n/],
    [["quarantine", "list", "--limit", "x"], /^mailmoat: --limit must be a whole number/],
    [["ca", "init", "--force=yes"], /^mailmoat: --force takes no value\n/]
  ] as const)("mailmoat %j", async (args, stderr) => {
    const r = await mailmoat(args)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(stderr)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

test("npx mailmoat --help works from the repository root", () => {
  const r = spawnSync("npx", ["--no-install", "mailmoat", "--help"], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000
  })
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^usage: mailmoat <command>/)
})
