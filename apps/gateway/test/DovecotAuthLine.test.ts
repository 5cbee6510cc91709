// Dovecot's auth-client lines: tab-escaping round trips, any text parses without throwing, and
// options are read by name.
import { fc, test as property } from "@fast-check/vitest"
import { describe, expect, test } from "vitest"
import { escapeValue, formatLine, optionsOf, parseLine, unescapeValue } from "../src/DovecotAuthLine.ts"

describe("Dovecot auth-client lines", () => {
  property.prop([fc.string({ unit: "binary" })])("escaping round-trips any text", (value) => {
    const escaped = escapeValue(value)
    expect(escaped).not.toMatch(/[\0\t\r\n]/)
    expect(unescapeValue(escaped)).toBe(value)
  })

  property.prop([
    fc.string({ minLength: 1 }).filter((s) => !/[\0\x01\t\r\n]/.test(s)),
    fc.array(fc.string({ unit: "binary" }))
  ])("a formatted line parses back to its command and parameters", (command, args) => {
    const line = formatLine(command, args)
    expect(line.endsWith("\n")).toBe(true)
    expect(parseLine(line.slice(0, -1))).toEqual({ command, args })
  })

  property.prop([fc.string({ unit: "binary" })])("any text parses without throwing", (line) => {
    const parsed = parseLine(line)
    expect(typeof parsed.command).toBe("string")
    optionsOf(parsed.args)
  })

  test("what Dovecot writes: escapes (LF as `n` or the older `l`), options and flags", () => {
    expect(parseLine("FAIL\t1\tuser=a\x01tb\treason=no\x01nway\ttemp")).toEqual({
      command: "FAIL",
      args: ["1", "user=a\tb", "reason=no\nway", "temp"]
    })
    expect(unescapeValue("x\x01ly\x011\x010\x01q")).toBe("x\ny\x01\0q")
    const options = optionsOf(["user=bob=1", "temp", "code=temp_fail"])
    expect(options.get("user")).toBe("bob=1")
    expect(options.get("temp")).toBe(true)
    expect(options.get("code")).toBe("temp_fail")
    expect(parseLine("DONE\r")).toEqual({ command: "DONE", args: [] })
  })
})
