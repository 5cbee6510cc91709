/**
 * The policy: verdict from traces, action from verdict.
 *
 * @since 0.1.0
 */
export { actionOf, defaults, type OnSpam, type PolicyOptions, spamReason, verdictHeaders, verdictOf } from "./Policy.ts"
