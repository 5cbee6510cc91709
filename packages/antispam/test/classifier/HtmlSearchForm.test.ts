// html_form on a page whose every form is a search box (HtmlSearchForm.ts): a newsletter's search of
// its own site asks the reader for nothing, so it is not read; a form that asks for a name, a
// telephone or a mail address still is, and so is a page with a search box beside such a form.
// On synthetic pages through the whole tokenizer and on the check itself; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { analyseHtml } from "../../src/classifier/Html.ts"
import { searchFormsOnly } from "../../src/classifier/HtmlSearchForm.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

// The hand-written ham case: a tech newsletter's search box, a query field and a menu of targets.
const newsSearch = [
  '<form method="get" action="http://search.news.example.com/redirect">',
  '<input type="hidden" name="channel" value="7">',
  '<input type="text" name="q" size="12">',
  '<select name="target"><option value="1">News</option><option value="2">Reviews</option></select>',
  '<input type="submit" value="Go">',
  "</form>"
].join("\n")
const siteSearch =
  '<FORM ACTION="http://www.example.net/cgi-bin/htsearch"><INPUT NAME=words SIZE=14><INPUT TYPE=SUBMIT VALUE="Find"></FORM>'
const quote =
  '<form action="http://investor.example.com/quotes/quote-process"><input type=text name=symbol><input type=submit></form>'
// A lead form: the reader's name, telephone and address.
const leadForm = [
  '<form method="post" action="http://203.0.113.9/response/response.asp">',
  'Name: <input type="text" name="contactname"><br>',
  'E-mail: <input type="text" name="email"><br>',
  'Phone: <input type="text" name="phone"><br>',
  '<input type="submit" name="btnsubmit" value="Send">',
  "</form>"
].join("\n")
const removeForm =
  '<form action="http://remove.example.biz/remove.cgi"><input type="text" name="email"><input type="submit"></form>'
const login = '<form action="https://bank.example.com/search"><input name="q"><input type="password" name="pin"></form>'

const page = (forms: string) =>
  `<html><body><p>This week's news from the lab, and where to read more.</p>${forms}</body></html>`
const features = (forms: string) =>
  tokenize(parse(rfc822({ subject: "This week", body: page(forms), html: true }))).features

describe("html_form and search boxes", () => {
  it("not for a newsletter whose forms are its site's search boxes", () => {
    expect(searchFormsOnly(page(newsSearch))).toBe(true)
    expect(searchFormsOnly(page(siteSearch + quote))).toBe(true)
    expect(features(newsSearch)).not.toContain("html_form")
    expect(analyseHtml([page(siteSearch)]).features).not.toContain("html_form")
  })

  it("a form that asks for the reader's details, alone or beside a search box", () => {
    expect(searchFormsOnly(page(leadForm))).toBe(false)
    expect(searchFormsOnly(page(newsSearch + leadForm))).toBe(false)
    expect(features(leadForm)).toContain("html_form")
    expect(features(newsSearch + leadForm)).toContain("html_form")
  })

  it("a single field that is not a query, a second field or a password is not a search box", () => {
    expect(searchFormsOnly(page(removeForm))).toBe(false)
    expect(searchFormsOnly(page(login))).toBe(false)
    expect(features(removeForm)).toContain("html_form")
  })

  it("a field of any name sent to a search address is one; a form with no field is not", () => {
    expect(
      searchFormsOnly(
        '<form action="/Apple/search.cgi"><input type="text" name="jknr"><input type="image" src="go.gif"></form>'
      )
    ).toBe(true)
    expect(searchFormsOnly('<form action="http://x.example/search?go"><input type="submit"></form>')).toBe(false)
    expect(searchFormsOnly("<p>no form here</p>")).toBe(false)
  })

  it("a form whose closing tag never comes is read to the window's end", () => {
    expect(searchFormsOnly(`<form action="/find"><input name="q">${"<p>story</p>".repeat(10)}`)).toBe(true)
    expect(searchFormsOnly(`<form action="/find"><input name="q"><input name="email">`)).toBe(false)
  })

  test.prop([fc.string({ maxLength: 400 }), fc.constantFrom(newsSearch, leadForm, removeForm, "<form", "<form >", "")])(
    "never throws on arbitrary pages",
    (noise, form) => {
      expect(typeof searchFormsOnly(noise + form + noise)).toBe("boolean")
      expect(Array.isArray(analyseHtml([noise + form]).features)).toBe(true)
    }
  )

  test.prop([
    fc.array(fc.constantFrom(newsSearch, siteSearch, quote), { maxLength: 4 }),
    fc.constantFrom(leadForm, removeForm, login)
  ])("search boxes never hide a form that asks for something", (searches, asking) => {
    expect(searchFormsOnly(page([...searches, asking].join("\n")))).toBe(false)
    expect(searchFormsOnly(page([asking, ...searches].join("\n")))).toBe(false)
  })
})
