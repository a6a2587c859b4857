/*
 * dkimv_dns - libopendkim's DNS hooks on our resolver (see dkimv_dns.h).
 *
 * A query handle holds the question and the caller's reply buffer; the
 * look-up itself runs in waitreply, so that the wait limit libopendkim
 * passes there can bound it. The reply is rebuilt from our typed answer
 * with dns_answer_to_wire, which is all libopendkim reads: the header
 * counts, the rcode, the question's type and class, and the records.
 *
 * Thread-safety: the service is immutable; a handle is used by one thread.
 */
#include "dkimv_dns.h"
#include "dns_answer.h"
#include "resolver.h"

#include <stdlib.h>
#include <string.h>

#define DNS_HEADER_LEN 12

struct dkimv_dns {
	struct resolver *resolver;
	unsigned timeout_ms;
};

struct dkimv_dns_query {
	uint16_t type;
	unsigned char *buf;
	size_t buflen;
	int done;		/* waitreply ran: status and len are final */
	int status;		/* DKIM_DNS_* */
	size_t len;		/* reply length in buf */
	char name[];
};

struct dkimv_dns *
dkimv_dns_new(struct resolver *resolver, unsigned timeout_ms)
{
	struct dkimv_dns *dns = calloc(1, sizeof(*dns));

	if (dns == NULL)
		return NULL;
	dns->resolver = resolver;
	dns->timeout_ms = timeout_ms;
	return dns;
}

void
dkimv_dns_free(struct dkimv_dns **dns)
{
	free(*dns);
	*dns = NULL;
}

void
dkimv_dns_install(struct dkimv_dns *dns, DKIM_LIB *lib)
{
	(void)dkim_dns_set_query_service(lib, dns);
	dkim_dns_set_query_start(lib, dkimv_dns_start);
	dkim_dns_set_query_waitreply(lib, dkimv_dns_waitreply);
	dkim_dns_set_query_cancel(lib, dkimv_dns_cancel);
	/* no lazy set-up from a worker thread, and dkim_close leaves us be */
	dkim_dns_set_init(lib, NULL);
	dkim_dns_set_close(lib, NULL);
	/* nothing of ours to reconfigure through dkim_dns_nslist and co. */
	dkim_dns_set_nslist(lib, NULL);
	dkim_dns_set_config(lib, NULL);
	dkim_dns_set_trustanchor(lib, NULL);
}

int
dkimv_dns_start(void *srv, int type, unsigned char *query, unsigned char *buf,
		size_t buflen, void **qh)
{
	struct dkimv_dns_query *q;
	size_t n;

	(void)srv;
	if (query == NULL || buf == NULL || type < 0 || type > 0xffff
	    || !dns_answer_type_supported((uint16_t)type))
		return DKIM_DNS_ERROR;
	n = strlen((const char *)query);
	if ((q = calloc(1, sizeof(*q) + n + 1)) == NULL)
		return DKIM_DNS_ERROR;
	memcpy(q->name, query, n + 1);
	q->type = (uint16_t)type;
	q->buf = buf;
	q->buflen = buflen;
	*qh = q;
	return DKIM_DNS_SUCCESS;
}

/* wait_ms - our deadline, shortened to the caller's wait if that is less */
static unsigned
wait_ms(const struct dkimv_dns *dns, const struct timeval *timeout)
{
	unsigned long long ms;

	if (timeout == NULL)
		return dns->timeout_ms;
	ms = (unsigned long long)timeout->tv_sec * 1000
	    + ((unsigned long long)timeout->tv_usec + 999) / 1000;
	if (ms == 0)
		ms = 1;		/* 0 would mean the resolver's default */
	if (dns->timeout_ms != 0 && dns->timeout_ms < ms)
		return dns->timeout_ms;
	return ms > 0xffffffffULL ? 0xffffffffU : (unsigned)ms;
}

/*
 * nxdomain_reply - an NXDOMAIN reply whose question is the root name, for
 * a name dns_answer_to_wire cannot encode: no such name can exist, and
 * libopendkim reads only the question's type and class.
 */
static size_t
nxdomain_reply(uint16_t type, unsigned char *buf, size_t size)
{
	if (size < DNS_HEADER_LEN + 5)
		return 0;
	memset(buf, 0, DNS_HEADER_LEN + 5);
	buf[2] = 0x81;			/* QR, RD */
	buf[3] = 0x83;			/* RA, NXDOMAIN */
	buf[5] = 1;			/* QDCOUNT */
	buf[DNS_HEADER_LEN + 1] = (unsigned char)(type >> 8);
	buf[DNS_HEADER_LEN + 2] = (unsigned char)type;
	buf[DNS_HEADER_LEN + 4] = 1;	/* class IN */
	return DNS_HEADER_LEN + 5;
}

/* reply_status - write the reply for answer a; returns a DKIM_DNS_* code */
static int
reply_status(struct dkimv_dns_query *q, const struct dns_answer *a)
{
	if (a->status == DNS_STATUS_TEMPFAIL)
		return a->reason != NULL && strcmp(a->reason, "timeout") == 0
		    ? DKIM_DNS_EXPIRED : DKIM_DNS_ERROR;
	q->len = dns_answer_to_wire(a, q->name, q->buf, q->buflen);
	if (q->len == 0 && a->status == DNS_STATUS_NXDOMAIN)
		q->len = nxdomain_reply(q->type, q->buf, q->buflen);
	return q->len == 0 ? DKIM_DNS_ERROR : DKIM_DNS_SUCCESS;
}

int
dkimv_dns_waitreply(void *srv, void *qh, struct timeval *timeout,
		    size_t *bytes, int *error, int *dnssec)
{
	struct dkimv_dns *dns = srv;
	struct dkimv_dns_query *q = qh;

	if (dns == NULL || q == NULL)
		return DKIM_DNS_ERROR;
	if (!q->done) {
		struct dns_answer *a = resolver_lookup(dns->resolver, q->name,
						       q->type, wait_ms(dns, timeout));

		q->status = reply_status(q, a);
		q->done = 1;
		dns_answer_unref(&a);
	}
	if (bytes != NULL)
		*bytes = q->status == DKIM_DNS_SUCCESS ? q->len : 0;
	if (error != NULL)
		*error = 0;
	if (dnssec != NULL)
		*dnssec = DKIM_DNSSEC_UNKNOWN;
	return q->status;
}

int
dkimv_dns_cancel(void *srv, void *qh)
{
	(void)srv;
	free(qh);
	return 0;
}
