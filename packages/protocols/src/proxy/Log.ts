/**
 * Proxy log lines: `proxy conn=ID event=NAME key="value" ...`, every value escaped (mail traffic
 * is attacker-controlled).
 *
 * @category models
 * @since 0.1.0
 */
import { escapeForLog } from "../smtp/LogLine.ts"

export type Log = (line: string) => void

export const formatProxyLog = (
  connection: string,
  event: string,
  fields: Record<string, string | number | boolean> = {}
): string => {
  let line = `proxy conn=${escapeForLog(connection)} event=${escapeForLog(event)}`
  for (const [k, v] of Object.entries(fields)) {
    line += typeof v === "string" ? ` ${k}="${escapeForLog(v).replace(/"/g, '\\"')}"` : ` ${k}=${v}`
  }
  return line
}
