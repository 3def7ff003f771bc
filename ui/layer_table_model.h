// The layer table: one row per layer scope of a run (scope, category, calls, inclusive,
// self, % self, mean per call). Numbers sort by value through SortRole; live updates keep
// rows (and the user's selection and sort) when only the figures changed.
#pragma once

#include "core/engine/run_record.h"

#include <QAbstractTableModel>

#include <algorithm>
#include <vector>

namespace vlmscope {

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Scope, Category, Calls, Inclusive, Self, SelfPercent, MeanPerCall, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1; // raw value: names, ns, counts, percent

    explicit LayerTableModel(QObject* parent = nullptr);

    // `runNs` is the run's wall time (tE - t0): % self is a share of it, so the rows and the
    // time outside every scope add up to 100 %. 0: a share of the scopes' total self time.
    void setScopes(const std::vector<ScopeSummary>& scopes, std::int64_t runNs = 0);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const ScopeSummary& scope(int row) const { return m_scopes[static_cast<std::size_t>(row)]; }
    std::int64_t totalSelfNs() const { return m_totalSelfNs; }
    std::int64_t percentBaseNs() const { return std::max(m_totalSelfNs, m_runNs); }

private:
    QVariant sortValue(const ScopeSummary& s, int column) const;
    double selfPercent(const ScopeSummary& s) const;

    std::vector<ScopeSummary> m_scopes;
    std::int64_t m_totalSelfNs = 0;
    std::int64_t m_runNs = 0;
};

} // namespace vlmscope
