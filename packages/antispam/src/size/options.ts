/**
 * `antispam.maxScanSizeKB`: larger messages are not scanned.
 *
 * **Gotchas**
 * - 0 = unlimited; 1..12 is raised to 12 while decoding (the first 12 KB are needed to see the
 *   headers and the start of the body). Decoding it again gives the same value.
 *
 * @category models
 * @since 0.1.0
 */
import { GatewayConfig } from "@mailmoat/core"
import { Schema, SchemaGetter } from "effect"

const { doc, int, withDefault } = GatewayConfig.Fields

/** The smallest limit that still shows a message's headers and the start of its body. */
export const MIN_SCAN_KB = 12

const scanSize = int(0).pipe(
  Schema.decode({
    decode: SchemaGetter.transform((kb: number) => (kb > 0 && kb < MIN_SCAN_KB ? MIN_SCAN_KB : kb)),
    encode: SchemaGetter.passthrough()
  })
)

export const options = {
  maxScanSizeKB: scanSize.pipe(
    doc(`Larger messages are not scanned; 0 = unlimited, 1..${MIN_SCAN_KB} is raised to ${MIN_SCAN_KB}.`),
    withDefault(0)
  )
}
