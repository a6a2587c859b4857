/*
 * macro_guard - libmilter's packet reader, with odd macro lists cut to
 * whole pairs (see macro_guard.h for why and how).
 *
 * Thread-safety: see macro_guard.h.
 */
#include "macro_guard.h"
#include "log.h"

#include <dlfcn.h>
#include <libmilter/mfdef.h>
#include <pthread.h>
#include <string.h>
#include <sys/time.h>

/*
 * libmilter's reader, as Debian's libmilter.so.1.0.1 (8.17.1.9) exports it
 * and mi_engine calls it: returns the packet's data (malloc'ed, len bytes,
 * NULL for a packet of only a command byte or on error), sets *cmd to the
 * command byte or to an error code below ' '.
 */
typedef char *reader_fn(int sd, struct timeval *timeout, char *cmd, size_t *len, char *name);
char *mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *len, char *name);

#define READER_ERROR_UNKNOWN ((char)6)	/* libmilter's "unknown error": ends the session */

static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static reader_fn *real_reader;	/* written once under real_once, then only read */

static void
find_real_reader(void)
{
	real_reader = (reader_fn *)dlsym(RTLD_NEXT, "mi_rd_cmd");
}

size_t
macro_guard_fit(const char *data, size_t len)
{
	size_t nuls = 0, seen = 0;

	for (size_t i = 1; i < len; i++)
		nuls += data[i] == '\0';
	if (nuls % 2 == 0)
		return len;
	/* keep everything up to the NUL that ends the last whole pair */
	for (size_t i = 1; i < len; i++)
		if (data[i] == '\0' && ++seen == nuls - 1)
			return i + 1;
	return 1;
}

/* mi_rd_cmd - libmilter's packet reader, with the macro packet check */
char *
mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *len, char *name)
{
	char *data;
	size_t keep;

	pthread_once(&real_once, find_real_reader);
	if (real_reader == NULL) {
		*cmd = READER_ERROR_UNKNOWN;
		*len = 0;
		return NULL;
	}
	data = real_reader(sd, timeout, cmd, len, name);
	if (data == NULL || *cmd != SMFIC_MACRO || *len < 1)
		return data;
	if ((keep = macro_guard_fit(data, *len)) != *len) {
		log_msg(LOG_WARNING, "the MTA sent a macro list for stage '%c' with a name but"
			" no value; %zu of its %zu bytes ignored",
			data[0] >= ' ' && data[0] < 127 ? data[0] : '?', *len - keep, *len);
		*len = keep;
	}
	return data;
}

int
macro_guard_check(const char **error_r)
{
	pthread_once(&real_once, find_real_reader);
	if (real_reader == NULL) {
		*error_r = "libmilter exports no mi_rd_cmd";
		return -1;
	}
	if ((reader_fn *)dlsym(RTLD_DEFAULT, "mi_rd_cmd") != mi_rd_cmd) {
		*error_r = "libmilter's mi_rd_cmd is not reached through the daemon's";
		return -1;
	}
	return 0;
}
