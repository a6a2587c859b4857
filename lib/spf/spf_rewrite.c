/*
 * spf_rewrite - a checked record in the form libspf2 evaluates (see
 * spf_rewrite.h).
 *
 * Thread-safety: no state.
 */
#include "spf_rewrite.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "spf_record.h"

/* names libspf2 knows, by kind */
static const char *const kind_names[] = {
	[SPF_RECORD_ALL] = "all",	[SPF_RECORD_INCLUDE] = "include",
	[SPF_RECORD_A] = "a",		[SPF_RECORD_MX] = "mx",
	[SPF_RECORD_PTR] = "ptr",	[SPF_RECORD_IP4] = "ip4",
	[SPF_RECORD_IP6] = "ip6",	[SPF_RECORD_EXISTS] = "exists",
	[SPF_RECORD_REDIRECT] = "redirect", [SPF_RECORD_EXP] = "exp",
};

/* write_arg - ":" and the argument, if there is one */
static void
write_arg(FILE *f, const struct spf_record_term *t)
{
	if (t->arg_len > 0)
		fprintf(f, ":%.*s", (int)t->arg_len, t->arg);
}

/* write_host_term - an a or mx term; see spf_rewrite.h for /0 */
static void
write_host_term(FILE *f, const struct spf_record_term *t, int v4, const char *marker)
{
	int mine = v4 ? t->cidr4 : t->cidr6;

	if (mine == 0) {
		fprintf(f, ":%s.", marker);
		if (t->arg_len > 0)
			fprintf(f, "%.*s", (int)t->arg_len, t->arg);
		else
			fputs("%{d}", f);
		fputs(v4 ? "/32" : "//128", f);
		return;
	}
	write_arg(f, t);
	if (t->cidr4 > 0)
		fprintf(f, "/%d", t->cidr4);
	if (t->cidr6 > 0)
		fprintf(f, "//%d", t->cidr6);
}

/* write_ip_term - an ip4 or ip6 term; see spf_rewrite.h for /0 */
static void
write_ip_term(FILE *f, const struct spf_record_term *t,
	      const struct spf_rewrite_client *client)
{
	int ip4 = t->kind == SPF_RECORD_IP4;
	int cidr = ip4 ? t->cidr4 : t->cidr6;
	char addr[INET6_ADDRSTRLEN];

	if (cidr != 0) {
		write_arg(f, t);
		if (cidr > 0)
			fprintf(f, "/%d", cidr);
		return;
	}
	if (ip4 != (client->family == AF_INET)) {
		write_arg(f, t);	/* never matches a client of the other family */
		return;
	}
	if (ip4)
		inet_ntop(AF_INET, &client->v4, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, &client->v6, addr, sizeof(addr));
	fprintf(f, ":%s/%d", addr, ip4 ? 32 : 128);
}

long
spf_rewrite(const struct spf_record *r, const struct spf_rewrite_client *client,
	    const char *marker, char **text_r)
{
	const struct spf_record_term *redirect = NULL, *exp = NULL;
	size_t size = 0;
	int terms = 0;
	FILE *f;

	*text_r = NULL;
	if ((f = open_memstream(text_r, &size)) == NULL)
		return -1;
	fputs("v=spf1", f);
	for (size_t i = 0; i < r->count; i++) {
		const struct spf_record_term *t = &r->terms[i];

		if (t->kind == SPF_RECORD_REDIRECT)
			redirect = t;
		if (t->kind == SPF_RECORD_EXP)
			exp = t;
		if (t->kind >= SPF_RECORD_REDIRECT)
			continue;
		fputc(' ', f);
		terms++;
		if (t->qualifier != '+')
			fputc(t->qualifier, f);
		fputs(kind_names[t->kind], f);
		if (t->kind == SPF_RECORD_A || t->kind == SPF_RECORD_MX)
			write_host_term(f, t, client->family == AF_INET, marker);
		else if (t->kind == SPF_RECORD_IP4 || t->kind == SPF_RECORD_IP6)
			write_ip_term(f, t, client);
		else
			write_arg(f, t);
	}
	if (redirect != NULL && !r->has_all && ++terms)
		fprintf(f, " redirect=%.*s", (int)redirect->arg_len, redirect->arg);
	if (exp != NULL && ++terms)
		fprintf(f, " exp=%.*s", (int)exp->arg_len, exp->arg);
	if (terms == 0)
		fputc(' ', f);	/* libspf2 needs a space after a bare "v=spf1" */
	if (ferror(f)) {
		fclose(f);
		free(*text_r);
		*text_r = NULL;
		return -1;
	}
	if (fclose(f) != 0) {
		free(*text_r);
		*text_r = NULL;
		return -1;
	}
	return (long)size;
}
