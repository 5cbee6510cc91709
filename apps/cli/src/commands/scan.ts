/**
 * `mailmoat scan FILE|-`: runs the configured pipeline (the server antispam module with the
 * configuration's `antispam` section, the imported lists, and the content classifier when one
 * is available) on one message, as the gateway would on receiving it with the given envelope,
 * and prints the verdict, the action per recipient, every symbol, the hop table and the
 * per-list answers. Exit 1 when the verdict is spam.
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

export const scanCommand: CommandSpec = {
  name: "scan",
  summary: "run the configured pipeline on a message and print the verdict",
  description:
    "Scans one message (an .eml file, a one-message mbox file, or - for stdin) with the configured antispam pipeline, as the gateway would on receiving it, and prints the verdict, the action per recipient, every symbol with its score and source, the Received hop table and every list answer.\n" +
    "Envelope defaults: the client is the IP of the top-most Received header (else 127.0.0.1), MAIL FROM comes from Return-Path (else From), recipients from To and Cc.",
  positionals: [{ name: "FILE", help: "message file (.eml or mbox with one message), or - for stdin" }],
  options: [
    configOption,
    { name: "client-ip", value: "IP", help: "the connecting client's address" },
    { name: "helo", value: "NAME", help: "the name the client announced in HELO/EHLO" },
    { name: "from", value: "ADDR", help: "MAIL FROM address (<> for the null sender)" },
    { name: "rcpt", value: "ADDR", repeat: true, help: "RCPT TO address" },
    jsonOption,
    { name: "verbose", alias: "v", help: "log the module's events to stderr (warnings are always shown)" }
  ],
  exitCodes: ["1  the verdict is spam (for at least one recipient)"],
  examples: [
    "mailmoat scan message.eml --client-ip 203.0.113.9 --rcpt user@example.org",
    "mailmoat scan - --json < message.eml | jq .verdict"
  ],
  run: (a) => import("../run/scan.ts").then((m) => m.runScan(a))
}
