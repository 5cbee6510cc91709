// A DNS server on 127.0.0.1 that answers NXDOMAIN to every question: the resolver of every test
// process (see loopback-dns-preload.cjs), so a test that forgets to name its own DNS server gets
// "no such name" from loopback, as the machine's resolver would say for the reserved test names,
// instead of sending the question off the machine.
import { createSocket } from "node:dgram"

/** The answer to `query`: its id and question, QR+RA set, RD copied, RCODE 3 (RFC 1035 §4.1.1). */
export const nxdomain = (query) => {
  if (query.length < 12) return undefined
  const answer = Buffer.from(query)
  answer[2] = 0x80 | (query[2] & 0x01)
  answer[3] = 0x83
  // No answer, authority or additional records; the question section is echoed as it came.
  answer.fill(0, 6, 12)
  return answer
}

/** Starts the server on an ephemeral port; resolves with its `host:port` and a stop function. */
export const startLoopbackResolver = () =>
  new Promise((resolve, reject) => {
    const socket = createSocket("udp4")
    socket.on("message", (query, peer) => {
      const answer = nxdomain(query)
      if (answer !== undefined) socket.send(answer, peer.port, peer.address)
    })
    socket.once("error", reject)
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address()
      resolve({ server: `127.0.0.1:${port}`, stop: () => new Promise((done) => socket.close(() => done())) })
    })
  })
