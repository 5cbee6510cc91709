/**
 * Progress of a command over a directory (`train`, `eval`) on one terminal line of stderr:
 * count, percentage, rate and time left, redrawn at most ten times a second and ended with a
 * newline. Off when stderr is not a terminal (pipes, logs, CI) or with `--json`, so nothing but
 * results ever reaches a file.
 *
 * @since 0.1.0
 */
import { now as clockNow } from "./Time.ts"

export interface ProgressStream {
  readonly isTTY?: boolean | undefined
  write(text: string): unknown
}

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
      : `${s}s`
}

/** One progress line: "label 1200/5000 (24%)  850 msg/s  4s left". */
export const progressLine = (label: string, done: number, total: number, elapsedSeconds: number): string => {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0
  const left = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100
  return `${label} ${done}/${total} (${pct}%)  ${rate.toFixed(rate < 10 ? 1 : 0)} msg/s  ${done >= total ? `${duration(elapsedSeconds)} total` : `${duration(left)} left`}`
}

/** A `(done, total)` callback drawing on `stream`, or undefined when progress is off. */
export const makeProgress = (
  label: string,
  options: { readonly stream?: ProgressStream; readonly enabled?: boolean; readonly now?: () => number } = {}
): ((done: number, total: number) => void) | undefined => {
  const stream = options.stream ?? process.stderr
  if (options.enabled === false || stream.isTTY !== true) return undefined
  const now = options.now ?? clockNow
  const started = now()
  let drawn = 0
  return (done, total) => {
    const t = now()
    const last = done >= total
    if (!last && t - drawn < 100) return
    drawn = t
    // \r and clear-to-end-of-line: the line is redrawn in place.
    stream.write(`\r${progressLine(label, done, total, (t - started) / 1000)}\x1b[K${last ? "\n" : ""}`)
  }
}
