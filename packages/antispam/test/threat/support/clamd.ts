// A real clamd (Debian clamav-daemon) in the foreground, unprivileged, on a unix socket and a
// free loopback port, with a two-line signature database instead of the official one:
// an MD5 hash signature (.hdb) and a body signature (.ndb) for the EICAR test file.
// clamd refuses to start with an empty DatabaseDirectory; these two files are all it needs.
import { type ChildProcess, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { connect } from "node:net"
import { join } from "node:path"
import { freeTcpPort } from "../../support/redis.ts"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export const CLAMD = "/usr/sbin/clamd"

/**
 * The EICAR anti-virus test file, assembled at run time so this source file itself is not a
 * signature hit for scanners looking at the repository.
 */
export const eicar = (): Uint8Array =>
  new TextEncoder().encode(
    ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-", "FILE!$H+H*"].join("")
  )

export const HASH_SIGNATURE = "Mailmoat.Test.EICAR.Hash.UNOFFICIAL"
export const BODY_SIGNATURE = "Mailmoat.Test.EICAR.Body.UNOFFICIAL"

export interface ClamdPeer {
  readonly socket: string
  readonly port: number
  readonly pid: number
  readonly dir: string
  readonly stop: () => Promise<void>
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy()
      resolve(true)
    })
    s.on("error", () => resolve(false))
  })

/** `port`: listen there (a restart on the address a gateway already uses); default a free one. */
export const startClamd = async (options: { streamMaxLength?: string; port?: number } = {}): Promise<ClamdPeer> => {
  if (!existsSync(CLAMD))
    throw new Error('clamd is not installed: install the Debian package "clamav-daemon" (scripts/peers.mjs does)')
  const dir = tempDir("mailmoat-clamd-")
  const db = join(dir, "db")
  mkdirSync(db)
  const sample = eicar()
  const md5 = createHash("md5").update(sample).digest("hex")
  writeFileSync(join(db, "mailmoat.hdb"), `${md5}:${sample.length}:Mailmoat.Test.EICAR.Hash\n`)
  // Target type 0 (any file), offset * (anywhere): catches EICAR inline in a text body too.
  writeFileSync(join(db, "mailmoat.ndb"), `Mailmoat.Test.EICAR.Body:0:*:${Buffer.from(sample).toString("hex")}\n`)
  const socket = join(dir, "clamd.sock")
  const port = options.port ?? (await freeTcpPort())
  const log = join(dir, "clamd.log")
  writeFileSync(
    join(dir, "clamd.conf"),
    [
      "Foreground yes",
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      "TCPAddr 127.0.0.1",
      `DatabaseDirectory ${db}`,
      `LogFile ${log}`,
      `TemporaryDirectory ${dir}`,
      `StreamMaxLength ${options.streamMaxLength ?? "25M"}`,
      "SelfCheck 0",
      ""
    ].join("\n")
  )
  const child: ChildProcess = spawn(CLAMD, ["-c", join(dir, "clamd.conf")], { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  child.stdout?.on("data", (d) => (out += String(d)))
  child.stderr?.on("data", (d) => (out += String(d)))
  const deadline = Date.now() + 30_000
  // clamd binds its sockets only after loading the database; both must accept connections.
  while (Date.now() < deadline && child.exitCode === null && !(existsSync(socket) && (await accepts(port))))
    await new Promise((r) => setTimeout(r, 50))
  if (!existsSync(socket) || !(await accepts(port))) {
    child.kill("SIGKILL")
    throw new Error(`clamd did not start:\n${out}\n${existsSync(log) ? readFileSync(log, "utf8") : ""}`)
  }
  return {
    socket,
    port,
    pid: child.pid!,
    dir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r))
        child.kill("SIGCONT")
        child.kill("SIGTERM")
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
