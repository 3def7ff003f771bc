// Runs `vlmscope --batch`: loads the model, builds the prompt, generates and prints.
#pragma once

#include "app/batch_options.h"

namespace vlmscope {

// Returns the process exit code (0 ok, 1 bad input, 2 runtime failure).
int runBatch(const BatchOptions& options);

} // namespace vlmscope
