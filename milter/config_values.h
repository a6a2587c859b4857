/*
 * config_values - the parsers of a configuration value's text that more
 * than one key type uses: booleans, numbers, durations, syslog
 * facilities, libmilter socket forms, SMTP reply texts and RFC 8601
 * authserv-ids. Each returns 0 (or NULL, or 1 for a predicate) for a value
 * it takes; config_table.c turns a refusal into the key's error text.
 *
 * Thread-safety: pure functions, no state.
 */
#ifndef DMARCGUARD_CONFIG_VALUES_H
#define DMARCGUARD_CONFIG_VALUES_H

/* config_parse_bool - yes/true/on/1 and no/false/off/0, any case; 0 or -1 */
int config_parse_bool(const char *v, int *out);
/* config_parse_uint - decimal digits up to 2^32 - 1; 0 or -1 */
int config_parse_uint(const char *v, unsigned long *out);
/* config_parse_duration - "3" and "3s" seconds, "500ms" milliseconds, up to a day; 0 or -1 */
int config_parse_duration(const char *v, unsigned long *ms);
/* config_parse_facility - a syslog facility name (mail, daemon, user, local0..7); 0 or -1 */
int config_parse_facility(const char *v, int *out);
/* config_check_socket - NULL for a socket form we document, else why not */
const char *config_check_socket(const char *v);
/* config_check_reply_text - 0 for printable text of at most 400 octets, else -1 */
int config_check_reply_text(const char *v);
/* config_is_authserv_token - 1 when v can be written unquoted as an authserv-id */
int config_is_authserv_token(const char *v);

#endif
