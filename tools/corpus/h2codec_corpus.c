/* SPDX-License-Identifier: MIT */
/*
 * h2codec-corpus: pack and unpack the corpus archives kept in corpus/.
 *
 *   h2codec-corpus pack DIR ARCHIVE.zip      every regular file below DIR
 *   h2codec-corpus unpack ARCHIVE.zip DIR    recreate the files below DIR
 *   h2codec-corpus seedzip ARCHIVE.zip OUT   flat zip for OSS-Fuzz's
 *                                            <target>_seed_corpus.zip
 *   h2codec-corpus list ARCHIVE.zip
 *
 * Archives are ordinary zip files whose members are deflated by zlib (through
 * libzip).  Packing is deterministic: members sorted by path, a fixed mtime,
 * so repacking an unchanged directory gives an identical archive.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

#define FIXED_MTIME ((time_t)315532800) /* 1980-01-01, the earliest zip time */

static char **g_paths;
static size_t g_count, g_cap;
static size_t g_root_len;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type != FTW_F)
        return 0;
    if (g_count == g_cap) {
        size_t ncap = g_cap ? g_cap * 2 : 256;
        char **np = realloc(g_paths, ncap * sizeof *np);
        if (!np)
            return -1;
        g_paths = np;
        g_cap = ncap;
    }
    g_paths[g_count] = strdup(path);
    return g_paths[g_count++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int zip_fail(zip_t *z, const char *what)
{
    fprintf(stderr, "h2codec-corpus: %s: %s\n", what, zip_strerror(z));
    zip_discard(z);
    return 1;
}

/* Add every collected file; flat drops the directories (seed corpora). */
static int write_zip(const char *out, int flat)
{
    int err;
    zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) {
        fprintf(stderr, "h2codec-corpus: cannot create %s\n", out);
        return 1;
    }
    qsort(g_paths, g_count, sizeof *g_paths, cmp_str);
    for (size_t i = 0; i < g_count; i++) {
        const char *name = flat ? base_name(g_paths[i]) : g_paths[i] + g_root_len;
        while (*name == '/')
            name++;
        zip_source_t *src = zip_source_file(z, g_paths[i], 0, -1);
        if (!src)
            return zip_fail(z, g_paths[i]);
        zip_int64_t idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (idx < 0) {
            zip_source_free(src);
            return zip_fail(z, name);
        }
        if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9) < 0 ||
            zip_file_set_mtime(z, (zip_uint64_t)idx, FIXED_MTIME, 0) < 0)
            return zip_fail(z, name);
    }
    if (zip_close(z) < 0)
        return zip_fail(z, out);
    printf("%s: %zu files\n", out, g_count);
    return 0;
}

static int pack(const char *dir, const char *out)
{
    g_root_len = strlen(dir);
    if (nftw(dir, collect, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "h2codec-corpus: cannot read %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return write_zip(out, 0);
}

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Reject names that would escape the destination directory. */
static int safe_name(const char *n)
{
    if (n[0] == '/' || strstr(n, "..") != NULL)
        return 0;
    return 1;
}

static int extract_one(zip_t *z, zip_uint64_t i, const char *name, const char *path)
{
    zip_file_t *f = zip_fopen_index(z, i, 0);
    FILE *o = f ? fopen(path, "wb") : NULL;
    char buf[65536];
    zip_int64_t n;
    int rc = (f && o) ? 0 : 1;
    while (!rc && (n = zip_fread(f, buf, sizeof buf)) > 0)
        if (fwrite(buf, 1, (size_t)n, o) != (size_t)n)
            rc = 1;
    if (o && fclose(o) != 0)
        rc = 1;
    if (f)
        zip_fclose(f);
    if (rc)
        fprintf(stderr, "h2codec-corpus: cannot extract %s\n", name);
    return rc;
}

static int unpack(const char *archive, const char *dir, int list_only)
{
    int err;
    zip_t *z = zip_open(archive, ZIP_RDONLY, &err);
    if (!z) {
        fprintf(stderr, "h2codec-corpus: cannot open %s\n", archive);
        return 1;
    }
    zip_int64_t n = zip_get_num_entries(z, 0);
    int rc = 0;
    for (zip_uint64_t i = 0; !rc && i < (zip_uint64_t)n; i++) {
        const char *name = zip_get_name(z, i, 0);
        if (!name || !safe_name(name)) {
            fprintf(stderr, "h2codec-corpus: refusing member %s\n", name ? name : "?");
            rc = 1;
            break;
        }
        if (list_only) {
            puts(name);
            continue;
        }
        size_t len = strlen(name);
        if (len && name[len - 1] == '/')
            continue;
        size_t plen = strlen(dir) + 1 + len + 1;
        char *path = malloc(plen);
        if (!path) {
            rc = 1;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, name);
        rc = mkdirs(path) != 0 ? 1 : extract_one(z, i, name, path);
        free(path);
    }
    zip_discard(z);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

/* Unpack to a temporary directory (under $TMPDIR, else /tmp), then write a
 * flat zip from it. */
static int seedzip(const char *archive, const char *out)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096];
    if (!dir || !*dir)
        dir = "/tmp";
    if (snprintf(tmpl, sizeof tmpl, "%s/h2codec-seedsXXXXXX", dir) >= (int)sizeof tmpl ||
        !mkdtemp(tmpl))
        return 1;
    int rc = unpack(archive, tmpl, 0);
    if (!rc) {
        g_root_len = strlen(tmpl);
        rc = nftw(tmpl, collect, 32, FTW_PHYS) != 0 ? 1 : write_zip(out, 1);
    }
    if (nftw(tmpl, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
        rc = 1;
    return rc;
}

static int usage(void)
{
    fputs("usage: h2codec-corpus pack DIR ARCHIVE.zip\n"
          "       h2codec-corpus unpack ARCHIVE.zip DIR\n"
          "       h2codec-corpus seedzip ARCHIVE.zip OUT_seed_corpus.zip\n"
          "       h2codec-corpus list ARCHIVE.zip\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc == 4 && strcmp(argv[1], "pack") == 0)
        rc = pack(argv[2], argv[3]);
    else if (argc == 4 && strcmp(argv[1], "unpack") == 0)
        rc = unpack(argv[2], argv[3], 0);
    else if (argc == 4 && strcmp(argv[1], "seedzip") == 0)
        rc = seedzip(argv[2], argv[3]);
    else if (argc == 3 && strcmp(argv[1], "list") == 0)
        rc = unpack(argv[2], NULL, 1);
    else
        return usage();
    for (size_t i = 0; i < g_count; i++)
        free(g_paths[i]);
    free(g_paths);
    return rc;
}
