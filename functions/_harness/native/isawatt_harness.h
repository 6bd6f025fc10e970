/*
 * isawatt harness for C/C++ functions, native and WebAssembly (protocol:
 * docs/design/worker-protocol.md). Include it in exactly ONE translation unit of the function and
 * implement:
 *
 *   int handle(const char *input, size_t input_len, isawatt_buf *out);
 *       input: compact JSON text of input_len bytes (NUL-terminated, see below).
 *       return 0 and append the output JSON to `out`, or return non-zero and append an error
 *       message (one line) to `out`.
 *   int make_input(uint64_t seed, isawatt_buf *out);
 *       append the JSON input for `seed` to `out`; return 0 (non-zero: error message in `out`).
 *
 * The input buffer is always NUL-terminated at input[input_len], so string functions are safe.
 *
 * Native build (functions/<name>/build.sh): `cc -O2 -o build/<name> main.c` gives an executable
 * that speaks the line protocol on stdin/stdout itself: it prints `ready\tnative\t<pid>`, answers
 * each `<id>\tseed\t<n>` / `<id>\tjson\t<input>` line with `<id>\tok|err\t<durationUs>\t<text>`,
 * sends anything the function prints to stderr (fd 1 is redirected), and exits on stdin EOF.
 *
 * WebAssembly build: `clang --target=wasm32-wasi -mexec-model=reactor -O2 -o build/<name>.wasm
 * main.c` gives a WASI reactor that exports the ABI the wasm harness
 * (functions/_harness/wasm/harness.mjs) expects: isawatt_alloc, isawatt_handle,
 * isawatt_output_ptr, isawatt_output_len, isawatt_make_input. The same C source serves both.
 *
 * Define ISAWATT_NO_MAIN before including to get only the helpers (buffer, JSON lookups).
 * The native main uses POSIX getline/strdup: build with the default GNU dialect (or -D_GNU_SOURCE).
 */
#ifndef ISAWATT_HARNESS_H
#define ISAWATT_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Growable byte buffer for outputs and error messages. */
typedef struct isawatt_buf {
  char *data;
  size_t len;
  size_t cap;
} isawatt_buf;

static inline void isawatt_buf_reserve(isawatt_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = (char *)realloc(b->data, cap);
  if (!p) {
    fputs("isawatt_harness: out of memory\n", stderr);
    abort();
  }
  b->data = p;
  b->cap = cap;
}

static inline void isawatt_buf_append(isawatt_buf *b, const char *s, size_t n) {
  isawatt_buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static inline void isawatt_buf_puts(isawatt_buf *b, const char *s) { isawatt_buf_append(b, s, strlen(s)); }

static inline void isawatt_buf_printf(isawatt_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    isawatt_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}

static inline void isawatt_buf_clear(isawatt_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

/**
 * Finds the value of a top-level key in a JSON object: returns a pointer to the first character of
 * the value (after the colon and whitespace), or NULL. Enough for small fixed inputs; it is not a
 * validating parser.
 */
static inline const char *isawatt_json_find(const char *json, const char *key) {
  size_t klen = strlen(key);
  int depth = 0;
  for (const char *p = json; *p; p++) {
    char c = *p;
    if (c == '"') {
      const char *start = p + 1;
      p++;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1]) p++;
        p++;
      }
      if (!*p) return NULL;
      if (depth == 1 && (size_t)(p - start) == klen && strncmp(start, key, klen) == 0) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (*q == ':') {
          q++;
          while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
          return q;
        }
      }
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  return NULL;
}

/** Top-level number value of `key`, or `fallback` when absent or not a number. */
static inline double isawatt_json_number(const char *json, const char *key, double fallback) {
  const char *v = isawatt_json_find(json, key);
  if (!v) return fallback;
  char *end = NULL;
  double d = strtod(v, &end);
  return end == v ? fallback : d;
}

/**
 * Copies the top-level string value of `key` (escape sequences kept as written) into dst (size
 * dstsize, NUL-terminated). Returns 1 when found, 0 otherwise.
 */
static inline int isawatt_json_string(const char *json, const char *key, char *dst, size_t dstsize) {
  const char *v = isawatt_json_find(json, key);
  if (!v || *v != '"' || dstsize == 0) return 0;
  v++;
  size_t n = 0;
  while (*v && *v != '"') {
    if (*v == '\\' && v[1]) {
      if (n + 1 < dstsize) dst[n++] = *v;
      v++;
    }
    if (n + 1 < dstsize) dst[n++] = *v;
    v++;
  }
  dst[n] = '\0';
  return *v == '"';
}

/* Implemented by the function. */
int handle(const char *input, size_t input_len, isawatt_buf *out);
int make_input(uint64_t seed, isawatt_buf *out);

#ifdef __cplusplus
}
#endif

#ifndef ISAWATT_NO_MAIN

#if defined(__wasm__)
/* ---- WebAssembly (WASI reactor) ABI for functions/_harness/wasm/harness.mjs ---- */
#ifdef __cplusplus
extern "C" {
#endif
static isawatt_buf isawatt_output_;

__attribute__((export_name("isawatt_alloc"))) char *isawatt_alloc(int32_t size) {
  return (char *)malloc((size_t)size + 1);
}

/* Takes ownership of `input` (from isawatt_alloc) and frees it. 0 = ok. */
__attribute__((export_name("isawatt_handle"))) int32_t isawatt_handle(char *input, int32_t len) {
  input[len] = '\0';
  isawatt_buf_clear(&isawatt_output_);
  int rc = handle(input, (size_t)len, &isawatt_output_);
  free(input);
  if (isawatt_output_.data == NULL) isawatt_buf_reserve(&isawatt_output_, 0);
  return rc;
}

__attribute__((export_name("isawatt_make_input"))) int32_t isawatt_make_input(int64_t seed) {
  isawatt_buf_clear(&isawatt_output_);
  int rc = make_input((uint64_t)seed, &isawatt_output_);
  if (isawatt_output_.data == NULL) isawatt_buf_reserve(&isawatt_output_, 0);
  return rc;
}

__attribute__((export_name("isawatt_output_ptr"))) char *isawatt_output_ptr(void) { return isawatt_output_.data; }

__attribute__((export_name("isawatt_output_len"))) int32_t isawatt_output_len(void) {
  return (int32_t)isawatt_output_.len;
}
#ifdef __cplusplus
}
#endif

#else
/* ---- Native executable speaking the line protocol ---- */
#include <time.h>
#include <unistd.h>

static uint64_t isawatt_now_us_(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Error and output text must stay on one line: TAB, CR and LF become spaces. */
static void isawatt_flatten_(isawatt_buf *b) {
  for (size_t i = 0; i < b->len; i++) {
    if (b->data[i] == '\t' || b->data[i] == '\n' || b->data[i] == '\r') b->data[i] = ' ';
  }
}

#define ISAWATT_SEED_CACHE 64

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  /* Protocol channel: a dup of fd 1; fd 1 then points at stderr for whatever the function prints. */
  int proto_fd = dup(1);
  if (proto_fd < 0 || dup2(2, 1) < 0) {
    perror("isawatt_harness: dup");
    return 3;
  }
  FILE *proto = fdopen(proto_fd, "w");
  if (!proto) {
    perror("isawatt_harness: fdopen");
    return 3;
  }
  static char protobuf[1 << 16];
  setvbuf(proto, protobuf, _IOFBF, sizeof protobuf);

  /* Inputs generated per seed are cached (generating them is not the function's work). */
  char *seed_key[ISAWATT_SEED_CACHE] = {0};
  char *seed_input[ISAWATT_SEED_CACHE] = {0};
  size_t seed_len[ISAWATT_SEED_CACHE] = {0};
  size_t seed_count = 0;

  isawatt_buf out = {NULL, 0, 0};
  isawatt_buf gen = {NULL, 0, 0};
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t n;

  fprintf(proto, "ready\tnative\t%ld\n", (long)getpid());
  fflush(proto);

  while ((n = getline(&line, &line_cap, stdin)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t1 || t1 == line || !t2) {
      fprintf(stderr, "isawatt_harness: malformed request line (%ld chars)\n", (long)n);
      continue;
    }
    *t1 = '\0';
    *t2 = '\0';
    const char *id = line;
    const char *kind = t1 + 1;
    char *payload = t2 + 1;
    size_t payload_len = (size_t)(line + n - payload);
    const char *input = NULL;
    size_t input_len = 0;

    if (strcmp(kind, "json") == 0) {
      input = payload;
      input_len = payload_len;
    } else if (strcmp(kind, "seed") == 0) {
      char *end = NULL;
      unsigned long long seed = strtoull(payload, &end, 10);
      if (end == payload || *end != '\0') {
        fprintf(proto, "%s\terr\t0\tbad input: bad seed \"%.64s\"\n", id, payload);
        fflush(proto);
        continue;
      }
      for (size_t i = 0; i < seed_count; i++) {
        if (strcmp(seed_key[i], payload) == 0) {
          input = seed_input[i];
          input_len = seed_len[i];
          break;
        }
      }
      if (!input) {
        isawatt_buf_clear(&gen);
        if (make_input((uint64_t)seed, &gen) != 0) {
          isawatt_flatten_(&gen);
          fprintf(proto, "%s\terr\t0\tbad input: %s\n", id, gen.data ? gen.data : "make_input failed");
          fflush(proto);
          continue;
        }
        if (seed_count == ISAWATT_SEED_CACHE) {
          for (size_t i = 0; i < seed_count; i++) {
            free(seed_key[i]);
            free(seed_input[i]);
          }
          seed_count = 0;
        }
        seed_key[seed_count] = strdup(payload);
        seed_input[seed_count] = (char *)malloc(gen.len + 1);
        memcpy(seed_input[seed_count], gen.data ? gen.data : "", gen.len);
        seed_input[seed_count][gen.len] = '\0';
        seed_len[seed_count] = gen.len;
        input = seed_input[seed_count];
        input_len = gen.len;
        seed_count++;
      }
    } else {
      fprintf(proto, "%s\terr\t0\tbad input: unknown request kind \"%.32s\"\n", id, kind);
      fflush(proto);
      continue;
    }

    isawatt_buf_clear(&out);
    uint64_t started = isawatt_now_us_();
    int rc = handle(input, input_len, &out);
    uint64_t duration_us = isawatt_now_us_() - started;
    fflush(stdout); /* the function's own prints (fd 1 is stderr) */
    isawatt_flatten_(&out);
    const char *text = out.data ? out.data : (rc == 0 ? "null" : "error");
    if (rc == 0 && out.len == 0) text = "null";
    fprintf(proto, "%s\t%s\t%llu\t%s\n", id, rc == 0 ? "ok" : "err", (unsigned long long)duration_us, text);
    fflush(proto);
  }
  return 0;
}
#endif /* __wasm__ */
#endif /* ISAWATT_NO_MAIN */

#endif /* ISAWATT_HARNESS_H */
