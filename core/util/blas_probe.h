// Which BLAS library the process actually loaded (Debian picks libblas.so.3 through
// alternatives). SPEC §1: the reference BLAS is 15-30x slower and the pthread OpenBLAS
// fights LibTorch's OpenMP pool, so we say which one is active and warn.
#pragma once

#include <string>

namespace vlmscope {

enum class BlasKind { OpenBlasOpenMp, OpenBlasPthread, OpenBlasSerial, Reference, Mkl, Other, NotLoaded };

struct BlasInfo {
    BlasKind kind = BlasKind::NotLoaded;
    std::string path;     // resolved path of the loaded libblas
    std::string label;    // "OpenBLAS (OpenMP)"
    std::string warning;  // empty when the choice is good
};

BlasInfo probeBlas();

// Classifies a resolved library path (exposed for tests).
BlasInfo classifyBlasPath(const std::string& resolvedPath);

} // namespace vlmscope
