// In-process unit and property tests: the argument parser and the .eml preparation.
import { fc, test as propTest } from "@fast-check/vitest"
import { describe, expect, test } from "vitest"
import { envelopeFromHeaders, prepare, stripMboxFrom, toCrlf } from "../src/cli/Eml.ts"
import { UsageError } from "../src/cli/Errors.ts"
import { type CommandSpec, help, resolve } from "../src/cli/Spec.ts"
import { explanationLines } from "../src/run/ExplanationLines.ts"

const run = async () => 0
const tree: CommandSpec = {
  name: "mailmoat",
  summary: "root",
  subcommands: [
    {
      name: "scan",
      summary: "scan",
      positionals: [{ name: "FILE", help: "file" }],
      options: [
        { name: "config", alias: "c", value: "FILE", help: "c" },
        { name: "rcpt", value: "ADDR", repeat: true, help: "r" },
        { name: "json", help: "j" }
      ],
      run
    },
    {
      name: "lists",
      summary: "lists",
      subcommands: [
        { name: "export", summary: "e", positionals: [{ name: "KIND", help: "k", choices: ["rbl", "dnsbl"] }], run }
      ]
    }
  ]
}

describe("Spec.resolve", () => {
  test("options, repeats, = form, -- and - positionals", () => {
    const r = resolve(tree, ["scan", "-c", "x.yaml", "--rcpt=a@b", "--rcpt", "c@d", "--json", "--", "-"])
    expect(r).toMatchObject({
      _tag: "Run",
      args: { positionals: { FILE: "-" }, options: { config: "x.yaml", rcpt: ["a@b", "c@d"], json: true } }
    })
    expect(resolve(tree, ["lists", "export", "rbl"])).toMatchObject({
      _tag: "Run",
      args: { positionals: { KIND: "rbl" } }
    })
    expect(resolve(tree, ["lists", "export", "--help"])._tag).toBe("Help")
    expect(resolve(tree, ["lists"])._tag).toBe("Help")
  })

  test.each([
    [["scan"], "missing argument FILE"],
    [["scan", "a", "b"], 'unexpected argument "b"'],
    [["scan", "a", "--config"], "--config needs a value (FILE)"],
    [["scan", "a", "-c", "x", "--config", "y"], "--config given twice"],
    [["scan", "a", "--json=1"], "--json takes no value"],
    [["lists", "export", "x"], 'KIND must be one of rbl, dnsbl (got "x")'],
    [["nope"], 'unknown command "nope"']
  ])("%j is a usage error: %s", (argv, message) => {
    expect(() => resolve(tree, argv)).toThrow(expect.objectContaining({ name: "UsageError", message }))
  })

  propTest.prop([
    fc.array(
      fc.oneof(
        fc.constantFrom("scan", "lists", "export", "rbl", "-", "--", "--json", "-c", "--rcpt", "--help", "--x=1"),
        fc.string()
      ),
      { maxLength: 8 }
    )
  ])("any argv resolves or fails with a UsageError, never anything else", (argv) => {
    try {
      resolve(tree, argv)
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError)
    }
  })

  test("help shows usage, options and exit codes", () => {
    const text = help([tree, tree.subcommands![0]!])
    expect(text).toMatch(/^usage: mailmoat scan FILE \[--config FILE\] \[--rcpt ADDR\]\.\.\. \[--json\]\n/)
    expect(text).toContain("  -c, --config FILE")
    expect(text).toContain("(repeatable)")
    expect(text).toContain("exit codes:\n  0  success")
  })
})

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b)

describe("Eml", () => {
  test("strips the mbox From line, not a From: header", () => {
    expect(text(stripMboxFrom(bytes("From a@b Mon Jan 1\nSubject: x\n")))).toBe("Subject: x\n")
    expect(text(stripMboxFrom(bytes("From: a@b\n")))).toBe("From: a@b\n")
  })

  propTest.prop([fc.uint8Array({ maxLength: 2000 })])(
    "toCrlf leaves no bare CR or LF, is idempotent, and keeps the other bytes",
    (input) => {
      const out = toCrlf(input)
      const s = text(out)
      expect(/\r(?!\n)|(?<!\r)\n/.test(s)).toBe(false)
      expect(toCrlf(out)).toEqual(out)
      expect(s.replace(/[\r\n]/g, "")).toBe(text(input).replace(/[\r\n]/g, ""))
    }
  )

  propTest.prop([fc.uint8Array({ maxLength: 3000 })])(
    "envelopeFromHeaders never throws on arbitrary bytes",
    (input) => {
      const e = envelopeFromHeaders(prepare(input))
      expect(Array.isArray(e.rcptTo)).toBe(true)
    }
  )

  test("envelope defaults: Return-Path, else From; To and Cc deduplicated", () => {
    expect(
      envelopeFromHeaders(
        prepare(bytes("Return-Path: <b@x.test>\nFrom: A <a@x.test>\nTo: u@y.test, V <v@y.test>\nCc: u@y.test\n\nhi\n"))
      )
    ).toEqual({ mailFrom: "b@x.test", rcptTo: ["u@y.test", "v@y.test"] })
    expect(envelopeFromHeaders(prepare(bytes("Return-Path: <>\nFrom: a@x.test\nTo: u@y.test\n\n")))).toEqual({
      mailFrom: "",
      rcptTo: ["u@y.test"]
    })
    expect(envelopeFromHeaders(prepare(bytes("From: A <a@x.test>\n\n")))).toEqual({ mailFrom: "a@x.test", rcptTo: [] })
  })
})

describe("eval --explain lines", () => {
  const error = (label: "ham" | "spam", cls: "ham" | "unsure" | "spam", probability: number) => ({
    file: `/corpus/${label}/m.${probability}`,
    label,
    class: cls,
    explanation: { probability, tokenProbability: probability, contributions: [], clues: [], features: [] }
  })

  test("a spam called unsure at a spam probability says it rests on a few words alone", () => {
    const lines = explanationLines(
      [
        error("spam", "unsure", 0.943),
        error("spam", "unsure", 0.5),
        error("spam", "ham", 0.1),
        error("ham", "spam", 0.95)
      ],
      { spamAbove: 0.9 }
    )
    const heads = lines.filter((l) => /^[A-Z]/.test(l)).map((l) => l.split("  p=")[0])
    expect(heads).toEqual([
      "FALSE POSITIVE m.0.95",
      "UNSURE SPAM (few words alone, against the form) m.0.943",
      "UNSURE SPAM    m.0.5",
      "MISSED SPAM    m.0.1"
    ])
  })
})
