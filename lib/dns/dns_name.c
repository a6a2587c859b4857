/*
 * dns_name - domain names in presentation and wire form (see dns_name.h).
 *
 * Thread-safety: no state; every function works on caller-owned memory.
 */
#include "dns_name.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* normalize - lowercase, strip one trailing dot, check lengths and bytes */
static int
normalize(const char *name, char *out, size_t size, unsigned char lowest,
	  const char **error_r)
{
	size_t len = strlen(name);
	size_t label = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0) {
		*error_r = "empty domain name";
		return -1;
	}
	if (len > DNS_NAME_MAX || len + 1 > size) {
		*error_r = "domain name longer than 253 characters";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0) {
				*error_r = "empty label in domain name";
				return -1;
			}
			label = 0;
		} else if (c < lowest || c >= 0x7f) {
			*error_r = lowest > 0x20
			    ? "domain name holds a space, control or non-ASCII byte"
			    : "domain name holds a control or non-ASCII byte";
			return -1;
		} else if (++label > 63) {
			*error_r = "domain name label longer than 63 characters";
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return 0;
}

int
dns_name_normalize(const char *name, char *out, size_t size, const char **error_r)
{
	return normalize(name, out, size, 0x21, error_r);
}

int
dns_name_normalize_query(const char *name, char *out, size_t size, const char **error_r)
{
	return normalize(name, out, size, 0x20, error_r);
}

/* dns_name_to_wire - presentation form (with escapes) to labels */
size_t
dns_name_to_wire(const char *name, unsigned char *out, size_t size)
{
	size_t pos = 0;
	const char *p = name;

	if (strcmp(name, ".") == 0 || *name == '\0') {
		if (size < 1)
			return 0;
		out[0] = 0;
		return 1;
	}
	while (*p != '\0') {
		size_t lenpos = pos++;
		size_t label = 0;

		while (*p != '\0' && *p != '.') {
			unsigned int c = (unsigned char)*p++;

			if (c == '\\') {
				if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])
				    && isdigit((unsigned char)p[2])) {
					c = (unsigned)(p[0] - '0') * 100 + (unsigned)(p[1] - '0') * 10
					    + (unsigned)(p[2] - '0');
					if (c > 255)
						return 0;
					p += 3;
				} else if (*p != '\0') {
					c = (unsigned char)*p++;
				} else {
					return 0;
				}
			}
			if (pos >= size || ++label > 63)
				return 0;
			out[pos++] = (unsigned char)c;
		}
		if (label == 0)
			return 0;
		out[lenpos] = (unsigned char)label;
		if (*p == '.')
			p++;
	}
	if (pos >= size || pos + 1 > DNS_WIRE_NAME_MAX)
		return 0;
	out[pos++] = 0;
	return pos;
}

/*
 * walk_name - shared walker: decode into out when out != NULL. Compression
 * pointers must point backwards, which also bounds the number of jumps.
 */
static int
walk_name(const unsigned char *packet, size_t len, size_t *offset, char *out,
	  size_t size)
{
	size_t pos = *offset;
	size_t end = 0;		/* where the name ends in the packet */
	size_t outpos = 0;
	size_t wire = 0;
	int jumped = 0;
	int jumps = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		unsigned int b = packet[pos];

		if ((b & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			size_t target = ((b & 0x3f) << 8) | packet[pos + 1];

			if (!jumped)
				end = pos + 2;
			if (target >= pos || ++jumps > 64)
				return -1;	/* forward or self pointer: loop */
			jumped = 1;
			pos = target;
			continue;
		}
		if ((b & 0xc0) != 0)
			return -1;	/* extended label types are not used */
		pos++;
		if (b == 0)
			break;
		/* the labels and the final zero octet: at most 255 (RFC 1035 2.3.4) */
		if (pos + b > len || (wire += b + 1) + 1 > DNS_WIRE_NAME_MAX)
			return -1;
		if (out != NULL) {
			if (outpos > 0) {
				if (outpos + 1 >= size)
					return -1;
				out[outpos++] = '.';
			}
			for (unsigned int i = 0; i < b; i++) {
				unsigned char c = packet[pos + i];

				if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
					if (outpos + 1 >= size)
						return -1;
					out[outpos++] = (char)tolower(c);
				} else {
					if (outpos + 5 >= size)
						return -1;
					snprintf(out + outpos, 5, "\\%03u", c);
					outpos += 4;
				}
			}
		}
		pos += b;
	}
	if (!jumped)
		end = pos;
	if (out != NULL) {
		if (outpos == 0) {
			if (size < 2)
				return -1;
			out[outpos++] = '.';
		}
		out[outpos] = '\0';
	}
	*offset = end;
	return 0;
}

int
dns_name_from_wire(const unsigned char *packet, size_t len, size_t *offset,
		   char *out, size_t size)
{
	return walk_name(packet, len, offset, out, size);
}

int
dns_name_skip(const unsigned char *packet, size_t len, size_t *offset)
{
	return walk_name(packet, len, offset, NULL, 0);
}
