// `vlmscope --batch` generate mode (the original generate.py): N generations, their text,
// the metrics report, one consolidated log, and the requested exports.
#pragma once

#include "app/batch_context.h"

namespace vlmscope {

int runGenerateCommand(const BatchContext& context);

} // namespace vlmscope
