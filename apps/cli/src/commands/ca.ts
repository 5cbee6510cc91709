/**
 * `mailmoat ca init [--force]` and `mailmoat ca show`: the local interception CA the IMAP/POP3
 * proxies sign their on-the-fly certificates with (`protocols.ca.cert` / `.key`, relative to
 * the configuration file). Thin wrappers over protocols' `Interception.initCa` / `showCa`.
 *
 * @since 0.1.0
 */
import { configOption, jsonOption } from "../cli/Common.ts"
import type { CommandSpec } from "../cli/Spec.ts"

const init: CommandSpec = {
  name: "init",
  summary: "make the interception CA (key file mode 0600)",
  description:
    "Makes a new CA key and certificate at protocols.ca.key / protocols.ca.cert (default ./data/ca/), the key readable by its owner only, and prints how to make mail clients trust it. Refuses to overwrite existing files without --force.",
  options: [
    configOption,
    { name: "force", help: "replace an existing CA (clients trusting the old one stop trusting the proxy)" },
    jsonOption
  ],
  examples: ["mailmoat ca init --config mailmoat.yaml"],
  run: (a) => import("../run/ca.ts").then((m) => m.runInit(a))
}

const show: CommandSpec = {
  name: "show",
  summary: "print the CA certificate's subject, validity and fingerprint",
  options: [configOption, jsonOption],
  run: (a) => import("../run/ca.ts").then((m) => m.runShow(a))
}

export const caCommand: CommandSpec = {
  name: "ca",
  summary: "make or show the TLS interception CA of the IMAP/POP3 proxies",
  subcommands: [init, show]
}
