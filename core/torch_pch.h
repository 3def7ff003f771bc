// Precompiled header for the LibTorch translation units of core/ (they are few on purpose).
#pragma once
#include <torch/torch.h>
