#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate huffman_table.c from the RFC 7541 Appendix B code list below.

Usage: python3 gen_huffman_table.py > huffman_table.c

Emits
  - h2c_huff_code[257] / h2c_huff_len[257]: the code of each symbol, LSB
    aligned, for the 64-bit accumulator encoder;
  - h2c_huff_dec_tab.syms / .len / .count [16384]: the decoder's first level,
    indexed by the next 14 input bits: the symbols whose codes lie wholly
    inside those 14 bits, at most two (the shortest code is 5 bits, and a
    third would need 15), their total length and their count.  Three
    tables rather than one packed entry: a step then needs no shifts or
    masks to unpack it, and the length (on the chain of dependent steps)
    comes straight from a load.  14 bits rather than 12: on the
    hpack-test-case strings a step then takes 1.93 symbols rather than
    1.59, for a chain 18% shorter.  The three tables total 64 KiB, more
    than a 32 KiB L1 cache, but text touches a small part of them, and
    only the length table (16 KiB) is on the chain; on the same strings
    the decoder took 4-5% less time than with 12 bits, and packing the
    count into the length octet (48 KiB) gained nothing.  The three are
    members of one object, so that one register addresses them all: a
    decoder holds one table address rather than three, and its loops,
    four lanes of them included, keep more of their state in registers.
    Codes of 14
    bits or less are exactly the 14-bit prefixes below 0x3ffe (the code is
    canonical, checked below), so a count of 0 means "the next code is 15
    to 30 bits".
  - h2c_huff_long[]: the second level, for those long codes.  The code is
    canonical: codes of one length are consecutive numbers, and codes grow
    with their length, so the length of the next code is the first whose
    last code, left-aligned in 32 bits, is at least the next 32 input bits;
    the symbol is then found by offset in h2c_huff_sym[], the symbols in code
    order.  EOS is the last, longest code.
"""
import sys

# (code aligned to LSB, length in bits) for symbols 0..255 and EOS (256).
CODES = [
    (0x1ff8, 13), (0x7fffd8, 23), (0xfffffe2, 28), (0xfffffe3, 28),  # 0
    (0xfffffe4, 28), (0xfffffe5, 28), (0xfffffe6, 28), (0xfffffe7, 28),  # 4
    (0xfffffe8, 28), (0xffffea, 24), (0x3ffffffc, 30), (0xfffffe9, 28),  # 8
    (0xfffffea, 28), (0x3ffffffd, 30), (0xfffffeb, 28), (0xfffffec, 28),  # 12
    (0xfffffed, 28), (0xfffffee, 28), (0xfffffef, 28), (0xffffff0, 28),  # 16
    (0xffffff1, 28), (0xffffff2, 28), (0x3ffffffe, 30), (0xffffff3, 28),  # 20
    (0xffffff4, 28), (0xffffff5, 28), (0xffffff6, 28), (0xffffff7, 28),  # 24
    (0xffffff8, 28), (0xffffff9, 28), (0xffffffa, 28), (0xffffffb, 28),  # 28
    (0x14, 6), (0x3f8, 10), (0x3f9, 10), (0xffa, 12),  # 32
    (0x1ff9, 13), (0x15, 6), (0xf8, 8), (0x7fa, 11),  # 36
    (0x3fa, 10), (0x3fb, 10), (0xf9, 8), (0x7fb, 11),  # 40
    (0xfa, 8), (0x16, 6), (0x17, 6), (0x18, 6),  # 44
    (0x0, 5), (0x1, 5), (0x2, 5), (0x19, 6),  # 48
    (0x1a, 6), (0x1b, 6), (0x1c, 6), (0x1d, 6),  # 52
    (0x1e, 6), (0x1f, 6), (0x5c, 7), (0xfb, 8),  # 56
    (0x7ffc, 15), (0x20, 6), (0xffb, 12), (0x3fc, 10),  # 60
    (0x1ffa, 13), (0x21, 6), (0x5d, 7), (0x5e, 7),  # 64
    (0x5f, 7), (0x60, 7), (0x61, 7), (0x62, 7),  # 68
    (0x63, 7), (0x64, 7), (0x65, 7), (0x66, 7),  # 72
    (0x67, 7), (0x68, 7), (0x69, 7), (0x6a, 7),  # 76
    (0x6b, 7), (0x6c, 7), (0x6d, 7), (0x6e, 7),  # 80
    (0x6f, 7), (0x70, 7), (0x71, 7), (0x72, 7),  # 84
    (0xfc, 8), (0x73, 7), (0xfd, 8), (0x1ffb, 13),  # 88
    (0x7fff0, 19), (0x1ffc, 13), (0x3ffc, 14), (0x22, 6),  # 92
    (0x7ffd, 15), (0x3, 5), (0x23, 6), (0x4, 5),  # 96
    (0x24, 6), (0x5, 5), (0x25, 6), (0x26, 6),  # 100
    (0x27, 6), (0x6, 5), (0x74, 7), (0x75, 7),  # 104
    (0x28, 6), (0x29, 6), (0x2a, 6), (0x7, 5),  # 108
    (0x2b, 6), (0x76, 7), (0x2c, 6), (0x8, 5),  # 112
    (0x9, 5), (0x2d, 6), (0x77, 7), (0x78, 7),  # 116
    (0x79, 7), (0x7a, 7), (0x7b, 7), (0x7ffe, 15),  # 120
    (0x7fc, 11), (0x3ffd, 14), (0x1ffd, 13), (0xffffffc, 28),  # 124
    (0xfffe6, 20), (0x3fffd2, 22), (0xfffe7, 20), (0xfffe8, 20),  # 128
    (0x3fffd3, 22), (0x3fffd4, 22), (0x3fffd5, 22), (0x7fffd9, 23),  # 132
    (0x3fffd6, 22), (0x7fffda, 23), (0x7fffdb, 23), (0x7fffdc, 23),  # 136
    (0x7fffdd, 23), (0x7fffde, 23), (0xffffeb, 24), (0x7fffdf, 23),  # 140
    (0xffffec, 24), (0xffffed, 24), (0x3fffd7, 22), (0x7fffe0, 23),  # 144
    (0xffffee, 24), (0x7fffe1, 23), (0x7fffe2, 23), (0x7fffe3, 23),  # 148
    (0x7fffe4, 23), (0x1fffdc, 21), (0x3fffd8, 22), (0x7fffe5, 23),  # 152
    (0x3fffd9, 22), (0x7fffe6, 23), (0x7fffe7, 23), (0xffffef, 24),  # 156
    (0x3fffda, 22), (0x1fffdd, 21), (0xfffe9, 20), (0x3fffdb, 22),  # 160
    (0x3fffdc, 22), (0x7fffe8, 23), (0x7fffe9, 23), (0x1fffde, 21),  # 164
    (0x7fffea, 23), (0x3fffdd, 22), (0x3fffde, 22), (0xfffff0, 24),  # 168
    (0x1fffdf, 21), (0x3fffdf, 22), (0x7fffeb, 23), (0x7fffec, 23),  # 172
    (0x1fffe0, 21), (0x1fffe1, 21), (0x3fffe0, 22), (0x1fffe2, 21),  # 176
    (0x7fffed, 23), (0x3fffe1, 22), (0x7fffee, 23), (0x7fffef, 23),  # 180
    (0xfffea, 20), (0x3fffe2, 22), (0x3fffe3, 22), (0x3fffe4, 22),  # 184
    (0x7ffff0, 23), (0x3fffe5, 22), (0x3fffe6, 22), (0x7ffff1, 23),  # 188
    (0x3ffffe0, 26), (0x3ffffe1, 26), (0xfffeb, 20), (0x7fff1, 19),  # 192
    (0x3fffe7, 22), (0x7ffff2, 23), (0x3fffe8, 22), (0x1ffffec, 25),  # 196
    (0x3ffffe2, 26), (0x3ffffe3, 26), (0x3ffffe4, 26), (0x7ffffde, 27),  # 200
    (0x7ffffdf, 27), (0x3ffffe5, 26), (0xfffff1, 24), (0x1ffffed, 25),  # 204
    (0x7fff2, 19), (0x1fffe3, 21), (0x3ffffe6, 26), (0x7ffffe0, 27),  # 208
    (0x7ffffe1, 27), (0x3ffffe7, 26), (0x7ffffe2, 27), (0xfffff2, 24),  # 212
    (0x1fffe4, 21), (0x1fffe5, 21), (0x3ffffe8, 26), (0x3ffffe9, 26),  # 216
    (0xffffffd, 28), (0x7ffffe3, 27), (0x7ffffe4, 27), (0x7ffffe5, 27),  # 220
    (0xfffec, 20), (0xfffff3, 24), (0xfffed, 20), (0x1fffe6, 21),  # 224
    (0x3fffe9, 22), (0x1fffe7, 21), (0x1fffe8, 21), (0x7ffff3, 23),  # 228
    (0x3fffea, 22), (0x3fffeb, 22), (0x1ffffee, 25), (0x1ffffef, 25),  # 232
    (0xfffff4, 24), (0xfffff5, 24), (0x3ffffea, 26), (0x7ffff4, 23),  # 236
    (0x3ffffeb, 26), (0x7ffffe6, 27), (0x3ffffec, 26), (0x3ffffed, 26),  # 240
    (0x7ffffe7, 27), (0x7ffffe8, 27), (0x7ffffe9, 27), (0x7ffffea, 27),  # 244
    (0x7ffffeb, 27), (0xffffffe, 28), (0x7ffffec, 27), (0x7ffffed, 27),  # 248
    (0x7ffffee, 27), (0x7ffffef, 27), (0x7fffff0, 27), (0x3ffffee, 26),  # 252
    (0x3fffffff, 30),  # 256
]
assert len(CODES) == 257
EOS = 256


def check_canonical():
    """Codes of each length are consecutive and follow the shorter ones."""
    order = sorted(range(len(CODES)), key=lambda s: (CODES[s][1], s))
    code, prev = -1, CODES[order[0]][1]
    for s in order:
        n = CODES[s][1]
        code = (code + 1) << (n - prev)
        prev = n
        assert CODES[s][0] == code, 'code is not canonical'
    return order


# Fields of a first-level entry (huffman.h: H2C_HUFF_*).
FAST_BITS = 14
LONG_PREFIX = 0x3ffe  # 14-bit prefixes at or above this start a code > 14 bits


def first_symbol(value, nbits, pos, codes):
    """(sym, len) of the code starting at bit pos of an nbits-bit value, or None."""
    for n in range(5, nbits - pos + 1):
        sym = codes.get((n, (value >> (nbits - pos - n)) & ((1 << n) - 1)))
        if sym is not None:
            return sym, n
    return None


def fast_table():
    """(total length, sym0 | sym1 << 8, count) per FAST_BITS-bit prefix."""
    codes = {(n, c): s for s, (c, n) in enumerate(CODES)}
    table = []
    for x in range(1 << FAST_BITS):
        syms, pos = [], 0
        while len(syms) < 2:
            r = first_symbol(x, FAST_BITS, pos, codes)
            if r is None:
                break
            assert r[0] != EOS
            syms.append(r[0])
            pos += r[1]
        assert (len(syms) == 0) == (x >= LONG_PREFIX)
        s0 = syms[0] if syms else 0
        s1 = syms[1] if len(syms) > 1 else 0
        table.append((pos, s0 | s1 << 8, len(syms)))
    return table


def long_table(order):
    """(last code left-aligned in 32 bits, length, offset) per length > FAST_BITS."""
    rows, done = [], 0
    lengths = sorted({n for _, n in CODES})
    for n in lengths:
        syms = [s for s in order if CODES[s][1] == n]
        first = CODES[syms[0]][0]
        last = CODES[syms[-1]][0]
        if n > FAST_BITS:
            # symbol = h2c_huff_sym[(next n bits) + offset], mod 2^32
            rows.append((((last + 1) << (32 - n)) - 1, n, (done - first) % (1 << 32)))
        done += len(syms)
    return rows


def main():
    order = check_canonical()
    w = sys.stdout.write
    w('/* SPDX-License-Identifier: MIT */\n')
    w('/* GENERATED by gen_huffman_table.py from RFC 7541 Appendix B; do not edit. */\n')
    w('#include "huffman.h"\n\n')
    w('const uint32_t h2c_huff_code[257] = {')
    for i, (code, _) in enumerate(CODES):
        w(('\n    ' if i % 8 == 0 else ' ') + '0x%x,' % code)
    w('\n};\n\nconst uint8_t h2c_huff_len[257] = {')
    for i, (_, n) in enumerate(CODES):
        w(('\n    ' if i % 16 == 0 else ' ') + '%d,' % n)
    w('\n};\n\n')
    w('/* Symbols in code order (canonical: by length, then value). */\n')
    w('const uint16_t h2c_huff_sym[257] = {')
    for i, s in enumerate(order):
        w(('\n    ' if i % 16 == 0 else ' ') + '%d,' % s)
    w('\n};\n\n')
    rows = long_table(order)
    assert len(rows) == H2C_HUFF_LONG_ROWS and rows[-1][0] == 0xffffffff
    w('/* Codes of 15 bits or more: { last code left-aligned, length, offset }. */\n')
    w('const h2c_huff_long_row h2c_huff_long[%d] = {\n' % len(rows))
    for last, n, off in rows:
        w('    {0x%08x, %d, 0x%08x},\n' % (last, n, off))
    w('};\n\n')
    fast = fast_table()
    w('const h2c_huff_dec_tables h2c_huff_dec_tab = {\n')
    w('    /* By the next 14 bits: first symbol | second symbol << 8. */\n')
    w('    .syms = {')
    for i, (_, sy, _) in enumerate(fast):
        w(('\n        ' if i % 8 == 0 else ' ') + '0x%04x,' % sy)
    w('\n    },\n')
    w('    /* By the next 14 bits: total length of the codes inside them (0: a long code). */\n')
    w('    .len = {')
    for i, (n, _, _) in enumerate(fast):
        w(('\n        ' if i % 16 == 0 else ' ') + '%d,' % n)
    w('\n    },\n')
    w('    /* By the next 14 bits: how many symbols (0, 1 or 2). */\n')
    w('    .count = {')
    for i, (_, _, c) in enumerate(fast):
        w(('\n        ' if i % 32 == 0 else ' ') + '%d,' % c)
    w('\n    },\n')
    w('    /* Ones below the first k octets of a 64-bit load. */\n')
    w('    .ones_after = {')
    for k in range(16):
        ones = (1 << 64) - 1 >> 8 * k if k < 8 else 0
        w(('\n        ' if k % 4 == 0 else ' ') + '0x%016x,' % ones)
    w('\n    },\n};\n')

H2C_HUFF_LONG_ROWS = 12

if __name__ == '__main__':
    main()
