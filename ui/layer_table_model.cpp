#include "ui/layer_table_model.h"

#include "ui/formatting.h"

#include <numeric>

namespace vlmscope {

namespace {

bool sameLayout(const std::vector<ScopeSummary>& a, const std::vector<ScopeSummary>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].category != b[i].category)
            return false;
    }
    return true;
}

} // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setScopes(const std::vector<ScopeSummary>& scopes, std::int64_t runNs)
{
    m_runNs = std::max<std::int64_t>(0, runNs);
    const bool reset = !sameLayout(m_scopes, scopes);
    if (reset)
        beginResetModel();
    m_scopes = scopes;
    m_totalSelfNs = std::accumulate(m_scopes.begin(), m_scopes.end(), std::int64_t(0),
                                    [](std::int64_t sum, const ScopeSummary& s) { return sum + s.selfNs; });
    if (reset)
        endResetModel();
    else if (!m_scopes.empty())
        Q_EMIT dataChanged(index(0, Calls), index(rowCount() - 1, ColumnCount - 1));
}

void LayerTableModel::clear() { setScopes({}); }

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_scopes.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

double LayerTableModel::selfPercent(const ScopeSummary& s) const
{
    const std::int64_t base = percentBaseNs();
    return base > 0 ? 100.0 * static_cast<double>(s.selfNs) / static_cast<double>(base) : 0.0;
}

QVariant LayerTableModel::sortValue(const ScopeSummary& s, int column) const
{
    switch (column) {
    case Scope: return QString::fromStdString(s.name);
    case Category: return QString::fromLatin1(categoryName(s.category));
    case Calls: return static_cast<qlonglong>(s.calls);
    case Inclusive: return static_cast<qlonglong>(s.inclusiveNs);
    case Self: return static_cast<qlonglong>(s.selfNs);
    case SelfPercent: return selfPercent(s);
    case MeanPerCall:
        return s.calls > 0 ? static_cast<double>(s.inclusiveNs) / static_cast<double>(s.calls) : 0.0;
    default: return {};
    }
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ScopeSummary& s = m_scopes[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    if (role == SortRole)
        return sortValue(s, column);
    if (role == Qt::TextAlignmentRole)
        return column >= Calls ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && column == Scope) {
        return tr("%1\ninclusive %2, self %3 over %4 calls")
            .arg(QString::fromStdString(s.name), formatSeconds(s.inclusiveNs * 1e-9), formatSeconds(s.selfNs * 1e-9))
            .arg(s.calls);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Scope: return QString::fromStdString(s.name);
    case Category: return QString::fromLatin1(categoryName(s.category));
    case Calls: return formatCount(s.calls);
    case Inclusive: return formatSeconds(s.inclusiveNs * 1e-9);
    case Self: return formatSeconds(s.selfNs * 1e-9);
    case SelfPercent: return formatPercent(selfPercent(s));
    case MeanPerCall:
        return s.calls > 0 ? formatSeconds(static_cast<double>(s.inclusiveNs) * 1e-9 / static_cast<double>(s.calls))
                           : notAvailable();
    default: return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {"Scope", "Category", "Calls", "Inclusive", "Self", "% self", "Mean / call"};
    static const char* const tips[] = {
        "Layer scope, named after the state-dict path",
        "SPEC category: vision_encoder, projector, attention, ffn, norm, embedding, lm_head, other",
        "Times the scope was entered during the run",
        "Total time inside the scope, nested scopes included",
        "Time inside the scope minus its nested scopes (never double counted)",
        "Self time as a share of the run's wall time (the rest was spent outside every layer scope)",
        "Inclusive time per call",
    };
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace vlmscope
