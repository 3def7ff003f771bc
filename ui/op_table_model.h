// The operator table (profiling level "layers+ops"): ATen op totals per layer scope, like
// torch.profiler's key averages. Numbers sort by value through SortRole.
#pragma once

#include "core/engine/run_record.h"

#include <QAbstractTableModel>

#include <vector>

namespace vlmscope {

class OpTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Scope, Op, Count, Total, Self, MeanPerCall, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit OpTableModel(QObject* parent = nullptr);

    // Scope names come from `scopes` (op stats refer to them by index).
    void setOps(const std::vector<OpStat>& ops, const std::vector<ScopeSummary>& scopes);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString scope;
        OpStat op;
    };
    QVariant value(const Row& row, int column, bool sort) const;

    std::vector<Row> m_rows;
};

} // namespace vlmscope
