// The CUDA allocator probe tells the truth about this build: with a CPU-only LibTorch it
// reports nothing and says why; with a CUDA one, the figures are self-consistent.
#include "core/profiling/cuda_memory.h"

#include <torch/torch.h>

#include <QtTest>

using namespace vlmscope;

class TestCudaMemory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportsWhatThisBuildHas()
    {
        const std::optional<CudaMemoryStats> stats = cudaMemoryStats(0);
        const QString availability = QString::fromStdString(cudaStatsAvailability());
        if (!cudaStatsCompiledIn()) {
            QVERIFY(!stats);
            QVERIFY2(availability.contains("not compiled in"), qPrintable(availability));
            return;
        }
        if (!torch::cuda::is_available()) {
            QVERIFY(!stats);
            QVERIFY2(availability.contains("no CUDA device"), qPrintable(availability));
            return;
        }
        QVERIFY(stats);
        resetCudaPeak(0);
        const torch::Tensor block = torch::empty({1 << 20}, torch::TensorOptions().device(torch::kCUDA));
        const CudaMemoryStats after = *cudaMemoryStats(0);
        QVERIFY(after.allocatedBytes >= block.nbytes());
        QVERIFY(after.peakAllocatedBytes >= after.allocatedBytes);
        QVERIFY(after.reservedBytes >= after.allocatedBytes);
    }

    void rejectsDevicesThatDoNotExist()
    {
        QVERIFY(!cudaMemoryStats(-1));
        QVERIFY(!cudaMemoryStats(1 << 20));
        resetCudaPeak(-1); // no-op, no throw
    }
};

QTEST_GUILESS_MAIN(TestCudaMemory)
#include "test_cuda_memory.moc"
