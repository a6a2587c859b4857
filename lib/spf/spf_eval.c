/*
 * spf_eval - SPF results on libspf2 with our DNS layer (see spf_eval.h).
 *
 * Each identity check gets a fresh SPF_server_t over a fresh spf_dns
 * layer: libspf2's lookup hook has no per-request argument, and a server
 * with its layer costs about 2 us to make and free, against tens of
 * microseconds for one cached look-up. So nothing is shared between
 * checks but the resolver and libspf2's message handlers.
 *
 * Thread-safety: see spf_eval.h. The only mutable static is the
 * pthread_once guard for libspf2's handlers.
 */
#include "spf_eval.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <spf2/spf.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_name.h"
#include "resolver.h"
#include "spf_dns.h"

#define LOCAL_PART_MAX 64	/* RFC 5321 4.5.3.1.1 */

struct spf_eval {
	struct resolver *resolver;
};

/* One check_host() run: its result and what the DNS layer counted. */
struct check {
	enum spf_eval_result result;
	char problem[256];
	struct spf_dns_counts counts;
};

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void quiet_error(const char *file, int line, const char *msg)
	__attribute__((noreturn));

/* quiet_error - libspf2 aborts after this anyway; do it without printing */
static void
quiet_error(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
	abort();
}

/* quiet - libspf2 warnings, info and debug text go nowhere */
static void
quiet(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
}

/* install_handlers - libspf2's process-wide handlers, once */
static void
install_handlers(void)
{
	SPF_error_handler = quiet_error;
	SPF_warning_handler = quiet;
	SPF_info_handler = quiet;
	SPF_debug_handler = quiet;
}

const char *
spf_eval_result_name(enum spf_eval_result result)
{
	static const char *const names[] = {
		[SPF_EVAL_NONE] = "none",
		[SPF_EVAL_NEUTRAL] = "neutral",
		[SPF_EVAL_PASS] = "pass",
		[SPF_EVAL_FAIL] = "fail",
		[SPF_EVAL_SOFTFAIL] = "softfail",
		[SPF_EVAL_TEMPERROR] = "temperror",
		[SPF_EVAL_PERMERROR] = "permerror",
	};

	if ((unsigned)result >= sizeof(names) / sizeof(names[0]))
		return "permerror";
	return names[result];
}

struct spf_eval *
spf_eval_new(struct resolver *resolver, const char **error_r)
{
	struct spf_eval *ev;

	pthread_once(&handlers_once, install_handlers);
	if ((ev = calloc(1, sizeof(*ev))) == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	ev->resolver = resolver;
	return ev;
}

void
spf_eval_free(struct spf_eval **evaluator)
{
	free(*evaluator);
	*evaluator = NULL;
}

/* copy_text - printable ASCII copy of untrusted text, '?' for the rest */
static void
copy_text(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* macro_safe - whether text may reach libspf2's macro expander */
static int
macro_safe(const char *s, size_t len, size_t max)
{
	if (s == NULL || len == 0 || len > max)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * identity_domain - the lowercase form of a domain to check, or -1 when it
 * is malformed in RFC 7208 4.3's sense (the result is then none).
 */
static int
identity_domain(const char *name, char *out, size_t size)
{
	const char *error;

	if (name == NULL || dns_name_normalize(name, out, size, &error) < 0
	    || strchr(out, '.') == NULL)
		return -1;
	for (const char *p = out; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return -1;
	return 0;
}

/* parse_client - the client address; ::ffff:a.b.c.d becomes IPv4 */
static int
parse_client(const char *ip, struct spf_rewrite_client *c)
{
	if (ip == NULL)
		return -1;
	if (inet_pton(AF_INET, ip, &c->v4) == 1) {
		c->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &c->v6) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&c->v6)) {
		memcpy(&c->v4, &c->v6.s6_addr[12], sizeof(c->v4));
		c->family = AF_INET;
	} else
		c->family = AF_INET6;
	return 0;
}

/* first_error - libspf2's first error text, else its text for err */
static const char *
first_error(SPF_response_t *response, SPF_errcode_t err)
{
	for (int i = 0; i < SPF_response_messages(response); i++) {
		SPF_error_t *e = SPF_response_message(response, i);

		if (SPF_error_errorp(e) && SPF_error_message(e) != NULL)
			return SPF_error_message(e);
	}
	return SPF_strerror(err);
}

/* set_result - a check's result and the reason, made printable */
static void
set_result(struct check *c, enum spf_eval_result result, const char *problem)
{
	c->result = result;
	copy_text(c->problem, sizeof(c->problem), problem);
}

/* map_result - our result from libspf2's, the layer's verdict first */
static void
map_result(const struct spf_dns_layer *layer, SPF_response_t *response,
	   SPF_errcode_t err, struct check *c)
{
	const char *why;

	if (err == SPF_E_SUCCESS)
		err = SPF_response_errcode(response);
	switch (spf_dns_layer_stop(layer, &why)) {
	case SPF_DNS_GO:
		break;
	case SPF_DNS_STOP_TIMEOUT:
	case SPF_DNS_STOP_MEMORY:
		set_result(c, SPF_EVAL_TEMPERROR, why);
		return;
	default:
		set_result(c, SPF_EVAL_PERMERROR, why);
		return;
	}
	switch (SPF_response_result(response)) {
	case SPF_RESULT_PASS:
		set_result(c, SPF_EVAL_PASS, "");
		return;
	case SPF_RESULT_FAIL:
		set_result(c, SPF_EVAL_FAIL, "");
		return;
	case SPF_RESULT_SOFTFAIL:
		set_result(c, SPF_EVAL_SOFTFAIL, "");
		return;
	case SPF_RESULT_NEUTRAL:
		set_result(c, SPF_EVAL_NEUTRAL, "");
		return;
	case SPF_RESULT_NONE:
		set_result(c, SPF_EVAL_NONE, "");
		return;
	case SPF_RESULT_TEMPERROR:
		set_result(c, SPF_EVAL_TEMPERROR, first_error(response, err));
		return;
	case SPF_RESULT_PERMERROR:
		set_result(c, SPF_EVAL_PERMERROR, first_error(response, err));
		return;
	case SPF_RESULT_INVALID:
	default:
		break;
	}
	/* "invalid": libspf2 gave up before evaluating the record */
	if (err == SPF_E_DNS_ERROR || err == SPF_E_NO_MEMORY)
		set_result(c, SPF_EVAL_TEMPERROR, first_error(response, err));
	else if (err == SPF_E_NOT_SPF && c->counts.top_records != 1)
		set_result(c, SPF_EVAL_NONE, "");
	else	/* the one SPF record found did not compile */
		set_result(c, SPF_EVAL_PERMERROR, first_error(response, err));
}

/*
 * check_identity - check_host() for sender ("local@domain") from this
 * client. Returns 0, or -1 when memory ran out (c says temperror).
 */
static int
check_identity(const struct spf_eval *ev, const struct spf_rewrite_client *client,
	       const char *sender, const char *helo, const char *receiver,
	       unsigned unsafe, uint64_t deadline_ms, struct check *c)
{
	struct spf_dns_layer *layer;
	SPF_server_t *server = NULL;
	SPF_request_t *request = NULL;
	SPF_response_t *response = NULL, *setup = NULL;
	SPF_errcode_t err;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if ((layer = spf_dns_layer_new(ev->resolver, deadline_ms, unsafe, client)) == NULL
	    || (server = SPF_server_new_dns(spf_dns_layer_server(layer), 0)) == NULL)
		goto out;
	/* Plain text: libspf2's default explanation expands %{s} itself. */
	if (SPF_server_set_rec_dom(server, receiver) != SPF_E_SUCCESS
	    || SPF_server_set_explanation(server, "SPF check failed", &setup) != SPF_E_SUCCESS
	    || (request = SPF_request_new(server)) == NULL)
		goto out;
	if (client->family == AF_INET)
		err = SPF_request_set_ipv4(request, client->v4);
	else
		err = SPF_request_set_ipv6(request, client->v6);
	if (err != SPF_E_SUCCESS
	    || (helo != NULL && SPF_request_set_helo_dom(request, helo) != SPF_E_SUCCESS)
	    || SPF_request_set_env_from(request, sender) != SPF_E_SUCCESS)
		goto out;
	err = SPF_request_query_mailfrom(request, &response);
	if (response == NULL)
		goto out;
	spf_dns_layer_counts(layer, &c->counts);
	map_result(layer, response, err, c);
	rc = 0;
out:
	if (rc < 0)
		set_result(c, SPF_EVAL_TEMPERROR, "out of memory");
	if (response != NULL)
		SPF_response_free(response);
	if (setup != NULL)
		SPF_response_free(setup);
	if (request != NULL)
		SPF_request_free(request);
	if (server != NULL)
		SPF_server_free(server);
	spf_dns_layer_free(&layer);
	return rc;
}

/* take_check - report this check as the outcome's identity */
static void
take_check(struct spf_eval_outcome *out, const struct check *c)
{
	out->result = c->result;
	memcpy(out->problem, c->problem, sizeof(out->problem));
	out->dns_terms = c->counts.terms;
	out->void_lookups = c->counts.voids;
	out->dns_queries = c->counts.queries;
}

int
spf_eval_check(const struct spf_eval *ev, const struct spf_eval_request *req,
	     struct spf_eval_outcome *out)
{
	char helo[DNS_NAME_MAX + 1], domain[DNS_NAME_MAX + 1];
	char sender[LOCAL_PART_MAX + 1 + DNS_NAME_MAX + 1];
	const char *from = req->mail_from, *at, *local = "postmaster";
	const char *helo_macro = NULL;
	const char *receiver = req->receiver != NULL && *req->receiver != '\0'
	    ? req->receiver : "localhost";
	size_t local_len = strlen(local);
	unsigned unsafe = 0;
	struct spf_rewrite_client client;
	struct check c;
	uint64_t deadline;
	int helo_ok, rc;

	memset(out, 0, sizeof(*out));
	out->result = out->helo_result = SPF_EVAL_NONE;
	out->identity = "mailfrom";
	if (parse_client(req->client_ip, &client) < 0) {
		out->result = SPF_EVAL_TEMPERROR;
		copy_text(out->problem, sizeof(out->problem), "client address is not an IP address");
		return -1;
	}
	deadline = spf_dns_now_ms()
	    + (req->timeout_ms != 0 ? req->timeout_ms : SPF_EVAL_DEFAULT_TIMEOUT_MS);
	if (req->helo != NULL && macro_safe(req->helo, strlen(req->helo), DNS_NAME_MAX))
		helo_macro = req->helo;
	else
		unsafe |= SPF_DNS_UNSAFE_HELO;
	helo_ok = identity_domain(req->helo, helo, sizeof(helo)) == 0;

	if (from == NULL || *from == '\0') {
		/* RFC 7208 2.4: the null sender is checked as postmaster@HELO */
		out->identity = "helo";
		copy_text(out->domain, sizeof(out->domain), helo_ok ? helo : req->helo);
		if (!helo_ok)
			return 0;
		snprintf(sender, sizeof(sender), "postmaster@%s", helo);
		rc = check_identity(ev, &client, sender, helo_macro, receiver, 0,
				    deadline, &c);
		take_check(out, &c);
		out->helo_result = out->result;
		return rc;
	}

	at = strrchr(from, '@');
	if (identity_domain(at != NULL ? at + 1 : from, domain, sizeof(domain)) < 0) {
		copy_text(out->domain, sizeof(out->domain), at != NULL ? at + 1 : from);
		return 0;
	}
	copy_text(out->domain, sizeof(out->domain), domain);
	if (at != NULL && at != from) {
		if (macro_safe(from, (size_t)(at - from), LOCAL_PART_MAX)) {
			local = from;
			local_len = (size_t)(at - from);
		} else
			unsafe |= SPF_DNS_UNSAFE_LOCAL;	/* "postmaster" stands in */
	}
	snprintf(sender, sizeof(sender), "%.*s@%s", (int)local_len, local, domain);
	rc = check_identity(ev, &client, sender, helo_macro, receiver, unsafe,
			    deadline, &c);
	take_check(out, &c);
	if (rc == 0 && req->check_helo && helo_ok) {
		snprintf(sender, sizeof(sender), "postmaster@%s", helo);
		rc = check_identity(ev, &client, sender, helo_macro, receiver, 0,
				    deadline, &c);
		out->helo_result = c.result;
	}
	return rc;
}
