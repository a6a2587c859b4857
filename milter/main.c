/*
 * main - the dmarcguard executable (temporary skeleton while the daemon
 * modules are written).
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-V") == 0) {
		printf("dmarcguard %s\n", DMARCGUARD_VERSION);
		return 0;
	}
	return 0;
}
