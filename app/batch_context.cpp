#include "app/batch_context.h"

#include "core/util/blas_probe.h"

#include <torch/torch.h>

#include <iostream>
#include <thread>

namespace vlmscope {

BatchContext::BatchContext(const BatchOptions& options) : m_options(options) {}

std::ostream& BatchContext::human() const { return m_options.json ? std::cerr : std::cout; }

void BatchContext::applyThreads(int threads)
{
    // LibTorch's default intra-op count is 1 here: choose it deliberately.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    at::set_num_threads(threads > 0 ? threads : static_cast<int>(cores));
}

void BatchContext::printBanner() const
{
    const BlasInfo blas = probeBlas();
    if (!m_options.quiet)
        human() << "BLAS: " << blas.label << " (" << blas.path << "), threads: " << at::get_num_threads() << "\n";
    if (!blas.warning.empty())
        std::cerr << "warning: " << blas.warning << "\n";
}

ModelBundle BatchContext::loadModel() const
{
    ModelBundle bundle = loadModelBundle(m_options.run.model, m_options.run.tokenizer,
                                         parsePrecision(m_options.run.dtype).value_or(WeightPrecision::Float32));
    for (const std::string& notice : bundle.notices)
        std::cerr << "note: " << notice << "\n";
    if (!m_options.quiet) {
        human() << "Model: " << bundle.displayName << ", "
                << static_cast<double>(bundle.model->weights().parameterCount()) / 1e6 << "M parameters in "
                << precisionName(bundle.model->precision()) << ", loaded in "
                << bundle.loadSeconds << " s\n";
        if (bundle.synthetic)
            human() << "Note: synthetic weights: timings are representative, the text is not meaningful.\n";
    }
    return bundle;
}

} // namespace vlmscope
