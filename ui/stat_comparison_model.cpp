#include "ui/stat_comparison_model.h"

#include "core/stats/number_format.h"
#include "core/stats/shared_metrics.h"

#include <QBrush>
#include <QColor>
#include <QElapsedTimer>
#include <QFont>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QPalette>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace vlmscope {

namespace {

const QColor kBetter(0x2e, 0xa0, 0x4f);
const QColor kWorse(0xd9, 0x48, 0x3b);

std::vector<RunRecord> copies(const std::vector<std::shared_ptr<const RunRecord>>& runs)
{
    std::vector<RunRecord> out;
    out.reserve(runs.size());
    for (const auto& run : runs)
        out.push_back(*run);
    return out;
}

QString text(const std::string& s) { return QString::fromStdString(s); }

QString withUnit(double value, const std::string& unit)
{
    if (!std::isfinite(value))
        return text(formatFigure(value));
    return unit.empty() ? text(formatFigure(value)) : QStringLiteral("%1 %2").arg(text(formatFigure(value)), text(unit));
}

QString signedFigure(double value, const std::string& unit)
{
    const QString body = withUnit(value, unit);
    return std::isfinite(value) && value > 0 ? QStringLiteral("+") + body : body;
}

bool singleFigures(const MetricComparison& c)
{
    return std::min(c.difference.baselineCount, c.difference.candidateCount) < 2;
}

} // namespace

ComparisonOptions interactiveOptions()
{
    ComparisonOptions options;
    options.bootstrap.resamples = 1000;
    return options;
}

std::vector<MetricComparison> compareSides(const ComparisonSide& baseline, const ComparisonSide& candidate,
                                           const ComparisonOptions& options)
{
    if (baseline.isExternal() && candidate.isExternal()) {
        std::vector<MetricComparison> out = compareExternalRuns(*baseline.external, *candidate.external, options);
        const std::vector<MetricComparison> percentiles = compareLatencyPercentiles(*baseline.external, *candidate.external);
        out.insert(out.end(), percentiles.begin(), percentiles.end());
        return out;
    }
    if (baseline.isExternal())
        return compareRunsWithExternal(copies(candidate.runs), *baseline.external, true, options);
    if (candidate.isExternal())
        return compareRunsWithExternal(copies(baseline.runs), *candidate.external, false, options);
    return compareRuns("", copies(baseline.runs), copies(candidate.runs), options);
}

struct StatComparisonModel::Outcome {
    std::vector<MetricComparison> rows;
    QString error;
    double ms = 0;
};

StatComparisonModel::StatComparisonModel(QObject* parent) : QAbstractTableModel(parent) {}

StatComparisonModel::~StatComparisonModel() = default;

void StatComparisonModel::compare(ComparisonSide baseline, ComparisonSide candidate)
{
    const std::uint64_t generation = ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_baselineLabel = baseline.label;
    m_candidateLabel = candidate.label;
    endResetModel();
    if (baseline.isEmpty() || candidate.isEmpty()) {
        m_status.clear();
        setComputing(false);
        return;
    }
    m_status = tr("Comparing %1 with %2…").arg(candidate.label, baseline.label);
    setComputing(true);
    // The bootstrap of dozens of layer scopes takes from a few hundred ms to seconds: keep
    // the window responsive. The job owns copies of what it reads.
    const ComparisonOptions options = m_options;
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation] {
        finish(generation, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([baseline = std::move(baseline), candidate = std::move(candidate), options] {
        Outcome outcome;
        QElapsedTimer timer;
        timer.start();
        try {
            outcome.rows = compareSides(baseline, candidate, options);
        } catch (const std::exception& error) {
            outcome.error = QString::fromUtf8(error.what());
        }
        outcome.ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        return outcome;
    }));
}

void StatComparisonModel::finish(std::uint64_t generation, const Outcome& outcome)
{
    if (generation != m_generation)
        return; // superseded by a newer request
    m_lastDurationMs = outcome.ms;
    if (!outcome.error.isEmpty()) {
        m_status = outcome.error;
        setComputing(false);
        Q_EMIT comparisonFailed(outcome.error);
        return;
    }
    setComparisons(outcome.rows, m_baselineLabel, m_candidateLabel);
    setComputing(false);
    Q_EMIT comparisonReady();
}

void StatComparisonModel::setComparisons(std::vector<MetricComparison> comparisons, const QString& baselineLabel,
                                         const QString& candidateLabel)
{
    beginResetModel();
    m_rows = std::move(comparisons);
    m_baselineLabel = baselineLabel;
    m_candidateLabel = candidateLabel;
    endResetModel();
    const auto significant = std::count_if(m_rows.begin(), m_rows.end(), [](const MetricComparison& c) { return c.significant; });
    m_status = m_rows.empty() ? tr("%1 and %2 have no figures in common").arg(candidateLabel, baselineLabel)
                              : tr("%1 of %2 changes significant (Mann-Whitney p < %3); the others are greyed")
                                    .arg(significant)
                                    .arg(m_rows.size())
                                    .arg(m_options.alpha);
}

void StatComparisonModel::clear()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_baselineLabel.clear();
    m_candidateLabel.clear();
    endResetModel();
    m_status.clear();
    setComputing(false);
}

void StatComparisonModel::setComputing(bool computing)
{
    if (m_computing == computing)
        return;
    m_computing = computing;
    Q_EMIT computingChanged(computing);
}

int StatComparisonModel::findRow(const QString& name, ComparisonScope scope) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].spec.scope == scope && text(m_rows[i].spec.name) == name)
            return static_cast<int>(i);
    }
    return -1;
}

int StatComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int StatComparisonModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

int StatComparisonModel::significance(const MetricComparison& c) const
{
    if (!c.significant || !std::isfinite(c.difference.delta.estimate) || c.difference.delta.estimate == 0)
        return 0;
    return c.worse ? -1 : 1;
}

QVariant StatComparisonModel::value(const MetricComparison& c, int column) const
{
    const MedianDifference& d = c.difference;
    double v = std::numeric_limits<double>::quiet_NaN();
    switch (column) {
    case Baseline: v = d.baselineMedian; break;
    case Candidate: v = d.candidateMedian; break;
    case Delta: v = d.delta.estimate; break;
    case DeltaPercent: v = d.changePct.estimate; break;
    case PValue: v = c.pValue; break;
    default: return {};
    }
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

QVariant StatComparisonModel::display(const MetricComparison& c, int column) const
{
    const MedianDifference& d = c.difference;
    switch (column) {
    case Name: return text(c.spec.name);
    case Scope:
        if (c.spec.scope == ComparisonScope::Metric)
            return tr("metric");
        return c.spec.sampleKind == "prefill" ? tr("layer (prefill)") : tr("layer");
    case Baseline: return withUnit(d.baselineMedian, c.spec.unit);
    case Candidate: return withUnit(d.candidateMedian, c.spec.unit);
    case Delta: return signedFigure(d.delta.estimate, c.spec.unit);
    case DeltaPercent: {
        if (!std::isfinite(d.changePct.estimate))
            return text(formatPercent(d.changePct.estimate));
        const QString pct = text(formatPercent(d.changePct.estimate)).replace(QLatin1Char('%'), QStringLiteral(" %"));
        if (significance(c) == 0)
            return pct;
        return (d.delta.estimate > 0 ? QStringLiteral("▲ ") : QStringLiteral("▼ ")) + pct;
    }
    case Interval:
        if (d.changePct.defined())
            return QStringLiteral("%1 .. %2").arg(text(formatPercent(d.changePct.lower)), text(formatPercent(d.changePct.upper)));
        if (d.delta.defined())
            return QStringLiteral("%1 .. %2").arg(signedFigure(d.delta.lower, c.spec.unit), signedFigure(d.delta.upper, c.spec.unit));
        return tr("n/a");
    case PValue: return std::isnan(c.pValue) ? tr("not tested") : text(formatPValue(c.pValue));
    case Samples:
        return QStringLiteral("%1 / %2 (%3)").arg(d.baselineCount).arg(d.candidateCount).arg(text(c.spec.sampleKind));
    default: return {};
    }
}

QString StatComparisonModel::tooltip(const MetricComparison& c) const
{
    const MedianDifference& d = c.difference;
    QStringList lines;
    lines << text(describeComparison(c));
    lines << tr("Medians of %1 baseline and %2 candidate samples, one per %3.")
                 .arg(d.baselineCount)
                 .arg(d.candidateCount)
                 .arg(text(c.spec.sampleKind));
    if (singleFigures(c)) {
        lines << tr("A single figure on a side has no spread: no interval and no significance test.");
    } else {
        if (d.changePct.defined() || d.delta.defined())
            lines << tr("The %1% bootstrap interval of the change is %2.")
                         .arg(std::lround(m_options.bootstrap.level * 100))
                         .arg(display(c, Interval).toString());
        const QString p = std::isnan(c.pValue) ? tr("not tested") : text(formatPValue(c.pValue));
        lines << (c.significant
                      ? tr("Significant: Mann-Whitney U p = %1 < %2 (%3 test); the change is %4.")
                            .arg(p)
                            .arg(m_options.alpha)
                            .arg(c.exactTest ? tr("exact") : tr("normal approximation"))
                            .arg(c.worse ? tr("worse") : tr("better"))
                      : tr("Not significant: Mann-Whitney U p = %1 ≥ %2; the difference may be noise.")
                            .arg(p)
                            .arg(m_options.alpha));
    }
    lines << (c.spec.better == Better::Higher ? tr("Higher is better.") : tr("Lower is better."));
    return lines.join(QLatin1Char('\n'));
}

QVariant StatComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MetricComparison& c = m_rows[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    const int verdict = significance(c);
    const bool marked = column == Delta || column == DeltaPercent || column == Interval;
    switch (role) {
    case Qt::DisplayRole: return display(c, column);
    case Qt::ToolTipRole: return tooltip(c);
    case ValueRole: return value(c, column);
    case SignificanceRole: return verdict;
    case Qt::ForegroundRole:
        if (!c.significant)
            return QBrush(QGuiApplication::palette().color(QPalette::PlaceholderText));
        if (marked && verdict != 0)
            return QBrush(verdict > 0 ? kBetter : kWorse);
        return {};
    case Qt::FontRole:
        if (c.significant && (marked || column == Name)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == Name || column == Scope || column == Samples ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                                      : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant StatComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Name: return tr("Metric / layer");
        case Scope: return tr("Scope");
        case Baseline: return tr("Baseline");
        case Candidate: return tr("Candidate");
        case Delta: return tr("Δ median");
        case DeltaPercent: return tr("Δ %");
        case Interval: return tr("95% CI of Δ");
        case PValue: return tr("p (Mann-Whitney)");
        case Samples: return tr("Samples");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Baseline: return tr("Median of the baseline's samples: %1").arg(m_baselineLabel);
        case Candidate: return tr("Median of the candidate's samples: %1").arg(m_candidateLabel);
        case Delta: return tr("Candidate median - baseline median; ▲/▼ mark significant changes");
        case Interval: return tr("Percentile bootstrap interval of the change of the median (%, or in the unit when the "
                                 "baseline is 0)");
        case PValue: return tr("Two-sided Mann-Whitney U test over the samples; below %1 is significant").arg(m_options.alpha);
        case Samples: return tr("Samples on each side (baseline / candidate) and what one sample is");
        default: return {};
        }
    }
    return {};
}

} // namespace vlmscope
