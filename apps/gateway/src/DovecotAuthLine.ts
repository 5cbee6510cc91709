/**
 * Lines of Dovecot's auth-client protocol (version 1): a command name and its parameters,
 * separated by TABs, ending with LF. Parameters use Dovecot's tab-escaping: \x01 followed by
 * `0` (NUL), `1` (\x01), `t` (TAB), `r` (CR) or `n` (LF; older servers wrote `l`); any other
 * character after \x01 stands for itself. Optional parameters are `name=value` or a bare flag.
 *
 * The server is a peer we trust for answers but not for form: `parseLine` takes any string and
 * never throws.
 *
 * @category models
 * @since 0.1.0
 */

export interface AuthLine {
  readonly command: string
  /** The parameters after the command name, unescaped. */
  readonly args: ReadonlyArray<string>
}

const ESCAPES: Readonly<Record<string, string>> = { "0": "\0", "1": "\x01", t: "\t", r: "\r", n: "\n", l: "\n" }
const ESCAPED: Readonly<Record<string, string>> = { "\0": "0", "\x01": "1", "\t": "t", "\r": "r", "\n": "n" }

/** `value` with NUL, \x01, TAB, CR and LF escaped, so that it is one parameter of a line. */
export const escapeValue = (value: string): string => value.replace(/[\0\x01\t\r\n]/g, (c) => `\x01${ESCAPED[c]}`)

/** The text an escaped parameter stands for. */
export const unescapeValue = (value: string): string =>
  value.indexOf("\x01") < 0 ? value : value.replace(/\x01([\s\S]?)/g, (_, c: string) => ESCAPES[c] ?? c)

/** One line (without its LF) as a command and its unescaped parameters. */
export const parseLine = (line: string): AuthLine => {
  const fields = line.replace(/\r$/, "").split("\t")
  return { command: fields[0] ?? "", args: fields.slice(1).map(unescapeValue) }
}

/** A line to send: the command and its parameters, escaped, with the LF. */
export const formatLine = (command: string, args: ReadonlyArray<string>): string =>
  `${[command, ...args.map(escapeValue)].join("\t")}\n`

/** The optional parameters among `args`: `name=value` by name, a bare flag as `true`. */
export const optionsOf = (args: ReadonlyArray<string>): ReadonlyMap<string, string | true> => {
  const options = new Map<string, string | true>()
  for (const arg of args) {
    const eq = arg.indexOf("=")
    if (eq < 0) options.set(arg, true)
    else options.set(arg.slice(0, eq), arg.slice(eq + 1))
  }
  return options
}
