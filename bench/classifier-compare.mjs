#!/usr/bin/env node
// Compares the shipped Mailmoat classifier with SpamAssassin (local rules + Bayes) and bogofilter
// on the same corpus split: both others are trained on train/ and measured on eval/.
//
//   node bench/classifier-compare.mjs [--engines ours,sa,bogofilter] [--corpus DIR] [--model FILE]
//                                     [--workers N] [--json]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam` for "ours"; SpamAssassin 4 (Debian
// package spamassassin) and bogofilter for the others (`node scripts/peers.mjs --bench` installs them).
// SpamAssassin: sa-learn --ham/--spam on train/ into a temporary --dbpath, then every eval/
// message is checked with local tests only (what `spamassassin -L -t` does), by a Perl loop over
// the Mail::SpamAssassin API so rules compile once per worker instead of once per message.
// bogofilter: -n/-s on train/ into a temporary -d directory, -T on eval/ with the ternary cutoffs
// bogofilter's documentation suggests (spam 0.99, ham 0.45): U is its unsure.
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { readdirSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const engines = opt("engines", "ours,sa,bogofilter").split(",")
const corpus = resolve(opt("corpus", join(root, "../shared/corpus")))
const workers = Number(opt("workers", "2"))
const asJson = args.includes("--json")
const files = (dir) =>
  readdirSync(dir)
    .sort()
    .map((f) => join(dir, f))
const split = (s) => ({ ham: join(corpus, s, "ham"), spam: join(corpus, s, "spam") })
const train = split("train")
const evalSet = split("eval")

const figures = (name, hamClasses, spamClasses, seconds) => {
  const n = (xs, c) => xs.filter((x) => x === c).length
  const fp = n(hamClasses, "spam")
  const tp = n(spamClasses, "spam")
  const unsure = n(hamClasses, "unsure") + n(spamClasses, "unsure")
  const total = hamClasses.length + spamClasses.length
  return {
    engine: name,
    falsePositiveRate: fp / hamClasses.length,
    recall: tp / spamClasses.length,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    unsureRate: unsure / total,
    counts: {
      ham: hamClasses.length,
      spam: spamClasses.length,
      falsePositives: fp,
      truePositives: tp,
      unsure,
      hamAsUnsure: n(hamClasses, "unsure"),
      spamAsUnsure: n(spamClasses, "unsure")
    },
    messagesPerSecond: seconds > 0 ? total / seconds : undefined,
    seconds
  }
}

const runOurs = async () => {
  const { Classifier } = await import(join(root, "packages/antispam/dist/index.js"))
  const modelPath = opt("model", Classifier.shippedModelPath())
  const r = await Classifier.evaluate({ hamDir: evalSet.ham, spamDir: evalSet.spam, model: modelPath })
  return {
    engine: "mailmoat",
    falsePositiveRate: r.falsePositiveRate,
    recall: r.recall,
    precision: r.precision,
    unsureRate: r.unsureRate,
    counts: r.counts,
    messagesPerSecond: r.throughput.messagesPerSecond,
    seconds: r.throughput.seconds,
    note: "throughput: parse + tokenize + score, one core"
  }
}

const SA_CHECK = String.raw`
use strict; use Mail::SpamAssassin;
my ($prefs, $dir) = @ARGV;
my $sa = Mail::SpamAssassin->new({ local_tests_only => 1, userprefs_filename => $prefs, userstate_dir => $dir, dont_copy_prefs => 1, home_dir_for_helpers => $dir });
$sa->init(1);
$| = 1;
while (my $f = <STDIN>) { chomp $f; open(my $fh, '<', $f) or die "$f: $!"; local $/; my $t = <$fh>; close $fh;
  my $m = $sa->parse($t); my $s = $sa->check($m); printf "%s\t%.2f\t%d\n", $f, $s->get_score, $s->is_spam ? 1 : 0; $s->finish; $m->finish; }
`

const runSa = async () => {
  const dir = benchTempDir("mailmoat-sa-")
  try {
    const prefs = join(dir, "user_prefs")
    writeFileSync(
      prefs,
      `use_bayes 1\nbayes_auto_learn 0\nbayes_path ${dir}/bayes\nuse_auto_whitelist 0\nlock_method flock\n`
    )
    const env = { ...process.env, HOME: dir }
    const t0 = Date.now()
    for (const [kind, d] of [
      ["--ham", train.ham],
      ["--spam", train.spam]
    ]) {
      execFileSync("sa-learn", ["--dbpath", dir, "--prefspath", prefs, "--no-sync", kind, d], {
        env,
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 1 << 26
      })
    }
    execFileSync("sa-learn", ["--dbpath", dir, "--prefspath", prefs, "--sync"], {
      env,
      stdio: ["ignore", "pipe", "inherit"]
    })
    if (!asJson) console.error(`sa-learn: ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    const all = [...files(evalSet.ham), ...files(evalSet.spam)]
    const chunks = Array.from({ length: workers }, (_, i) => all.filter((_, j) => j % workers === i))
    const t1 = Date.now()
    const results = new Map()
    await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise((ok, fail) => {
            const p = spawn("perl", ["-e", SA_CHECK, prefs, dir], { env, stdio: ["pipe", "pipe", "ignore"] })
            let out = ""
            p.stdout.on("data", (d) => {
              out += d
            })
            p.on("error", fail)
            p.on("exit", (code) => {
              if (code !== 0) return fail(new Error(`spamassassin worker exited ${code}`))
              for (const line of out.split("\n").filter(Boolean)) {
                const [f, , spam] = line.split("\t")
                results.set(f, spam === "1" ? "spam" : "ham")
              }
              ok()
            })
            p.stdin.end(`${chunk.join("\n")}\n`)
          })
      )
    )
    const seconds = (Date.now() - t1) / 1000
    return {
      ...figures(
        "spamassassin",
        files(evalSet.ham).map((f) => results.get(f)),
        files(evalSet.spam).map((f) => results.get(f)),
        seconds
      ),
      messagesPerSecond: all.length / seconds / workers,
      note: `local tests + Bayes, required_score 5 (no unsure class); throughput per worker (${workers} workers)`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const runBogofilter = async () => {
  const dir = benchTempDir("mailmoat-bogo-")
  try {
    execFileSync("bogofilter", ["-d", dir, "-n", "-B", ...files(train.ham)], { stdio: "inherit", maxBuffer: 1 << 26 })
    execFileSync("bogofilter", ["-d", dir, "-s", "-B", ...files(train.spam)], { stdio: "inherit", maxBuffer: 1 << 26 })
    const classify = (list) => {
      // Exit status is the class of the last message (0 spam, 1 ham, 2 unsure); 3 is an error.
      const r = spawnSync("bogofilter", ["-d", dir, "-o", "0.99,0.45", "-T", "-B", ...list], { maxBuffer: 1 << 26 })
      if (r.status === null || r.status > 2) throw new Error(`bogofilter -T failed: ${String(r.stderr).slice(0, 500)}`)
      const out = r.stdout.toString()
      const byFile = new Map(
        out
          .split("\n")
          .filter(Boolean)
          .map((l) => {
            const [f, c] = l.split(" ")
            return [f, c]
          })
      )
      return list.map((f) => ({ S: "spam", H: "ham", U: "unsure" })[byFile.get(f)] ?? "ham")
    }
    const t0 = Date.now()
    const ham = classify(files(evalSet.ham))
    const spam = classify(files(evalSet.spam))
    return {
      ...figures("bogofilter", ham, spam, (Date.now() - t0) / 1000),
      note: "ternary cutoffs spam 0.99 / ham 0.45"
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const runners = { ours: runOurs, sa: runSa, bogofilter: runBogofilter }
const results = []
for (const e of engines) {
  if (!runners[e]) throw new Error(`unknown engine ${e} (ours, sa, bogofilter)`)
  const r = await runners[e]()
  results.push(r)
  if (!asJson) {
    const pct = (x) => `${(100 * x).toFixed(2)}%`
    console.log(
      `${r.engine.padEnd(13)} FPR ${pct(r.falsePositiveRate).padStart(7)}  recall ${pct(r.recall).padStart(7)}  precision ${pct(r.precision).padStart(7)}  unsure ${pct(r.unsureRate).padStart(7)}  ${r.messagesPerSecond ? `${r.messagesPerSecond.toFixed(0)} msg/s` : ""}  ${r.note ?? ""}`
    )
  }
}
if (asJson) console.log(JSON.stringify(results, null, 2))
