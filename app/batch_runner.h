// Runs `vlmscope --batch`: dispatches to generate, benchmark or tokenize mode and maps
// errors to exit codes (0 ok, 1 bad input, 2 runtime failure, 3 regression, 130 interrupted).
#pragma once

#include "app/batch_options.h"

namespace vlmscope {

int runBatch(const BatchOptions& options);

} // namespace vlmscope
