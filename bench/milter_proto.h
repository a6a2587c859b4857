/*
 * milter_proto - the milter wire format as the MTA side speaks it: one
 * packet is a 4-byte big-endian length (command byte included), a command
 * byte and its data. This module builds packets, writes them and reads
 * replies, every read and write bounded by a timeout; it knows nothing of
 * the conversation (see milter_client.h for that).
 *
 * Command, reply, action and protocol constants are libmilter's own
 * (<libmilter/mfdef.h>, <libmilter/mfapi.h>), so the names match the
 * milter side of the code base.
 *
 * Memory: a milter_buf owns its bytes; milter_buf_free releases them.
 * milter_proto_read fills a caller-owned milter_buf, whose contents stay
 * valid until the next read into it.
 *
 * Thread-safety: no shared state; one connection per thread at a time.
 */
#ifndef DMARCGUARD_BENCH_MILTER_PROTO_H
#define DMARCGUARD_BENCH_MILTER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

/* Packets larger than this are a protocol error (libmilter's 1 MB limit, plus room). */
#define MILTER_PROTO_MAX_PACKET (2 * 1024 * 1024)

struct milter_buf {
	unsigned char *data;
	size_t len;
	size_t size;
	int failed;		/* an append ran out of memory */
};

void milter_buf_reset(struct milter_buf *b);
void milter_buf_free(struct milter_buf *b);
void milter_buf_byte(struct milter_buf *b, unsigned char c);
void milter_buf_u16(struct milter_buf *b, uint16_t v);
void milter_buf_u32(struct milter_buf *b, uint32_t v);
/* milter_buf_str - the string and its terminating NUL */
void milter_buf_str(struct milter_buf *b, const char *s);
void milter_buf_bytes(struct milter_buf *b, const void *p, size_t n);

/*
 * milter_proto_connect - open "unix:PATH", "local:PATH" or "inet:PORT@HOST"
 * (HOST a numeric address; inet6: too) within timeout_ms. Returns a
 * blocking fd (give it to milter_io_init) or -1 with *error_r set.
 */
int milter_proto_connect(const char *spec, int timeout_ms, const char **error_r);

/*
 * milter_buf_packet - start a packet for cmd at the end of b; the data
 * appended after it belongs to the packet until milter_buf_packet_end(b,
 * start) writes its length. Several packets may share one buffer, so a
 * macro packet and its command go out in one system call.
 */
size_t milter_buf_packet(struct milter_buf *b, char cmd);
void milter_buf_packet_end(struct milter_buf *b, size_t start);

/*
 * One connection's I/O state: the socket (blocking, with SO_RCVTIMEO and
 * SO_SNDTIMEO as the timeouts of every read and write) and a read buffer,
 * so one recv usually brings a whole reply.
 */
struct milter_io {
	int fd;
	int rcv_timeout_ms;
	int snd_timeout_ms;
	unsigned char pending[4096];
	size_t off;
	size_t len;
};

void milter_io_init(struct milter_io *io, int fd);

/* milter_proto_send - write all of b (framed packets); 0, or -1 with *error_r */
int milter_proto_send(struct milter_io *io, const struct milter_buf *b, int timeout_ms,
		      const char **error_r);

/* milter_proto_write - send command cmd with data; 0, or -1 with *error_r */
int milter_proto_write(struct milter_io *io, char cmd, const void *data, size_t len,
		       int timeout_ms, const char **error_r);

/*
 * milter_proto_read - read one packet: *cmd_r gets the reply byte, buf the
 * data after it. Each read waits at most timeout_ms. 0, or -1 with
 * *error_r ("read timeout", "read: milter closed the connection", ...).
 */
int milter_proto_read(struct milter_io *io, struct milter_buf *buf, char *cmd_r,
		      int timeout_ms, const char **error_r);

/* milter_proto_get_u32 - big-endian integer at data[off], 0 if short */
uint32_t milter_proto_get_u32(const struct milter_buf *buf, size_t off);

/*
 * milter_proto_get_str - the NUL-terminated string starting at *off in buf;
 * advances *off past the NUL. NULL when there is none.
 */
const char *milter_proto_get_str(const struct milter_buf *buf, size_t *off);

#endif
