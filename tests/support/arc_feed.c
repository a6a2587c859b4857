/*
 * arc_feed - a stored message into an ARC chain (see arc_feed.h).
 *
 * Thread-safety: one thread per chain.
 */
#include "arc_feed.h"
#include "arc_chain.h"
#include "message_reader.h"

static int
sink_header(void *ctx, const char *name, const char *value, size_t len)
{
	return arc_chain_header(ctx, name, value, len);
}

static int
sink_eoh(void *ctx)
{
	return arc_chain_eoh(ctx);
}

static int
sink_body(void *ctx, const unsigned char *chunk, size_t len)
{
	return arc_chain_body(ctx, chunk, len);
}

int
arc_feed_file(struct arc_chain *c, FILE *f)
{
	struct message_reader_sink sink = { sink_header, sink_eoh, sink_body, c };

	return message_reader_feed(f, &sink);
}
