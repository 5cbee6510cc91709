// The least a Node SMTP relay can do per message, for bench/transport-floor.mjs: what the gateway
// does on bench/transport.mjs (antispam off) with none of its parsing, state machine, engine,
// hand-off, log line or metrics. A net server on 127.0.0.1:PORT (argv[2]) answers the client's
// commands with no parsing beyond finding line ends and the end of data, and relays each message
// to 127.0.0.1:DOWNSTREAM (argv[3]) over a pooled connection: a session takes an idle downstream
// connection (or opens one: greeting, EHLO) and puts it back when the client quits. The envelope
// (MAIL, every RCPT, DATA) goes downstream in one write when the client sends DATA (PIPELINING),
// the message's bytes as they came (already dot-stuffed, end marker included) in one write after
// the downstream's 354, and the client gets its 250 only after the downstream's 250 (a 4xx if
// the downstream refused anything or went away), as the gateway answers. It prints the messages
// relayed when it gets SIGTERM.
import * as net from "node:net"

const port = Number(process.argv[2])
const downstreamPort = Number(process.argv[3])
let relayed = 0

/**
 * One downstream connection: the replies are matched, in order, to the callbacks waiting for
 * them; a reply is its last line (the code followed by a space).
 */
const connectDownstream = (ready) => {
  const socket = net.connect(downstreamPort, "127.0.0.1")
  socket.setNoDelay(true)
  const waiting = []
  let buffered = ""
  const link = {
    socket,
    broken: false,
    /** Writes `text` and calls `onReply(code)` for each of the next `count` replies. */
    send(text, count, onReply) {
      for (let i = 0; i < count; i++) waiting.push(onReply)
      if (text !== "") socket.write(text)
    }
  }
  socket.on("data", (chunk) => {
    buffered += chunk.toString("latin1")
    let start = 0
    for (;;) {
      const eol = buffered.indexOf("\r\n", start)
      if (eol < 0) break
      if (buffered.charCodeAt(start + 3) !== 45 /* - */) waiting.shift()?.(Number(buffered.slice(start, start + 3)))
      start = eol + 2
    }
    buffered = buffered.slice(start)
  })
  const fail = () => {
    link.broken = true
    for (const f of waiting.splice(0)) f(421)
  }
  socket.on("error", fail)
  socket.on("close", fail)
  // The greeting, then EHLO.
  link.send("", 1, () => link.send("EHLO relay.floor\r\n", 1, () => ready(link)))
  return link
}

const idle = []
const takeDownstream = (ready) => {
  for (let link = idle.pop(); link !== undefined; link = idle.pop()) if (!link.broken) return ready(link)
  connectDownstream(ready)
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  let link
  let envelope = ""
  let recipients = 0
  let inData = false
  let buffered = ""
  let body = []
  let busy = false
  socket.write("220 relay ESMTP\r\n")

  const relay = (message, envelope, recipients) => {
    busy = true
    socket.pause()
    const answer = (reply) => {
      socket.write(reply)
      busy = false
      socket.resume()
      onData()
    }
    const go = (d) => {
      link = d
      let ok = true
      let left = recipients + 2
      // MAIL, each RCPT, DATA: all answered before the message goes.
      d.send(`${envelope}DATA\r\n`, left, (code) => {
        if (code >= 400 && left > 1) ok = false
        if (--left > 0) return
        if (!ok || code !== 354) {
          if (code === 354) d.send(".\r\n", 1, () => undefined)
          else d.send("RSET\r\n", 1, () => undefined)
          return answer("451 4.4.1 Downstream refused\r\n")
        }
        d.send(message, 1, (end) => {
          if (end === 250) relayed++
          answer(end === 250 ? "250 2.0.0 Ok relayed\r\n" : "451 4.4.1 Downstream refused\r\n")
        })
      })
    }
    // A session keeps its downstream connection for its later messages.
    if (link !== undefined && !link.broken) go(link)
    else takeDownstream(go)
  }

  const onData = (chunk) => {
    if (chunk !== undefined) buffered += chunk.toString("latin1")
    while (!busy) {
      if (inData) {
        const end = buffered.indexOf("\r\n.\r\n")
        if (end < 0) {
          // Keep what could be the start of the end marker; the rest is the message.
          if (buffered.length > 5) {
            body.push(buffered.slice(0, -5))
            buffered = buffered.slice(-5)
          }
          return
        }
        body.push(buffered.slice(0, end + 5))
        buffered = buffered.slice(end + 5)
        inData = false
        const message = body.join("").slice(2)
        body = []
        relay(message, envelope, recipients)
        envelope = ""
        recipients = 0
        continue
      }
      const eol = buffered.indexOf("\r\n")
      if (eol < 0) return
      const line = buffered.slice(0, eol)
      buffered = buffered.slice(eol + 2)
      const verb = line.slice(0, 4).toUpperCase()
      if (verb === "EHLO") socket.write("250-relay\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
      else if (verb === "MAIL" || verb === "RCPT") {
        envelope += `${line}\r\n`
        if (verb === "RCPT") recipients++
        socket.write(verb === "MAIL" ? "250 2.1.0 Ok\r\n" : "250 2.1.5 Ok\r\n")
      } else if (verb === "DATA") {
        inData = true
        socket.write("354 End data with <CR><LF>.<CR><LF>\r\n")
        // The end marker's leading CRLF may be the DATA line's own; it is cut off again above.
        buffered = `\r\n${buffered}`
      } else if (verb === "QUIT") {
        // As the gateway closes after QUIT: the 221 is in the kernel once written on loopback, so
        // close(2) sends our FIN behind it. smtp-source closes without reading the 221, and an
        // end() (a half-close) would meet its RST and send every session through the error path.
        socket.write("221 2.0.0 Bye\r\n")
        socket.destroy()
        return
      } else socket.write("250 2.0.0 Ok\r\n")
    }
  }
  socket.on("data", onData)
  socket.on("error", () => undefined)
  socket.on("close", () => {
    if (link !== undefined && !link.broken && !busy) idle.push(link)
    else link?.socket.destroy()
  })
})
server.listen(port, "127.0.0.1")
process.on("SIGTERM", () => {
  console.error(`relayed ${relayed}`)
  process.exit(0)
})
