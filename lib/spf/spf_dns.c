/*
 * spf_dns - libspf2's DNS layer over our resolver (see spf_dns.h).
 *
 * Which look-ups are terms: libspf2 1.2.10 asks in a fixed pattern. The
 * first TXT query of a check fetches the checked domain's record; later
 * TXT queries fetch include/redirect targets (terms). MX queries are
 * "mx" terms; PTR queries are "ptr" terms when libspf2 asks with
 * should_cache set and the %{p} macro's validation otherwise (no term).
 * Address queries are "a" terms (should_cache set) or "exists" terms (not
 * set), except those for the names of the MX or PTR answer just before
 * them, in that answer's order, which belong to that term. So the layer
 * remembers the last MX/ptr answer and the last %{p} answer and ticks
 * their names off as libspf2 asks for them. One pattern is miscounted: an
 * "a" term for the very name an "mx" term would have looked up next, right
 * after that term matched early with a "-" qualifier inside an include,
 * counts as part of it. That under-counts by at most ten look-ups per
 * MX/PTR answer, each of which was itself a term.
 *
 * Thread-safety: see spf_dns.h; the only static data is constant.
 */
#include "spf_dns.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <spf2/spf.h>

#include <sys/random.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dns_answer.h"
#include "dns_name.h"
#include "resolver.h"
#include "spf_record.h"
#include "spf_screen.h"

enum kind {
	KIND_RECORD,	/* the checked domain's own record */
	KIND_TERM,	/* a DNS-querying term */
	KIND_PART,	/* an address look-up for an MX/PTR name */
	KIND_MACRO,	/* the %{p} macro's PTR look-up */
};

/* The names of one MX/PTR answer, ticked off as libspf2 looks them up. */
struct expect {
	struct dns_answer *answer;
	size_t next, count;
	int ptr;		/* a PTR answer: failed names are skipped */
};

struct spf_dns_layer {
	SPF_dns_server_t server;
	struct resolver *resolver;
	uint64_t deadline_ms;
	unsigned unsafe;
	int record_fetched;
	struct spf_dns_counts counts;
	enum spf_dns_stop stop;
	const char *problem;
	struct expect mech;	/* names of an "mx" or "ptr" term */
	struct expect macro;	/* names of the %{p} macro's PTR answer */
	int part_of_ptr;	/* the last KIND_PART was for a "ptr" term */
	struct spf_rewrite_client client;
	char marker[24];	/* "_dg0-" and 16 random hex digits */
	size_t marker_len;
};

static const char explanation[] = "SPF check failed";

/* spf_dns_now_ms - CLOCK_MONOTONIC in milliseconds */
uint64_t
spf_dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* expect_set - await the first `limit` names of an MX/PTR answer, if any */
static void
expect_set(struct expect *e, struct dns_answer *answer, size_t limit)
{
	dns_answer_unref(&e->answer);
	e->next = e->count = 0;
	if (answer->status != DNS_STATUS_ANSWER)
		return;
	e->answer = dns_answer_ref(answer);
	e->count = answer->count < limit ? answer->count : limit;
	e->ptr = answer->type == DNS_TYPE_PTR;
}

/* expect_take - whether name is the next name awaited; ticks it off */
static int
expect_take(struct expect *e, const char *name)
{
	if (e->answer != NULL && e->next < e->count
	    && strcasecmp(name, (const char *)e->answer->records[e->next].data) == 0) {
		e->next++;
		return 1;
	}
	dns_answer_unref(&e->answer);
	e->next = e->count = 0;
	return 0;
}

/* classify - what libspf2 is asking for (see the file header) */
static enum kind
classify(struct spf_dns_layer *l, const char *name, ns_type type, int should_cache)
{
	switch (type) {
	case ns_t_txt:
		if (l->record_fetched)
			return KIND_TERM;
		l->record_fetched = 1;
		return KIND_RECORD;
	case ns_t_ptr:
		return should_cache ? KIND_TERM : KIND_MACRO;
	case ns_t_a:
	case ns_t_aaaa:
		if (!expect_take(should_cache ? &l->mech : &l->macro, name))
			return KIND_TERM;
		l->part_of_ptr = !should_cache || l->mech.ptr;
		return KIND_PART;
	default:
		return KIND_TERM;
	}
}

/* rr_status - an answer without records; NULL only without memory */
static SPF_dns_rr_t *
rr_status(struct spf_dns_layer *l, const char *name, ns_type type, int herrno)
{
	return SPF_dns_rr_new_init(&l->server, name, type, 0, herrno);
}

/* stop - remember why the check ends and make libspf2 stop with it */
static SPF_dns_rr_t *
stop(struct spf_dns_layer *l, const char *name, ns_type type,
     enum spf_dns_stop why, const char *problem)
{
	if (l->stop == SPF_DNS_GO) {
		l->stop = why;
		l->problem = problem;
	}
	return rr_status(l, name, type, TRY_AGAIN);
}

/* add_data - append one record's bytes (plus extra zeroed bytes) as rr[n] */
static int
add_data(SPF_dns_rr_t *rr, int n, const void *data, size_t len, size_t extra)
{
	if (SPF_dns_rr_buf_realloc(rr, n, len + extra + 1) != SPF_E_SUCCESS)
		return -1;
	memset(rr->rr[n], 0, len + extra + 1);
	memcpy(rr->rr[n], data, len);
	return 0;
}

/*
 * add_spf - check an SPF record and add it as libspf2 should see it.
 * Returns 0, or -1 with *refusal set (a refused record) or not (memory).
 */
static int
add_spf(struct spf_dns_layer *l, SPF_dns_rr_t *rr, int n,
	const unsigned char *data, size_t len, const char **refusal)
{
	struct spf_record *record = NULL;
	char *text = NULL;
	long text_len;
	int rc;

	if ((*refusal = spf_screen_refusal(data, len, l->unsafe)) != NULL)
		return -1;
	if ((rc = spf_record_parse((const char *)data, len, &record, refusal)) < 0) {
		if (rc == -2)
			*refusal = NULL;
		return -1;
	}
	text_len = spf_rewrite(record, &l->client, l->marker, &text);
	spf_record_free(&record);
	if (text_len < 0)
		return -1;
	if ((*refusal = spf_screen_refusal((unsigned char *)text, (size_t)text_len, l->unsafe)) != NULL
	    || add_data(rr, n, text, (size_t)text_len, 0) < 0) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/*
 * add_marked - an answer to a look-up under the marker: an MX answer's
 * names carry the marker again, a non-empty address set becomes the
 * client's address. Returns the number of records, or -1 (memory).
 */
static int
add_marked(struct spf_dns_layer *l, SPF_dns_rr_t *rr, const struct dns_answer *a)
{
	char name[DNS_NAME_MAX + 2];
	int n = 0;

	if (a->type == DNS_TYPE_A || a->type == DNS_TYPE_AAAA) {
		if (a->count == 0)
			return 0;
		if (a->type == DNS_TYPE_A)
			return add_data(rr, 0, &l->client.v4, sizeof(l->client.v4), 0) < 0 ? -1 : 1;
		return add_data(rr, 0, &l->client.v6, sizeof(l->client.v6), 0) < 0 ? -1 : 1;
	}
	for (size_t i = 0; i < a->count; i++) {
		const char *target = (const char *)a->records[i].data;
		int len = snprintf(name, sizeof(name), "%s.%s", l->marker, target);

		if (len < 0 || (size_t)len > DNS_NAME_MAX)
			snprintf(name, sizeof(name), "%s", target);
		if (add_data(rr, n++, name, strlen(name), 0) < 0)
			return -1;
	}
	return n;
}

/*
 * add_records - fill rr from a positive answer. Returns the number of
 * records, or -1 with *refusal set (a refused record) or not (memory).
 */
static int
add_records(struct spf_dns_layer *l, SPF_dns_rr_t *rr, enum kind kind,
	    const struct dns_answer *a, const char **refusal)
{
	int n = 0, spf = 0;

	*refusal = NULL;
	for (size_t i = 0; i < a->count; i++) {
		const struct dns_record *r = &a->records[i];

		if (a->type == DNS_TYPE_A && r->len != sizeof(struct in_addr))
			continue;
		if (a->type == DNS_TYPE_AAAA && r->len != sizeof(struct in6_addr))
			continue;
		if (a->type == DNS_TYPE_PTR && n == SPF_DNS_MAX_PTR_NAMES)
			break;
		if (a->type == DNS_TYPE_TXT) {
			if (!spf_screen_is_spf(r->data, r->len))
				continue;
			spf++;
			if (*refusal != NULL)
				continue;
			if (add_spf(l, rr, n, r->data, r->len, refusal) < 0) {
				if (*refusal == NULL)
					return -1;
				continue;
			}
			n++;
			continue;
		}
		if (add_data(rr, n, r->data, r->len, 0) < 0)
			return -1;
		n++;
	}
	if (kind == KIND_RECORD)
		l->counts.top_records = spf;
	return *refusal != NULL ? -1 : n;
}

/* to_rr - libspf2's form of an answer */
static SPF_dns_rr_t *
to_rr(struct spf_dns_layer *l, const char *name, ns_type type, enum kind kind,
      int marked, const struct dns_answer *a)
{
	static const int herrno[] = {
		[DNS_STATUS_ANSWER] = NETDB_SUCCESS,
		[DNS_STATUS_NXDOMAIN] = HOST_NOT_FOUND,
		[DNS_STATUS_NODATA] = NO_DATA,
		[DNS_STATUS_TEMPFAIL] = TRY_AGAIN,
	};
	int ttl = a->ttl > INT_MAX ? INT_MAX : (int)a->ttl;
	SPF_dns_rr_t *rr = SPF_dns_rr_new_init(&l->server, name, type, ttl,
					       herrno[a->status]);
	const char *refusal;
	int n;

	if (rr == NULL || a->status != DNS_STATUS_ANSWER)
		return rr;
	if (marked && type != ns_t_txt && type != ns_t_ptr) {
		if ((n = add_marked(l, rr, a)) < 0) {
			SPF_dns_rr_free(rr);
			return stop(l, name, type, SPF_DNS_STOP_MEMORY, "out of memory");
		}
	} else if ((n = add_records(l, rr, kind, a, &refusal)) < 0) {
		SPF_dns_rr_free(rr);
		if (refusal != NULL)
			return stop(l, name, type, SPF_DNS_STOP_RECORD, refusal);
		return stop(l, name, type, SPF_DNS_STOP_MEMORY, "out of memory");
	}
	rr->num_rr = n;
	if (n == 0)
		rr->herrno = NO_DATA;
	return rr;
}

/* shorten - drop labels on the left until at most 253 characters remain */
static const char *
shorten(const char *name)
{
	size_t len = strlen(name);
	const char *dot;

	if (len > 0 && name[len - 1] == '.')
		len--;
	while (len > DNS_NAME_MAX && (dot = memchr(name, '.', len)) != NULL) {
		len -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	return name;
}

/* layer_lookup - libspf2's lookup hook; never returns NULL but without memory */
static SPF_dns_rr_t *
layer_lookup(SPF_dns_server_t *server, const char *name, ns_type type,
	     int should_cache)
{
	struct spf_dns_layer *l = server->hook;
	const char *asked = name;
	struct dns_answer *a;
	SPF_dns_rr_t *rr;
	enum kind kind;
	uint64_t now;
	int marked = 0;

	if (l->stop != SPF_DNS_GO)
		return rr_status(l, name, type, TRY_AGAIN);
	if (strncasecmp(name, l->marker, l->marker_len) == 0 && name[l->marker_len] == '.') {
		marked = 1;	/* an a/0 or mx/0 term (spf_rewrite.h) */
		name += l->marker_len + 1;
	}
	if (type != ns_t_a && type != ns_t_aaaa && type != ns_t_mx
	    && type != ns_t_ptr && type != ns_t_txt)
		return rr_status(l, name, type, NO_DATA);	/* ns_t_spf (99) */
	kind = classify(l, name, type, should_cache);
	if (kind == KIND_TERM && ++l->counts.terms > SPF_DNS_MAX_TERMS)
		return stop(l, name, type, SPF_DNS_STOP_TERMS,
			    "more than 10 DNS-querying terms");
	if ((now = spf_dns_now_ms()) >= l->deadline_ms)
		return stop(l, name, type, SPF_DNS_STOP_TIMEOUT, "DNS time budget spent");
	if (++l->counts.queries > SPF_DNS_MAX_QUERIES)
		return stop(l, name, type, SPF_DNS_STOP_QUERIES, "too many DNS look-ups");

	a = resolver_lookup(l->resolver, shorten(name), (uint16_t)type,
			    (unsigned)(l->deadline_ms - now));
	/* The look-up had the rest of the budget: its timeout is ours. */
	if (a->status == DNS_STATUS_TEMPFAIL && (spf_dns_now_ms() >= l->deadline_ms
	    || (a->reason != NULL && strcmp(a->reason, "timeout") == 0))) {
		dns_answer_unref(&a);
		return stop(l, name, type, SPF_DNS_STOP_TIMEOUT, "DNS time budget spent");
	}
	if (kind == KIND_TERM && (a->status == DNS_STATUS_NXDOMAIN
				  || a->status == DNS_STATUS_NODATA)
	    && ++l->counts.voids > SPF_DNS_MAX_VOIDS) {
		dns_answer_unref(&a);
		return stop(l, name, type, SPF_DNS_STOP_VOIDS,
			    "more than 2 void DNS look-ups");
	}
	if (kind == KIND_PART && l->part_of_ptr && a->status == DNS_STATUS_TEMPFAIL) {
		dns_answer_unref(&a);	/* RFC 7208 5.5: skip that name */
		return rr_status(l, asked, type, NO_DATA);
	}
	if (type == ns_t_mx && kind == KIND_TERM && a->status == DNS_STATUS_ANSWER
	    && a->count > SPF_DNS_MAX_MX_NAMES) {
		dns_answer_unref(&a);
		return stop(l, asked, type, SPF_DNS_STOP_MX, "more than 10 MX names");
	}
	if (type == ns_t_mx || type == ns_t_ptr)
		expect_set(kind == KIND_MACRO ? &l->macro : &l->mech, a,
			   type == ns_t_mx ? SPF_DNS_MAX_MX_NAMES : SPF_DNS_MAX_PTR_NAMES);
	rr = to_rr(l, asked, type, kind, marked, a);
	dns_answer_unref(&a);
	return rr;
}

/* layer_get_exp - libspf2's explanation hook: fixed text, no look-up */
static SPF_errcode_t
layer_get_exp(SPF_server_t *server, const char *domain, char **buf, size_t *len)
{
	(void)server;
	(void)domain;
	if (*buf == NULL || *len < sizeof(explanation)) {
		char *p = realloc(*buf, sizeof(explanation));

		if (p == NULL)
			return SPF_E_NO_MEMORY;
		*buf = p;
		*len = sizeof(explanation);
	}
	memcpy(*buf, explanation, sizeof(explanation));
	return SPF_E_SUCCESS;
}

/* make_marker - a label no record or macro expansion can predict */
static void
make_marker(struct spf_dns_layer *l)
{
	unsigned long long r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned long long)spf_dns_now_ms() * 0x9e3779b97f4a7c15ULL
		    ^ (unsigned long long)(uintptr_t)l;
	snprintf(l->marker, sizeof(l->marker), "_dg0-%016llx", r);
	l->marker_len = strlen(l->marker);
}

struct spf_dns_layer *
spf_dns_layer_new(struct resolver *resolver, uint64_t deadline_ms, unsigned unsafe,
		  const struct spf_rewrite_client *client)
{
	struct spf_dns_layer *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->client = *client;
	make_marker(l);
	l->server.destroy = NULL;	/* we own it, not SPF_server_free */
	l->server.lookup = layer_lookup;
	l->server.get_exp = layer_get_exp;
	l->server.name = "dmarcguard";
	l->server.hook = l;
	l->resolver = resolver;
	l->deadline_ms = deadline_ms;
	l->unsafe = unsafe;
	l->counts.top_records = -1;
	return l;
}

void
spf_dns_layer_free(struct spf_dns_layer **layer)
{
	struct spf_dns_layer *l = *layer;

	if (l == NULL)
		return;
	dns_answer_unref(&l->mech.answer);
	dns_answer_unref(&l->macro.answer);
	free(l);
	*layer = NULL;
}

struct SPF_dns_server_struct *
spf_dns_layer_server(struct spf_dns_layer *layer)
{
	return &layer->server;
}

enum spf_dns_stop
spf_dns_layer_stop(const struct spf_dns_layer *layer, const char **problem_r)
{
	*problem_r = layer->problem != NULL ? layer->problem : "";
	return layer->stop;
}

void
spf_dns_layer_counts(const struct spf_dns_layer *layer, struct spf_dns_counts *counts)
{
	*counts = layer->counts;
}
