/**
 * `mailmoat gateway`: runs the bundled gateway exactly as `npm start` does (the gateway app's
 * own `main`), until SIGINT/SIGTERM.
 *
 * @since 0.1.0
 */
import { configOption } from "../cli/Common.ts"
import { type CommandSpec, opt } from "../cli/Spec.ts"

export const gatewayCommand: CommandSpec = {
  name: "gateway",
  summary: "run the SMTP gateway (what npm start runs)",
  description:
    "Starts the gateway with the configuration (embedded defaults without --config), prints where it listens and where mail goes, and runs until SIGINT or SIGTERM (graceful shutdown; a second signal exits at once).",
  options: [configOption, { name: "verbose", alias: "v", help: "log every SMTP event to stdout" }],
  // The gateway's main decides by the type of the start-up error: every one is exit 2.
  exitCodes: [
    "1  the shutdown failed",
    "2  the gateway could not start (port in use, unwritable data directory, certificate, plugin)"
  ],
  examples: ["mailmoat gateway --config mailmoat.yaml"],
  run: async (a) => {
    const { main } = await import("@mailmoat/gateway/main")
    const config = opt.string(a, "config")
    return main([
      ...(config !== undefined ? ["--config", config] : []),
      ...(opt.flag(a, "verbose") ? ["--verbose"] : [])
    ])
  }
}
