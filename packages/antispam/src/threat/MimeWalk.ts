/**
 * Numbers the parts of a MIME tree: depth-first pre-order, the root is 0. `THREAT_FOUND`
 * details, the stage facts and `replaceThreatParts` all use these indexes.
 *
 * Iterative (no recursion), so a hostile nesting depth cannot overflow the stack.
 *
 * @category models
 * @since 0.1.0
 */
import type { MimePart } from "@mailmoat/core"

export interface IndexedPart {
  readonly index: number
  readonly part: MimePart
  readonly parent: MimePart | undefined
  readonly isLeaf: boolean
}

export const walk = (root: MimePart): ReadonlyArray<IndexedPart> => {
  const out: Array<IndexedPart> = []
  const stack: Array<{ part: MimePart; parent: MimePart | undefined }> = [{ part: root, parent: undefined }]
  while (stack.length > 0) {
    const { part, parent } = stack.pop()!
    out.push({ index: out.length, part, parent, isLeaf: part.children.length === 0 })
    for (let i = part.children.length - 1; i >= 0; i--) stack.push({ part: part.children[i]!, parent: part })
  }
  return out
}

export const leaves = (root: MimePart): ReadonlyArray<IndexedPart> => walk(root).filter((p) => p.isLeaf)
