/**
 * The texts of a message as a reader is shown them: each multipart/alternative once. The parts of
 * an alternative are versions of one content, of which the reader's program shows one (RFC 2046
 * section 5.1.4), but the body's texts (`Message.body.texts`: every text/plain part and the text
 * of every text/html part, in tree order) hold each version; a count over them (exclamation
 * marks, amounts, letters) counts an alternative's text twice, and a threshold on the count
 * (`body_exclaim_dense`: five marks) is met by half the marks written.
 *
 * The version kept is the last one that has a word (three letters in a row): the versions go
 * from the plainest to the richest and a program shows the last it can, the HTML where there is
 * one; that is also where a picture sits, so "little text beside a picture" is read there. A last
 * version without a word (an empty HTML) stood in for nothing, and then the plain text is shown.
 *
 * @category constructors
 * @since 0.2.0
 */
import type { MimePart } from "@mailmoat/core"

/** Deeper trees than this are read as they are (the MIME walk stops at 20). */
const MAX_DEPTH = 40

const A_WORD = /\p{L}{3}/u

/** A part's content type, lower-cased; a part without one is text/plain (RFC 2045 section 5.2). */
export const typeOf = (part: MimePart): string =>
  typeof part.contentType === "string" ? part.contentType.toLowerCase() : "text/plain"

/** Whether a leaf's text is one of the body's texts: what `BodyFacts` counts as body text. */
export const isTextLeaf = (part: MimePart): boolean => {
  const type = typeOf(part)
  return (type === "text/plain" || type === "text/html") && part.disposition !== "attachment"
}

interface Reading {
  /** Text leaves seen so far: the index in the body's texts of the next one. */
  leaves: number
  /** Alternatives with two or more versions that have text. */
  alternatives: number
}

/**
 * The indexes (into `texts`) of the text leaves under `part`, each alternative's versions
 * narrowed to the one shown; undefined when the tree is too deep to read.
 */
const shownLeaves = (
  part: MimePart,
  texts: ReadonlyArray<string>,
  reading: Reading,
  depth: number
): Array<number> | undefined => {
  if (depth > MAX_DEPTH) return undefined
  const children: ReadonlyArray<MimePart> = Array.isArray(part.children) ? part.children : []
  if (children.length === 0) return isTextLeaf(part) ? [reading.leaves++] : []
  const versions: Array<Array<number>> = []
  for (const child of children) {
    const leaves = shownLeaves(child, texts, reading, depth + 1)
    if (leaves === undefined) return undefined
    if (leaves.length > 0) versions.push(leaves)
  }
  if (typeOf(part) !== "multipart/alternative") return versions.flat()
  if (versions.length < 2) return versions[0] ?? []
  reading.alternatives++
  for (let k = versions.length - 1; k >= 0; k--)
    if (versions[k]!.some((i) => A_WORD.test(String(texts[i] ?? "")))) return versions[k]!
  return versions[versions.length - 1]!
}

/** A message's body texts split into those shown (in order) and the versions not shown. */
export interface ShownSplit {
  readonly shown: ReadonlyArray<string>
  readonly hidden: ReadonlyArray<string>
}

/**
 * `texts` (a message's body texts) with each multipart/alternative's versions narrowed to the one
 * shown, and the others; undefined when there is none to narrow or the texts do not match the
 * tree's text leaves one for one.
 */
export const splitShown = (mime: MimePart, texts: ReadonlyArray<string>): ShownSplit | undefined => {
  if (texts.length < 2) return undefined
  const reading: Reading = { leaves: 0, alternatives: 0 }
  const leaves = shownLeaves(mime, texts, reading, 0)
  if (leaves === undefined || reading.leaves !== texts.length || reading.alternatives === 0) return undefined
  const kept = new Set(leaves)
  return { shown: leaves.map((i) => texts[i]!), hidden: texts.filter((_, i) => !kept.has(i)) }
}

/** `texts` with each alternative narrowed to the version shown (`splitShown`); `texts` itself when none is. */
export const shownTexts = (mime: MimePart, texts: ReadonlyArray<string>): ReadonlyArray<string> =>
  splitShown(mime, texts)?.shown ?? texts
