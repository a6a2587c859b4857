/*
 * fuzz_macro_guard - a macro packet ('D', stage byte first) from any bytes,
 * through libmilter's packet reader with the daemon's guard in front of it
 * (milter/macro_guard.h), then decoded and searched the way libmilter 8.17
 * does: one array entry per NUL byte, NULL-ended, allocated to the exact
 * size, walked two entries at a time as smfi_getsymval walks it. Without
 * the guard the input "Mi\0" makes that walk read past the array, which
 * AddressSanitizer reports (docs/security.md, "libmilter's macro lists").
 *
 * Invariants checked (abort on violation):
 *  - the guard is in force (libmilter's reader is the daemon's);
 *  - the reader hands on the command 'D' and a prefix of the data: all of
 *    it when its NUL bytes are even in number, else everything up to the
 *    NUL ending the last whole name-value pair (the stage byte alone when
 *    there is none);
 *  - the decoded list has an even number of entries, and every look-up,
 *    of each name in it and of a name not in it, stays inside the array
 *    and finds what a forward search of the pairs finds (NULL for a name
 *    the list does not hold, after walking all of it).
 */
#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "macro_guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
char *mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *len, char *name);

/* below the socket pair's buffer, so one write never blocks */
#define MAX_DATA 60000
/* a name no MTA sends, looked up in every list (absent unless the input holds it) */
#define ABSENT "{\x01not-a-macro}"

static int pair[2] = { -1, -1 };

/* decode - libmilter's list: one entry per NUL of data[1..len), NULL-ended */
static char **
decode(char *buf, size_t len, size_t *count_r)
{
	size_t n = 0, k = 0;
	char **list;

	for (size_t i = 1; i < len; i++)
		n += buf[i] == '\0';
	*count_r = n;
	if (n == 0)
		return NULL;	/* libmilter refuses the packet and keeps the old list */
	if ((list = malloc((n + 1) * sizeof(*list))) == NULL)
		abort();
	list[k++] = buf + 1;
	for (size_t i = 1; i < len && k < n; i++)
		if (buf[i] == '\0')
			list[k++] = buf + i + 1;
	list[n] = NULL;
	return list;
}

/* lookup - smfi_getsymval's walk over one list: names at even entries */
static const char *
lookup(char **list, const char *name)
{
	for (char **s = list; *s != NULL; s += 2)
		if (strcmp(s[0], name) == 0)
			return s[1];
	return NULL;
}

/* expected - the value of name's first pair, from the bytes themselves */
static const char *
expected(char **list, size_t count, const char *name)
{
	for (size_t i = 0; i + 1 < count; i += 2)
		if (strcmp(list[i], name) == 0)
			return list[i + 1];
	return NULL;
}

static size_t
whole_pairs_length(const uint8_t *data, size_t size)
{
	size_t nuls = 0, seen = 0;

	for (size_t i = 1; i < size; i++)
		nuls += data[i] == '\0';
	if (nuls % 2 == 0)
		return size;
	for (size_t i = 1; i < size; i++)
		if (data[i] == '\0' && ++seen == nuls - 1)
			return i + 1;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char head[5];
	uint32_t n;
	struct timeval timeout = { 5, 0 };
	char cmd = 0, name[] = "fuzz", **list;
	size_t len = 0, count, want;
	char *got;
	const char *error = NULL;

	if (pair[0] < 0) {
		unsigned int major, minor, patch;

		smfi_version(&major, &minor, &patch);	/* keeps libmilter linked */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
			fuzz_die("socketpair");
		if (macro_guard_check(&error) < 0)
			fuzz_die("guard not in force: %s", error);
	}
	if (size == 0 || size > MAX_DATA)
		return 0;
	n = htonl((uint32_t)size + 1);
	memcpy(head, &n, 4);
	head[4] = 'D';
	if (write(pair[0], head, 5) != 5 || write(pair[0], data, size) != (ssize_t)size)
		fuzz_die("write");
	got = mi_rd_cmd(pair[1], &timeout, &cmd, &len, name);
	want = whole_pairs_length(data, size);
	if (got == NULL || cmd != 'D')
		fuzz_die("reader: command %d, data %p", cmd, (void *)got);
	if (len != want || memcmp(got, data, len) != 0)
		fuzz_die("reader kept %zu of %zu bytes, want %zu", len, size, want);
	if ((list = decode(got, len, &count)) != NULL) {
		if (count % 2 != 0)
			fuzz_die("odd list of %zu entries handed on", count);
		for (size_t i = 0; i < count; i += 2)
			if (lookup(list, list[i]) != expected(list, count, list[i]))
				fuzz_die("look-up of entry %zu found another value", i);
		/* a name the list does not hold walks the whole list */
		if (lookup(list, ABSENT) != expected(list, count, ABSENT))
			fuzz_die("look-up of a name not in front found another value");
		free(list);
	}
	free(got);
	return 0;
}
