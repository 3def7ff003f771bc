// The comparison table: one row per metric, for each compared run its value, the delta
// and the relative delta against a chosen baseline run, coloured better/worse according
// to the metric's direction (lower TTFT is better, higher TPS is better).
#pragma once

#include "core/engine/run_record.h"
#include "ui/metric_catalog.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <memory>
#include <vector>

namespace vlmscope {

class ComparisonModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int ValueRole = Qt::UserRole + 1;   // raw double (or invalid)
    static constexpr int VerdictRole = Qt::UserRole + 2; // +1 better, -1 worse, 0 same
    enum Part { Value, Delta, DeltaPercent, PartCount };

    explicit ComparisonModel(QObject* parent = nullptr);

    void setRuns(std::vector<std::shared_ptr<const RunRecord>> runs, const QStringList& labels);
    void setBaseline(int run); // index into the runs given to setRuns
    int baseline() const { return m_baseline; }
    int runCount() const { return static_cast<int>(m_runs.size()); }
    QStringList labels() const { return m_labels; }

    // Column of a run's value / delta / relative delta.
    static int column(int run, Part part) { return 1 + run * PartCount + part; }
    int metricRow(const QString& name) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::optional<double> rawValue(int row, int run) const;
    std::optional<double> partValue(int row, int run, Part part) const;
    QVariant display(int row, int run, Part part) const;

    std::vector<std::shared_ptr<const RunRecord>> m_runs;
    QStringList m_labels;
    int m_baseline = 0;
};

} // namespace vlmscope
