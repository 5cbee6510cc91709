// What bench/transport.mjs and bench/transport-floor.mjs share: a free loopback port, a
// process's CPU time, and the load itself (Postfix smtp-source, one message per session, the same
// 4.3 KB message for every server measured).
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { benchTempDir } from "./temp-dir.mjs"

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** utime + stime of a process, in ms. */
export const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** Sends `count` messages to 127.0.0.1:`port` over `conc` parallel sessions, one message each. */
export const load = (port, count, conc) => {
  // A folder of its own: two benches at once must not share the file.
  const file = join(benchTempDir("mailmoat-transport-msg-"), "message.eml")
  writeFileSync(
    file,
    `From: a@client.example\nTo: rcpt@example.net\nSubject: transport\n\n${"A line of body text.\n".repeat(200)}`
  )
  execFileSync(
    "/usr/sbin/smtp-source",
    ["-s", String(conc), "-m", String(count), "-F", file, "-f", "s@client.example", "-t", "rcpt@example.net"].concat([
      "-M",
      "client.example",
      `127.0.0.1:${port}`
    ]),
    { stdio: "ignore", timeout: 300_000 }
  )
}
