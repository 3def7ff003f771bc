#include "ui/comparison_model.h"

#include "ui/formatting.h"

#include <QBrush>
#include <QColor>

#include <cmath>

namespace vlmscope {

namespace {

const QColor kBetter(0x2e, 0xa0, 0x4f);
const QColor kWorse(0xd9, 0x48, 0x3b);

} // namespace

ComparisonModel::ComparisonModel(QObject* parent) : QAbstractTableModel(parent) {}

void ComparisonModel::setRuns(std::vector<std::shared_ptr<const RunRecord>> runs, const QStringList& labels)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_labels = labels;
    while (m_labels.size() < static_cast<int>(m_runs.size()))
        m_labels << tr("Run %1").arg(m_labels.size() + 1);
    if (m_baseline >= static_cast<int>(m_runs.size()))
        m_baseline = 0;
    endResetModel();
}

void ComparisonModel::setBaseline(int run)
{
    if (run < 0 || run >= runCount() || run == m_baseline)
        return;
    m_baseline = run;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

int ComparisonModel::metricRow(const QString& name) const
{
    const auto& metrics = comparedMetrics();
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        if (metrics[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

int ComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_runs.empty() ? 0 : static_cast<int>(comparedMetrics().size());
}

int ComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1 + PartCount * static_cast<int>(m_runs.size());
}

std::optional<double> ComparisonModel::rawValue(int row, int run) const
{
    const std::optional<double> v = comparedMetrics()[static_cast<std::size_t>(row)].value(*m_runs[static_cast<std::size_t>(run)]);
    return v && std::isfinite(*v) ? v : std::nullopt;
}

std::optional<double> ComparisonModel::partValue(int row, int run, Part part) const
{
    const std::optional<double> v = rawValue(row, run);
    if (part == Value)
        return v;
    const std::optional<double> base = rawValue(row, m_baseline);
    if (run == m_baseline || !v || !base)
        return std::nullopt;
    if (part == Delta)
        return *v - *base;
    if (*base == 0)
        return std::nullopt;
    return (*v - *base) / std::fabs(*base) * 100.0;
}

QVariant ComparisonModel::display(int row, int run, Part part) const
{
    const MetricSpec& spec = comparedMetrics()[static_cast<std::size_t>(row)];
    if (part != Value && run == m_baseline)
        return tr("baseline");
    const std::optional<double> v = partValue(row, run, part);
    if (part == Value)
        return formatMetric(spec.kind, v);
    if (!v)
        return notAvailable();
    QString text = part == Delta ? formatMetric(spec.kind, v) : QStringLiteral("%1 %").arg(*v, 0, 'f', 1);
    if (*v > 0)
        text.prepend(QLatin1Char('+'));
    return text;
}

QVariant ComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const MetricSpec& spec = comparedMetrics()[static_cast<std::size_t>(row)];
    if (index.column() == 0) {
        if (role == Qt::DisplayRole)
            return spec.name;
        if (role == Qt::ToolTipRole) {
            const char* direction = spec.better == MetricDirection::Lower    ? "lower is better"
                                    : spec.better == MetricDirection::Higher ? "higher is better"
                                                                    : "neither direction is better";
            return tr("%1 (%2)").arg(spec.tip, tr(direction));
        }
        return {};
    }
    const int run = (index.column() - 1) / PartCount;
    const auto part = static_cast<Part>((index.column() - 1) % PartCount);
    const int verdict = part == Value ? 0 : judgeDelta(spec.better, rawValue(row, run), run == m_baseline ? std::nullopt : rawValue(row, m_baseline));
    switch (role) {
    case Qt::DisplayRole: return display(row, run, part);
    case ValueRole: {
        const std::optional<double> v = partValue(row, run, part);
        return v ? QVariant(*v) : QVariant();
    }
    case VerdictRole: return verdict;
    case Qt::ForegroundRole:
        if (verdict != 0)
            return QBrush(verdict > 0 ? kBetter : kWorse);
        return {};
    case Qt::TextAlignmentRole: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (part != Value && run != m_baseline)
            return verdict > 0 ? tr("better than the baseline") : verdict < 0 ? tr("worse than the baseline")
                                                                           : tr("within %1 % of the baseline").arg(kNeutralBandPct);
        return {};
    default: return {};
    }
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (section == 0)
        return tr("Metric");
    const int run = (section - 1) / PartCount;
    const auto part = static_cast<Part>((section - 1) % PartCount);
    const QString label = m_labels.value(run);
    switch (part) {
    case Value: return run == m_baseline ? tr("%1 (baseline)").arg(label) : label;
    case Delta: return tr("Δ %1").arg(label);
    default: return tr("Δ% %1").arg(label);
    }
}

} // namespace vlmscope
