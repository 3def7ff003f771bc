#include "core/util/blas_probe.h"

#include <link.h>

#include <climits>
#include <cstdlib>
#include <string_view>

namespace vlmscope {

namespace {

int collectBlas(struct dl_phdr_info* info, size_t, void* data)
{
    const std::string_view name = info->dlpi_name ? info->dlpi_name : "";
    auto* found = static_cast<std::string*>(data);
    const bool isBlas = name.find("libblas.so") != std::string_view::npos
        || name.find("libopenblas") != std::string_view::npos || name.find("libmkl_rt") != std::string_view::npos;
    if (isBlas && found->empty()) {
        char resolved[PATH_MAX];
        *found = realpath(info->dlpi_name, resolved) ? resolved : std::string(name);
    }
    return 0;
}

} // namespace

BlasInfo classifyBlasPath(const std::string& path)
{
    BlasInfo info;
    info.path = path;
    auto has = [&path](const char* part) { return path.find(part) != std::string::npos; };
    if (path.empty()) {
        info.kind = BlasKind::NotLoaded;
        info.label = "no BLAS library loaded";
        info.warning = "no libblas is loaded: LibTorch will use its slow fallback kernels";
    } else if (has("openblas-openmp")) {
        info.kind = BlasKind::OpenBlasOpenMp;
        info.label = "OpenBLAS (OpenMP)";
    } else if (has("openblas-pthread")) {
        info.kind = BlasKind::OpenBlasPthread;
        info.label = "OpenBLAS (pthreads)";
        info.warning = "the pthread OpenBLAS fights LibTorch's OpenMP threads (about 2x slower decode); "
                       "select the OpenMP build: update-alternatives --set libblas.so.3-x86_64-linux-gnu "
                       "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3";
    } else if (has("openblas-serial")) {
        info.kind = BlasKind::OpenBlasSerial;
        info.label = "OpenBLAS (serial)";
        info.warning = "the serial OpenBLAS uses one core for matrix products; install libopenblas0-openmp";
    } else if (has("mkl")) {
        info.kind = BlasKind::Mkl;
        info.label = "Intel MKL";
    } else if (has("/blas/")) {
        info.kind = BlasKind::Reference;
        info.label = "reference BLAS (netlib)";
        info.warning = "the reference BLAS is 15-30x slower in the vision encoder; install libopenblas0-openmp";
    } else {
        info.kind = BlasKind::Other;
        info.label = path;
    }
    return info;
}

BlasInfo probeBlas()
{
    std::string found;
    dl_iterate_phdr(collectBlas, &found);
    return classifyBlasPath(found);
}

} // namespace vlmscope
