/*
 * test_macro_guard - the guard in front of libmilter's packet reader
 * (milter/macro_guard.h; docs/security.md, "libmilter's macro lists"):
 * which part of a macro packet is kept (whole name-value pairs only), and
 * the guard in place, in an executable linked like the daemon, over a
 * socket pair with libmilter's own reader behind it: macro packets whose
 * strings do not pair up come out cut, every other packet byte for byte
 * as sent.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "macro_guard.h"
#include "test_main.h"

/* libmilter's reader; the daemon's definition (macro_guard.c) is the one linked */
char *mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *len, char *name);

#define DATA(s) s, sizeof(s) - 1

static const struct {
	const char *what;
	char cmd;
	const char *data;
	size_t len;
	size_t want;			/* bytes of data handed on */
} rows[] = {
	{ "the issue's packet: one name, no value", 'D', DATA("Mi\0"), 1 },
	{ "a pair", 'D', DATA("Mi\0Q1\0"), 6 },
	{ "Postfix's MAIL macros", 'D', DATA("Mi\0Q1\0{auth_authen}\0\0{mail_addr}\0a@b\0"), 37 },
	{ "a pair and an unpaired name", 'D', DATA("Mi\0Q1\0{auth_type}\0"), 6 },
	{ "two pairs and an unpaired name", 'D', DATA("Ma\0b\0c\0d\0e\0"), 9 },
	{ "a value without its NUL: dropped with its name", 'D', DATA("Mi\0x"), 1 },
	{ "a pair and a dangling tail (libmilter drops the tail)", 'D', DATA("Ma\0b\0c"), 6 },
	{ "one empty name", 'D', DATA("M\0"), 1 },
	{ "an empty name and an empty value", 'D', DATA("M\0\0"), 3 },
	{ "only the stage byte", 'D', DATA("M"), 1 },
	{ "no NUL at all", 'D', DATA("Mabc"), 4 },
	{ "connect stage", 'D', DATA("Cx\0"), 1 },
	{ "an unknown stage is cut the same way", 'D', DATA("Zx\0"), 1 },
	/* other commands are not macro lists: untouched */
	{ "MAIL with an odd argument list", 'M', DATA("<a@b>\0SIZE=1\0x"), 14 },
	{ "a header", 'L', DATA("From\0 a@b\0x\0"), 12 },
	{ "a body chunk of NULs", 'B', DATA("\0\0\0"), 3 },
};

START_TEST(test_fit)
{
	if (rows[_i].cmd != 'D')
		return;
	ck_assert_msg(macro_guard_fit(rows[_i].data, rows[_i].len) == rows[_i].want,
		      "%s: got %zu, want %zu", rows[_i].what,
		      macro_guard_fit(rows[_i].data, rows[_i].len), rows[_i].want);
}
END_TEST

START_TEST(test_guard_in_force)
{
	const char *error = NULL;
	unsigned int major, minor, patch;

	/* a libmilter call of our own, so the linker keeps libmilter as the daemon does */
	ck_assert_int_eq(smfi_version(&major, &minor, &patch), MI_SUCCESS);
	ck_assert_msg(macro_guard_check(&error) == 0, "guard not in force: %s", error);
}
END_TEST

/* through libmilter's reader: the packet as the MTA writes it, what mi_engine gets */
START_TEST(test_reader)
{
	int sv[2];
	unsigned char packet[256];
	uint32_t n = htonl((uint32_t)rows[_i].len + 1);
	struct timeval timeout = { 5, 0 };
	char cmd = 0, name[] = "test";
	size_t len = 0;
	char *data;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memcpy(packet, &n, 4);
	packet[4] = (unsigned char)rows[_i].cmd;
	memcpy(packet + 5, rows[_i].data, rows[_i].len);
	ck_assert_int_eq(write(sv[0], packet, 5 + rows[_i].len), (ssize_t)(5 + rows[_i].len));
	data = mi_rd_cmd(sv[1], &timeout, &cmd, &len, name);
	ck_assert_msg(cmd == rows[_i].cmd, "%s: command %d", rows[_i].what, cmd);
	ck_assert_msg(len == rows[_i].want, "%s: got %zu bytes, want %zu", rows[_i].what, len,
		      rows[_i].want);
	ck_assert(data != NULL);
	ck_assert_msg(memcmp(data, rows[_i].data, len) == 0, "%s: bytes changed", rows[_i].what);
	free(data);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("macro_guard");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_fit, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_guard_in_force);
	tcase_add_loop_test(tc, test_reader, 0, TEST_ROWS(rows));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
