/**
 * The whole gateway configuration as one Effect Schema tree, made for a stage set: the
 * `antispam` section is composed by whoever owns the stages (`AntispamSection.compose`), every
 * other section is declared here. Every key is optional in the file; decoding fills the
 * defaults, so the decoded configuration is the complete tree the gateway reads. Decoding an
 * already decoded configuration gives the same value (the gateway re-checks what it is handed).
 *
 * @category models
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { AnySection } from "./AntispamSection.ts"
import { Classifier } from "./ClassifierSchema.ts"
import { doc, section, string, withDefault } from "./Fields.ts"
import { Admin, dataDir, Delivery, Log, Quarantine, Smtp, State } from "./GatewaySchema.ts"
import { Protocols } from "./ProtocolsSchema.ts"

/** A plugin entry; `options` is checked later by the plugin's own schema. */
const Plugin = Schema.Struct({
  use: string("a plugin module name or path").pipe(doc("Module name or path of the plugin.")),
  options: Schema.Unknown.pipe(doc("Options, checked by the plugin's own schema."), Schema.optionalKey)
})

const Plugins = Schema.Array(Plugin)
  .annotate({ expected: "a list of { use, options } entries" })
  .pipe(doc("Plugins, loaded in order.", [{ use: "@example/mailmoat-plugin", options: {} }]), withDefault([]))

/** Every section but `antispam`, for the types below. */
const Sections = Schema.Struct({
  dataDir,
  smtp: Smtp.pipe(section),
  delivery: Delivery.pipe(section),
  quarantine: Quarantine.pipe(section),
  admin: Admin.pipe(section),
  state: State.pipe(section),
  classifier: Classifier.pipe(section),
  protocols: Protocols.pipe(section),
  plugins: Plugins,
  log: Log.pipe(section)
})

type Sections = typeof Sections.Type

/** The decoded configuration for an `antispam` section schema `A`. */
export type ConfigOf<A extends AnySection> = {
  readonly [K in keyof Sections | "antispam"]: K extends "antispam"
    ? A["Type"]
    : K extends keyof Sections
      ? Sections[K]
      : never
}

/** The configuration schema with `antispam` as its antispam section, after `admin` (file order). */
export const make = <A extends AnySection>(antispam: A): Schema.Codec<ConfigOf<A>, unknown> => {
  const entries = Object.entries(Sections.fields)
  const at = entries.findIndex(([key]) => key === "admin") + 1
  const fields = Object.fromEntries([
    ...entries.slice(0, at),
    ["antispam", antispam.pipe(section)],
    ...entries.slice(at)
  ])
  return Schema.Struct(fields) as unknown as Schema.Codec<ConfigOf<A>, unknown>
}

export type SmtpConfig = Sections["smtp"]
export type DeliveryConfig = Sections["delivery"]
export type QuarantineConfig = Sections["quarantine"]
export type AdminConfig = Sections["admin"]
export type StateConfig = Sections["state"]
export type ClassifierConfig = Sections["classifier"]
export type ProtocolsConfig = Sections["protocols"]
export type PluginConfig = Sections["plugins"][number]
export type LogConfig = Sections["log"]
