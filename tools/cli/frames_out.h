/* SPDX-License-Identifier: MIT */
/*
 * The output of `h2codec frames`: a text block or a JSON object per
 * report, shared by the single-stream decoder and the capture driver.
 */
#ifndef H2C_CLI_FRAMES_OUT_H
#define H2C_CLI_FRAMES_OUT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "conn.h"

typedef struct out_ctx {
    int json;
    int full; /* print long values whole in text mode */
    FILE *out;
    int flow;              /* 0 outside --pcap */
    const char *direction; /* "client" / "server" with --pcap */
    size_t errors;
    /* --pcap: where the report's last octet came from */
    int pcap;
    int merge; /* text: every line names its flow and direction */
    uint64_t packet;
    int64_t ts_ns;
    const char *src, *dst;
} out_ctx;

/* Print one report. */
void frames_report(out_ctx *o, const conn_report *r);
/* Print a JSON object, with the flow's fields in --pcap mode; takes obj. */
void frames_json_emit(const out_ctx *o, json_t *obj);
/* Set key to the octets as a string; octets that are not UTF-8 become
 * U+FFFD there, and key_b64 carries them whole. */
void frames_json_set_octets(json_t *obj, const char *key, const uint8_t *p, size_t n);
/* Text mode: the prefix of a line in --pcap mode (packet, time; flow in --merge). */
void frames_text_prefix(const out_ctx *o);

#endif
