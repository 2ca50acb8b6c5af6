// Only the header matters: LLVMFuzzerRunDriver comes from the toolchain's libFuzzer (-sanitize=fuzzer).
#include "CFuzzDriver.h"
