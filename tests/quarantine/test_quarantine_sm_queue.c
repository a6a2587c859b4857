/*
 * test_quarantine_sm_queue - Sendmail's queue directory as files
 * (tools/quarantine/sm_queue.h), in a temporary directory: the
 * QueueDirectory of a .cf in its forms (O QueueDirectory=, with blanks,
 * the old OQ, none: the default; "*" and queue groups refused; a missing
 * .cf), the qf/ and df/ subdirectories, the listing of well-formed hf
 * names only, reading one file with its data file's size, and removal:
 * done (data and control file gone, the qf of another message kept),
 * not held, and refused while another open file holds the lock.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sm_queue.h"
#include "test_main.h"

#define ID "6B4L5YqB024064"
#define ID2 "6B4L5YqB0240641"	/* contains ID */

static char base[] = "/tmp/dmarcguard-smq.XXXXXX";

/* put - write text to base/name */
static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* exists - base/name exists */
static int
exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", base, name);
	return access(path, F_OK) == 0;
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void
teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(base + strlen(base) - 6, "XXXXXX");
}

/* expand - tmpl with every '@' replaced by base, into out */
static void
expand(char *out, size_t size, const char *tmpl)
{
	size_t o = 0, blen = strlen(base);

	for (; *tmpl != '\0' && o + blen + 1 < size; tmpl++) {
		if (*tmpl == '@') {
			memcpy(out + o, base, blen);
			o += blen;
		} else {
			out[o++] = *tmpl;
		}
	}
	out[o] = '\0';
}

static const struct {
	const char *cf;		/* @: base */
	const char *want;	/* control dir after base, or a part of the error */
	int ok;
} cf_cases[] = {
	{ "Cwlocalhost\nO QueueDirectory=@/q\nO Timeout.queuereturn=5d\n", "/q", 1 },
	{ "O QueueDirectory = @/q\n", "/q", 1 },
	{ "OQ@/q\n", "/q", 1 },
	{ "O QueueDirectory=@/q\nO QueueDirectory=@/r\n", "/r", 1 },	/* the last wins */
	{ "O QueueDirectory=@/q*\n", "only one absolute queue directory", 0 },
	{ "O QueueDirectory=q\n", "only one absolute", 0 },
	{ "O QueueDirectory=@/q\nQmqueue, P=@/q/g1\n", "queue groups", 0 },
};

START_TEST(test_find)
{
	struct sm_queue q;
	char cf[1024], path[600];
	const char *why = NULL;
	int rc;

	expand(cf, sizeof(cf), cf_cases[_i].cf);
	put("sendmail.cf", cf);
	snprintf(path, sizeof(path), "%s/sendmail.cf", base);
	memset(&q, 0, sizeof(q));
	rc = sm_queue_find(&q, path, &why);
	if (!cf_cases[_i].ok) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(why, cf_cases[_i].want) != NULL, "error \"%s\"", why);
		return;
	}
	ck_assert_msg(rc == 0, "%s", why);
	snprintf(path, sizeof(path), "%s%s", base, cf_cases[_i].want);
	ck_assert_str_eq(q.control_dir, path);
	ck_assert_str_eq(q.data_dir, path);
}
END_TEST

START_TEST(test_find_default_and_missing)
{
	struct sm_queue q;
	char path[600];
	const char *why;

	put("sendmail.cf", "Cwlocalhost\n");
	snprintf(path, sizeof(path), "%s/sendmail.cf", base);
	ck_assert_int_eq(sm_queue_find(&q, path, &why), 0);
	ck_assert_str_eq(q.control_dir, "/var/spool/mqueue");
	snprintf(path, sizeof(path), "%s/none.cf", base);
	ck_assert_int_eq(sm_queue_find(&q, path, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "cannot read Sendmail's configuration"));
}
END_TEST

/* queue_with_subdirs - base/q with qf/ and df/, ID and ID2 held, a qf and junk */
static void
queue_with_subdirs(struct sm_queue *q)
{
	char cf[600], path[600];
	const char *why;

	snprintf(path, sizeof(path), "%s/q", base);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/q/qf", base);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/q/df", base);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(cf, sizeof(cf), "O QueueDirectory=%s/q\n", base);
	put("sendmail.cf", cf);
	put("q/qf/hf" ID, "V8\nT1\nSa\nR:b\n.\n");
	put("q/df/df" ID, "twelve bytes");
	put("q/qf/hf" ID2, "V8\nT1\nSa\nR:b\n.\n");
	put("q/qf/qf6B4L5YqB999999", "V8\nT1\nSa\nR:b\n.\n");
	put("q/qf/hf-not-an-id", "x");
	put("q/qf/tf" ID, "x");
	snprintf(path, sizeof(path), "%s/sendmail.cf", base);
	ck_assert_int_eq(sm_queue_find(q, path, &why), 0);
}

START_TEST(test_list_read)
{
	struct sm_queue q;
	char **ids, *text, other[32];
	size_t n, len;
	time_t mtime;
	unsigned long long size;
	const char *why;

	queue_with_subdirs(&q);
	ck_assert_ptr_nonnull(strstr(q.control_dir, "/q/qf"));
	ck_assert_ptr_nonnull(strstr(q.data_dir, "/q/df"));
	ck_assert_int_eq(sm_queue_held_ids(&q, &ids, &n, &why), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ids[0], ID);
	ck_assert_str_eq(ids[1], ID2);
	sm_queue_ids_free(ids, n);
	ck_assert_int_eq(sm_queue_read(&q, ID, &text, &len, &mtime, &size, &why), 0);
	ck_assert_uint_eq(len, 15);
	ck_assert_uint_eq(size, 12);
	ck_assert_int_gt(mtime, 0);
	free(text);
	ck_assert_int_eq(sm_queue_read(&q, "6B4L5YqB999999", &text, &len, &mtime, &size, &why), 1);
	ck_assert_int_eq(sm_queue_is_held(&q, ID, other, sizeof(other), &why), 1);
	ck_assert_str_eq(other, ID2);
	ck_assert_int_eq(sm_queue_is_held(&q, ID2, other, sizeof(other), &why), 1);
	ck_assert_str_eq(other, "");
	ck_assert_int_eq(sm_queue_is_held(&q, "6B4L5YqB999999", other, sizeof(other), &why), 0);
}
END_TEST

START_TEST(test_remove)
{
	struct sm_queue q;
	char path[600];
	const char *why = NULL;
	int fd;

	queue_with_subdirs(&q);
	/* another open file holds Sendmail's lock: nothing is removed */
	snprintf(path, sizeof(path), "%s/q/qf/hf" ID, base);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(sm_queue_remove(&q, ID, &why), SM_FAILED);
	ck_assert_ptr_nonnull(strstr(why, "is locked"));
	ck_assert(exists("q/qf/hf" ID) && exists("q/df/df" ID));
	close(fd);
	ck_assert_int_eq(sm_queue_remove(&q, ID, &why), SM_REMOVED);
	ck_assert(!exists("q/qf/hf" ID) && !exists("q/df/df" ID));
	ck_assert(exists("q/qf/hf" ID2) && exists("q/qf/qf6B4L5YqB999999"));
	ck_assert_int_eq(sm_queue_remove(&q, ID, &why), SM_NOT_HELD);
	/* a message no longer quarantined (qf) is not touched */
	ck_assert_int_eq(sm_queue_remove(&q, "6B4L5YqB999999", &why), SM_NOT_HELD);
	ck_assert(exists("q/qf/qf6B4L5YqB999999"));
	/* no data file is fine */
	ck_assert_int_eq(sm_queue_remove(&q, ID2, &why), SM_REMOVED);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_sm_queue");
	TCase *tc = tcase_create("sm_queue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_find, 0, TEST_ROWS(cf_cases));
	tcase_add_test(tc, test_find_default_and_missing);
	tcase_add_test(tc, test_list_read);
	tcase_add_test(tc, test_remove);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
