/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR; check "123456789" = 0x29B1).
 * Plain C99 so the board stub can include this very header; a 16-entry nibble table keeps it at 32 bytes of
 * flash while running about twice as fast as the bitwise loop. Written without casts so it compiles cleanly
 * as C++ under -Wold-style-cast. */
#ifndef TINYSCOPE_PROTOCOL_CRC16_H
#define TINYSCOPE_PROTOCOL_CRC16_H

#include <stddef.h>
#include <stdint.h>

#define TS_CRC16_INIT 0xFFFFu

/** Continues a CRC-16/CCITT-FALSE over len bytes; start with TS_CRC16_INIT. */
static inline uint16_t ts_crc16_update(uint16_t crc, const uint8_t* data, size_t len)
{
    static const uint16_t nibble[16] = { 0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7, 0x8108, 0x9129,
        0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF };
    size_t i;
    for (i = 0; i < len; ++i) {
        crc = (crc << 4) ^ nibble[(crc >> 12) ^ (data[i] >> 4)];
        crc = (crc << 4) ^ nibble[(crc >> 12) ^ (data[i] & 0x0Fu)];
    }
    return crc;
}

#endif /* TINYSCOPE_PROTOCOL_CRC16_H */
