/*
 * dns_answer - typed three-state DNS results (see dns_answer.h).
 *
 * An answer is one allocation for the header and record array plus one per
 * record's data; it is frozen before anyone else sees it.
 *
 * Thread-safety: immutable after construction; the reference count is
 * atomic, so answers may be shared between the cache and any thread.
 */
#include "dns_answer.h"
#include "dns_name.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define DNS_HEADER_LEN 12
#define DNS_CLASS_IN 1
#define DNS_TYPE_SOA 6

struct answer_impl {
	struct dns_answer pub;
	atomic_int refs;
	int immortal;		/* the static out-of-memory answer */
	struct dns_record recs[];
};

static struct answer_impl oom_answer = {
	.pub = { .status = DNS_STATUS_TEMPFAIL, .reason = "out-of-memory" },
	.immortal = 1,
};

struct dns_answer *
dns_answer_oom(void)
{
	return &oom_answer.pub;
}

const char *
dns_answer_type_name(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_A: return "A";
	case DNS_TYPE_PTR: return "PTR";
	case DNS_TYPE_MX: return "MX";
	case DNS_TYPE_TXT: return "TXT";
	case DNS_TYPE_AAAA: return "AAAA";
	default: return NULL;
	}
}

int
dns_answer_type_supported(uint16_t type)
{
	return dns_answer_type_name(type) != NULL;
}

const char *
dns_answer_status_name(enum dns_status status)
{
	switch (status) {
	case DNS_STATUS_ANSWER: return "answer";
	case DNS_STATUS_NXDOMAIN: return "nxdomain";
	case DNS_STATUS_NODATA: return "nodata";
	case DNS_STATUS_TEMPFAIL: return "tempfail";
	}
	return "unknown";
}

/* answer_alloc - header plus room for count records, one reference */
static struct answer_impl *
answer_alloc(uint16_t qtype, enum dns_status status, size_t count)
{
	struct answer_impl *a = calloc(1, sizeof(*a) + count * sizeof(a->recs[0]));

	if (a == NULL)
		return NULL;
	atomic_init(&a->refs, 1);
	a->pub.status = status;
	a->pub.type = qtype;
	a->pub.records = a->recs;
	return a;
}

struct dns_answer *
dns_answer_tempfail(uint16_t qtype, const char *reason)
{
	struct answer_impl *a = answer_alloc(qtype, DNS_STATUS_TEMPFAIL, 0);

	if (a == NULL)
		return NULL;
	a->pub.reason = reason;
	return &a->pub;
}

struct dns_answer *
dns_answer_negative(uint16_t qtype, enum dns_status status, uint32_t ttl)
{
	struct answer_impl *a = answer_alloc(qtype, status, 0);

	if (a == NULL)
		return NULL;
	a->pub.ttl = ttl;
	return &a->pub;
}

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* rr_header - parse name/type/class/ttl/rdlength; offset moves to rdata */
struct rr_header {
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata, rdlen;
};

static int
rr_header_parse(const unsigned char *pkt, size_t len, size_t *off,
		struct rr_header *rr)
{
	if (dns_name_skip(pkt, len, off) < 0 || *off + 10 > len)
		return -1;
	rr->type = get16(pkt + *off);
	rr->class = get16(pkt + *off + 2);
	rr->ttl = get32(pkt + *off + 4);
	if (rr->ttl > 0x7fffffffU)	/* RFC 2181 8: treat as zero */
		rr->ttl = 0;
	rr->rdlen = get16(pkt + *off + 8);
	rr->rdata = *off + 10;
	if (rr->rdata + rr->rdlen > len)
		return -1;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

/* record_data - decode one rdata into a freshly allocated buffer */
static int
record_data(const unsigned char *pkt, size_t len, const struct rr_header *rr,
	    struct dns_record *rec)
{
	char name[DNS_NAME_BUFSIZE];
	unsigned char *buf;
	size_t off = rr->rdata;

	switch (rr->type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		if (rr->rdlen != (rr->type == DNS_TYPE_A ? 4u : 16u))
			return -1;
		if ((buf = malloc(rr->rdlen + 1)) == NULL)
			return -1;
		memcpy(buf, pkt + rr->rdata, rr->rdlen);
		rec->len = rr->rdlen;
		break;
	case DNS_TYPE_MX:
		if (rr->rdlen < 3)
			return -1;
		rec->preference = get16(pkt + off);
		off += 2;
		/* FALLTHROUGH */
	case DNS_TYPE_PTR:
		if (dns_name_from_wire(pkt, len, &off, name, sizeof(name)) < 0
		    || off != rr->rdata + rr->rdlen)
			return -1;
		rec->len = strlen(name);
		if ((buf = malloc(rec->len + 1)) == NULL)
			return -1;
		memcpy(buf, name, rec->len);
		break;
	case DNS_TYPE_TXT:
		if ((buf = malloc(rr->rdlen + 1)) == NULL)
			return -1;
		rec->len = 0;
		while (off < rr->rdata + rr->rdlen) {
			size_t n = pkt[off++];

			if (off + n > rr->rdata + rr->rdlen) {
				free(buf);
				return -1;
			}
			memcpy(buf + rec->len, pkt + off, n);
			rec->len += n;
			off += n;
		}
		break;
	default:
		return -1;
	}
	buf[rec->len] = '\0';
	rec->data = buf;
	return 0;
}

/* negative_ttl - RFC 2308 5: min(SOA TTL, SOA MINIMUM) from authority */
static uint32_t
negative_ttl(const unsigned char *pkt, size_t len, size_t off, unsigned nscount)
{
	struct rr_header rr;

	for (unsigned i = 0; i < nscount; i++) {
		if (rr_header_parse(pkt, len, &off, &rr) < 0)
			return 0;
		if (rr.type == DNS_TYPE_SOA && rr.rdlen >= 22) {
			size_t p = rr.rdata;

			if (dns_name_skip(pkt, len, &p) < 0 || dns_name_skip(pkt, len, &p) < 0
			    || p + 20 > rr.rdata + rr.rdlen)
				return 0;
			uint32_t minimum = get32(pkt + p + 16);

			return minimum < rr.ttl ? minimum : rr.ttl;
		}
	}
	return 0;
}

static const char *
rcode_reason(unsigned rcode)
{
	switch (rcode) {
	case 1: return "formerr";
	case 2: return "servfail";
	case 4: return "notimp";
	case 5: return "refused";
	default: return "bad-rcode";
	}
}

struct dns_answer *
dns_answer_from_wire(const unsigned char *pkt, size_t len, uint16_t qtype)
{
	struct answer_impl *a;
	struct rr_header rr;
	size_t off = DNS_HEADER_LEN;
	size_t matches = 0;

	if (len < DNS_HEADER_LEN)
		return dns_answer_tempfail(qtype, "malformed-reply");
	unsigned rcode = pkt[3] & 0x0f;
	unsigned qdcount = get16(pkt + 4), ancount = get16(pkt + 6);
	unsigned nscount = get16(pkt + 8);

	if (rcode != 0 && rcode != 3)
		return dns_answer_tempfail(qtype, rcode_reason(rcode));
	for (unsigned i = 0; i < qdcount; i++) {
		if (dns_name_skip(pkt, len, &off) < 0 || (off += 4) > len)
			return dns_answer_tempfail(qtype, "malformed-reply");
	}
	size_t answers = off;

	for (unsigned i = 0; i < ancount; i++) {
		if (rr_header_parse(pkt, len, &off, &rr) < 0)
			return dns_answer_tempfail(qtype, "malformed-reply");
		if (rr.type == qtype && rr.class == DNS_CLASS_IN)
			matches++;
	}
	if (rcode == 3)
		return dns_answer_negative(qtype, DNS_STATUS_NXDOMAIN,
					   negative_ttl(pkt, len, off, nscount));
	if (matches == 0) {
		if (pkt[2] & 0x02)	/* TC with nothing usable */
			return dns_answer_tempfail(qtype, "truncated");
		return dns_answer_negative(qtype, DNS_STATUS_NODATA,
					   negative_ttl(pkt, len, off, nscount));
	}
	if ((a = answer_alloc(qtype, DNS_STATUS_ANSWER, matches)) == NULL)
		return NULL;
	a->pub.ttl = UINT32_MAX;
	off = answers;
	for (unsigned i = 0; i < ancount; i++) {
		rr_header_parse(pkt, len, &off, &rr);	/* checked above */
		if (rr.type != qtype || rr.class != DNS_CLASS_IN)
			continue;
		if (record_data(pkt, len, &rr, &a->recs[a->pub.count]) < 0) {
			struct dns_answer *bad = &a->pub;

			dns_answer_unref(&bad);
			return dns_answer_tempfail(qtype, "malformed-reply");
		}
		a->pub.count++;
		if (rr.ttl < a->pub.ttl)
			a->pub.ttl = rr.ttl;
	}
	return &a->pub;
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* rdata_to_wire - encode one record's rdata at out; returns length or 0 */
static size_t
rdata_to_wire(uint16_t type, const struct dns_record *rec, unsigned char *out,
	      size_t size)
{
	size_t pos = 0, n;

	switch (type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		if (rec->len > size)
			return 0;
		memcpy(out, rec->data, rec->len);
		return rec->len;
	case DNS_TYPE_MX:
		if (size < 2)
			return 0;
		put16(out, rec->preference);
		n = dns_name_to_wire((const char *)rec->data, out + 2, size - 2);
		return n == 0 ? 0 : n + 2;
	case DNS_TYPE_PTR:
		return dns_name_to_wire((const char *)rec->data, out, size);
	case DNS_TYPE_TXT:
		/* split into character-strings of at most 255 octets */
		do {
			n = rec->len - pos > 255 ? 255 : rec->len - pos;
			if (pos + n + 1 + pos / 255 > size)
				return 0;
			out[pos + pos / 255] = (unsigned char)n;
			memcpy(out + pos + pos / 255 + 1, rec->data + pos, n);
			pos += n;
		} while (pos < rec->len);
		return rec->len + (rec->len == 0 ? 1 : (rec->len + 254) / 255);
	}
	return 0;
}

size_t
dns_answer_to_wire(const struct dns_answer *answer, const char *qname,
		   unsigned char *buf, size_t size)
{
	size_t pos = DNS_HEADER_LEN, n;
	unsigned rcode = 0;

	if (size < DNS_HEADER_LEN + 4)
		return 0;
	memset(buf, 0, DNS_HEADER_LEN);
	if (answer->status == DNS_STATUS_NXDOMAIN)
		rcode = 3;
	else if (answer->status == DNS_STATUS_TEMPFAIL)
		rcode = 2;
	buf[2] = 0x81;		/* QR, RD */
	buf[3] = (unsigned char)(0x80 | rcode);	/* RA */
	put16(buf + 4, 1);
	if ((n = dns_name_to_wire(qname, buf + pos, size - pos - 4)) == 0)
		return 0;
	pos += n;
	put16(buf + pos, answer->type);
	put16(buf + pos + 2, DNS_CLASS_IN);
	pos += 4;
	if (answer->status != DNS_STATUS_ANSWER)
		return pos;
	for (size_t i = 0; i < answer->count; i++) {
		if (pos + 12 > size)
			return 0;
		put16(buf + pos, 0xc000 | DNS_HEADER_LEN);	/* the question's name */
		put16(buf + pos + 2, answer->type);
		put16(buf + pos + 4, DNS_CLASS_IN);
		put16(buf + pos + 6, (uint16_t)(answer->ttl >> 16));
		put16(buf + pos + 8, (uint16_t)answer->ttl);
		n = rdata_to_wire(answer->type, &answer->records[i], buf + pos + 12,
				  size - pos - 12);
		if (n == 0 || n > 0xffff)
			return 0;
		put16(buf + pos + 10, (uint16_t)n);
		pos += 12 + n;
	}
	put16(buf + 6, (uint16_t)answer->count);
	return pos;
}

struct dns_answer *
dns_answer_ref(struct dns_answer *answer)
{
	struct answer_impl *a = (struct answer_impl *)answer;

	if (a->immortal)
		return answer;
	atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
	return answer;
}

void
dns_answer_unref(struct dns_answer **answer)
{
	struct answer_impl *a = (struct answer_impl *)*answer;

	if (a == NULL)
		return;
	*answer = NULL;
	if (a->immortal)
		return;
	if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < a->pub.count; i++)
		free((void *)a->recs[i].data);
	free(a);
}
