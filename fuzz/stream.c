/* SPDX-License-Identifier: MIT */
/*
 * stream -- the whole receive pipeline of `h2codec frames` on one direction
 * of a connection: preface, frame parser, header-block assembler with its
 * CONTINUATION and block-size limits, HPACK decoding of every field block.
 * Small limits are chosen from the input so that the flood and bomb paths
 * (SETTINGS floods, empty frames, CONTINUATION floods, oversized blocks,
 * HPACK list-size bombs) are reached.
 *
 * Each decoded block also goes through the RFC 9113 8.2-8.3 field
 * validator (<h2codec/fields.h>), with leniency flags from the input.
 *
 * The pipeline runs twice, on the input in one piece and in random
 * fragments (exact-size heap copies); everything it reports -- events,
 * errors, assembled blocks, decoded fields -- is hashed, and both runs must
 * give the same hash and end the same way.  The limits are checked on every
 * block and field.
 *
 * Input:
 *   mode:u8      preface mode (mode % 3); 0x80 joins blocks (ASSEMBLER_JOIN);
 *                (mode >> 3) & 0xf are the field validator's leniency flags
 *   settings:u8  parser max_settings (0 = default)
 *   empty:u8     parser max_empty_frames (0 = no limit)
 *   cont:u8      assembler max_continuations = cont - 1 (0 = default)
 *   block:u8     assembler max_block_size = block * 16 (0 = default)
 *   table:u8     HPACK acknowledged table size = table * 16 (0 = default)
 *   list:u8      HPACK max_list_size = list * 32 (0 = default)
 *   fields:u8    HPACK max_fields (0 = default)
 *   pattern:4    fragment sizes of the second run
 *   mfs_at:u8    after this many frame events, apply a new SETTINGS_MAX_FRAME_SIZE
 *   mfs:u8       of 16384 << (mfs % 4), or (mfs & 0x80) an invalid value
 *                (which must be refused and change nothing); 0 = never
 *   fail_at:u8   a third run, fragmented, whose allocator (parser, assembler
 *                and HPACK decoder alike) fails from call fail_at on; 0 = no
 *                third run.  It must end exactly like the second run, or
 *                with H2C_E_NOMEM / H2C_E_NOMEM after a failure.
 *   then the connection octets.
 *
 * After each run the parser and the assembler are reset and must be as new.
 */
#include <string.h>

#include <h2codec/fields.h>

#include "frame_step.h"
#include "hpack_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct config {
    h2c_frame_parser_options popt;
    h2c_frame_assembler_options aopt;
    h2c_hpack_decoder_options hopt;
    uint32_t lenient; /* H2C_FIELDS_LENIENT_* */
    uint64_t mfs_at; /* frame events before the new max frame size; 0 = never */
    uint32_t mfs;
} config;

typedef struct outcome {
    uint64_t hash;   /* FNV-1a over everything reported */
    int end;         /* how it ended: parser result, or the assembler / HPACK error */
    uint64_t frames; /* frame events */
    uint64_t fields; /* decoded fields */
} outcome;

static void mix(outcome *o, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        o->hash ^= b[i];
        o->hash *= 0x100000001b3ull;
    }
}

static void mix_int(outcome *o, uint64_t v)
{
    mix(o, &v, sizeof v);
}

/* Decode one fragment; returns 0 or the HPACK error. */
/* What a validator's push or finish may return on a live validator: H2C_OK
 * or one of the H2C_FIELDS_E_* (never H2C_E_STATE). */
static int fields_result(int rc)
{
    return rc == H2C_OK || (rc <= H2C_FIELDS_E_NAME_EMPTY && rc >= H2C_FIELDS_E_PATH);
}

static int hpack_fragment(h2c_hpack_decoder *dec, const config *cfg, h2c_view frag,
                          h2c_fields_validator *val, outcome *o, size_t *list_sum,
                          uint32_t *count)
{
    size_t off = 0;
    if (frag.len == 0)
        return 0;
    for (;;) {
        h2c_hpack_field f;
        size_t used = 0;
        int rc = h2c_hpack_decoder_push(dec, frag.ptr + off, frag.len - off, &used, &f);
        off += used;
        if (rc == H2C_OK)
            return 0;
        if (rc < 0)
            return rc;
        *list_sum += f.name.len + f.value.len + 32;
        *count += 1;
        H2C_FUZZ_CHECK(*list_sum <= cfg->hopt.max_list_size);
        H2C_FUZZ_CHECK(*count <= cfg->hopt.max_fields);
        mix_int(o, f.name.len);
        mix(o, f.name.ptr, f.name.len);
        mix_int(o, f.value.len);
        mix(o, f.value.ptr, f.value.len);
        mix_int(o, f.indexing);
        rc = h2c_fields_validator_push(val, f.name, f.value);
        H2C_FUZZ_CHECK(fields_result(rc) && h2c_status_name(rc) != NULL);
        mix_int(o, (uint64_t)(int64_t)rc);
        o->fields++;
    }
}

/* After a reset, a parser and an assembler are as new. */
static void check_reset(h2c_frame_parser *p, h2c_frame_assembler *a, const config *cfg)
{
    static const h2c_frame_parser_stats zp;
    static const h2c_frame_assembler_stats za;
    h2c_error e;
    h2c_frame_parser_reset(p);
    h2c_frame_assembler_reset(a);
    H2C_FUZZ_CHECK(h2c_frame_parser_offset(p) == 0);
    H2C_FUZZ_CHECK(h2c_frame_parser_error(p, &e) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_parser_max_frame_size(p) == cfg->popt.max_frame_size);
    H2C_FUZZ_CHECK(memcmp(h2c_frame_parser_stats_get(p), &zp, sizeof zp) == 0);
    H2C_FUZZ_CHECK(h2c_frame_assembler_error(a, &e) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_assembler_open_stream(a) == 0);
    H2C_FUZZ_CHECK(memcmp(h2c_frame_assembler_stats_get(a), &za, sizeof za) == 0);
}

/* Returns 0, or -1 if an object could not be created (failing allocator). */
static int run(const config *cfg, const uint8_t *in, size_t len, const h2c_fuzz_chunker *ch,
               int copy, h2c_fuzz_alloc *fa, outcome *o)
{
    h2c_frame_parser *p = NULL;
    h2c_frame_assembler *a = NULL;
    h2c_hpack_decoder *dec = NULL;
    h2c_fuzz_fparse fp;
    h2c_fields_validator val;
    size_t list_sum = 0;
    uint32_t count = 0;
    h2c_allocator fhooks = {h2c_fuzz_alloc_fn, h2c_fuzz_free_fn, fa};
    h2c_allocator hhooks = {h2c_fuzz_alloc_fn, h2c_fuzz_free_fn, fa};
    h2c_frame_parser_options popt = cfg->popt;
    h2c_frame_assembler_options aopt = cfg->aopt;
    h2c_hpack_decoder_options hopt = cfg->hopt;

    memset(o, 0, sizeof *o);
    o->hash = 0xcbf29ce484222325ull;
    if (fa) {
        int r1, r2, r3;
        popt.allocator = &fhooks;
        aopt.allocator = &fhooks;
        hopt.allocator = &hhooks;
        r1 = h2c_frame_parser_new(&p, &popt);
        r2 = h2c_frame_assembler_new(&a, &aopt);
        r3 = h2c_hpack_decoder_new(&dec, &hopt);
        if (r1 != H2C_OK || r2 != H2C_OK || r3 != H2C_OK) {
            H2C_FUZZ_CHECK(fa->failed > 0);
            H2C_FUZZ_CHECK(r1 == H2C_OK || (r1 == H2C_E_NOMEM && p == NULL));
            H2C_FUZZ_CHECK(r2 == H2C_OK || (r2 == H2C_E_NOMEM && a == NULL));
            H2C_FUZZ_CHECK(r3 == H2C_OK || (r3 == H2C_E_NOMEM && dec == NULL));
            h2c_hpack_decoder_free(dec);
            h2c_frame_assembler_free(a);
            h2c_frame_parser_free(p);
            return -1;
        }
    } else {
        H2C_FUZZ_CHECK(h2c_frame_parser_new(&p, &popt) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_frame_assembler_new(&a, &aopt) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&dec, &hopt) == H2C_OK);
    }
    h2c_fuzz_fparse_init(&fp, p, in, len, ch, copy);
    for (;;) {
        h2c_frame_event ev;
        h2c_frame_block blk;
        int rc = h2c_fuzz_fparse_next(&fp, &ev);
        mix_int(o, (uint64_t)(int64_t)rc);
        if (rc <= 0) {
            mix_int(o, ev.error.offset);
            o->end = rc;
            break;
        }
        if (rc == H2C_FRAME_EV_PREFACE)
            continue;
        o->frames++;
        if (o->frames == cfg->mfs_at) {
            /* We advertised a new SETTINGS_MAX_FRAME_SIZE and the peer acked it. */
            int valid = cfg->mfs >= H2C_FRAME_MAX_FRAME_SIZE_MIN &&
                        cfg->mfs <= H2C_FRAME_MAX_FRAME_SIZE_MAX;
            int r = h2c_frame_parser_set_max_frame_size(p, cfg->mfs);
            H2C_FUZZ_CHECK(r == (valid ? H2C_OK : H2C_E_INVALID_ARGUMENT));
            mix_int(o, h2c_frame_parser_max_frame_size(p));
        }
        mix_int(o, ev.frame.hd.length);
        mix_int(o, ev.frame.hd.type);
        mix_int(o, ev.frame.hd.flags);
        mix_int(o, ev.frame.hd.stream_id);
        mix_int(o, (uint64_t)(int64_t)ev.error.status);
        rc = h2c_frame_assembler_push(a, &ev.frame, &blk);
        mix_int(o, (uint64_t)(int64_t)rc);
        if (rc < 0) {
            h2c_error e;
            H2C_FUZZ_CHECK(h2c_frame_assembler_error(a, &e) == rc);
            H2C_FUZZ_CHECK(e.scope == H2C_SCOPE_CONNECTION || e.scope == H2C_SCOPE_LOCAL);
            o->end = rc;
            break;
        }
        if (rc == H2C_OK)
            continue;
        /* A fragment of a field block: within the limits, then to HPACK. */
        H2C_FUZZ_CHECK(rc == H2C_FRAME_EV_FRAGMENT || rc == H2C_FRAME_EV_BLOCK_END);
        H2C_FUZZ_CHECK(blk.size <= cfg->aopt.max_block_size);
        H2C_FUZZ_CHECK(blk.continuations <= cfg->aopt.max_continuations);
        H2C_FUZZ_CHECK(blk.stream_id != 0);
        mix_int(o, blk.stream_id);
        mix_int(o, blk.size);
        if (blk.continuations == 0)
            h2c_fields_validator_init(&val, blk.type == H2C_FRAME_TYPE_PUSH_PROMISE
                                                ? H2C_FIELDS_REQUEST : H2C_FIELDS_AUTO,
                                      cfg->lenient);
        rc = hpack_fragment(dec, cfg, blk.fragment, &val, o, &list_sum, &count);
        if (rc == 0 && blk.end) {
            int vr;
            if (cfg->aopt.flags & H2C_FRAME_ASSEMBLER_JOIN)
                H2C_FUZZ_CHECK(blk.block.len == blk.size || blk.continuations == 0);
            rc = h2c_hpack_decoder_finish(dec);
            list_sum = 0;
            count = 0;
            vr = h2c_fields_validator_finish(&val);
            H2C_FUZZ_CHECK(fields_result(vr));
            mix_int(o, (uint64_t)(int64_t)vr);
            mix_int(o, h2c_fields_validator_kind(&val));
            /* After finish, the validator refuses more fields. */
            H2C_FUZZ_CHECK(h2c_fields_validator_push(&val, h2c_view_of("a", 1), h2c_view_of("b", 1)) == H2C_E_STATE);
        }
        if (rc != 0) {
            /* COMPRESSION_ERROR ends the connection (RFC 9113 4.3). */
            if (rc == H2C_E_NOMEM)
                H2C_FUZZ_CHECK(fa && fa->failed > 0);
            H2C_FUZZ_CHECK(h2c_status_h2_error(rc) == H2C_H2_COMPRESSION_ERROR ||
                           rc == H2C_E_NOMEM);
            mix_int(o, (uint64_t)(int64_t)rc);
            o->end = rc - 1000; /* keep HPACK and frame statuses apart */
            break;
        }
    }
    if (o->end == H2C_E_NOMEM)
        H2C_FUZZ_CHECK(fa && fa->failed > 0);
    mix(o, h2c_frame_parser_stats_get(p), sizeof(h2c_frame_parser_stats));
    h2c_fuzz_fparse_done(&fp);
    check_reset(p, a, cfg);
    h2c_hpack_decoder_free(dec);
    h2c_frame_assembler_free(a);
    h2c_frame_parser_free(p);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_fuzz_chunker ch;
    config cfg;
    outcome one, split, failing;
    h2c_fuzz_alloc fa = {0, 0, 0};
    const uint8_t *in;
    size_t len;
    uint8_t v, mode;

    h2c_fuzz_reader_init(&r, data, size);
    h2c_frame_parser_options_init(&cfg.popt);
    h2c_frame_assembler_options_init(&cfg.aopt);
    h2c_hpack_decoder_options_init(&cfg.hopt);
    mode = h2c_fuzz_u8(&r);
    cfg.popt.preface = mode % 3;
    if (mode & 0x80)
        cfg.aopt.flags |= H2C_FRAME_ASSEMBLER_JOIN;
    cfg.lenient = (mode >> 3) & 0xf;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.popt.max_settings = v;
    cfg.popt.max_empty_frames = h2c_fuzz_u8(&r);
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.aopt.max_continuations = (uint32_t)v - 1;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.aopt.max_block_size = (size_t)v * 16;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.hopt.max_table_size = (uint32_t)v * 16;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.hopt.max_list_size = (size_t)v * 32;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.hopt.max_fields = v;
    h2c_fuzz_chunker_read(&ch, &r, 4);
    cfg.mfs_at = h2c_fuzz_u8(&r);
    v = h2c_fuzz_u8(&r);
    cfg.mfs = (v & 0x80) ? (v & 1 ? H2C_FRAME_MAX_FRAME_SIZE_MIN - 1 : H2C_FRAME_MAX_FRAME_SIZE_MAX + 1)
                         : H2C_FRAME_MAX_FRAME_SIZE_MIN << (v % 4);
    fa.fail_at = h2c_fuzz_u8(&r);
    in = h2c_fuzz_rest(&r, &len);

    run(&cfg, in, len, NULL, 0, NULL, &one);
    run(&cfg, in, len, &ch, 1, NULL, &split);
    H2C_FUZZ_CHECK(one.end == split.end);
    H2C_FUZZ_CHECK(one.frames == split.frames);
    H2C_FUZZ_CHECK(one.fields == split.fields);
    H2C_FUZZ_CHECK(one.hash == split.hash);
    if (fa.fail_at != 0 && run(&cfg, in, len, &ch, 1, &fa, &failing) == 0) {
        if (fa.failed == 0) {
            H2C_FUZZ_CHECK(failing.end == split.end && failing.hash == split.hash);
        } else {
            H2C_FUZZ_CHECK(failing.end == split.end || failing.end == H2C_E_NOMEM ||
                           failing.end == H2C_E_NOMEM - 1000);
            H2C_FUZZ_CHECK(failing.frames <= split.frames);
        }
    }
    return 0;
}
