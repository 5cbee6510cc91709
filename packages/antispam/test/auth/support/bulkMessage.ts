// A bulk sender's message as the repeated-message tests send it again and again: relayed once
// (a Received hop from the sender's relay), with a link and an IP in the body for the DNSBL.
import { Envelope, type Message, MessageModel } from "@mailmoat/core"
import { IP, message } from "./world.ts"

const text = message({ from: "ceo@sig.test", body: "See https://shop.example.com/offer and 198.51.100.7\r\n" })

export const bulkMessage = (): Message =>
  MessageModel.fromBytes(
    new TextEncoder().encode(
      `Received: from relay.sig.test (relay.sig.test [${IP.good}]) by mx.rcpt.test; Thu, 03 Dec 2026 08:00:00 +0000\r\n${text}`
    ),
    {
      envelope: Envelope.make({
        clientAddress: IP.good,
        helo: "mail.pass.test",
        mailFrom: "ceo@sig.test",
        rcptTo: ["user@rcpt.test"]
      })
    }
  )
