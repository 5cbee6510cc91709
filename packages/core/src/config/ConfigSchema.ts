/**
 * The whole gateway configuration as one Effect Schema tree. Every key is optional in the file;
 * decoding fills the defaults, so the decoded `Config` is the complete tree the gateway reads.
 * Decoding an already decoded `Config` gives the same value (the gateway re-checks what it is
 * handed).
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Antispam } from "./AntispamSchema.ts"
import { Classifier } from "./ClassifierSchema.ts"
import { doc, section, string, withDefault } from "./Fields.ts"
import { Admin, dataDir, Delivery, Log, Quarantine, Smtp, State } from "./GatewaySchema.ts"
import { Protocols } from "./ProtocolsSchema.ts"

/** A plugin entry; `options` is checked later by the plugin's own schema. */
const Plugin = Schema.Struct({
  use: string("a plugin module name or path").pipe(doc("Module name or path of the plugin.")),
  options: Schema.Unknown.pipe(doc("Options, checked by the plugin's own schema."), Schema.optionalKey)
})

export const Config = Schema.Struct({
  dataDir,
  smtp: Smtp.pipe(section),
  delivery: Delivery.pipe(section),
  quarantine: Quarantine.pipe(section),
  admin: Admin.pipe(section),
  antispam: Antispam.pipe(section),
  state: State.pipe(section),
  classifier: Classifier.pipe(section),
  protocols: Protocols.pipe(section),
  plugins: Schema.Array(Plugin)
    .annotate({ expected: "a list of { use, options } entries" })
    .pipe(doc("Plugins, loaded in order.", [{ use: "@example/mailmoat-plugin", options: {} }]), withDefault([])),
  log: Log.pipe(section)
})

export type Config = typeof Config.Type
export type SmtpConfig = Config["smtp"]
export type DeliveryConfig = Config["delivery"]
export type QuarantineConfig = Config["quarantine"]
export type AdminConfig = Config["admin"]
export type AntispamConfig = Config["antispam"]
export type StateConfig = Config["state"]
export type ClassifierConfig = Config["classifier"]
export type ProtocolsConfig = Config["protocols"]
export type PluginConfig = Config["plugins"][number]
export type LogConfig = Config["log"]
