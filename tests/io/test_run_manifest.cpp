// Checks the manifest exports embed: the differences named on crafted pairs (exact strings),
// the .log lines and their reading back, files that predate the manifest, and the manifest
// of each kind of file a --baseline can be.
#include "core/io/benchmark_results.h"
#include "core/io/generation_log.h"
#include "core/io/generation_log_reader.h"
#include "core/io/run_manifest.h"
#include "core/io/run_record_json.h"
#include "core/profiling/system_probe.h"
#include "core/util/file_fingerprint.h"
#include "tests/io/run_record_fixture.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;

namespace {

RunManifest baseManifest()
{
    RunManifest m;
    m.environment.cpuModel = "Xeon";
    m.environment.cpuFlags = {"avx2", "fma", "avx512f"};
    m.environment.logicalCores = 8;
    m.environment.threads = 1;
    m.environment.blas = "OpenBLAS (OpenMP)";
    m.environment.blasPath = "/usr/lib/openblas-openmp/libblas.so.3";
    m.environment.torchVersion = "1.13.0";
    m.environment.qtVersion = "6.4.2";
    m.environment.dtype = "float32";
    m.environment.os = "Debian 12";
    m.environment.appVersion = "0.1.0";
    m.environment.gitCommit = "aaaaaaa";
    m.environment.modelConfigHash = "sha256:" + std::string(64, 'a');
    m.environment.weightsHash = "sampled-sha256/1:0123456789abcdef0123";
    m.environment.cudaAllocator = "not compiled in (this LibTorch has no CUDA)";
    return m;
}

} // namespace

class TestRunManifest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameManifestHasNoDifferences()
    {
        QVERIFY(describeManifestDifferences(baseManifest(), baseManifest()).empty());
    }

    void differencesAreNamed()
    {
        const RunManifest a = baseManifest();
        RunManifest b = a;
        b.definitions.warmupRuns = 2;
        b.environment.threads = 2;
        b.environment.cpuFlags = {"avx2", "fma", "amx_bf16"};
        b.environment.blas = "reference BLAS (netlib)";
        b.environment.dtype = "bfloat16";
        b.environment.weightsHash = "sampled-sha256/1:fedcba9876543210fedc";
        b.environment.gitCommit = "bbbbbbb"; // the build under test: not a difference
        b.environment.appVersion = "0.2.0";
        const std::vector<std::string> expected = {
            "warm-up runs 0 vs 2",
            "CPU flags avx512f vs amx_bf16",
            "threads 1 vs 2",
            "BLAS OpenBLAS (OpenMP) vs reference BLAS (netlib)",
            "dtype float32 vs bfloat16",
            "weights hash sampled-sha256/1:0123456789ab vs sampled-sha256/1:fedcba987654",
        };
        QCOMPARE(describeManifestDifferences(a, b), expected);
    }

    void definitionIdAndFlagsOnOneSide()
    {
        RunManifest a = baseManifest();
        RunManifest b = a;
        b.definitions.id = "vlmscope.metrics/2";
        b.definitions.stopAtEos = false;
        b.environment.cpuFlags = {"avx2", "fma"};
        const std::vector<std::string> expected = {"metric definitions vlmscope.metrics/1 vs vlmscope.metrics/2",
                                                   "stop at EOS true vs false", "CPU flags avx512f vs none"};
        QCOMPARE(describeManifestDifferences(a, b), expected);
    }

    void unrecordedFieldsAreSkipped()
    {
        const RunManifest a = baseManifest();
        RunManifest b; // nothing recorded but the defaults
        b.definitions.id.clear();
        b.environment.device.clear();
        QVERIFY(describeManifestDifferences(a, b).empty());
        QVERIFY(describeManifestDifferences(b, a).empty());
    }

    void logLinesRoundTrip()
    {
        RunManifest m = baseManifest();
        m.definitions.warmupRuns = 3;
        m.definitions.discardFirst = 5;
        m.environment.os = "Debian; 12"; // ';' separates fields in the line
        QCOMPARE(definitionsLogValue(m.definitions),
                 std::string("id=vlmscope.metrics/1; warmup_runs=3; discard_first=5; stop_at_eos=true"));
        ManifestFields fields = manifestFieldsOfLogValue("definitions.", definitionsLogValue(m.definitions));
        const ManifestFields environment = manifestFieldsOfLogValue("environment.", environmentLogValue(m.environment));
        fields.insert(fields.end(), environment.begin(), environment.end());
        QCOMPARE(fields.size(), std::size_t(4 + 16));
        const std::optional<RunManifest> read = manifestFromFields(fields);
        QVERIFY(read);
        QCOMPARE(read->environment.os, std::string("Debian, 12"));
        RunManifest expected = m;
        expected.environment.os = "Debian, 12";
        QVERIFY(describeManifestDifferences(expected, *read).empty());
        QCOMPARE(read->environment.cpuFlags, m.environment.cpuFlags);
        QCOMPARE(read->environment.gitCommit, m.environment.gitCommit);
        QCOMPARE(read->definitions.ttft, std::string(definition::kTtft)); // implied by the id
        QVERIFY(!manifestFromFields({{"environment.unknown", "x"}}));
    }

    void logEntryCarriesTheManifest()
    {
        RunRecord run = fixture::makeRun();
        run.settings.warmup = 2;
        const std::string entry = formatLogEntry(run, LogLevel::Basic, 1);
        QVERIFY(entry.find("\nMetric definitions: id=vlmscope.metrics/1; warmup_runs=2; discard_first=1; "
                           "stop_at_eos=true\n")
                != std::string::npos);
        QVERIFY(entry.find("\nProfiler overhead (estimated): 0.026 ms, 0.03% of the run (62 scopes x 25.5 ns, 0 op "
                           "callbacks x 180.2 ns, 400 allocations x 60.0 ns)\n")
                != std::string::npos);
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> read = parseGenerationLog(formatLogHeader(run, "generation") + entry, "x.log", &warnings);
        QCOMPARE(read.size(), std::size_t(1));
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().c_str());
        const std::optional<RunManifest> manifest = manifestFromFields(read.front().manifest);
        QVERIFY(manifest);
        QVERIFY(describeManifestDifferences(manifestOf(run), *manifest).empty());
        QCOMPARE(manifest->environment.weightsHash, run.environment.weightsHash);
        QCOMPARE(manifest->definitions.warmupRuns, 2);
    }

    void fileManifests()
    {
        QTemporaryDir dir;
        RunRecord run = fixture::makeRun();
        run.environment.threads = 4;
        const std::string record = dir.filePath("run.json").toStdString();
        writeRunRecord(record, run);
        QCOMPARE(readFileManifest(record)->environment.threads, 4);

        BenchmarkSetup setup;
        setup.model = "tiny";
        setup.iterations = 1;
        setup.warmup = 2;
        const std::string results = dir.filePath("results.json").toStdString();
        writeBenchmarkResults(results, buildBenchmarkResults(setup, {{run}}));
        const std::optional<RunManifest> fromResults = readFileManifest(results);
        QVERIFY(fromResults);
        QCOMPARE(fromResults->definitions.warmupRuns, 2);
        QCOMPARE(fromResults->environment.weightsHash, run.environment.weightsHash);

        const std::string log = dir.filePath("run.log").toStdString();
        appendRunToLog(log, run, LogLevel::Detailed, 1);
        QCOMPARE(readFileManifest(log)->environment.blasPath, run.environment.blasPath);

        // The original tool's results have no manifest.
        const std::string original = std::string(VLMSCOPE_TEST_DATA) + "/original/benchmark_results_original.json";
        QVERIFY(!readFileManifest(original));
        // Neither do run records from before it, beyond what their settings and environment say.
        const std::optional<RunManifest> older =
            readFileManifest(std::string(VLMSCOPE_TEST_DATA) + "/records/run-before-manifest.json");
        QVERIFY(older);
        QVERIFY(older->environment.weightsHash.empty());
    }

    // The kernel-relevant flags of a /proc/cpuinfo line, in kKernelCpuFlags order.
    void cpuFlags()
    {
        const std::vector<std::string> expected = {"avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"};
        QCOMPARE(kernelFlagsOf("flags\t\t: fpu vme amx_tile avx512_bf16 avx512f fma avx2 sse avx512\n"), expected);
        QVERIFY(kernelFlagsOf("").empty());
    }

    // Large files: a sampled hash of content only, so a copy elsewhere compares equal and a
    // change in a sampled chunk does not.
    void weightsFingerprint()
    {
        QTemporaryDir dir;
        QByteArray bytes(static_cast<int>(kFullHashLimitBytes + (1 << 20)), '\0');
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<char>((i * 131) >> 7);
        const auto write = [&](const QString& name, const QByteArray& content) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        };
        write("a.safetensors", bytes);
        write("copy.safetensors", bytes);
        QByteArray changed = bytes;
        changed[changed.size() - 1] = static_cast<char>(changed[changed.size() - 1] ^ 1); // in the last chunk
        write("changed.safetensors", changed);
        const std::string a = weightsFileFingerprint(dir.filePath("a.safetensors").toStdString());
        QVERIFY(a.rfind("sampled-sha256/1:", 0) == 0);
        QCOMPARE(a.size(), std::size_t(17 + 64));
        QCOMPARE(weightsFileFingerprint(dir.filePath("copy.safetensors").toStdString()), a);
        QVERIFY(weightsFileFingerprint(dir.filePath("changed.safetensors").toStdString()) != a);
        QVERIFY(weightsFileFingerprint(dir.filePath("missing.safetensors").toStdString()).empty());
        write("small.safetensors", "abc");
        QCOMPARE(weightsFileFingerprint(dir.filePath("small.safetensors").toStdString()),
                 "sha256:" + sha256Hex("abc"));
        QCOMPARE(sha256Hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void benchmarkResultsRoundTripTheManifest()
    {
        const RunRecord run = fixture::makeRun();
        BenchmarkSetup setup;
        setup.model = "tiny";
        setup.iterations = 1;
        setup.sweep = SweepDimension::Threads;
        const BenchmarkResults written = buildBenchmarkResults(setup, {{run}});
        QVERIFY(written.manifest);
        QCOMPARE(written.manifest->environment.threads, 0); // varies per configuration
        const nlohmann::ordered_json json = benchmarkResultsToJson(written);
        QVERIFY(json.contains("definitions") && json.contains("environment"));
        const BenchmarkResults read = benchmarkResultsFromJson(json, "results.json");
        QVERIFY(read.manifest);
        QCOMPARE(benchmarkResultsToJson(read).dump(), json.dump());
        // Files written before the manifest still load, without one.
        nlohmann::ordered_json older = json;
        older.erase("definitions");
        older.erase("environment");
        QVERIFY(!benchmarkResultsFromJson(older, "results.json").manifest);
    }
};

QTEST_GUILESS_MAIN(TestRunManifest)
#include "test_run_manifest.moc"
