/*
 * config_values - value text parsers shared by the key types (see
 * config_values.h).
 *
 * Thread-safety: pure functions, no state.
 */
#include "config_values.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

int
config_parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

int
config_parse_uint(const char *v, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	*out = strtoul(v, &end, 10);
	return *end == '\0' && *out <= 0xffffffffUL ? 0 : -1;
}

/* parse_duration - "3" and "3s" are seconds, "500ms" milliseconds */
int
config_parse_duration(const char *v, unsigned long *ms)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	n = strtoul(v, &end, 10);
	if (n > 86400000UL)
		return -1;
	if (strcmp(end, "ms") == 0)
		*ms = n;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		*ms = n * 1000;
	else
		return -1;
	return 0;
}

int
config_parse_facility(const char *v, int *out)
{
	static const struct { const char *name; int value; } facilities[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(v, facilities[i].name) == 0)
			return *out = facilities[i].value, 0;
	return -1;
}

/* check_socket - the libmilter socket forms we document */
const char *
config_check_socket(const char *v)
{
	const char *rest, *at;
	unsigned long port;
	char buf[16];

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		rest = strchr(v, ':') + 1;
		if (rest[0] != '/')
			return "a unix socket needs an absolute path";
		if (strlen(rest) >= 108)
			return "unix socket path longer than 107 characters";
		return NULL;
	}
	if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		rest = strchr(v, ':') + 1;
		at = strchr(rest, '@');
		size_t n = at ? (size_t)(at - rest) : strlen(rest);

		if (n == 0 || n >= sizeof(buf))
			return "inet socket needs PORT@HOST";
		memcpy(buf, rest, n);
		buf[n] = '\0';
		if (config_parse_uint(buf, &port) < 0 || port == 0 || port > 65535)
			return "socket port must be a number from 1 to 65535";
		if (at != NULL && at[1] == '\0')
			return "inet socket host is empty";
		return NULL;
	}
	return "socket must start with unix:, local:, inet: or inet6:";
}

int
config_check_reply_text(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -1;
	return strlen(v) <= 400 ? 0 : -1;
}

/* is_authserv_token - RFC 8601 authserv-id as a token we can write unquoted */
int
config_is_authserv_token(const char *v)
{
	if (*v == '\0' || strlen(v) > 255)
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr(";()\"\\<>@,:/[]?=", *p) != NULL)
			return 0;
	return 1;
}
