#!/usr/bin/env node
// How many waiting connections one turn of Node's event loop accepts. A server on 127.0.0.1 whose
// loop is kept busy (each turn a 2 ms synchronous task in `setImmediate`) gets `--clients` connects
// at once, all in the listening socket's backlog before its first turn; the bench prints the turn
// in which each was accepted, and how many turns the last one waited.
//
//   node bench/accept-per-turn.mjs [--clients 10] [--turn-ms 2]
//
// On Node 20.20.2 (libuv 1.46.0) every turn accepts one connection: libuv accepts a single
// connection each time the listening socket is reported ready, so a connection that finds n
// others in the backlog waits n turns of the loop, whatever the turns hold.
import net from "node:net"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}
const clients = arg("clients", 10)
const turnMs = arg("turn-ms", 2)
const mono = () => Number(process.hrtime.bigint()) / 1e6

let turn = 0
const acceptedIn = []
const server = net.createServer((socket) => {
  acceptedIn.push(turn)
  socket.destroy()
})
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address()
  const spin = () => {
    turn++
    const t = mono()
    while (mono() - t < turnMs);
    if (acceptedIn.length < clients && turn < 10 * clients) setImmediate(spin)
    else {
      console.log(
        `node ${process.version}, libuv ${process.versions.uv}: ${clients} connections waiting, accepted in turns ${acceptedIn.join(" ")}`
      )
      console.log(
        `the last waited ${acceptedIn.at(-1)} turns (${(acceptedIn.at(-1) * turnMs).toFixed(0)} ms of a loop busy ${turnMs} ms a turn)`
      )
      server.close()
      process.exit(0)
    }
  }
  for (let i = 0; i < clients; i++) net.connect(port, "127.0.0.1").on("error", () => undefined)
  setImmediate(spin)
})
