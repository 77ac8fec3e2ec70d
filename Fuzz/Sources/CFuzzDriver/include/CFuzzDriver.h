#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (LLVM 11 and later): runs the fuzzer with `callback` as the target, parsing
/// libFuzzer's own options from argv. SwiftPM names an executable's entry point `<Target>_main`, so
/// each target's entry point calls this instead of libFuzzer's `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
