/* SPDX-License-Identifier: MIT */
/*
 * CRC32c (Castagnoli, polynomial 0x1EDC6F41 reflected: 0x82F63B78), the
 * checksum of SCTP (RFC 9260, appendix A). Any thread.
 */
#ifndef NS_BASE_CRC32C_H
#define NS_BASE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* crc updated over n bytes (start with ~0; the result is ~crc). */
uint32_t ns_crc32c(uint32_t crc, const void *data, size_t n);

#endif
