// Test PKI made with openssl: a CA, a server certificate it signs (localhost + 127.0.0.1) for
// Dovecot, and a separate self-signed certificate for the proxy's client leg.
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

export interface Pki {
  readonly caFile: string
  readonly caPem: string
  readonly serverCertFile: string
  readonly serverKeyFile: string
  /** Self-signed, for the proxy's side toward clients. */
  readonly proxy: { readonly key: string; readonly cert: string; readonly certFile: string }
}

const openssl = (args: ReadonlyArray<string>): void => {
  execFileSync("openssl", args, { stdio: "pipe", timeout: 30_000 })
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

export const makePki = (dir: string): Pki => {
  mkdirSync(dir, { recursive: true })
  const f = (n: string) => join(dir, n)
  openssl([
    "req",
    "-x509",
    ...EC,
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=Mailmoat Test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign"
  ])
  openssl(["req", ...EC, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost"])
  writeFileSync(f("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
  openssl([
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.pem"),
    "-days",
    "2",
    "-extfile",
    f("ext.cnf")
  ])
  openssl([
    "req",
    "-x509",
    ...EC,
    "-keyout",
    f("proxy.key"),
    "-out",
    f("proxy.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1"
  ])
  return {
    caFile: f("ca.pem"),
    caPem: readFileSync(f("ca.pem"), "utf8"),
    serverCertFile: f("server.pem"),
    serverKeyFile: f("server.key"),
    proxy: {
      key: readFileSync(f("proxy.key"), "utf8"),
      cert: readFileSync(f("proxy.pem"), "utf8"),
      certFile: f("proxy.pem")
    }
  }
}
