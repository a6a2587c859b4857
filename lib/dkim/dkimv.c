/*
 * dkimv - DKIM verification on libopendkim (see dkimv.h).
 *
 * libopendkim parses the signatures, fetches the keys, canonicalizes the
 * header and checks the cryptography, all by the end of the header. The
 * body goes to dkimv_bodycheck instead of dkim_body (libopendkim's octet by
 * octet body canonicalization was the largest cost of a signed message),
 * so dkim_eom is never called: dkimv_bodycheck tells what it would have
 * recorded. This file repairs line ends on the way in (only where a chunk
 * has a bare LF), caps the signatures to evaluate in the prescreen
 * callback, and hands each DKIM_SIGINFO with its body outcome to
 * dkimv_classify for its result.
 *
 * The guard field (DKIMV_GUARD_FIELD): libopendkim 2.11.0~beta2 writes one
 * pointer past a heap array when a signature's h= names every header field
 * it was given and then some more names (dkim_canon_selecthdrs,
 * libopendkim/dkim-canon.c: the array is allocated for dkim_hdrcnt fields
 * at line 1017, and line 1052 stores lhdrs[shcnt] = NULL before each h=
 * name, shcnt being the number of fields already selected). That NULL
 * lands on the next heap chunk: with glibc's allocator an odd number of
 * fields aborts the process, and ASan saw it as a bad free in dkim_eoh or
 * dkim_free (docs/security.md, Findings 4). dkimv_eoh therefore gives
 * libopendkim one more field after the message's own, whose name holds a
 * space: libopendkim deletes all white space from tag values, so no h=
 * name can select it, at most dkim_hdrcnt - 1 fields are ever selected,
 * and the store stays inside the array. A field h= cannot select is never
 * hashed, so no result changes.
 *
 * Library set-up: DKIM_LIBFLAGS_BADSIGHANDLES keeps malformed signatures in
 * the list (reported as neutral) and stops a message without From from
 * aborting verification; DKIM_OPTS_MINKEYBITS is min_rsa_bits (libopendkim
 * marks verified but short RSA keys); DKIM_OPTS_TIMEOUT 0 lets our own
 * per-look-up deadline (dkimv_dns) rule.
 *
 * Thread-safety: see dkimv.h; nothing here is static and mutable.
 */
#include "dkimv.h"
#include "header_name.h"
#include "dkimv_bodycheck.h"
#include "dkimv_classify.h"
#include "dkimv_dns.h"
#include "dns_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum state { ST_HEADERS, ST_BODY, ST_DONE, ST_FAILED };

struct dkimv_lib {
	DKIM_LIB *dkim;
	struct dkimv_dns *dns;
	struct dkimv_settings settings;
};

struct dkimv {
	struct dkimv_lib *lib;
	DKIM *dkim;
	enum state state;
	int unsigned_msg;	/* dkim_eoh found nothing to verify */
	size_t signature_fields;	/* DKIM-Signature fields seen */
	int prev_cr;		/* body: last octet given was CR */
	struct dkimv_bodycheck *body;	/* from end of headers */
	char *id;
	char *hbuf;		/* header field being rebuilt */
	size_t hsize;
	unsigned char *screen;	/* enum screen per signature, from prescreen */
	int nscreen;
	struct dkimv_signature *sigs;
	size_t nsigs;
	char error[256];
	unsigned char conv[8192];	/* body chunk with CRLF repaired */
};

void
dkimv_settings_init(struct dkimv_settings *settings)
{
	memset(settings, 0, sizeof(*settings));
	settings->max_signatures = 10;
	settings->min_rsa_bits = 1024;
}

const char *
dkimv_result_name(enum dkimv_result result)
{
	switch (result) {
	case DKIMV_PASS: return "pass";
	case DKIMV_FAIL: return "fail";
	case DKIMV_POLICY: return "policy";
	case DKIMV_NEUTRAL: return "neutral";
	case DKIMV_TEMPERROR: return "temperror";
	case DKIMV_PERMERROR: return "permerror";
	}
	return "none";
}

/*
 * refuse - remember the first error; the message cannot be evaluated.
 * st is libopendkim's status, or DKIM_STAT_OK for an error of our own.
 */
static int
refuse(struct dkimv *v, const char *what, DKIM_STAT st)
{
	if (v->state != ST_FAILED) {
		const char *detail = st == DKIM_STAT_OK ? NULL : dkim_geterror(v->dkim);
		const char *stat = st == DKIM_STAT_OK ? NULL : dkim_getresultstr(st);

		snprintf(v->error, sizeof(v->error), "%s%s%s%s%s", what,
			 stat != NULL ? ": " : "", stat != NULL ? stat : "",
			 detail != NULL ? ": " : "", detail != NULL ? detail : "");
		v->state = ST_FAILED;
	}
	return -1;
}

/* key_name_fits - libopendkim fails the whole message on a longer name */
static int
key_name_fits(DKIM_SIGINFO *sig)
{
	const unsigned char *s = dkim_sig_getselector(sig), *d = dkim_sig_getdomain(sig);

	return s == NULL || d == NULL || strlen((const char *)s)
	    + sizeof("." DKIM_DNSKEYNAME ".") - 1 + strlen((const char *)d) <= DNS_NAME_MAX;
}

/*
 * prescreen - libopendkim's callback at end of headers, before any key
 * look-up: a signature whose key name would be too long is not looked up
 * (libopendkim would fail the whole message on it). The number of
 * signatures is already capped as fields arrive (dkimv_header).
 */
static DKIM_CBSTAT
prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	struct dkimv *v = dkim_get_user_context(dkim);

	if (v == NULL || nsigs <= 0)
		return DKIM_CBSTAT_CONTINUE;
	free(v->screen);
	if ((v->screen = calloc((size_t)nsigs, 1)) == NULL)
		return DKIM_CBSTAT_ERROR;
	v->nscreen = nsigs;
	for (int i = 0; i < nsigs; i++) {
		if (dkim_sig_geterror(sigs[i]) != DKIM_SIGERROR_UNKNOWN
		    || key_name_fits(sigs[i]))
			continue;
		v->screen[i] = SCREEN_BADNAME;
		dkim_sig_ignore(sigs[i]);
	}
	return DKIM_CBSTAT_CONTINUE;
}

struct dkimv_lib *
dkimv_lib_new(struct resolver *resolver, const struct dkimv_settings *settings,
	      const char **error_r)
{
	struct dkimv_lib *lib;
	uint32_t flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	unsigned int timeout = 0, minbits;

	if (resolver == NULL) {
		*error_r = "dkim: no resolver";
		return NULL;
	}
	if ((lib = calloc(1, sizeof(*lib))) == NULL) {
		*error_r = "dkim: out of memory";
		return NULL;
	}
	if (settings != NULL)
		lib->settings = *settings;
	else
		dkimv_settings_init(&lib->settings);
	minbits = lib->settings.min_rsa_bits;
	*error_r = "dkim: dkim_init failed";
	if ((lib->dkim = dkim_init(NULL, NULL)) == NULL)
		goto err;
	*error_r = "dkim: libopendkim refused an option";
	if (dkim_options(lib->dkim, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
			 sizeof(flags)) != DKIM_STAT_OK
	    || dkim_options(lib->dkim, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS,
			    &minbits, sizeof(minbits)) != DKIM_STAT_OK
	    || dkim_options(lib->dkim, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT,
			    &timeout, sizeof(timeout)) != DKIM_STAT_OK
	    || dkim_set_prescreen(lib->dkim, prescreen) != DKIM_STAT_OK)
		goto err;
	*error_r = "dkim: libopendkim was built without SHA-256";
	if (!dkim_libfeature(lib->dkim, DKIM_FEATURE_SHA256))
		goto err;
	*error_r = "dkim: out of memory";
	if ((lib->dns = dkimv_dns_new(resolver, lib->settings.timeout_ms)) == NULL)
		goto err;
	dkimv_dns_install(lib->dns, lib->dkim);
	*error_r = NULL;
	return lib;
err:
	dkimv_lib_free(&lib);
	return NULL;
}

void
dkimv_lib_free(struct dkimv_lib **libp)
{
	struct dkimv_lib *lib = *libp;

	if (lib == NULL)
		return;
	if (lib->dkim != NULL)
		dkim_close(lib->dkim);	/* our close hook is unset: dns stays */
	dkimv_dns_free(&lib->dns);
	free(lib);
	*libp = NULL;
}

struct dkimv *
dkimv_new(struct dkimv_lib *lib, const char *id, const char **error_r)
{
	struct dkimv *v = calloc(1, sizeof(*v));
	DKIM_STAT st = DKIM_STAT_NORESOURCE;

	*error_r = "dkim: out of memory";
	if (v == NULL)
		return NULL;
	v->lib = lib;
	/* libopendkim keeps the id pointer: it must live as long as v */
	if ((v->id = strdup(id != NULL ? id : "")) == NULL
	    || (v->dkim = dkim_verify(lib->dkim, (const unsigned char *)v->id,
				      NULL, &st)) == NULL) {
		if (st != DKIM_STAT_NORESOURCE)
			*error_r = "dkim: dkim_verify failed";
		dkimv_free(&v);
		return NULL;
	}
	(void)dkim_set_user_context(v->dkim, v);
	*error_r = NULL;
	return v;
}

int
dkimv_header(struct dkimv *v, const char *name, const char *value,
	     size_t value_len)
{
	size_t namelen, need, n;
	DKIM_STAT st;

	if (v->state != ST_HEADERS)
		return refuse(v, "dkimv_header after end of headers", DKIM_STAT_OK);
	if (name == NULL || (value == NULL && value_len > 0))
		return refuse(v, "dkimv_header without name or value", DKIM_STAT_OK);
	/* past the cap a signature is counted, never parsed: see the top */
	if (header_name_is(name, "DKIM-Signature", 14)
	    && ++v->signature_fields > v->lib->settings.max_signatures)
		return 0;
	while (value_len > 0 && (value[value_len - 1] == '\n'
				 || value[value_len - 1] == '\r'))
		value_len--;
	namelen = strlen(name);
	need = namelen + 2 + 2 * value_len;
	if (need > v->hsize) {
		char *p = realloc(v->hbuf, need);

		if (p == NULL)
			return refuse(v, "dkim: out of memory", DKIM_STAT_OK);
		v->hbuf = p;
		v->hsize = need;
	}
	memcpy(v->hbuf, name, namelen);
	n = namelen;
	v->hbuf[n++] = ':';
	/* runs between line feeds copied whole; a bare LF gets its CR */
	for (size_t i = 0; i < value_len; i++) {
		const char *lf = memchr(value + i, '\n', value_len - i);
		size_t run = lf != NULL ? (size_t)(lf - (value + i)) : value_len - i;

		memcpy(v->hbuf + n, value + i, run);
		n += run;
		i += run;
		if (i == value_len)
			break;
		if (i == 0 || value[i - 1] != '\r')
			v->hbuf[n++] = '\r';
		v->hbuf[n++] = '\n';
	}
	v->hbuf[n] = '\0';
	st = dkim_header(v->dkim, (unsigned char *)v->hbuf, n);
	/* SYNTAX: a malformed field; a DKIM-Signature one is reported later */
	if (st == DKIM_STAT_OK || st == DKIM_STAT_SYNTAX)
		return 0;
	return refuse(v, "dkim_header", st);
}

int
dkimv_eoh(struct dkimv *v)
{
	DKIM_STAT st;

	if (v->state != ST_HEADERS)
		return refuse(v, "dkimv_eoh out of order", DKIM_STAT_OK);
	/* before dkim_eoh selects the signed fields: see the top of the file */
	st = dkim_header(v->dkim, (unsigned char *)DKIMV_GUARD_FIELD,
			 sizeof(DKIMV_GUARD_FIELD) - 1);
	if (st != DKIM_STAT_OK)
		return refuse(v, "dkim_header (guard field)", st);
	st = dkim_eoh(v->dkim);
	if (st == DKIM_STAT_NOSIG)
		v->unsigned_msg = 1;
	else if (st != DKIM_STAT_OK)
		return refuse(v, "dkim_eoh", st);
	else if ((v->body = dkimv_bodycheck_new(v->dkim)) == NULL)
		return refuse(v, "dkim: out of memory", DKIM_STAT_OK);
	v->state = ST_BODY;
	return 0;
}

/*
 * crlf_clean - whether every LF of the chunk follows a CR (the usual case:
 * both MTAs hand the body over with CRLF), so it can go to libopendkim as
 * it is, without the octet-by-octet repair.
 */
static int
crlf_clean(const struct dkimv *v, const unsigned char *p, size_t len)
{
	const unsigned char *lf = p, *end = p + len;

	while ((lf = memchr(lf, '\n', (size_t)(end - lf))) != NULL) {
		if (lf == p ? !v->prev_cr : lf[-1] != '\r')
			return 0;
		lf++;
	}
	return 1;
}

/* feed - one CRLF-clean piece to the body hashes */
static int
feed(struct dkimv *v, const unsigned char *p, size_t len)
{
	if (len == 0)
		return 0;
	if (dkimv_bodycheck_feed(v->body, p, len) < 0)
		return refuse(v, "dkim: body digest failed", DKIM_STAT_OK);
	v->prev_cr = p[len - 1] == '\r';
	return 0;
}

int
dkimv_body(struct dkimv *v, const unsigned char *chunk, size_t len)
{
	if (v->state != ST_BODY)
		return refuse(v, "dkimv_body out of order", DKIM_STAT_OK);
	if (v->unsigned_msg || dkimv_bodycheck_idle(v->body))
		return 0;
	if (crlf_clean(v, chunk, len))
		return feed(v, chunk, len);
	while (len > 0) {
		size_t out = 0;
		int prev_cr = v->prev_cr;

		while (len > 0 && out + 2 <= sizeof(v->conv)) {
			unsigned char c = *chunk++;

			len--;
			if (c == '\n' && !prev_cr)
				v->conv[out++] = '\r';
			v->conv[out++] = c;
			prev_cr = c == '\r';
		}
		if (feed(v, v->conv, out) < 0)
			return -1;
	}
	return 0;
}

/* finish - end of message: one result per signature, or refuse */
static void
finish(struct dkimv *v)
{
	DKIM_SIGINFO **sigs = NULL;
	struct dkimv_body_outcome *body = NULL;
	int n = 0;

	if (v->unsigned_msg || dkim_getsiglist(v->dkim, &sigs, &n) != DKIM_STAT_OK
	    || sigs == NULL)
		n = 0;
	if (n > 0 && ((v->sigs = calloc((size_t)n, sizeof(*v->sigs))) == NULL
		      || (body = calloc((size_t)n, sizeof(*body))) == NULL)) {
		free(body);
		(void)refuse(v, "dkim: out of memory", DKIM_STAT_OK);
		return;
	}
	if (n > 0 && dkimv_bodycheck_finish(v->body, sigs, n, body) < 0) {
		free(body);
		(void)refuse(v, "dkim: body digest failed", DKIM_STAT_OK);
		return;
	}
	for (int i = 0; i < n; i++)
		dkimv_classify(v->dkim, sigs[i],
			       i < v->nscreen ? v->screen[i] : SCREEN_EVALUATE,
			       &v->lib->settings, &body[i], &v->sigs[i]);
	free(body);
	v->nsigs = (size_t)n;
	v->state = ST_DONE;
}

size_t
dkimv_skipped(const struct dkimv *v)
{
	size_t max = v->lib->settings.max_signatures;

	return v->signature_fields > max ? v->signature_fields - max : 0;
}

int
dkimv_eom(struct dkimv *v, const struct dkimv_signature **sigs_r,
	  size_t *count_r, const char **error_r)
{
	*sigs_r = NULL;
	*count_r = 0;
	if (v->state == ST_HEADERS)
		(void)refuse(v, "dkimv_eom before dkimv_eoh", DKIM_STAT_OK);
	else if (v->state == ST_BODY)
		finish(v);
	if (v->state == ST_FAILED) {
		*error_r = v->error;
		return -1;
	}
	*sigs_r = v->sigs;
	*count_r = v->nsigs;
	*error_r = NULL;
	return 0;
}

void
dkimv_free(struct dkimv **vp)
{
	struct dkimv *v = *vp;

	if (v == NULL)
		return;
	if (v->dkim != NULL)
		(void)dkim_free(v->dkim);
	free(v->id);
	free(v->hbuf);
	free(v->screen);
	free(v->sigs);
	dkimv_bodycheck_free(&v->body);
	free(v);
	*vp = NULL;
}
