/**
 * What a deadline needs to know about the runtime's own clock: whether a `Clock` is the one that
 * sleeps with `setTimeout` (then a wait may use one timer directly instead of a sleeping fiber;
 * any other `sleep`, such as a TestClock's, must be asked), and the longest wait `setTimeout`
 * honours.
 *
 * @internal
 */
import { Clock } from "effect"

/** The runtime's own clock sleeps with `setTimeout`; a clock with another `sleep` (TestClock) is asked. */
export const timerSleep = Clock.Clock.defaultValue().sleep

/** `setTimeout` fires at once beyond this many milliseconds. */
export const MAX_TIMER_MILLIS = 2_147_483_647
