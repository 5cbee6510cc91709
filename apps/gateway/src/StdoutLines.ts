/**
 * The gateway's log lines on their way to a stream (stdout in `main`): lines that come within
 * `delayMs` of each other go out in one write instead of one write (one system call) each, which
 * under load saves a system call per message.
 *
 * **Gotchas**
 * - A line reaches the stream at most `delayMs` after it was logged, or at once when more than
 *   `maxBytes` are waiting; `flush()` writes what is waiting now.
 * - At process exit (a normal end, an uncaught exception) what is waiting is written then:
 *   stdout is synchronous for files and pipes on Linux, so nothing is lost there. A SIGKILL loses
 *   at most the last `delayMs` of lines.
 *
 * @category services
 * @since 0.1.0
 */

export interface LineSink {
  readonly write: (text: string) => unknown
}

export interface StdoutLinesOptions {
  /** Longest wait before waiting lines are written (default 50 ms). */
  readonly delayMs?: number
  /** Bytes waiting that trigger a write at once (default 16 KiB). */
  readonly maxBytes?: number
}

export interface StdoutLines {
  readonly line: (text: string) => void
  readonly flush: () => void
}

export const stdoutLines = (sink: LineSink, options: StdoutLinesOptions = {}): StdoutLines => {
  const delayMs = options.delayMs ?? 50
  const maxBytes = options.maxBytes ?? 16 * 1024
  let waiting = ""
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (waiting === "") return
    const text = waiting
    waiting = ""
    sink.write(text)
  }
  return {
    line: (text) => {
      waiting += `${text}\n`
      if (waiting.length >= maxBytes) return flush()
      if (timer === undefined) {
        timer = setTimeout(flush, delayMs)
        // Waiting lines never keep the process alive; exit writes them.
        timer.unref?.()
      }
    },
    flush
  }
}
