/**
 * `antispam.attachments`: file names a mail client would run or mount when opened, refused by
 * their extension, directly attached or named inside a ZIP archive. On by default: the names are
 * read from the message's MIME headers and the archives' file lists, which costs nothing for mail
 * without attachments.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema } from "effect"

const { boolean, doc, list, section, string, withDefault } = GatewayConfig.Fields

/**
 * Programs, scripts, shortcuts, installers and disk images Windows opens by double-click (the
 * forms malware arrives in); documents, archives and images are not in it.
 */
export const DEFAULT_BLOCKED = [
  "ade",
  "adp",
  "app",
  "appx",
  "appxbundle",
  "application",
  "appref-ms",
  "bas",
  "bat",
  "chm",
  "cmd",
  "com",
  "cpl",
  "diagcab",
  "exe",
  "gadget",
  "hlp",
  "hta",
  "img",
  "inf",
  "ins",
  "iso",
  "isp",
  "jar",
  "js",
  "jse",
  "library-ms",
  "lnk",
  "msc",
  "msi",
  "msix",
  "msp",
  "mst",
  "pif",
  "ps1",
  "ps1xml",
  "ps2",
  "ps2xml",
  "psc1",
  "psc2",
  "reg",
  "scf",
  "scr",
  "sct",
  "search-ms",
  "settingcontent-ms",
  "shb",
  "shs",
  "vb",
  "vbe",
  "vbs",
  "vhd",
  "vhdx",
  "ws",
  "wsc",
  "wsf",
  "wsh",
  "xll",
  "xnk"
] as const

/** An extension as written in the configuration: `exe`, `.EXE` (the stage lower-cases it and drops the dot). */
const EXTENSION = /^\.?[A-Za-z0-9][A-Za-z0-9-]{0,31}$/

const extension = string("a file name extension such as exe (letters, digits, hyphens)", (s) => EXTENSION.test(s))

export const options = {
  attachments: Schema.Struct({
    enabled: boolean.pipe(
      doc("Refuse attachments by file name extension (ATTACHMENT_BLOCKED, ATTACHMENT_BLOCKED_IN_ARCHIVE)."),
      withDefault(true)
    ),
    blockedExtensions: list(extension, "a list of file name extensions").pipe(
      doc("Extensions refused, without the dot, case-insensitive; replaces the default list.", ["exe", "js"]),
      withDefault([...DEFAULT_BLOCKED])
    ),
    archives: boolean.pipe(
      doc("Also read the file names inside ZIP archives (the archive's own list; nothing is unpacked)."),
      withDefault(true)
    )
  }).pipe(section)
}
