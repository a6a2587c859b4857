/*
 * arc_fields - the header fields an ARC chain evaluation keeps for the
 * newest ARC-Message-Signature, which may select any field by name.
 *
 * What is kept: nothing before the first ARC field (in message order,
 * the topmost one); from that field on, every field, name and value, in
 * arena blocks that never move. Of each field before it only a 64-bit
 * fingerprint of its name is noted, in a fixed table inside the struct
 * (no allocation, no copy), so mail without any ARC field costs no memory
 * per field. The AMS hash can therefore be computed exactly unless its
 * h= selects a field above the topmost ARC field; arc_fields_above_has
 * tells the verifier when that happens (see arc_verify.c).
 *
 * Ownership: the struct is embedded in the chain and zero-initialised;
 * arc_fields_clear frees the blocks and the field array. Pointers of a
 * kept field stay valid until then.
 *
 * Thread-safety: belongs to one chain, one thread at a time.
 */
#ifndef DMARCGUARD_ARC_FIELDS_H
#define DMARCGUARD_ARC_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum arc_kind { ARC_KIND_OTHER, ARC_KIND_SEAL, ARC_KIND_AMS, ARC_KIND_AAR };

/* distinct names noted above the chain; more set above_overflow */
#define ARC_FIELDS_ABOVE_SLOTS 64

/* one kept field: name NUL-terminated, value folded with CRLF, NUL-terminated */
struct arc_field {
	const char *name;
	const char *value;
	uint32_t len;			/* of value */
	unsigned char kind;		/* enum arc_kind */
};

struct arc_fields_block;

struct arc_fields {
	struct arc_field *field;
	size_t count, alloc;
	struct arc_fields_block *blocks;	/* the newest first */
	uint64_t above[ARC_FIELDS_ABOVE_SLOTS];	/* name fingerprints; 0 = empty */
	size_t above_fields;		/* fields noted above the chain */
	int above_overflow;		/* more distinct names than slots */
};

/*
 * arc_fields_keep - name and value (as dkimv.h describes them) into the
 * arena, bare LF made CRLF and the final line break dropped. 0, or -1
 * when out of memory (nothing kept).
 */
int arc_fields_keep(struct arc_fields *fs, const char *name, const char *value, size_t len,
		    enum arc_kind kind);

/* arc_fields_note_above - remember that a field of this name came before the chain */
void arc_fields_note_above(struct arc_fields *fs, const char *name);

/*
 * arc_fields_above_has - whether a field named name[0..len) may have come
 * before the chain (exact, except that it answers 1 for every name once
 * the table overflowed)
 */
int arc_fields_above_has(const struct arc_fields *fs, const char *name, size_t len);

/* arc_fields_clear - free everything; the struct is empty (all zero) again */
void arc_fields_clear(struct arc_fields *fs);

#endif
