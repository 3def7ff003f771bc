// What every --batch command shares: where human text goes (stderr when --json owns
// stdout), the start-up banner (BLAS, threads, model), thread settings and model loading.
#pragma once

#include "app/batch_options.h"
#include "core/engine/model_bundle.h"

#include <iosfwd>

namespace vlmscope {

class BatchContext {
public:
    explicit BatchContext(const BatchOptions& options);

    const BatchOptions& options() const { return m_options; }
    // Human-readable output: stdout, or stderr when stdout carries --json.
    std::ostream& human() const;
    // Prints the BLAS in use (and a warning for a slow one) once.
    void printBanner() const;
    // Loads --model/--tokenizer and reports it; throws InputError.
    ModelBundle loadModel() const;
    // 0 means one thread per core.
    static void applyThreads(int threads);

private:
    const BatchOptions& m_options;
};

} // namespace vlmscope
