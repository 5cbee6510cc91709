/**
 * Reads the gateway's configuration file (YAML, or JSON which is YAML too) into a plain object.
 * Every problem is reported as one line naming the file (and the line for syntax errors); the
 * caller prints them and exits with code 2 without starting anything.
 *
 * This is the gateway's file reader only; the values are read and defaulted by `Settings.ts`.
 *
 * @category constructors
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { parseDocument } from "yaml"

export class ConfigError extends Error {
  override readonly name = "ConfigError"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("\n"))
  }
}

export const readConfigFile = (path: string): Readonly<Record<string, unknown>> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the configuration file: ${(error as Error).message}`])
  }
  const doc = parseDocument(text)
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`))
  }
  const value: unknown = doc.toJS()
  if (value === null || value === undefined) return {}
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError([`${path}: expected a mapping of settings at the top level, got ${Array.isArray(value) ? "a list" : typeof value}`])
  }
  return value as Record<string, unknown>
}
