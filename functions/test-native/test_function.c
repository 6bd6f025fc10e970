/*
 * Test function (category: test) for the native and wasm runtimes (test-wasm compiles this same
 * file); input.op selects the behaviour, as in every test-<runtime>: echo returns the input; noop
 * {}; busy spins ms; sleep sleeps ms; print writes to stdout (must land on stderr) then echoes;
 * fail returns an error; crash exits with 70; hang spins forever.
 */
#include "../_harness/native/isawatt_harness.h"

#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static volatile unsigned long long sink;

/* seed < 1000: echo of the seed; 1000 + N: busy N ms; 2000 + N: sleep N ms. */
int make_input(uint64_t seed, isawatt_buf *out) {
  if (seed >= 2000 && seed < 3000)
    isawatt_buf_printf(out, "{\"op\":\"sleep\",\"ms\":%llu}", (unsigned long long)(seed - 2000));
  else if (seed >= 1000 && seed < 2000)
    isawatt_buf_printf(out, "{\"op\":\"busy\",\"ms\":%llu}", (unsigned long long)(seed - 1000));
  else
    isawatt_buf_printf(out, "{\"op\":\"echo\",\"value\":%llu}", (unsigned long long)seed);
  return 0;
}

int handle(const char *input, size_t input_len, isawatt_buf *out) {
  char op[32];
  if (!isawatt_json_string(input, "op", op, sizeof op)) op[0] = '\0';
  double ms = isawatt_json_number(input, "ms", 0);
  if (strcmp(op, "echo") == 0) {
    isawatt_buf_append(out, input, input_len);
    return 0;
  }
  if (strcmp(op, "noop") == 0) {
    isawatt_buf_puts(out, "{}");
    return 0;
  }
  if (strcmp(op, "busy") == 0) {
    double end = now_ms() + ms;
    unsigned long long iterations = 0;
    while (now_ms() < end) iterations++;
    sink = iterations;
    isawatt_buf_printf(out, "{\"op\":\"busy\",\"ms\":%g,\"iterations\":%llu}", ms, iterations);
    return 0;
  }
  if (strcmp(op, "sleep") == 0) {
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(long long)(ms / 1000) * 1000) * 1e6)};
    nanosleep(&ts, NULL);
    isawatt_buf_printf(out, "{\"op\":\"sleep\",\"ms\":%g}", ms);
    return 0;
  }
  if (strcmp(op, "print") == 0) {
    printf("test-native: this line goes to stdout and must not break the protocol\n");
    fflush(stdout);
    isawatt_buf_append(out, input, input_len);
    return 0;
  }
  if (strcmp(op, "fail") == 0) {
    isawatt_buf_puts(out, "requested failure");
    return 1;
  }
  if (strcmp(op, "crash") == 0) {
    exit(70);
  }
  if (strcmp(op, "hang") == 0) {
    for (;;) sink++;
  }
  isawatt_buf_printf(out, "unknown op \"%s\"", op);
  return 1;
}
