// The system names bench/peers.mjs takes, and the command line each one starts with.
//
//   ceiling
//   haraka[+FLAG...][~RUNTIME]            haraka-nodelay[+FLAG...][~RUNTIME]
//   mailmoat[:pN][@DIR][+FLAG...][~RUNTIME]
//
// `:pN` runs the gateway's multi-process mode with N processes, `@DIR` the gateway built in another
// checkout, each `+FLAG` passes `--FLAG` to that system's runtime only, and `~RUNTIME` runs the
// system on one of the runtimes scripts/runtimes.mjs installs (`node24`, `bun`, `deno`) instead of
// the `node` on PATH. The ceiling is smtp-source straight into smtp-sink: nothing of it runs on a
// JavaScript runtime, so it takes no suffix.
import { basename, resolve } from "node:path"

// The runtime names a system may end with, and the key of each in scripts/runtimes.mjs's paths.
export const runtimeKeys = { node24: "node", bun: "bun", deno: "deno" }

// A flag or a folder is pasted into a shell command line, and `+`/`~` separate the parts:
// neither may contain those or whitespace.
const part = String.raw`[^+~\s]+`
const pattern = new RegExp(
  String.raw`^(?:(ceiling)|(haraka(?:-nodelay)?)|(mailmoat)(?::p([1-9]\d*))?(?:@(${part}))?)((?:\+${part})*)(?:~(${Object.keys(runtimeKeys).join("|")}))?$`
)

/**
 * `system` -> { system, kind, label, runtime, processes, dir, flags }, or throws with the grammar.
 * kind: "ceiling" | "haraka" | "haraka-nodelay" | "mailmoat"; label: what its results are filed
 * under (a `@DIR` appears as the folder's last name); runtime: undefined for the `node` on PATH;
 * flags: ["--FLAG", ...].
 */
export const parseSystem = (system) => {
  const m = pattern.exec(system)
  if (!m || (m[1] !== undefined && (m[6] !== "" || m[7] !== undefined))) {
    throw new Error(
      `bench/peers: unknown system "${system}" (ceiling | haraka[-nodelay][+FLAG...][~RUNTIME] | mailmoat[:pN][@DIR][+FLAG...][~RUNTIME]; RUNTIME: ${Object.keys(runtimeKeys).join(", ")})`
    )
  }
  const kind = m[1] ?? m[2] ?? m[3]
  const processes = m[4] === undefined ? undefined : Number(m[4])
  const dir = m[5]
  const runtime = m[7]
  const flags = m[6]
    .split("+")
    .filter(Boolean)
    .map((flag) => `--${flag}`)
  const base =
    kind === "mailmoat"
      ? `mailmoat${processes ? `-${processes}p` : ""}${dir === undefined ? "" : `@${basename(resolve(dir))}`}`
      : kind
  const label = `${base}${m[6]}${runtime === undefined ? "" : `~${runtime}`}`
  return { system, kind, label, runtime, processes, dir, flags }
}

/** The inverse of parseSystem over what it returns (for the tests' round trips). */
export const formatSystem = ({ kind, processes, dir, flags = [], runtime }) =>
  `${kind}${processes === undefined ? "" : `:p${processes}`}${dir === undefined ? "" : `@${dir}`}${flags
    .map((flag) => `+${flag.replace(/^--/, "")}`)
    .join("")}${runtime === undefined ? "" : `~${runtime}`}`

/**
 * The words a system's command line starts with, before the script it runs: the runtime binary,
 * what that runtime needs to run a Node program, and the system's flags.
 * `preload`: a CommonJS file to load first (Haraka's DNS redirection), for a runtime that ignores
 * NODE_OPTIONS's `--require` (Bun); Node and Deno read NODE_OPTIONS, which the harness sets.
 */
export const commandPrefix = ({ runtime, bin, flags = [], preload }) => {
  switch (runtime) {
    case undefined:
    case "node24":
      return [bin, ...flags]
    case "bun":
      return [bin, ...(preload === undefined ? [] : ["--preload", preload]), ...flags]
    case "deno":
      // Deno runs a Node program's files with every permission asked for up front (the gateway
      // opens sockets, files and reads its environment), as runtime-tests/smoke.mjs is run.
      return [bin, "run", "-A", ...flags]
    default:
      throw new Error(`bench/peers: no command for runtime ${runtime}`)
  }
}

/** A runtime's `--version` output -> "node 24.21.0" / "bun 1.4.5" / "deno 2.9.6". */
export const runtimeVersion = (output) => {
  const first = output.trim().split("\n")[0]?.trim() ?? ""
  const deno = /^deno (\S+)/.exec(first)
  if (deno) return `deno ${deno[1]}`
  const node = /^v(\d+\.\d+\.\d+\S*)$/.exec(first)
  if (node) return `node ${node[1]}`
  if (/^\d+\.\d+\.\d+\S*$/.test(first)) return `bun ${first}`
  return first === "" ? "?" : first
}
