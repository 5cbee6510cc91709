/**
 * The attachment stage's symbols. Weights are defaults: `antispam.scores` may override them.
 * A blocked name weighs the spam cut-off's double (5 by default), so the message is spam whatever
 * else it scores, and gets the configured spam action.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

const group = "attachments"

export const AttachmentSymbols = {
  ATTACHMENT_BLOCKED: { weight: 10, group, description: "An attachment's file name has a blocked extension" },
  ATTACHMENT_BLOCKED_IN_ARCHIVE: {
    weight: 10,
    group,
    description: "A ZIP attachment holds a file whose name has a blocked extension"
  },
  ATTACHMENT_NAME_DISGUISED: {
    weight: 5,
    group,
    description: "An attachment's file name hides its real extension (bidirectional or invisible characters)"
  },
  ATTACHMENT_ARCHIVE_ENCRYPTED: {
    weight: 1,
    group,
    description: "A ZIP attachment is encrypted, so its contents cannot be scanned"
  }
} as const satisfies SymbolTable
