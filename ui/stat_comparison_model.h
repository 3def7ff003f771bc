// The comparison table with uncertainty: a baseline side against a candidate side (each a
// set of vlmscope runs, pooled, or one external tool's result), per metric and per layer
// scope the two medians, the delta and % change, the 95% bootstrap interval of the
// difference and the Mann-Whitney p-value. Significant changes are marked and coloured
// better/worse; the rest is greyed. The bootstrap runs on a worker thread.
#pragma once

#include "core/engine/run_record.h"
#include "core/stats/comparison.h"
#include "core/stats/external_results.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace vlmscope {

// One side: vlmscope runs (their samples pooled) or one external result.
struct ComparisonSide {
    QString label;
    std::vector<std::shared_ptr<const RunRecord>> runs;
    std::shared_ptr<const ExternalRun> external;
    bool isExternal() const { return external != nullptr; }
    bool isEmpty() const { return runs.empty() && !external; }
};

// The table's statistics: 1000 bootstrap resamples instead of the CLI's 2000. Dozens of layer
// scopes over thousands of decode steps take seconds even on the worker thread
// (tests/bench/bench_comparison); intervals from 1000 resamples differ in the last digit.
ComparisonOptions interactiveOptions();

// compareRuns between two sets of runs, compareExternalRuns (and the reported percentiles)
// between two external results, compareRunsWithExternal between one of each. Throws
// InputError like those.
std::vector<MetricComparison> compareSides(const ComparisonSide& baseline, const ComparisonSide& candidate,
                                           const ComparisonOptions& options = {});

class StatComparisonModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // The change, its interval and p-value first: they must fit in a narrow tab.
    enum Column { Name, DeltaPercent, Interval, PValue, Baseline, Candidate, Delta, Samples, Scope, ColumnCount };
    static constexpr int ValueRole = Qt::UserRole + 1;        // the raw figure (double) or invalid
    static constexpr int SignificanceRole = Qt::UserRole + 2; // +1 better, -1 worse (significant), 0 not

    explicit StatComparisonModel(QObject* parent = nullptr);
    ~StatComparisonModel() override;

    // Starts comparing on a worker thread; the table empties until the result arrives
    // (comparisonReady). A newer request supersedes a running one.
    void compare(ComparisonSide baseline, ComparisonSide candidate);
    // Shows `comparisons` at once (what compare() ends with).
    void setComparisons(std::vector<MetricComparison> comparisons, const QString& baselineLabel,
                        const QString& candidateLabel);
    void clear();
    void setOptions(const ComparisonOptions& options) { m_options = options; }

    bool isComputing() const { return m_computing; }
    // "Comparing…", the error of the last request, or "3 of 41 changes significant".
    QString status() const { return m_status; }
    // Milliseconds the last finished request took on its worker thread.
    double lastDurationMs() const { return m_lastDurationMs; }
    const std::vector<MetricComparison>& comparisons() const { return m_rows; }
    // Row of a metric ("decode TPS") or a layer scope, -1 when absent.
    int findRow(const QString& name, ComparisonScope scope = ComparisonScope::Metric) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void computingChanged(bool computing);
    void comparisonReady();
    void comparisonFailed(const QString& message);

private:
    struct Outcome;
    void finish(std::uint64_t generation, const Outcome& outcome);
    void setComputing(bool computing);
    int significance(const MetricComparison& c) const;
    QVariant display(const MetricComparison& c, int column) const;
    QVariant value(const MetricComparison& c, int column) const;
    QString tooltip(const MetricComparison& c) const;

    std::vector<MetricComparison> m_rows;
    QString m_baselineLabel, m_candidateLabel;
    ComparisonOptions m_options = interactiveOptions();
    std::uint64_t m_generation = 0;
    bool m_computing = false;
    QString m_status;
    double m_lastDurationMs = 0;
};

} // namespace vlmscope
