/**
 * `antispam.dns`: the resolvers of the shared stage context (every list lookup and the sender
 * authentication go through them). No stage of its own.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"
import { define } from "./Builtin.ts"

const { doc, list, literals, section, string, withDefault } = GatewayConfig.Fields

const resolver = string(
  "a resolver address host:port (127.0.0.1:5353, [::1]:53) or an IP",
  GatewayConfig.Formats.isDnsServer
)

export const options = {
  dns: Schema.Struct({
    servers: list(resolver, "a list of resolver addresses").pipe(
      doc("Resolvers as host:port; empty = the system resolvers."),
      withDefault([])
    ),
    resolver: literals(["builtin", "system"]).pipe(
      doc(
        "Who asks the questions: system (Node's c-ares) or builtin (Mailmoat's own resolver over UDP, TCP for truncated answers; real TTLs for every type; less CPU per question alone, not less per message)."
      ),
      withDefault("system")
    )
  }).pipe(section)
}

export const builtin = define({ options })
