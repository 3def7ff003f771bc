#include "ui/build_info.h"

// Only the version macros: no LibTorch code reaches the widgets.
#include <torch/version.h>

namespace vlmscope {

QString torchVersionText() { return QStringLiteral(TORCH_VERSION); }

} // namespace vlmscope
