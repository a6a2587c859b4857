/*
 * nsd_server - start and stop Debian's nsd for the tests (see nsd_server.h).
 *
 * Thread-safety: main thread of a test process only.
 */
#include "nsd_server.h"
#include "test_paths.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSD_BINARY "/usr/sbin/nsd"
#define NSD_CONTROL_BINARY "/usr/sbin/nsd-control"
#define START_TIMEOUT_MS 15000
#define STOP_TIMEOUT_MS 5000

static int
bind_loopback(int type, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
socket_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	return ntohs(sin.sin_port);
}

int
test_free_port(void)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		int udp = bind_loopback(SOCK_DGRAM, 0), tcp, port;

		if (udp < 0)
			return -1;
		port = socket_port(udp);
		tcp = bind_loopback(SOCK_STREAM, port);
		close(udp);
		if (tcp >= 0) {
			close(tcp);
			return port;
		}
	}
	return -1;
}

int
test_silent_udp_socket(int *port)
{
	int fd = bind_loopback(SOCK_DGRAM, 0);

	if (fd >= 0)
		*port = socket_port(fd);
	return fd;
}

static int start_nsd(struct nsd_server *s, const char *zonedir,
		     int (*entries)(FILE *conf, const char *zonedir));

/* write_zone_entries - one nsd "zone:" clause per zone file and per servfail zone */
static int
write_zone_entries(FILE *conf, const char *zonedir)
{
	char path[1024], line[256];
	struct dirent *de;
	DIR *d = opendir(zonedir);
	FILE *list;

	if (d == NULL) {
		fprintf(stderr, "nsd_server: cannot open %s: %s\n", zonedir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".zone") == 0)
			fprintf(conf, "zone:\n\tname: \"%.*s.\"\n\tzonefile: \"%s/%s\"\n",
				(int)(n - 5), de->d_name, zonedir, de->d_name);
	}
	closedir(d);
	snprintf(path, sizeof(path), "%s/servfail-zones.txt", zonedir);
	if ((list = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), list) != NULL) {
			line[strcspn(line, " \t\r\n#")] = '\0';
			if (line[0] != '\0')
				fprintf(conf, "zone:\n\tname: \"%s\"\n", line);
		}
		fclose(list);
	}
	return 0;
}

/* probe - one DNS query for ". SOA"; any reply means the server is up */
static int
probe(int port)
{
	static const unsigned char query[] = {
		0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x06, 0x00, 0x01,
	};
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	unsigned char reply[512];
	struct pollfd pfd;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ok = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return 0;
	if (sendto(fd, query, sizeof(query), 0, (struct sockaddr *)&sin, sizeof(sin)) > 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) == 1 && recv(fd, reply, sizeof(reply), 0) >= 12)
			ok = 1;
	}
	close(fd);
	return ok;
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * write_listed_zones - one nsd "zone:" clause per line of zonedir/zones.list:
 * "name file" serves the file, "name" alone is a zone without data
 */
static int
write_listed_zones(FILE *conf, const char *zonedir)
{
	char path[1024], line[1024], name[512], file[256];
	FILE *list;
	int n;

	snprintf(path, sizeof(path), "%s/zones.list", zonedir);
	if ((list = fopen(path, "r")) == NULL) {
		fprintf(stderr, "nsd_server: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), list) != NULL) {
		if (line[0] == '#' || (n = sscanf(line, "%511s %255s", name, file)) < 1)
			continue;
		fprintf(conf, "zone:\n\tname: \"%s\"\n", name);
		if (n == 2)
			fprintf(conf, "\tzonefile: \"%s/%s\"\n", zonedir, file);
	}
	fclose(list);
	return 0;
}

int
nsd_server_start(struct nsd_server *s)
{
	char zonedir[512];

	snprintf(zonedir, sizeof(zonedir), "%s/zones", test_source_dir());
	return start_nsd(s, zonedir, write_zone_entries);
}

int
nsd_server_start_listed(struct nsd_server *s, const char *zonedir)
{
	return start_nsd(s, zonedir, write_listed_zones);
}

/* start_nsd - configure nsd for zonedir, with zone clauses from `entries` */
static int
start_nsd(struct nsd_server *s, const char *zonedir,
	  int (*entries)(FILE *conf, const char *zonedir))
{
	char conf[512], out[512];
	struct timespec start;
	FILE *f;
	int status;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/dmarcguard-nsd-XXXXXX");
	if (mkdtemp(s->dir) == NULL || (s->port = test_free_port()) < 0) {
		fprintf(stderr, "nsd_server: cannot make a directory or find a port\n");
		return -1;
	}
	snprintf(s->address, sizeof(s->address), "127.0.0.1@%d", s->port);
	snprintf(conf, sizeof(conf), "%s/nsd.conf", s->dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f,
		"server:\n"
		"\tip-address: 127.0.0.1@%d\n"
		"\tdo-ip6: no\n"
		"\tserver-count: 1\n"
		"\tusername: \"\"\n"
		"\tchroot: \"\"\n"
		"\tdatabase: \"\"\n"
		"\tzonesdir: \"%s\"\n"
		"\tzonelistfile: \"%s/zone.list\"\n"
		"\txfrdfile: \"%s/xfrd.state\"\n"
		"\tpidfile: \"%s/nsd.pid\"\n"
		"\tlogfile: \"%s/nsd.log\"\n"
		"\tverbosity: 1\n"
		"\thide-version: yes\n"
		"\trrl-ratelimit: 0\n"
		"remote-control:\n"
		"\tcontrol-enable: yes\n"
		"\tcontrol-interface: \"%s/nsd.ctl\"\n",
		s->port, zonedir, s->dir, s->dir, s->dir, s->dir, s->dir);
	if (entries(f, zonedir) < 0) {
		fclose(f);
		return -1;
	}
	fclose(f);

	snprintf(out, sizeof(out), "%s/nsd.out", s->dir);
	fflush(NULL);
	if ((s->pid = fork()) < 0)
		return -1;
	if (s->pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(NSD_BINARY, "nsd", "-d", "-c", conf, (char *)NULL);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (elapsed_ms(&start) < START_TIMEOUT_MS) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "nsd_server: nsd exited at start (status %d); see %s and %s/nsd.log\n",
				status, out, s->dir);
			s->pid = 0;
			return -1;
		}
		if (probe(s->port))
			return 0;
		usleep(50 * 1000);
	}
	fprintf(stderr, "nsd_server: nsd did not answer within %d ms\n", START_TIMEOUT_MS);
	nsd_server_stop(s);
	return -1;
}

void
nsd_server_stop(struct nsd_server *s)
{
	struct timespec start;
	char cmd[600];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		clock_gettime(CLOCK_MONOTONIC, &start);
		while (waitpid(s->pid, NULL, WNOHANG) != s->pid) {
			if (elapsed_ms(&start) > STOP_TIMEOUT_MS) {
				kill(s->pid, SIGKILL);
				waitpid(s->pid, NULL, 0);
				break;
			}
			usleep(20 * 1000);
		}
		s->pid = 0;
	}
	if (s->dir[0] != '\0' && getenv("DMARCGUARD_KEEP_TEST_DIRS") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		(void)!system(cmd);
	}
	s->dir[0] = '\0';
}

long
nsd_server_queries(const struct nsd_server *s)
{
	char cmd[600], line[256];
	long queries = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "timeout 10 %s -c '%s/nsd.conf' stats_noreset 2>&1",
		 NSD_CONTROL_BINARY, s->dir);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strncmp(line, "num.queries=", 12) == 0)
			queries = strtol(line + 12, NULL, 10);
	}
	pclose(p);
	return queries;
}
