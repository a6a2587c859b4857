/*
 * dedupe - syslog/stderr copies of one alert (see dedupe.h).
 *
 * Thread-safety: see dedupe.h.
 */
#include "dedupe.h"
#include "hashtab.h"

#include <string.h>

void
dedupe_init(struct dedupe *d)
{
	memset(d, 0, sizeof(*d));
}

int
dedupe_is_copy(struct dedupe *d, const char *msg, size_t len, time_t when, int origin)
{
	uint64_t h = hash_bytes(msg, len);
	size_t i = (size_t)(h % DEDUPE_SLOTS);
	time_t gap;

	if (d->slot[i].origin != 0 && d->slot[i].hash == h && d->slot[i].origin != origin + 1) {
		gap = when > d->slot[i].when ? when - d->slot[i].when : d->slot[i].when - when;
		if (gap <= DEDUPE_WINDOW) {
			d->slot[i].origin = 0;	/* one copy per alert */
			return 1;
		}
	}
	d->slot[i].hash = h;
	d->slot[i].when = when;
	d->slot[i].origin = origin + 1;
	return 0;
}
