/**
 * AUTH PLAIN (RFC 4616) and LOGIN over SMTP (RFC 4954), offered and accepted only inside TLS.
 *
 * **Gotchas**
 * - Before TLS, AUTH is 538 5.7.11 (RFC 4954 §6): credentials never travel in clear, and we do
 *   not even read a PLAIN initial response sent in clear.
 * - Base64 is decoded strictly (alphabet, padding, length) and the result must be UTF-8 without
 *   control characters; the user name ends up in logs and headers.
 * - A PLAIN authorisation identity different from the authentication identity (proxy auth) is
 *   refused: we have no policy for acting on behalf of another user.
 * - Failed attempts count against `maxBadCommands` (password guessing ends with 421).
 * - The password is only ever placed in the `Auth` request, never in a log event.
 *
 * @category models
 * @since 0.1.0
 */
import { hasControl } from "../CommandParser.ts"
import type { AuthResult } from "../Handler.ts"
import * as Reply from "../Reply.ts"
import { bad, COMMAND, type Invocation, moved, type SessionState, type Step, to } from "../SessionState.ts"

const USERNAME_PROMPT = "VXNlcm5hbWU6"
const PASSWORD_PROMPT = "UGFzc3dvcmQ6"
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Strict base64 to UTF-8 text; `=` alone is the empty string (RFC 4954 §4). */
export const decodeBase64Text = (s: string): string | undefined => {
  if (s === "=") return ""
  if (!BASE64.test(s)) return undefined
  try {
    return utf8.decode(Buffer.from(s, "base64"))
  } catch {
    return undefined
  }
}

const cannotDecode = (s: SessionState): Step =>
  bad(moved(s, COMMAND, s.transaction), Reply.make(501, "5.5.2", "Cannot decode response"))

const request = (s: SessionState, mechanism: "PLAIN" | "LOGIN", username: string, password: string): Step => {
  if (username === "" || hasControl(username) || hasControl(password)) return cannotDecode(s)
  return to(moved(s, { _tag: "AwaitAuth", username }, s.transaction), [], {
    request: { _tag: "Auth", request: { mechanism, username, password } }
  })
}

const plain = (s: SessionState, response: string): Step => {
  const text = decodeBase64Text(response)
  if (text === undefined) return cannotDecode(s)
  const parts = text.split("\u0000")
  if (parts.length !== 3) return cannotDecode(s)
  const [authzid, authcid, password] = parts as [string, string, string]
  if (authzid !== "" && authzid !== authcid)
    return bad(moved(s, COMMAND, s.transaction), Reply.make(535, "5.7.8", "Authentication credentials invalid"))
  return request(s, "PLAIN", authcid, password)
}

export const auth = (s: SessionState, inv: Invocation): Step => {
  if (!s.config.authAvailable) return bad(s, Reply.make(502, "5.5.1", "AUTH not available"))
  if (!s.tls) return bad(s, Reply.make(538, "5.7.11", "Encryption required for requested authentication mechanism"))
  if (!s.esmtp) return bad(s, Reply.Common.badSequence("Send EHLO first"))
  if (s.authenticatedUser !== undefined) return bad(s, Reply.Common.badSequence("Already authenticated"))
  if (s.transaction !== undefined) return bad(s, Reply.Common.badSequence("AUTH not allowed during a mail transaction"))
  const [mechanism = "", initial, extra] = inv.arg.split(" ")
  if (extra !== undefined) return bad(s, Reply.make(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"))
  switch (mechanism.toUpperCase()) {
    case "PLAIN":
      return initial === undefined
        ? to(moved(s, { _tag: "AuthPlain" }, s.transaction), Reply.make(334, undefined, ""))
        : plain(s, initial)
    case "LOGIN": {
      if (initial === undefined)
        return to(moved(s, { _tag: "AuthLoginUser" }, s.transaction), Reply.make(334, undefined, USERNAME_PROMPT))
      const username = decodeBase64Text(initial)
      if (username === undefined) return cannotDecode(s)
      return to(
        moved(s, { _tag: "AuthLoginPassword", username }, s.transaction),
        Reply.make(334, undefined, PASSWORD_PROMPT)
      )
    }
    default:
      return bad(s, Reply.make(504, "5.5.4", "Unrecognized authentication mechanism"))
  }
}

/** A line read while an AUTH exchange waits for the client's response. */
export const authResponse = (s: SessionState, text: string): Step => {
  if (text === "*") return to(moved(s, COMMAND, s.transaction), Reply.make(501, "5.0.0", "Authentication cancelled"))
  switch (s.phase._tag) {
    case "AuthPlain":
      return plain(s, text)
    case "AuthLoginUser": {
      const username = decodeBase64Text(text)
      if (username === undefined) return cannotDecode(s)
      return to(
        moved(s, { _tag: "AuthLoginPassword", username }, s.transaction),
        Reply.make(334, undefined, PASSWORD_PROMPT)
      )
    }
    case "AuthLoginPassword": {
      const password = decodeBase64Text(text)
      if (password === undefined) return cannotDecode(s)
      return request(s, "LOGIN", s.phase.username, password)
    }
    default:
      return cannotDecode(s)
  }
}

export const authAnswered = (s: SessionState, username: string, result: AuthResult): Step => {
  if (!result.ok)
    return bad(
      moved(s, COMMAND, s.transaction),
      Reply.make(535, "5.7.8", "Authentication credentials invalid"),
      "auth_failed"
    )
  const flags = new Set(s.flags)
  for (const flag of result.flags ?? []) flags.add(flag)
  return to(
    {
      config: s.config,
      connection: s.connection,
      phase: COMMAND,
      helo: s.helo,
      esmtp: s.esmtp,
      tls: s.tls,
      authenticatedUser: username,
      flags,
      transaction: s.transaction,
      badCommands: s.badCommands,
      commands: s.commands,
      transactions: s.transactions,
      draining: s.draining
    },
    Reply.make(235, "2.7.0", "Authentication successful"),
    {
      log: "auth_ok"
    }
  )
}
