/**
 * Body facts from a walked MIME tree: texts, HTML sources, URLs, hosts, IPs and attachments.
 *
 * Which leaf is what: `Content-Disposition: attachment` is always an attachment; otherwise
 * `text/plain` and `text/html` are body text; other `text/*` counts as an attachment only when
 * it has a file name; any non-text leaf (images, applications, unwalked messages) is an
 * attachment. Undeclared charsets are tried as UTF-8, then latin1.
 *
 * Work is bounded by `maxScanChars` (characters scanned for URLs/hosts/IPs over all parts) and
 * `maxUrls` (entries per list).
 *
 * @category parsers
 * @since 0.1.0
 */
import type { BodyFacts } from "../MessageTypes.ts"
import * as Extract from "./Extract.ts"
import * as HtmlText from "./HtmlText.ts"
import type { MimeLimits } from "./Limits.ts"
import type { Walk } from "./Mime.ts"

type Attachment = BodyFacts["attachments"][number]

/** Computes the facts; called once per message, on first access. */
export const compute = (walk: Walk, limits: MimeLimits): BodyFacts => {
  const texts: Array<string> = []
  const htmls: Array<string> = []
  const attachments: Array<Attachment> = []
  const collector = new Extract.Collector(limits.maxUrls)
  let budget = limits.maxScanChars
  const scan = (text: string, links: ReadonlyArray<string>) => {
    // Links past 10x the URL cap are not even looked at (a page of a million anchors).
    const linkCap = Math.min(links.length, limits.maxUrls * 10)
    for (let i = 0; i < linkCap; i++) Extract.addUrl(collector, links[i]!)
    if (budget <= 0) return
    const slice = text.length > budget ? text.slice(0, budget) : text
    budget -= slice.length
    Extract.scanUrls(collector, slice)
    Extract.scanBare(collector, slice)
  }
  for (const part of walk.leaves) {
    const type = part.contentType
    const isText = type === "text/plain" || type === "text/html"
    if (part.disposition === "attachment" || (!isText && (!type.startsWith("text/") || part.filename !== undefined))) {
      if (!type.startsWith("multipart/"))
        attachments.push({ filename: part.filename, contentType: type, size: part.body.length })
      continue
    }
    if (!isText) continue
    const text = part.bodyText()
    if (type === "text/plain") {
      texts.push(text)
      scan(text, [])
    } else {
      htmls.push(text)
      const reduced = HtmlText.reduce(text)
      texts.push(reduced.text)
      scan(reduced.text, reduced.links)
    }
  }
  return {
    texts,
    htmls,
    urls: [...collector.urls],
    hosts: [...collector.hosts],
    ips: [...collector.ips],
    attachments,
    limitsHit: walk.limitsHit
  }
}
