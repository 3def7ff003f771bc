// What this binary was built with, for the About box: vlmscope, LibTorch and Qt versions.
#pragma once

#include <QString>

namespace vlmscope {

QString torchVersionText(); // "1.13.1"

} // namespace vlmscope
