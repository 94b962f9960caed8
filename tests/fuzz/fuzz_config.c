/*
 * fuzz_config.c - libFuzzer target for falcod's configuration loader: the
 * input is loaded as the main YAML file, then each of its lines is applied
 * as an -o option, and a few keys are read back with every getter.
 *
 * Beyond "no crash, no leak, no hang", it checks that every message is a
 * terminated string that names its origin, and that the reads agree with
 * each other (has, len, str).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* config_files with relative paths resolve against the working directory:
 * an empty one keeps runs independent of where the fuzzer started. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/fuzz_config_XXXXXX";
    if (mkdtemp(dir) && chdir(dir) != 0)
        abort();
    return 0;
}

static const char *const keys[] = {
    "json_output",     "engine.kind", "rules_files", "rules_files[0]",   "webserver.enabled",
    "plugins[0].name", "a.b.c",       "list[1]",     "metrics.interval", "outputs_queue.capacity",
    "config_files",    "x\\.y",
};

static void read_back(struct fc_config *c, const char *key)
{
    bool has = fc_config_has(c, key);
    const char *s = fc_config_str(c, key, NULL);
    if (s && !has)
        abort(); /* a string from nothing */
    if (fc_config_len(c, key) && !has)
        abort();
    if (s)
        (void)strlen(s);
    (void)fc_config_bool(c, key, false);
    (void)fc_config_int(c, key, 0);
    (void)fc_config_uint(c, key, 0);
    (void)fc_config_double(c, key, 0);
}

static void check_msg(const char *err, size_t errsz)
{
    if (!memchr(err, 0, errsz))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    /* config_files may name any path, and a read of /proc/kmsg or a device
     * blocks: keep the fuzzer inside ordinary files. */
    static const char *const away[] = {"proc", "sys", "dev"};
    for (size_t i = 0; i < sizeof away / sizeof *away; i++)
        if (memmem(data, size, away[i], strlen(away[i])))
            return 0;
    char err[256];
    struct fc_config *c = fc_config_new();
    memset(err, 0, sizeof err);
    if (fc_config_load_text(c, "fuzz.yaml", (const char *)data, size, err, sizeof err) != 0) {
        check_msg(err, sizeof err);
        if (strncmp(err, "fuzz.yaml", 9) && !strchr(err, ':'))
            abort(); /* every error says where */
    }
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        read_back(c, keys[i]);

    /* Each line (at most 32) as an -o option; then its key is read back. */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    char *save = NULL;
    int nopt = 0;
    for (char *line = strtok_r(text, "\n", &save); line && nopt < 32;
         line = strtok_r(NULL, "\n", &save), nopt++) {
        memset(err, 0, sizeof err);
        if (fc_config_override(c, line, err, sizeof err) != 0) {
            check_msg(err, sizeof err);
            if (strncmp(err, "-o ", 3) && !strchr(err, ':'))
                abort();
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq)
            abort(); /* accepted without a '=' */
        *eq = 0;
        if (!strstr(line, "[]") && !fc_config_has(c, line) && strncmp(line, "config_files", 12))
            abort(); /* an option that set nothing */
        read_back(c, line);
    }
    free(text);

    for (size_t i = 0; i < fc_config_nwarnings(c); i++)
        if (!fc_config_warning(c, i) || !strchr(fc_config_warning(c, i), ':'))
            abort();
    if (fc_config_warning(c, fc_config_nwarnings(c)))
        abort();
    for (size_t i = 0; i < fc_config_nfiles(c); i++)
        if (!fc_config_file(c, i))
            abort();
    fc_config_free(c);
    return 0;
}
