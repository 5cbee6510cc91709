#!/usr/bin/env node
// DATA decoder throughput (ns per wire byte), this checkout's build against another one's, in one
// process, alternating rounds so both see the same machine load.
//
//   (cd packages/protocols && npx tsup) && node bench/data-decoder.mjs [--against DIR] [--rounds 9] [--mb 16]
//
// DIR is another checkout with a built packages/protocols (e.g. a `git worktree` of main); without
// it only this build is timed. Three bodies, each dot-stuffed as on the wire and fed in 64 KiB
// chunks (a socket read): text (70-character lines), base64 (76-character lines) and long lines
// (998 characters, the RFC 5322 limit). Prints the median and the range over the rounds; only the
// ratio between the builds carries over between machines. No sockets, no files written.
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const rounds = Number(arg("rounds", "9"))
const megabytes = Number(arg("mb", "16"))
const against = arg("against", undefined)

const load = async (dir) =>
  (await import(pathToFileURL(resolve(dir, "packages/protocols/dist/index.js")).href)).Smtp.DataDecoder
const builds = [["this", await load(resolve(import.meta.dirname, ".."))]]
if (against !== undefined) builds.push(["against", await load(against)])

/** `line` repeated to about `megabytes` MB, with a line starting with a dot now and then (stuffed). */
const body = (line) => {
  const lines = []
  const count = Math.ceil((megabytes * 1e6) / (line.length + 2))
  for (let i = 0; i < count; i++) lines.push(i % 50 === 0 ? `..${line.slice(1)}` : line)
  return Buffer.from(`${lines.join("\r\n")}\r\n.\r\n`, "latin1")
}
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const bodies = {
  text: body("The quick brown fox jumps over the lazy dog; pack my box with five doz"),
  base64: body(Array.from({ length: 76 }, (_, i) => alphabet[(i * 7) % 64]).join("")),
  long: body("y".repeat(998))
}
const CHUNK = 64 * 1024

const nsPerByte = (Decoder, wire) => {
  const decoder = new Decoder(1e12)
  let out = 0
  const emit = (b) => {
    out += b.length
  }
  const t = process.hrtime.bigint()
  for (let i = 0; i < wire.length; i += CHUNK) decoder.push(wire.subarray(i, i + CHUNK), emit)
  const ns = Number(process.hrtime.bigint() - t)
  if (!decoder.done || out === 0) throw new Error("the decoder did not reach the end marker")
  return ns / wire.length
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, wire] of Object.entries(bodies)) {
  const times = new Map(builds.map(([b]) => [b, []]))
  // Warm-up: let both reach optimised code before anything is counted.
  for (const [, D] of builds) nsPerByte(D, wire)
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse()
    for (const [b, D] of order) times.get(b).push(nsPerByte(D, wire))
  }
  const row = builds.map(([b]) => {
    const t = times.get(b)
    return `${b} ${median(t).toFixed(2)} ns/B (${Math.min(...t).toFixed(2)}-${Math.max(...t).toFixed(2)})`
  })
  const ratio =
    builds.length === 2
      ? `  ratio this/against ${(median(times.get("this")) / median(times.get("against"))).toFixed(2)}`
      : ""
  console.log(`${name.padEnd(7)} ${(wire.length / 1e6).toFixed(1)} MB: ${row.join("  ")}${ratio}`)
}
