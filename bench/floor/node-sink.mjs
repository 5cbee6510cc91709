// The least a Node SMTP server can do per message, for bench/transport-floor.mjs: a net server
// that answers one reply per command line (EHLO, DATA, QUIT, and 250 to everything else) and one
// 250 per message, with no parsing beyond finding line ends and the end of data. It listens on
// 127.0.0.1:PORT (argv[2]) and prints the messages it saw when it gets SIGTERM.
import * as net from "node:net"

const port = Number(process.argv[2])
let messages = 0
const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  let data = false
  let buffered = ""
  socket.write("220 sink ESMTP\r\n")
  socket.on("data", (chunk) => {
    buffered += chunk.toString("latin1")
    for (;;) {
      if (data) {
        const end = buffered.indexOf("\r\n.\r\n")
        if (end < 0) {
          if (buffered.length > 5) buffered = buffered.slice(-5)
          return
        }
        buffered = buffered.slice(end + 5)
        data = false
        messages++
        socket.write("250 2.0.0 Ok queued\r\n")
        continue
      }
      const eol = buffered.indexOf("\r\n")
      if (eol < 0) return
      const line = buffered.slice(0, eol).toUpperCase()
      buffered = buffered.slice(eol + 2)
      if (line.startsWith("EHLO")) socket.write("250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
      else if (line.startsWith("DATA")) {
        data = true
        socket.write("354 End data with <CR><LF>.<CR><LF>\r\n")
        // The end marker's leading CRLF may be the DATA line's own.
        buffered = `\r\n${buffered}`
      } else if (line.startsWith("QUIT")) {
        // As the gateway closes after QUIT: the 221 is in the kernel once written on loopback, so
        // close(2) sends our FIN behind it. smtp-source closes without reading the 221, and an
        // end() (a half-close) would meet its RST and send every session through the error path.
        socket.write("221 2.0.0 Bye\r\n")
        socket.destroy()
        return
      } else socket.write("250 2.1.0 Ok\r\n")
    }
  })
  socket.on("error", () => undefined)
})
server.listen(port, "127.0.0.1")
process.on("SIGTERM", () => {
  console.error(`messages ${messages}`)
  process.exit(0)
})
