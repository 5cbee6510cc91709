/**
 * What a handler callback gives: the value itself when it is known at once, or a promise of it.
 * A MAIL or RCPT that the policy answers from memory then costs the session no promise, no
 * microtask and no wait for the next turn; only a callback that really waits (DNS, the
 * downstream, storage) builds one.
 *
 * **Gotchas**
 * - A callback that answers at once may also throw at once: the caller catches that where it
 *   would have caught a rejection (the connection turns both into 451 4.3.0).
 * - A promise of another library (any object with a `then` method) counts as pending like a
 *   native one: handler answers themselves are plain records (`SmtpReply`, `AuthResult`) or
 *   `undefined`, which have no `then`. A native promise is told apart first, without the lookup.
 *
 * @category models
 * @since 0.1.0
 */

/** A value now, or a promise of it. */
export type Answer<A> = A | Promise<A>

/** Whether `answer` is still to come (a promise, native or another library's), or already there. */
export const isPending = <A>(answer: Answer<A>): answer is Promise<A> =>
  answer instanceof Promise ||
  (typeof answer === "object" && answer !== null && typeof (answer as { then?: unknown }).then === "function")

/**
 * `f` applied to the answer: at once when the answer is there (a throw of `f` is thrown here),
 * else in the promise's `then` (a throw rejects).
 */
export const andThen = <A, B>(answer: Answer<A>, f: (a: A) => Answer<B>): Answer<B> =>
  answer instanceof Promise ? answer.then(f) : isPending(answer) ? Promise.resolve(answer).then(f) : f(answer)
