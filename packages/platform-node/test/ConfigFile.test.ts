// Loading files: YAML and JSON, syntax errors with file and line, unreadable files.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { GatewayConfig } from "@mailmoat/core"
import * as ConfigFile from "../src/ConfigFile.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

// A configuration whose antispam section has the policy keys only (the built-in stages' keys
// are @mailmoat/antispam's, which this package does not import).
const codec = GatewayConfig.make(GatewayConfig.composeAntispam([]))

const dir = tempDir("mailmoat-config-")
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe("load", () => {
  it("reads YAML and JSON files", () => {
    const yaml = ConfigFile.load(codec, {
      file: file("a.yaml", "smtp:\n  port: 2626 # comment\nantispam: { onSpam: reject }\n")
    })
    expect(yaml.ok && [yaml.config.smtp.port, yaml.config.antispam.onSpam]).toEqual([2626, "reject"])
    const json = ConfigFile.load(codec, {
      file: file("a.json", JSON.stringify({ smtp: { port: 2627 }, log: { level: "debug" } }))
    })
    expect(json.ok && [json.config.smtp.port, json.config.log.level]).toEqual([2627, "debug"])
  })

  it("an empty file or no file is the defaults (plus env)", () => {
    expect(ConfigFile.load(codec, { file: file("empty.yaml", "# nothing yet\n") })).toEqual({
      ok: true,
      config: codec.defaults()
    })
    const r = ConfigFile.load(codec, { env: { MAILMOAT_SMTP__PORT: "26" } })
    expect(r.ok && r.config.smtp.port).toBe(26)
  })

  it("YAML syntax errors name the file and the line", () => {
    const path = file("bad.yaml", "smtp:\n  port: 25\nantispam:\n  rbl: { servers: [bl.example }\n")
    const r = ConfigFile.load(codec, { file: path })
    expect(r.ok).toBe(false)
    expect(r.ok ? [] : r.problems).toContainEqual(
      expect.stringMatching(new RegExp(`^${path.replace(/[.\\/]/g, "\\$&")}:4: .+ \\(column \\d+\\)$`))
    )
    const dup = ConfigFile.load(codec, { file: file("dup.yaml", "smtp:\n  port: 25\nsmtp:\n  port: 26\n") })
    expect(dup.ok ? [] : dup.problems).toEqual([`${join(dir, "dup.yaml")}:3: Map keys must be unique (column 1)`])
  })

  it("a list at the top level, an unreadable file, and problems in a valid file", () => {
    const list = ConfigFile.load(codec, { file: file("list.yaml", "- a\n- b\n") })
    expect(list.ok ? [] : list.problems).toEqual([
      "(top level): expected a mapping of settings, got a list (2 entries)"
    ])
    const missing = ConfigFile.load(codec, { file: join(dir, "nope.yaml") })
    expect(missing.ok ? [] : missing.problems).toEqual([
      expect.stringMatching(/nope\.yaml: cannot read the configuration file: ENOENT/)
    ])
    const bad = ConfigFile.load(codec, { file: file("bad2.yaml", "smtp:\n  prot: 25\n  port: abc\n") })
    expect(bad.ok ? [] : bad.problems.map((p) => p.split(":")[0])).toEqual(["smtp.prot", "smtp.port"])
  })

  it("alias bombs are refused, not expanded", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(", ")}]`
      )
    ].join("\n")
    const r = ConfigFile.load(codec, { file: file("bomb.yaml", `${bomb}\n`) })
    expect(r.ok).toBe(false)
    expect(r.ok ? [] : r.problems).toHaveLength(1)
  })
})
