/* SPDX-License-Identifier: MIT */
/*
 * replay_main.c -- standalone driver for the fuzz targets, for builds without
 * libFuzzer (gcc, or clang without libclang-rt).
 *
 *   <target>_replay PATH...
 *
 * Each PATH is a file or a directory; a directory is replayed file by file
 * in name order (not recursively).  Every input goes through
 * LLVMFuzzerTestOneInput exactly as libFuzzer would pass it: an exact-size
 * heap copy, so that the sanitizers see any over-read.  A failed check
 * aborts.  Exits 1 when no input was found, so an empty or missing corpus
 * fails its ctest instead of passing silently.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define REPLAY_MSAN 1
#endif
#endif

/* stat(), with what it wrote marked initialised under MemorySanitizer:
 * clang 14's MSan does not intercept glibc 2.33's stat (no longer a
 * wrapper of __xstat), so it would report the fields as uninitialised. */
static int replay_stat(const char *path, struct stat *st)
{
    int rc = stat(path, st);
#if defined(REPLAY_MSAN)
    if (rc == 0)
        __msan_unpoison(st, sizeof *st);
#endif
    return rc;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                fclose(f);
                free(buf);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(buf);
        return -1;
    }
    /* Exact-size copy: reads past the end hit ASan's redzone. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file in dir; returns how many, or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    long done = 0;
    struct dirent *e;
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        struct stat st;
        if (path) {
            snprintf(path, plen, "%s/%s", dir, names[i]);
            if (replay_stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) < 0)
                    done = -1;
                else if (done >= 0)
                    done++;
            }
            free(path);
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (replay_stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            long n = run_dir(argv[i]);
            if (n < 0)
                return 1;
            total += n;
        } else {
            if (run_file(argv[i]) < 0)
                return 1;
            total++;
        }
    }
    printf("replay: %ld inputs, no failure\n", total);
    if (total == 0) {
        fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    return 0;
}
