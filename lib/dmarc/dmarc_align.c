/*
 * dmarc_align - identifier alignment by tree walk or by Public Suffix List
 * (see dmarc_align.h for the rules).
 *
 * Each relaxed check walks both names; the resolver's cache answers the
 * author domain's walk again for every identifier of a message, so the
 * walk is not kept here.
 *
 * Thread-safety: no state of its own.
 */
#include "dmarc_align.h"
#include "dmarc_treewalk.h"

#include <string.h>

/*
 * walk_org - the organizational domain of a normalized name into out, by
 * tree walk; -1 with *reason_r when the walk failed for now.
 */
static int
walk_org(struct resolver *resolver, const char *name, char out[ORGDOMAIN_BUFSIZE],
	 const char **reason_r)
{
	struct dmarc_treewalk w;
	const char *org, *error = NULL;
	int rc = -1;

	if (dmarc_treewalk_run(resolver, name, 0, &w, &error) < 0) {
		*reason_r = error;
		return -1;
	}
	if ((org = dmarc_treewalk_orgdomain(&w)) != NULL) {
		memcpy(out, org, strlen(org) + 1);
		rc = 0;
	} else
		*reason_r = w.reason != NULL ? w.reason : "temporary DNS failure";
	dmarc_treewalk_clear(&w);
	return rc;
}

enum dmarc_align_result
dmarc_align_check(const struct dmarc_align_ctx *ctx, const char *identifier,
		  const char *author, enum align_mode mode, const char **reason_r)
{
	char a[ORGDOMAIN_BUFSIZE], b[ORGDOMAIN_BUFSIZE];
	char oa[ORGDOMAIN_BUFSIZE], ob[ORGDOMAIN_BUFSIZE];
	const char *reason = NULL;

	if (ctx->method == DMARC_METHOD_PSL)
		return orgdomain_aligned(ctx->od, identifier, author, mode)
		    ? DMARC_ALIGN_YES : DMARC_ALIGN_NO;
	if (orgdomain_normalize(identifier, a, sizeof(a)) < 0
	    || orgdomain_normalize(author, b, sizeof(b)) < 0)
		return DMARC_ALIGN_NO;
	if (strcmp(a, b) == 0)
		return DMARC_ALIGN_YES;
	if (mode == ALIGN_STRICT)
		return DMARC_ALIGN_NO;
	if (walk_org(ctx->resolver, a, oa, &reason) < 0
	    || walk_org(ctx->resolver, b, ob, &reason) < 0) {
		if (reason_r != NULL)
			*reason_r = reason;
		return DMARC_ALIGN_TEMPERROR;
	}
	return strcmp(oa, ob) == 0 ? DMARC_ALIGN_YES : DMARC_ALIGN_NO;
}

const char *
dmarc_align_result_name(enum dmarc_align_result result)
{
	switch (result) {
	case DMARC_ALIGN_YES: return "yes";
	case DMARC_ALIGN_TEMPERROR: return "temperror";
	default: return "no";
	}
}
