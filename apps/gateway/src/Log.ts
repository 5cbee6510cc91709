/**
 * The gateway's one logger: levels (`log.level`: debug < info < warn < error; less severe events
 * are dropped), and one line per event as `key=value` text or one JSON object (`log.format`).
 * Events are structured (`event` plus fields); attacker-controlled text (addresses, replies) is
 * escaped so no value can start a new line. The same logger backs Effect's `Effect.log*` in the
 * gateway's runtime (`effectLogger`).
 *
 * What is logged at info: one line per message (`message`: queue id, client, recipients,
 * verdict, score, action, milliseconds) and one per failure (`stage_failed`, `plugin`, `list`,
 * `delivery_failed`, ...: warn or error). Progress notes of the modules are debug.
 *
 * @category services
 * @since 0.1.0
 */
import { Smtp } from "@mailmoat/protocols"
import { Logger, type LogLevel } from "effect"

export type Level = "debug" | "info" | "warn" | "error"
export type Fields = Readonly<Record<string, string | number | boolean | undefined>>

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export interface LogSettings {
  readonly level: Level
  readonly format: "text" | "json"
}

export interface GatewayLog {
  readonly settings: LogSettings
  /** True when events at `level` are written (a caller can skip building what would be dropped). */
  readonly enabled: (level: Level) => boolean
  readonly event: (level: Level, event: string, fields?: Fields) => void
  readonly debug: (event: string, fields?: Fields) => void
  readonly info: (event: string, fields?: Fields) => void
  readonly warn: (event: string, fields?: Fields) => void
  readonly error: (event: string, fields?: Fields) => void
  /** For modules that report free text (`log: (line) => void`): a `note` event at `level`. */
  readonly lines: (level?: Level) => (text: string) => void
  /** The same logger for Effect code (`Effect.logInfo` ...), honouring the level. */
  readonly effectLogger: Logger.Logger<unknown, void>
}

/** A value as written between double quotes: escaped, its own quotes backslashed. */
const quoted = (v: string): string => {
  const escaped = Smtp.escapeForLog(v)
  return escaped.includes('"') ? escaped.replace(/"/g, '\\"') : escaped
}

const text = (time: string, level: Level, event: string, fields: Fields): string => {
  let line = `${time} ${level} ${Smtp.escapeForLog(event)}`
  for (const k in fields) {
    const v = fields[k]
    if (v === undefined) continue
    line += typeof v === "string" ? ` ${k}="${quoted(v)}"` : ` ${k}=${v}`
  }
  return line
}

const json = (time: string, level: Level, event: string, fields: Fields): string =>
  JSON.stringify({ time, level, event, ...fields })

const levelOf = (l: LogLevel.LogLevel): Level => {
  const s = String(l).toLowerCase()
  return s.startsWith("debug") || s.startsWith("trace")
    ? "debug"
    : s.startsWith("warn")
      ? "warn"
      : s.startsWith("error") || s.startsWith("fatal")
        ? "error"
        : "info"
}

/** A logger writing each line to `write` (stdout in `main`, a test's array in tests). */
/** `now` is the clock the timestamps come from (the runtime's `Clock` service). */
export const make = (settings: LogSettings, write: (line: string) => void, now: () => number): GatewayLog => {
  const format = settings.format === "json" ? json : text
  const event = (level: Level, name: string, fields: Fields = {}) => {
    if (RANK[level] < RANK[settings.level]) return
    write(format(new Date(now()).toISOString(), level, name, fields))
  }
  return {
    settings,
    enabled: (level) => RANK[level] >= RANK[settings.level],
    event,
    debug: (name, fields) => event("debug", name, fields),
    info: (name, fields) => event("info", name, fields),
    warn: (name, fields) => event("warn", name, fields),
    error: (name, fields) => event("error", name, fields),
    lines:
      (level = "debug") =>
      (line) =>
        event(level, "note", { text: line }),
    effectLogger: Logger.make((options) => {
      const message = Array.isArray(options.message) ? options.message.map(String).join(" ") : String(options.message)
      event(levelOf(options.logLevel), "note", { text: message })
    })
  }
}

/** Discards everything (a library caller that gave no sink). */
export const silent: GatewayLog = make(
  { level: "error", format: "text" },
  () => undefined,
  () => 0
)
