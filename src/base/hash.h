/* SPDX-License-Identifier: MIT */
/* Keyed hashing for state tables (jhash-style mixing with a secret seed). */
#ifndef NS_BASE_HASH_H
#define NS_BASE_HASH_H

#include <stdint.h>

static inline uint32_t ns_rol32(uint32_t w, unsigned s)
{
	return (w << s) | (w >> (32 - s));
}

/* Bob Jenkins' final mix of a, b, c, as the kernel's __jhash_final(). */
static inline uint32_t ns_jhash_final(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b; c -= ns_rol32(b, 14);
	a ^= c; a -= ns_rol32(c, 11);
	b ^= a; b -= ns_rol32(a, 25);
	c ^= b; c -= ns_rol32(b, 16);
	a ^= c; a -= ns_rol32(c, 4);
	b ^= a; b -= ns_rol32(a, 14);
	c ^= b; c -= ns_rol32(b, 24);
	return c;
}

/* Three words with a seed, as the kernel's jhash_3words(). */
static inline uint32_t ns_hash_3words(uint32_t a, uint32_t b, uint32_t c,
				      uint32_t seed)
{
	a += 0xdeadbeef + seed;
	b += 0xdeadbeef + seed;
	c += 0xdeadbeef + seed;
	return ns_jhash_final(a, b, c);
}

#endif
