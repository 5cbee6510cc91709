/**
 * Output for commands: results on stdout, diagnostics on stderr, JSON as one object per run.
 *
 * @since 0.1.0
 */

export const print = (line = ""): void => {
  process.stdout.write(`${line}\n`)
}

export const warn = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/** One JSON object on one line (scripts read it with `jq`). */
export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}

/** Left-aligned table with a header row; cells are cut to keep lines readable. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  max = 60
): Array<string> => {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s)
  const all = [header, ...rows].map((r) => r.map(cut))
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)))
  return all.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  )
}

/** Reads all of stdin (for `scan -`). */
export const readStdin = async (): Promise<Uint8Array> => {
  const parts: Array<Buffer> = []
  for await (const chunk of process.stdin) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(parts)
}
