/*
 * fake_dns - UDP DNS responder answering from a text zone (see fake_dns.h).
 *
 * Thread-safety: the zone is under `lock`; the responder thread is the
 * only reader of the socket.
 */
#include "fake_dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ENTRIES 256
#define MAX_NAME 256		/* presentation, raw bytes */
#define MAX_RDATA 1100
#define REPLY_MAX 1232		/* unbound's default EDNS buffer size */

enum { T_A = 1, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16,
       T_AAAA = 28 };
enum { RC_OK = 0, RC_SERVFAIL = 2, RC_NXDOMAIN = 3, RC_REFUSED = 5 };

struct entry {
	char name[MAX_NAME];
	uint16_t type;		/* record type; for a status line, 0 or the TYPE given */
	int rcode;		/* RC_OK: a record; else a status line */
	size_t rdlen;
	unsigned char rdata[MAX_RDATA];
	char target[MAX_NAME];	/* CNAME target */
};

struct fake_dns {
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	struct entry *entries;	/* under lock */
	size_t count;
	unsigned queries;	/* under lock */
	int failed;		/* under lock: SERVFAIL/REFUSED/CNAME sent */
	char address[32];
};

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{ "A", T_A }, { "AAAA", T_AAAA }, { "MX", T_MX }, { "PTR", T_PTR },
	{ "TXT", T_TXT }, { "CNAME", T_CNAME },
};

static uint16_t
type_parse(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == len && strncasecmp(types[i].name, s, len) == 0)
			return types[i].type;
	return 0;
}

/* name_copy - lowercase, without one trailing dot; -1 if too long */
static int
name_copy(char *out, const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len >= MAX_NAME)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
	return 0;
}

/* name_wire - presentation (raw bytes, dots between labels) to labels; 0 if invalid */
static size_t
name_wire(const char *name, unsigned char *out, size_t size)
{
	size_t pos = 0, len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (size_t start = 0; start < len;) {
		const char *dot = memchr(name + start, '.', len - start);
		size_t n = dot ? (size_t)(dot - name) - start : len - start;

		if (n == 0 || n > 63 || pos + n + 2 > size || pos + n + 2 > 255)
			return 0;
		out[pos++] = (unsigned char)n;
		memcpy(out + pos, name + start, n);
		pos += n;
		start += n + 1;
	}
	if (pos + 1 > size)
		return 0;
	out[pos++] = 0;
	return pos;
}

/* token - next run of non-blank bytes at *p in [*p, end) */
static const char *
token(const char **p, const char *end, size_t *len)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*len = 0;
	while (s + *len < end && s[*len] != ' ' && s[*len] != '\t')
		(*len)++;
	*p = s + *len;
	return s;
}

/* rdata_parse - the data of one record line into e; -1 to skip the line */
static int
rdata_parse(struct entry *e, const char *p, const char *end)
{
	char buf[MAX_NAME + 8];
	size_t n = (size_t)(end - p);
	const char *tok;
	size_t len;

	switch (e->type) {
	case T_A:
	case T_AAAA:
		tok = token(&p, end, &len);
		if (len >= sizeof(buf))
			return -1;
		memcpy(buf, tok, len);
		buf[len] = '\0';
		e->rdlen = e->type == T_A ? 4 : 16;
		return inet_pton(e->type == T_A ? AF_INET : AF_INET6, buf, e->rdata) == 1 ? 0 : -1;
	case T_MX:
		tok = token(&p, end, &len);
		if (len == 0 || len > 5)
			return -1;
		memcpy(buf, tok, len);
		buf[len] = '\0';
		unsigned long pref = strtoul(buf, NULL, 10);

		e->rdata[0] = (unsigned char)(pref >> 8);
		e->rdata[1] = (unsigned char)pref;
		tok = token(&p, end, &len);
		if (name_copy(buf, tok, len) < 0 || (n = name_wire(buf, e->rdata + 2, 255)) == 0)
			return -1;
		e->rdlen = n + 2;
		return 0;
	case T_PTR:
	case T_CNAME:
		tok = token(&p, end, &len);
		if (name_copy(e->target, tok, len) < 0
		    || (e->rdlen = name_wire(e->target, e->rdata, 255)) == 0)
			return -1;
		return 0;
	case T_TXT:
		/* the rest of the line after one blank, in 255-byte strings */
		if (p < end && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n + n / 255 + 1 > MAX_RDATA)
			return -1;
		e->rdlen = 0;
		do {
			size_t k = n > 255 ? 255 : n;

			e->rdata[e->rdlen++] = (unsigned char)k;
			memcpy(e->rdata + e->rdlen, p, k);
			e->rdlen += k;
			p += k;
			n -= k;
		} while (n > 0);
		return 0;
	}
	return -1;
}

/* line_parse - one zone line into e; -1 to skip it */
static int
line_parse(struct entry *e, const char *p, const char *end)
{
	const char *tok;
	size_t len;

	memset(e, 0, offsetof(struct entry, rdata));
	e->target[0] = '\0';
	tok = token(&p, end, &len);
	if (len == 0 || name_copy(e->name, tok, len) < 0)
		return -1;
	tok = token(&p, end, &len);
	if (len == 8 && strncasecmp(tok, "SERVFAIL", 8) == 0)
		e->rcode = RC_SERVFAIL;
	else if (len == 7 && strncasecmp(tok, "REFUSED", 7) == 0)
		e->rcode = RC_REFUSED;
	else if (len == 8 && strncasecmp(tok, "NXDOMAIN", 8) == 0)
		e->rcode = RC_NXDOMAIN;
	if (e->rcode != RC_OK) {
		tok = token(&p, end, &len);
		e->type = type_parse(tok, len);
		return 0;
	}
	if ((e->type = type_parse(tok, len)) == 0)
		return -1;
	return rdata_parse(e, p, end);
}

void
fake_dns_load(struct fake_dns *dns, const char *text, size_t len)
{
	struct entry *entries = calloc(MAX_ENTRIES, sizeof(*entries)), *old;
	const char *p = text, *end = text + len;
	size_t count = 0;

	if (entries == NULL)
		abort();
	while (p < end && count < MAX_ENTRIES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol > p && eol[-1] == '\r')
			eol--;
		if (line_parse(&entries[count], p, eol) == 0)
			count++;
		p = nl ? nl + 1 : end;
	}
	pthread_mutex_lock(&dns->lock);
	old = dns->entries;
	dns->entries = entries;
	dns->count = count;
	dns->queries = 0;
	dns->failed = 0;
	pthread_mutex_unlock(&dns->lock);
	free(old);
}

unsigned
fake_dns_queries(struct fake_dns *dns)
{
	unsigned n;

	pthread_mutex_lock(&dns->lock);
	n = dns->queries;
	pthread_mutex_unlock(&dns->lock);
	return n;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* add_rr - append one record (owner as wire bytes); 0, or -1 when it does not fit */
static int
add_rr(unsigned char *out, size_t *pos, const unsigned char *owner, size_t olen,
       uint16_t type, const unsigned char *rdata, size_t rdlen)
{
	if (*pos + olen + 10 + rdlen > REPLY_MAX)
		return -1;
	memcpy(out + *pos, owner, olen);
	*pos += olen;
	put16(out + *pos, type);
	put16(out + *pos + 2, 1);	/* IN */
	memset(out + *pos + 4, 0, 4);	/* TTL 0: nothing is cached */
	put16(out + *pos + 8, (unsigned)rdlen);
	memcpy(out + *pos + 10, rdata, rdlen);
	*pos += 10 + rdlen;
	return 0;
}

/* add_records - records of (name, type) in the zone; their count */
static unsigned
add_records(const struct fake_dns *dns, const char *name, const unsigned char *owner,
	    size_t olen, uint16_t type, unsigned char *out, size_t *pos)
{
	unsigned n = 0;

	for (size_t i = 0; i < dns->count; i++) {
		const struct entry *e = &dns->entries[i];

		if (e->rcode == RC_OK && e->type == type && strcmp(e->name, name) == 0
		    && add_rr(out, pos, owner, olen, type, e->rdata, e->rdlen) == 0)
			n++;
	}
	return n;
}

/* under - name is zone or below it */
static int
under(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	return n == z ? strcmp(name, zone) == 0
	    : n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

/*
 * zone_rcode - under the lock: the first status line for the name or a
 * name above it that covers qtype, else NOERROR for a name with records
 * (*known set) and NXDOMAIN for one without
 */
static int
zone_rcode(const struct fake_dns *dns, const char *name, unsigned qtype, int *known)
{
	int rcode = -1;

	*known = 0;
	for (size_t i = 0; i < dns->count; i++) {
		const struct entry *e = &dns->entries[i];

		if (strcmp(e->name, name) == 0)
			*known = 1;
		if (rcode < 0 && e->rcode != RC_OK && (e->type == 0 || e->type == qtype)
		    && under(name, e->name))
			rcode = e->rcode;
	}
	return rcode >= 0 ? rcode : *known ? RC_OK : RC_NXDOMAIN;
}

/* answer - the reply to one query under the lock; its length, 0 to drop it */
static size_t
answer(struct fake_dns *dns, const unsigned char *q, size_t qlen, unsigned char *out)
{
	static const unsigned char soa[] = { 0, 0, 6, 0, 1, 0, 0, 0, 0, 0, 22, 0, 0,
		0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0x02, 0x58, 0, 1, 0x51, 0x80,
		0, 0, 0, 0 };
	unsigned char owner[256];
	char name[MAX_NAME];
	size_t off = 12, nlen = 0, pos, olen;
	unsigned rcode, an = 0, ns = 0;
	int known = 0;
	uint16_t qtype;

	if (qlen < 12 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
		return 0;
	while (off < qlen && q[off] != 0) {
		size_t l = q[off];

		if (l > 63 || off + 1 + l >= qlen || nlen + l + 1 >= MAX_NAME)
			return 0;
		if (nlen > 0)
			name[nlen++] = '.';
		for (size_t i = 0; i < l; i++)
			name[nlen++] = (char)tolower(q[off + 1 + i]);
		off += 1 + l;
	}
	name[nlen] = '\0';
	if (off + 5 > qlen)
		return 0;
	olen = off + 1 - 12;
	memcpy(owner, q + 12, olen);
	qtype = (uint16_t)((q[off + 1] << 8) | q[off + 2]);
	off += 5;
	dns->queries++;

	rcode = (unsigned)zone_rcode(dns, name, qtype, &known);
	memcpy(out, q, off);		/* ID, flags, counts, question */
	out[2] = (unsigned char)(0x80 | (q[2] & 0x79));	/* QR, opcode, RD */
	out[3] = 0x80;			/* RA */
	memset(out + 6, 0, 6);
	pos = off;
	if (rcode == RC_OK && known) {
		an = add_records(dns, name, owner, olen, qtype, out, &pos);
		for (size_t i = 0; an == 0 && qtype != T_CNAME && i < dns->count; i++) {
			const struct entry *e = &dns->entries[i];
			unsigned char target[256];
			size_t tlen;

			if (e->rcode != RC_OK || e->type != T_CNAME || strcmp(e->name, name) != 0
			    || add_rr(out, &pos, owner, olen, T_CNAME, e->rdata, e->rdlen) < 0)
				continue;
			an = 1;
			dns->failed = 1;	/* libunbound reuses a CNAME within its second */
			if ((tlen = name_wire(e->target, target, sizeof(target))) > 0)
				an += add_records(dns, e->target, target, tlen, qtype, out, &pos);
		}
	}
	if ((rcode == RC_OK && an == 0) || rcode == RC_NXDOMAIN) {
		memcpy(out + pos, soa, sizeof(soa));
		pos += sizeof(soa);
		ns = 1;
	}
	if (rcode == RC_SERVFAIL || rcode == RC_REFUSED)
		dns->failed = 1;
	out[3] |= (unsigned char)rcode;
	put16(out + 6, an);
	put16(out + 8, ns);
	return pos;
}

static void *
responder_main(void *arg)
{
	struct fake_dns *dns = arg;
	unsigned char q[4096], out[REPLY_MAX + 64];

	for (;;) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(dns->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);
		size_t len;

		if (n < 0)
			continue;
		pthread_mutex_lock(&dns->lock);
		len = answer(dns, q, (size_t)n, out);
		pthread_mutex_unlock(&dns->lock);
		if (len > 0)
			(void)sendto(dns->fd, out, len, 0, (struct sockaddr *)&from, fromlen);
	}
	return NULL;
}

struct fake_dns *
fake_dns_start(void)
{
	struct fake_dns *dns = calloc(1, sizeof(*dns));
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);

	if (dns == NULL)
		return NULL;
	pthread_mutex_init(&dns->lock, NULL);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((dns->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0
	    || bind(dns->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
	    || getsockname(dns->fd, (struct sockaddr *)&sin, &slen) < 0)
		goto fail;
	snprintf(dns->address, sizeof(dns->address), "127.0.0.1@%u", ntohs(sin.sin_port));
	fake_dns_load(dns, "", 0);
	if (pthread_create(&dns->thread, NULL, responder_main, dns) != 0)
		goto fail;
	return dns;
fail:
	if (dns->fd >= 0)
		close(dns->fd);
	free(dns->entries);
	free(dns);
	return NULL;
}

int
fake_dns_failed(struct fake_dns *dns)
{
	int failed;

	pthread_mutex_lock(&dns->lock);
	failed = dns->failed;
	pthread_mutex_unlock(&dns->lock);
	return failed;
}

int
fake_dns_rcode(struct fake_dns *dns, const char *qname, unsigned qtype)
{
	char name[MAX_NAME];
	int rcode, known;

	if (name_copy(name, qname, strlen(qname)) < 0)
		return -1;
	pthread_mutex_lock(&dns->lock);
	rcode = zone_rcode(dns, name, qtype, &known);
	pthread_mutex_unlock(&dns->lock);
	return rcode;
}

const char *
fake_dns_address(const struct fake_dns *dns)
{
	return dns->address;
}
