/*
 * test_report_xml - the RFC 9990 document: a whole report compared line
 * by line with the one RFC 9990 section 3 describes (element names,
 * order, optional elements present only with a value), escaping and
 * control characters, required metadata refused when missing, gzip that
 * zlib reads back to the same bytes, and, when DMARCGUARD_RFC9990_XSD
 * names the schema (dmarc-xml-0.2.xsd, not kept in this repository),
 * validation with xmllint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "report_gzip.h"
#include "report_xml.h"
#include "test_main.h"

static const struct report_meta meta = {
	.org_name = "Example Receiver", .email = "dmarc-reports@mx.example.net",
	.extra_contact_info = "https://mx.example.net/dmarc", .report_id = "1728000000abc",
	.begin = 1728000000, .end = 1728086399, .generator = "dmarcguard 0.1.0",
};

static struct report_policy
policy(void)
{
	struct report_policy p = { .domain = "example.org", .p = DMARC_REQUEST_NONE,
				   .sp = DMARC_REQUEST_QUARANTINE, .np = DMARC_REQUEST_REJECT,
				   .adkim = 'r', .aspf = 's', .psd = -1 };
	return p;
}

static struct report_record
record(void)
{
	struct report_record r = {
		.source_ip = "203.0.113.9", .header_from = "example.org",
		.envelope_from = "", .envelope_to = "mx.example.net",
		.dkim = { { "example.org", "s1", "fail" }, { "list.example", "k", "pass" } },
		.dkim_count = 2, .spf_domain = "mx.attacker.example", .spf_scope = "helo",
		.spf_result = "softfail", .disposition = REPORT_DISPOSITION_QUARANTINE,
		.reasons = { { REPORT_OVERRIDE_LOCAL_POLICY, "dmarc-fail-local-floor" },
			     { REPORT_OVERRIDE_POLICY_TEST_MODE, "" } },
		.reason_count = 2,
	};
	return r;
}

static const char want[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
	"  <version>1.0</version>\n"
	"  <report_metadata>\n"
	"    <org_name>Example Receiver</org_name>\n"
	"    <email>dmarc-reports@mx.example.net</email>\n"
	"    <extra_contact_info>https://mx.example.net/dmarc</extra_contact_info>\n"
	"    <report_id>1728000000abc</report_id>\n"
	"    <date_range>\n"
	"      <begin>1728000000</begin>\n"
	"      <end>1728086399</end>\n"
	"    </date_range>\n"
	"    <generator>dmarcguard 0.1.0</generator>\n"
	"  </report_metadata>\n"
	"  <policy_published>\n"
	"    <domain>example.org</domain>\n"
	"    <p>none</p>\n"
	"    <sp>quarantine</sp>\n"
	"    <np>reject</np>\n"
	"    <adkim>r</adkim>\n"
	"    <aspf>s</aspf>\n"
	"    <testing>n</testing>\n"
	"  </policy_published>\n"
	"  <record>\n"
	"    <row>\n"
	"      <source_ip>203.0.113.9</source_ip>\n"
	"      <count>42</count>\n"
	"      <policy_evaluated>\n"
	"        <disposition>quarantine</disposition>\n"
	"        <dkim>fail</dkim>\n"
	"        <spf>fail</spf>\n"
	"        <reason>\n"
	"          <type>local_policy</type>\n"
	"          <comment>dmarc-fail-local-floor</comment>\n"
	"        </reason>\n"
	"        <reason>\n"
	"          <type>policy_test_mode</type>\n"
	"        </reason>\n"
	"      </policy_evaluated>\n"
	"    </row>\n"
	"    <identifiers>\n"
	"      <header_from>example.org</header_from>\n"
	"      <envelope_from></envelope_from>\n"
	"      <envelope_to>mx.example.net</envelope_to>\n"
	"    </identifiers>\n"
	"    <auth_results>\n"
	"      <dkim>\n"
	"        <domain>example.org</domain>\n"
	"        <selector>s1</selector>\n"
	"        <result>fail</result>\n"
	"      </dkim>\n"
	"      <dkim>\n"
	"        <domain>list.example</domain>\n"
	"        <selector>k</selector>\n"
	"        <result>pass</result>\n"
	"      </dkim>\n"
	"      <spf>\n"
	"        <domain>mx.attacker.example</domain>\n"
	"        <result>softfail</result>\n"
	"      </spf>\n"
	"    </auth_results>\n"
	"  </record>\n"
	"  <record>\n"
	"    <row>\n"
	"      <source_ip>2001:db8::1</source_ip>\n"
	"      <count>1</count>\n"
	"      <policy_evaluated>\n"
	"        <disposition>pass</disposition>\n"
	"        <dkim>pass</dkim>\n"
	"        <spf>pass</spf>\n"
	"      </policy_evaluated>\n"
	"    </row>\n"
	"    <identifiers>\n"
	"      <header_from>sub.example.org</header_from>\n"
	"      <envelope_from>example.org</envelope_from>\n"
	"    </identifiers>\n"
	"    <auth_results>\n"
	"      <spf>\n"
	"        <domain>example.org</domain>\n"
	"        <scope>mfrom</scope>\n"
	"        <result>pass</result>\n"
	"      </spf>\n"
	"    </auth_results>\n"
	"  </record>\n"
	"</feedback>\n";

/* build - the document of the two records above; caller frees */
static char *
build(size_t *len_r)
{
	const char *error = NULL, *text;
	struct report_policy pol = policy();
	struct report_xml *x = report_xml_new(&meta, &pol, &error);
	struct report_record a = record(), b = {
		.source_ip = "2001:db8::1", .header_from = "sub.example.org",
		.envelope_from = "example.org", .spf_domain = "example.org", .spf_scope = "mfrom",
		.spf_result = "pass", .dkim_aligned = 1, .spf_aligned = 1,
		.disposition = REPORT_DISPOSITION_PASS,
	};
	char *copy;

	ck_assert_msg(x != NULL, "%s", error);
	ck_assert_int_eq(report_xml_record(x, &a, 42, &error), 0);
	ck_assert_int_eq(report_xml_record(x, &b, 1, &error), 0);
	ck_assert_int_eq(report_xml_records(x), 2);
	text = report_xml_finish(x, len_r, &error);
	ck_assert_ptr_nonnull(text);
	copy = strdup(text);
	report_xml_free(&x);
	ck_assert_ptr_null(x);
	return copy;
}

START_TEST(test_document)
{
	size_t len;
	char *doc = build(&len);
	const char *g = doc, *w = want;
	int line = 1;

	ck_assert_int_eq(len, strlen(doc));
	/* line by line, so a failure names the element */
	while (*g != '\0' && *w != '\0') {
		size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");

		ck_assert_msg(gl == wl && memcmp(g, w, gl) == 0, "line %d: got \"%.*s\", want \"%.*s\"",
			      line, (int)gl, g, (int)wl, w);
		g += gl + (g[gl] == '\n');
		w += wl + (w[wl] == '\n');
		line++;
	}
	ck_assert_msg(*g == '\0' && *w == '\0', "document length differs at line %d", line);
	free(doc);
}
END_TEST

static const struct {
	const char *in;
	const char *want;
} escapes[] = {
	{ "plain", "<org_name>plain</org_name>" },
	{ "A & B <x> \"q\" 'a'", "<org_name>A &amp; B &lt;x&gt; &quot;q&quot; &apos;a&apos;</org_name>" },
	{ "bell\x07tab\tend", "<org_name>belltab\tend</org_name>" },
	{ "caf\xc3\xa9", "<org_name>caf\xc3\xa9</org_name>" },
	{ "]]>", "<org_name>]]&gt;</org_name>" },
};

START_TEST(test_escape)
{
	struct report_meta m = meta;
	struct report_policy pol = policy();
	const char *error = NULL, *text;
	struct report_xml *x;
	size_t len;

	m.org_name = escapes[_i].in;
	x = report_xml_new(&m, &pol, &error);
	ck_assert_ptr_nonnull(x);
	text = report_xml_finish(x, &len, &error);
	ck_assert_msg(strstr(text, escapes[_i].want) != NULL, "%s: not in\n%s", escapes[_i].want, text);
	report_xml_free(&x);
}
END_TEST

static const struct {
	const char *what;
	const char *org, *email, *id, *domain;
} missing[] = {
	{ "no org_name", "", "a@b.example", "1", "example.org" },
	{ "no email", "Org", NULL, "1", "example.org" },
	{ "no report_id", "Org", "a@b.example", "", "example.org" },
	{ "no policy domain", "Org", "a@b.example", "1", "" },
};

START_TEST(test_required)
{
	struct report_meta m = meta;
	struct report_policy pol = policy();
	const char *error = NULL;

	m.org_name = missing[_i].org;
	m.email = missing[_i].email;
	m.report_id = missing[_i].id;
	snprintf(pol.domain, sizeof(pol.domain), "%s", missing[_i].domain);
	ck_assert_ptr_null(report_xml_new(&m, &pol, &error));
	ck_assert_ptr_nonnull(error);
}
END_TEST

START_TEST(test_gzip)
{
	size_t len, zlen, again_len;
	char *doc = build(&len);
	unsigned char *z = NULL, *again = NULL;
	const char *error = NULL;
	char out[8192];
	z_stream s;

	ck_assert_int_eq(report_gzip_compress(doc, len, &z, &zlen, &error), 0);
	ck_assert_uint_gt(zlen, 18);
	ck_assert_int_eq(z[0], 0x1f);
	ck_assert_int_eq(z[1], 0x8b);
	ck_assert_int_eq(z[4] | z[5] | z[6] | z[7], 0);	/* MTIME 0: the same bytes every time */
	ck_assert_int_eq(report_gzip_compress(doc, len, &again, &again_len, &error), 0);
	ck_assert(again_len == zlen && memcmp(again, z, zlen) == 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = z;
	s.avail_in = (uInt)zlen;
	s.next_out = (Bytef *)out;
	s.avail_out = sizeof(out);
	ck_assert_int_eq(inflate(&s, Z_FINISH), Z_STREAM_END);
	ck_assert_int_eq(s.total_out, len);
	ck_assert(memcmp(out, doc, len) == 0);
	inflateEnd(&s);
	free(z);
	free(again);
	free(doc);
}
END_TEST

/* With the schema at hand (DMARCGUARD_RFC9990_XSD), xmllint must accept the document. */
START_TEST(test_xsd)
{
	const char *xsd = getenv("DMARCGUARD_RFC9990_XSD");
	char file[] = "/tmp/test_report_xml.XXXXXX", cmd[1024];
	size_t len;
	char *doc;
	FILE *f;
	int fd, rc;

	if (xsd == NULL || access(xsd, R_OK) != 0) {
		printf("test_report_xml: skipping the XSD check: DMARCGUARD_RFC9990_XSD does not"
		       " name a readable dmarc-xml-0.2.xsd\n");
		return;
	}
	doc = build(&len);
	ck_assert_int_ge(fd = mkstemp(file), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	ck_assert_uint_eq(fwrite(doc, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --schema '%s' '%s'", xsd, file);
	rc = system(cmd);
	unlink(file);
	free(doc);
	ck_assert_msg(rc == 0, "xmllint rejected the report (%d)", rc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report_xml");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_document);
	tcase_add_loop_test(tc, test_escape, 0, TEST_ROWS(escapes));
	tcase_add_loop_test(tc, test_required, 0, TEST_ROWS(missing));
	tcase_add_test(tc, test_gzip);
	tcase_add_test(tc, test_xsd);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
