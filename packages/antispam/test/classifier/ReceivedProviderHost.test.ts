// received_provider_host_forged: at the origin hop the client greeted as a host of a big web-mail
// provider, while its reverse DNS name and its receiver are no hosts of that provider; on
// synthetic mail parsed by core, and on arbitrary hops.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerFingerprintFeatures } from "../../src/classifier/HeaderFingerprint.ts"
import { providerHostForged } from "../../src/classifier/ReceivedProviderHost.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Tue, 17 Sep 2002 07:18:17 -0400"
const hop = (helo: string, rdns: string, ip: string, by: string) =>
  `Received: from ${helo} (${rdns} [${ip}]) by ${by} (8.11.6/8.11.6) with SMTP id g8HBIHC26301 for <u@example.org>; ${STAMP}`
const upper = `Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org (Postfix) with ESMTP id 4F2A1; ${STAMP}`

const forged = (...hops: ReadonlyArray<string>) =>
  headerFingerprintFeatures(
    parse(withHeaders([...hops, "From: Anne <anne@example.net>", "To: u@example.org", "Subject: Hi", `Date: ${STAMP}`]))
  ).includes("received_provider_host_forged")

describe("received_provider_host_forged", () => {
  it("a provider's host as HELO from a line of another domain, to a server not the provider's", () => {
    expect(
      forged(
        upper,
        hop("smtp0482.mail.yahoo.com", "cust-216-152-232-85.nas.vdot.net", "198.51.100.85", "mx.example.org")
      )
    ).toBe(true)
    expect(forged(upper, hop("rsxim.msn.com", "cacheflow.spiceisle.com", "198.51.100.252", "mx.example.org"))).toBe(
      true
    )
    // The origin above an older hop with no public address (the client's own machine).
    expect(
      forged(
        hop("mfa.vip.mail.tpe.yahoo.com", "n2-190.adsl.co.ru", "198.51.100.190", "mailhub.example.org"),
        `Received: from localhost (localhost [127.0.0.1]) by mailhub.example.org with ESMTP; ${STAMP}`
      )
    ).toBe(true)
    // A country domain of the provider.
    expect(
      forged(upper, hop("relay1.mail.yahoo.co.uk", "pool-12.dsl.example.net", "198.51.100.12", "mx.example.org"))
    ).toBe(true)
  })

  it("not for the provider's own relays, whose reverse DNS name or receiver is the provider's", () => {
    expect(
      forged(upper, hop("smtp012.mail.yahoo.com", "smtp012.mail.yahoo.com", "198.51.100.32", "mx.example.org"))
    ).toBe(false)
    // A relay of the family under another of its names (Hotmail's through msn.com).
    expect(
      forged(upper, hop("mc1-f12.law11.hotmail.com", "mc1-f12.law11.msn.com", "198.51.100.12", "mx.example.org"))
    ).toBe(false)
    expect(
      forged(upper, hop("mail-qy0-f171.google.com", "mail-qy0-f171.1e100.net", "198.51.100.171", "mx.example.org"))
    ).toBe(false)
    // A user's client submitting to the provider's own server.
    expect(
      forged(
        upper,
        hop("smtp.mail.yahoo.com", "usercb247.dsl.example.net", "198.51.100.247", "smtp.mail.vip.sc5.yahoo.com")
      )
    ).toBe(false)
  })

  it("not for the bare domain (received_forged_helo's), another host, or no reverse DNS name", () => {
    expect(forged(upper, hop("yahoo.com", "ppp16.dyn105.example.net", "198.51.100.16", "mx.example.org"))).toBe(false)
    expect(forged(upper, hop("mail.example.net", "ppp16.dyn105.example.net", "198.51.100.16", "mx.example.org"))).toBe(
      false
    )
    expect(forged(upper, hop("smtp0412.mail.yahoo.com", "unknown", "198.51.100.4", "mx.example.org"))).toBe(false)
    expect(forged(upper, hop("smtp0412.mail.yahoo.com", "monedaxpress", "198.51.100.4", "mx.example.org"))).toBe(false)
    // The origin is the oldest hop with a public address: a private one below it is not read.
    expect(forged(upper, hop("smtp0482.mail.yahoo.com", "lan-host.example.net", "192.168.0.2", "mx.example.org"))).toBe(
      false
    )
    expect(forged()).toBe(false)
  })

  test.prop([
    fc.array(
      fc.record({
        index: fc.nat(),
        raw: fc.string({ maxLength: 200 }),
        helo: fc.option(fc.oneof(fc.domain(), fc.string({ maxLength: 80 })), { nil: undefined }),
        rdns: fc.option(fc.oneof(fc.domain(), fc.string({ maxLength: 80 })), { nil: undefined }),
        ip: fc.option(fc.oneof(fc.ipV4(), fc.string({ maxLength: 40 })), { nil: undefined }),
        by: fc.option(fc.oneof(fc.domain(), fc.string({ maxLength: 80 })), { nil: undefined }),
        date: fc.option(fc.string({ maxLength: 60 }), { nil: undefined })
      }),
      { maxLength: 6 }
    )
  ])("never throws on arbitrary hops", (received) => {
    expect(typeof providerHostForged(received)).toBe("boolean")
  })

  test.prop([
    fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    fc.constantFrom("yahoo.com", "hotmail.com", "aol.com", "msn.com", "yahoo.co.uk"),
    fc.domain()
  ])("a provider's host never counts when the reverse DNS name is the same host", (label, provider, by) => {
    const host = `${label}.${provider}`
    const received = [{ index: 0, raw: "", helo: host, rdns: host, ip: "198.51.100.7", by }]
    expect(providerHostForged(received)).toBe(false)
  })
})
