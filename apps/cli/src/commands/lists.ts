/**
 * `mailmoat lists import|export KIND`: the lists the gateway adds to its configured ones
 * (RBL/DNSBL zones, end-user entries, allowed IPs), stored under `<dataDir>/lists/` through the
 * antispam `ListStore`. An import is all or nothing: a bad line is reported with its number and
 * nothing is imported (exit 2).
 *
 * @since 0.1.0
 */
import { configOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

/** The list kinds of antispam's list file format (kept in step by a test). */
export const listKinds = ["rbl", "dnsbl", "enduser", "allowedIps"] as const
const kindArg = { name: "KIND", help: "which list", choices: listKinds }

const importCommand: CommandSpec = {
  name: "import",
  summary: "replace a stored list with the entries of a file",
  description:
    "Replaces the stored list KIND with the entries of FILE (- reads stdin): one entry per line, # starts a comment.\n" +
    "rbl/dnsbl: a zone or zone:127.0.0.x; enduser: an IP, CIDR, mail address or domain; allowedIps: an IP or CIDR.\n" +
    "All or nothing: when a line is bad, every bad line is reported with its number and nothing is imported.\n" +
    "A running gateway picks the new list up with the next message.",
  positionals: [kindArg, { name: "FILE", help: "the list file, or - for stdin" }],
  options: [configOption],
  examples: ["mailmoat lists import rbl rbl.txt", "mailmoat lists export rbl > rbl.txt"],
  run: (a) => import("../run/lists.ts").then((m) => m.runImport(a))
}

const exportCommand: CommandSpec = {
  name: "export",
  summary: "print a stored list in the list file format",
  description: "Prints the stored list KIND in the format `lists import` reads (empty list when nothing was imported).",
  positionals: [kindArg],
  options: [configOption],
  run: (a) => import("../run/lists.ts").then((m) => m.runExport(a))
}

export const listsCommand: CommandSpec = {
  name: "lists",
  summary: "import or export the stored RBL, DNSBL, end-user and allowed-IP lists",
  subcommands: [importCommand, exportCommand]
}
