/* SPDX-License-Identifier: MIT */
/*
 * h2codec: decode and encode HPACK header blocks and HTTP/2 connections.
 * Each subcommand is a thin layer over the libraries, in its own file.
 */
#include <stdio.h>
#include <string.h>

#include <h2codec/hpack.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"decode", cmd_decode, "decode HPACK header blocks (story JSON, hex lines, binary)"},
    {"encode", cmd_encode, "encode a story's header lists, adding \"wire\" to every case"},
    {"frames", cmd_frames, "decode an HTTP/2 byte stream or pcap capture frame by frame"},
    {"bench", cmd_bench, "benchmark against nghttp2 in the same process"},
};

static int usage(FILE *f)
{
    fprintf(f, "usage: h2codec COMMAND [OPTIONS] FILE...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(f,
            "\n'h2codec COMMAND --help' describes a command's options.\n"
            "Exit status: 0 success, 1 a decoding error was reported, 2 usage or I/O error.\n");
    return f == stdout ? CLI_OK : CLI_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return usage(stdout);
    if (strcmp(argv[1], "--version") == 0) {
        printf("h2codec %s\n", h2c_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "h2codec: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
