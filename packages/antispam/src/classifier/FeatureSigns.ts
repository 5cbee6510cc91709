/**
 * The structural features the logistic layer reads, the sign each weight is held to and its
 * prior weight: prior knowledge about what each trick means in any era (docs/classifier.md).
 *
 * @category models
 * @since 0.3.0
 */

/**
 * Structural features the logistic layer reads, with the sign their weight is held to: +1 can
 * only push towards spam, -1 only towards ham. The signs are prior knowledge about what each
 * trick means in any era; they keep a corpus quirk (say, list mail setting Reply-To) from
 * teaching the layer a rule that flips on other mail. Features not listed stay tokens only.
 */
export const FEATURE_SIGNS: Readonly<Record<string, 1 | -1>> = {
  attachment_double_extension: 1,
  attachment_executable: 1,
  body_caps: 1,
  body_currency_dense: 1,
  body_exclaim: 1,
  body_exclaim_dense: 1,
  body_invisible: 1,
  body_mixed_scripts: 1,
  bulk_header_and_body: 1,
  charset_conflict: 1,
  content_type_empty_params: 1,
  date_after_origin: 1,
  date_future: 1,
  date_malformed: 1,
  date_missing: 1,
  date_obsolete_form: 1,
  date_stale: 1,
  date_weekday_wrong: 1,
  date_zone_invalid: 1,
  dynamic_origin_html_only: 1,
  encoded_word_split: 1,
  from_display_other_address: 1,
  from_empty_comment: 1,
  from_encoded_ascii: 1,
  from_missing: 1,
  from_name_address_script: 1,
  header_unencoded_script: 1,
  html_big_font: 1,
  html_body_fragment: 1,
  html_comment_in_word: 1,
  html_editor_generator: 1,
  html_form: 1,
  html_hidden_text: 1,
  html_mailto_only: 1,
  html_only: 1,
  html_page_saturated: 1,
  html_tiny_font: 1,
  html_trailing_junk: 1,
  html_untitled: 1,
  html_white_text: 1,
  html_word_unstyled: 1,
  image_link_little_text: 1,
  image_only: 1,
  mailer_bulk: 1,
  mailer_fields_missing: 1,
  mailer_forged_outlook_express: 1,
  mailer_forged_outlook_html: 1,
  mailer_malformed_outlook: 1,
  mailer_random: 1,
  message_id_forged_outlook: 1,
  message_id_malformed: 1,
  message_id_missing: 1,
  message_id_not_mailers: 1,
  message_id_not_program_form: 1,
  message_id_outlook_padded: 1,
  message_id_relay_written: 1,
  mime_alternative_single: 1,
  mime_mixed_single: 1,
  mime_boundary_forged: 1,
  mime_content_type_missing: 1,
  mime_multipart_encoded: 1,
  mime_qp_encoded_break: 1,
  mime_qp_needless_escape: 1,
  mime_qp_unencoded: 1,
  mime_version_missing: 1,
  msmail_priority_foreign: 1,
  priority_high: 1,
  received_forged_helo: 1,
  received_provider_host_forged: 1,
  received_stamp_month_first: 1,
  received_time_disorder: 1,
  recipient_field_repeated: 1,
  removal_free_mail: 1,
  reply_to_free_mail: 1,
  return_path_other_domain: 1,
  subject_ad_marker: 1,
  subject_all_caps: 1,
  subject_clock_stamp: 1,
  subject_names_recipient: 1,
  subject_code_tail: 1,
  subject_empty: 1,
  subject_encoded_ascii: 1,
  subject_exclaim: 1,
  subject_invisible: 1,
  subject_mixed_scripts: 1,
  subject_padding: 1,
  text_blank_form: 1,
  text_amount_millions: 1,
  text_blank_spacing: 1,
  text_footer_gap: 1,
  text_form_report_relayed: 1,
  text_html_mismatch: 1,
  text_letter_head: 1,
  text_padding_tail: 1,
  text_pitch_opening: 1,
  text_plain_markup: 1,
  text_plain_html_document: 1,
  text_shouted_links: 1,
  text_trailing_junk: 1,
  to_empty: 1,
  to_stand_in: 1,
  to_sorted_run: 1,
  to_many: 1,
  to_undisclosed: 1,
  topic_advance_fee: 1,
  topic_diploma: 1,
  topic_loan: 1,
  topic_pharmacy: 1,
  topic_stock_promotion: 1,
  topic_unsolicited: 1,
  url_confusable_host: 1,
  url_encoded_host: 1,
  url_ip_literal: 1,
  url_ip_one_site: 1,
  url_many_subdomains: 1,
  url_numeric_host: 1,
  url_one_foreign_site: 1,
  url_odd_port: 1,
  url_punycode: 1,
  url_redirect: 1,
  url_redirect_ip: 1,
  url_shortener: 1,
  url_text_mismatch: 1,
  url_userinfo: 1,
  web_mail_unrelayed: 1,
  word_spacing: 1,
  word_substitution: 1,
  to_tagged_for_sender: -1,
  to_tagged_for_sender_host: -1,
  has_references: -1,
  quoted_reply: -1
}

/**
 * Features the layer weighs in later stages of its fit, one list per stage: the bias and every
 * other weight are fitted first without them, then held while only the first stage's weights are
 * fitted, then those held too while the next stage's are, and so on. Each marks a share of the
 * spam that the other evidence mostly explains already; fitted jointly, a strong one lowers the
 * bias (or an earlier late feature's weight), and spam that sit on the other evidence just above
 * the spam cut-off, without this feature, fall under it. Staged, it raises only the scores of the
 * mail that carries it. A round's new features go in a stage of their own (docs/classifier.md,
 * rounds 26 and 27).
 */
export const LATE_STAGES: ReadonlyArray<ReadonlyArray<string>> = [
  ["message_id_forged_outlook", "text_blank_form", "text_trailing_junk"],
  [
    "msmail_priority_foreign",
    "message_id_outlook_padded",
    "content_type_empty_params",
    "from_empty_comment",
    "removal_free_mail",
    "topic_advance_fee",
    "topic_diploma",
    "topic_loan",
    "topic_pharmacy",
    "topic_stock_promotion",
    "topic_unsolicited"
  ],
  ["mime_qp_needless_escape"],
  ["mime_boundary_forged", "mime_qp_unencoded", "html_page_saturated"],
  ["message_id_relay_written", "mime_multipart_encoded"],
  ["mime_qp_encoded_break", "text_padding_tail"],
  ["to_tagged_for_sender"],
  ["to_stand_in", "subject_code_tail", "subject_clock_stamp"],
  ["text_blank_spacing", "text_shouted_links"],
  ["mailer_fields_missing", "message_id_not_mailers", "received_provider_host_forged"],
  ["date_after_origin"],
  ["text_amount_millions", "text_pitch_opening"],
  ["url_one_foreign_site"],
  ["text_letter_head"],
  ["message_id_not_program_form"],
  ["url_ip_one_site", "url_redirect_ip"],
  ["to_sorted_run", "recipient_field_repeated"],
  ["html_body_fragment", "html_mailto_only"],
  ["text_form_report_relayed"],
  ["html_untitled", "html_word_unstyled", "html_editor_generator"],
  ["header_unencoded_script", "from_name_address_script", "subject_ad_marker"],
  ["bulk_header_and_body"],
  ["to_tagged_for_sender_host"],
  ["text_footer_gap"],
  ["text_plain_html_document", "mime_mixed_single"],
  ["subject_names_recipient"]
]

/** Every late feature, in stage order. */
export const LATE_FEATURES: ReadonlyArray<string> = LATE_STAGES.flat()

/** The same by input name, one list per stage. */
export const LATE_INPUT_STAGES: ReadonlyArray<ReadonlyArray<string>> = LATE_STAGES.map((names) =>
  names.map((k) => `feat:${k}`)
)

/** Every late input, in stage order. */
export const LATE_INPUTS: ReadonlyArray<string> = LATE_INPUT_STAGES.flat()

/** Sign constraints of the logistic inputs by input name (chi-square inputs are free). */
export const INPUT_SIGNS: Readonly<Record<string, 1 | -1>> = Object.fromEntries(
  Object.entries(FEATURE_SIGNS).map(([k, v]) => [`feat:${k}`, v])
)

/** The same signs by token (feature tokens are named like the inputs); a Map, so any token string is a safe key. */
export const TOKEN_SIGNS: ReadonlyMap<string, 1 | -1> = new Map(Object.entries(INPUT_SIGNS))

/**
 * Prior weight of every signed feature (its sign times this). A trick the training mail never
 * shows (link shorteners are rare in 2002 mail) keeps this weight instead of none; one the data
 * shows is fitted as usual, pulled only gently towards it. 1 rather than 0.5 or 0: it raised
 * spam recall on the other era of the training mail in both directions, with no new false
 * positive (docs/classifier.md).
 */
export const FEATURE_PRIOR = 1

/** Prior weights of the logistic inputs by input name. */
export const INPUT_PRIORS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(FEATURE_SIGNS).map(([k, v]) => [`feat:${k}`, v * FEATURE_PRIOR])
)
