#include "ui/op_table_model.h"

#include "ui/formatting.h"

namespace vlmscope {

OpTableModel::OpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpTableModel::setOps(const std::vector<OpStat>& ops, const std::vector<ScopeSummary>& scopes)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(ops.size());
    for (const OpStat& op : ops) {
        QString scope = tr("(outside layers)");
        if (op.scope >= 0 && static_cast<std::size_t>(op.scope) < scopes.size())
            scope = QString::fromStdString(scopes[static_cast<std::size_t>(op.scope)].name);
        else if (op.scope >= 0)
            scope = tr("scope %1").arg(op.scope);
        m_rows.push_back({scope, op});
    }
    endResetModel();
}

void OpTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int OpTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OpTableModel::value(const Row& row, int column, bool sort) const
{
    const OpStat& op = row.op;
    const double mean = op.count > 0 ? static_cast<double>(op.totalNs) / static_cast<double>(op.count) : 0.0;
    switch (column) {
    case Scope: return row.scope;
    case Op: return QString::fromStdString(op.op);
    case Count: return sort ? QVariant(static_cast<qlonglong>(op.count)) : QVariant(formatCount(op.count));
    case Total: return sort ? QVariant(static_cast<qlonglong>(op.totalNs)) : QVariant(formatSeconds(op.totalNs * 1e-9));
    case Self: return sort ? QVariant(static_cast<qlonglong>(op.selfNs)) : QVariant(formatSeconds(op.selfNs * 1e-9));
    case MeanPerCall:
        if (sort)
            return mean;
        return op.count > 0 ? formatSeconds(mean * 1e-9) : notAvailable();
    default: return {};
    }
}

QVariant OpTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == SortRole)
        return value(row, index.column(), true);
    if (role == Qt::DisplayRole)
        return value(row, index.column(), false);
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Count ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

QVariant OpTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {"Scope", "Operator", "Calls", "Total", "Self", "Mean / call"};
    static const char* const tips[] = {
        "Innermost layer scope open when the operator ran",
        "ATen operator",
        "Times the operator ran in this scope",
        "Time inside the operator, nested operators included",
        "Time inside the operator minus nested operators",
        "Total time per call",
    };
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace vlmscope
