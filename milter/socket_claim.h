/*
 * socket_claim - a unix socket path belongs to at most one running
 * daemon. Before opening, socket_claim_check refuses a path on which
 * another process still accepts connections (libmilter would otherwise
 * unlink it and bind a new one, cutting the first daemon off from every
 * MTA); a stale socket, where nobody answers, is left for libmilter to
 * replace. After opening, socket_claim_remember records which file is
 * ours, and socket_claim_release removes that file at exit only if it is
 * still ours. inet sockets need none of this: bind refuses a port in use.
 *
 * Thread-safety: main thread, during start-up and shutdown.
 */
#ifndef DMARCGUARD_SOCKET_CLAIM_H
#define DMARCGUARD_SOCKET_CLAIM_H

#include <stddef.h>
#include <sys/types.h>

struct socket_claim {
	int valid;		/* set by socket_claim_remember */
	dev_t dev;
	ino_t ino;
};

/*
 * socket_claim_check - 0 when socket_spec is not a unix socket, is absent,
 * is not a socket (libmilter refuses it with its own reason) or is stale;
 * -1 with a reason naming the socket when a process answers on it, or
 * when it cannot be probed.
 */
int socket_claim_check(const char *socket_spec, char *error, size_t size);

/* socket_claim_remember - note the identity of the socket just opened */
void socket_claim_remember(const char *socket_spec, struct socket_claim *claim);

/*
 * socket_claim_release - unlink the socket file if it is still the one
 * remembered; 0, or -1 with why (the file is then left in place)
 */
int socket_claim_release(const char *socket_spec, const struct socket_claim *claim,
			 char *error, size_t size);

#endif
