/**
 * Topic evidence written from knowledge of what unsolicited mail says in any year, not mined from
 * the training corpus's tokens (rounds 22 and 24 in docs/classifier.md): `topic_advance_fee`,
 * `topic_diploma`, `topic_loan`, `topic_pharmacy`, `topic_stock_promotion`, `topic_unsolicited`.
 *
 * One phrase is never evidence: lists about spam quote it, banks, brokers, pharmacies and
 * newsletters write some of them to their customers. A topic counts only when the Subject and the
 * text hold two different phrases of its list, and each list holds only what a company does not
 * write to its customers: no `online pharmacy`, `discreet packaging` or `overnight delivery` (a
 * pharmacy's shipping note), no `strong buy`, `undervalued` or target prices (a broker's research
 * note), no `pre-approved`, `refinance` or `get out of debt` (a bank, a credit-advice newsletter),
 * no `beneficiary`, `transfer of funds`, lottery results or `foreign account` (a bank's wire
 * notice), no `you are receiving this because`, `to be removed` or `reply with REMOVE` (every
 * newsletter's footer). Work at home was dropped whole: each of its phrases is a job board's or a
 * finance newsletter's. Drug names are one phrase together: a refill note naming two medicines is
 * one phrase, not two.
 *
 * Counted on the training corpus (round 24): no ham of 4,150, 161 spam of both eras.
 *
 * @category constructors
 * @since 0.5.0
 */

import { type Phrase, topicGate } from "./TopicGate.ts"

/** Characters of the text read: the pitch is at the start. */
const MAX_TEXT = 20_000
/** Characters of the Subject read. */
const MAX_SUBJECT = 1000

const MILLIONS_WORDS =
  "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?(?: point \\w+)? million"

/**
 * Each topic's phrases, one source each, matched at a word start in any case. With each phrase,
 * the words any match of it holds (`TopicGate.ts`): groups of which the text must hold one word
 * each, a word as a whole run of ASCII letters or of digits; `v1agra` is the runs `v`, `1` and
 * `agra`, so the drug names carry the runs their look-alikes leave. A phrase with no group would
 * always be possible; `TopicGate.test.ts` checks every phrase's matches against its words.
 */
const PHRASES: ReadonlyArray<readonly [string, ReadonlyArray<Phrase>]> = [
  [
    "topic_advance_fee",
    [
      ["next of kin", [["next"], ["kin"]]],
      [
        `(?:${MILLIONS_WORDS}|\\d{1,3}(?:[.,]\\d)? million) (?:united states |u\\.?s\\.? |american )?dollars`,
        [["million"], ["dollars"]]
      ],
      ["(?:us\\$|usd) ?\\d{1,3}(?:,\\d{3}){2,}", [["us", "usd"]]],
      ["barrister", [["barrister"]]],
      ["confidential (?:business )?proposal", [["confidential"], ["proposal"]]],
      ["foreign (?:business )?partner", [["foreign"], ["partner"]]],
      ["my late (?:husband|father|client)", [["my"], ["late"], ["husband", "father", "client"]]],
      ["(?:the )?deceased (?:client|customer)", [["deceased"], ["client", "customer"]]],
      ["over-?invoic(?:ed|ing)", [["invoiced", "invoicing", "overinvoiced", "overinvoicing"]]],
      ["\\d{1,2} ?(?:%|percent) of the (?:total )?(?:sum|fund|money)", [["of"], ["the"], ["sum", "fund", "money"]]]
    ]
  ],
  [
    "topic_diploma",
    [
      [
        "(?:university|college) diplomas?",
        [
          ["university", "college"],
          ["diploma", "diplomas"]
        ]
      ],
      ["non-?accredited", [["accredited", "nonaccredited"]]],
      ["life experience", [["life"], ["experience"]]],
      ["no one is turned down", [["no"], ["one"], ["is"], ["turned"], ["down"]]],
      [
        "bachelors?,? masters?,? (?:mba,? )?(?:and|or) doctorate",
        [["bachelor", "bachelors"], ["master", "masters"], ["doctorate"]]
      ],
      ["no (?:required )?(?:tests|classes|books|exams)", [["no"], ["tests", "classes", "books", "exams"]]]
    ]
  ],
  [
    "topic_loan",
    [
      ["bad credit", [["bad"], ["credit"]]],
      ["poor credit", [["poor"], ["credit"]]],
      ["no credit check", [["no"], ["credit"], ["check"]]],
      ["regardless of (?:your )?(?:past )?credit", [["regardless"], ["of"], ["credit"]]],
      ["lenders compete", [["lenders"], ["compete"]]],
      ["damaged credit", [["damaged"], ["credit"]]],
      ["credit problems", [["credit"], ["problems"]]]
    ]
  ],
  [
    "topic_pharmacy",
    [
      ["(?:herbal|generic) (?:v[i1!]agra|c[i1]al[i1]s)", [["herbal", "generic"]]],
      [
        "(?:v[i1!|][a@]gra|c[i1]al[i1]s|x[a@]n[a@]x|val[i1]um|lev[i1]tra|phentermine|propecia|ambien|vicodin|meridia|xenical|soma|zyban|celebrex|valtrex|prozac|tramadol|hydrocodone)",
        [
          [
            ...["viagra", "agra", "gra"],
            ...["cialis", "alis", "cial", "al"],
            ...["xanax", "nax", "xan", "n"],
            ...["valium", "val", "levitra", "lev"],
            ...["phentermine", "propecia", "ambien", "vicodin", "meridia", "xenical", "soma", "zyban"],
            ...["celebrex", "valtrex", "prozac", "tramadol", "hydrocodone"]
          ]
        ]
      ],
      [
        "no (?:prior )?prescriptions? (?:needed|required|necessary)",
        [["no"], ["prescription", "prescriptions"], ["needed", "required", "necessary"]]
      ],
      ["without (?:a |any )?prescriptions?", [["without"], ["prescription", "prescriptions"]]],
      ["no doctor visits?", [["no"], ["doctor"], ["visit", "visits"]]],
      ["no (?:physical|medical) exam", [["no"], ["physical", "medical"], ["exam"]]],
      ["penis enlargement", [["penis"], ["enlargement"]]],
      ["(?:enlarge|increase) your penis", [["enlarge", "increase"], ["your"], ["penis"]]]
    ]
  ],
  [
    "topic_stock_promotion",
    [
      ["otc ?bb", [["otc", "otcbb"]]],
      ["pink sheets", [["pink"], ["sheets"]]],
      ["stock symbol", [["stock"], ["symbol"]]],
      [
        "(?:hot|breakout|explosive) stocks?",
        [
          ["hot", "breakout", "explosive"],
          ["stock", "stocks"]
        ]
      ],
      ["stock (?:alert|profile)", [["stock"], ["alert", "profile"]]],
      ["investor alert", [["investor"], ["alert"]]],
      ["(?:ready|about|poised) to explode", [["ready", "about", "poised"], ["to"], ["explode"]]]
    ]
  ],
  [
    "topic_unsolicited",
    [
      [
        "this (?:e-?mail |message |mailing )?is not (?:spam|unsolicited)",
        [["this"], ["is"], ["not"], ["spam", "unsolicited"]]
      ],
      ["s\\.? ?1618", [["s"], ["1618"]]],
      ["title iii", [["title"], ["iii"]]],
      ["section 301", [["section"], ["301"]]],
      ["sent in compliance", [["sent"], ["in"], ["compliance"]]],
      ["one[- ]time (?:e-?)?mail(?:ing)?", [["one"], ["time"], ["mail", "email", "mailing", "emailing"]]],
      ["(?:can ?not|not) be considered spam", [["be"], ["considered"], ["spam"]]],
      ["105th congress", [["105"], ["congress"]]]
    ]
  ]
]

/** Topic names, in order. */
export const TOPICS: ReadonlyArray<string> = PHRASES.map(([name]) => name)

// Each phrase alone, anchored, to name the phrase a match of the one scan is (matches are rare).
const PHRASE_TESTS = PHRASES.map(([, phrases]) => phrases.map(([p]) => new RegExp(`^(?:${p})$`, "i")))
// One pass for every phrase, without capture groups: a match array per phrase found, no more.
// The `\b` at the start keeps `avoid bad credit` but not `nobad credit`; the look-ahead at the end
// keeps `won` from matching `wonderful`.
const SCAN = new RegExp(`\\b(?:${PHRASES.flatMap(([, p]) => p.map(([source]) => source)).join("|")})(?![a-z0-9])`, "gi")

/**
 * Whether a topic of the lists could have two phrases in the text: the scan runs only then. The
 * tokenizer marks the text's runs in its own pass over the text (`textStats`); see `topicsOf`.
 */
export const TOPIC_GATE = topicGate(PHRASES.map(([, phrases]) => phrases.map(([, words]) => words)))

/** Characters of the text whose runs the gate must hold (`topicsOf`'s `marked`). */
export const TOPIC_TEXT = MAX_TEXT

/**
 * The topics (names, in order) of which `subject` and `text` hold two different phrases. With
 * `marked`, the caller has cleared `TOPIC_GATE` and marked the runs of `text`'s first
 * `TOPIC_TEXT` characters since (`textStats` with `TOPIC_GATE` as its runs' reader), and nothing
 * else has used the gate; without it the text's runs are read here.
 */
export const topicsOf = (subject: string, text: string, marked = false): Array<string> => {
  const s = String(subject).slice(0, MAX_SUBJECT)
  const x = String(text).slice(0, MAX_TEXT)
  if (!marked) {
    TOPIC_GATE.clear()
    TOPIC_GATE.scan(x)
  }
  TOPIC_GATE.scan(s)
  // Most mail holds the words of no two phrases of one topic: the scan would find nothing.
  return TOPIC_GATE.open() ? scanTopics(s, x) : []
}

/**
 * `topicsOf` without the gate: the one scan over the Subject and text (cut as `topicsOf` cuts
 * them). Exported for the tests, which hold the gate to it.
 */
export const scanTopics = (subject: string, text: string): Array<string> => {
  const t = `${String(subject).slice(0, MAX_SUBJECT)}\n${String(text).slice(0, MAX_TEXT)}`
  // Phrases seen, as one bit per phrase within each topic (no list has more than 31).
  const seen = new Array<number>(PHRASES.length).fill(0)
  SCAN.lastIndex = 0
  for (let m = SCAN.exec(t); m !== null; m = SCAN.exec(t)) {
    const found = m[0]
    for (let k = 0; k < PHRASE_TESTS.length; k++) {
      const tests = PHRASE_TESTS[k]!
      const i = tests.findIndex((re) => re.test(found))
      if (i >= 0) {
        seen[k] = seen[k]! | (1 << i)
        break
      }
    }
  }
  SCAN.lastIndex = 0
  const out: Array<string> = []
  for (let k = 0; k < seen.length; k++) {
    const bits = seen[k]!
    // Two or more bits: two different phrases.
    if ((bits & (bits - 1)) !== 0) out.push(TOPICS[k]!)
  }
  return out
}

/** Each phrase's source and the words its matches hold, for the tests. */
export const PHRASE_WORDS: ReadonlyArray<readonly [string, ReadonlyArray<Phrase>]> = PHRASES
