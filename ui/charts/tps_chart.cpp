#include "ui/charts/tps_chart.h"

#include "ui/charts/chart_markers.h"

#include <QActionGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QMenu>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

namespace vlmscope {

namespace {

constexpr int kMeanWindow = 8; // tokens, as METRICS.md's "peak TPS (window of 8)"
constexpr std::int64_t kMaxPerSecondBuckets = kMaxRunNs / 1'000'000'000 + 1;

} // namespace

struct TpsChart::Run {
    QString id;
    QString defaultLabel;
    int colorIndex = 0;
    std::int64_t discardFirst = 0;
    std::size_t tokensSeen = 0;
    std::vector<std::int64_t> times; // every token's time, for the rolling window
    std::vector<Sample> tps;         // tokens 1..N: 1 s / latency (token 0's latency is the TTFT)
    std::vector<Sample> mean;        // tokens 1..N: rolling mean over the last 8 tokens
    std::vector<Sample> itl;         // tokens 1..N: latency in ms
    std::vector<double> perSecond;
    bool perSecondFromMetrics = false;
    double maxTps = 0;
    double maxItl = 0;
    double maxPerSecond = 0;
    std::vector<PhaseSpan> phases;
    std::optional<double> ttftS;
    std::optional<double> decodeTps;
    std::optional<double> itlMeanMs;
    SeriesDecimator mainPoints;
    SeriesDecimator meanPoints;
    QLineSeries* mainSeries = nullptr;
    QLineSeries* meanSeries = nullptr;
    QBarSet* bars = nullptr;
};

TpsChart::TpsChart(QWidget* parent) : ChartViewWidget(parent)
{
    m_modeBox = new QComboBox(this);
    m_modeBox->addItems({tr("Tokens per second"), tr("Per-second TPS"), tr("Inter-token latency")});
    m_timeBox = new QCheckBox(tr("Time axis"), this);
    m_timeBox->setToolTip(tr("Plot against seconds since the run start instead of the output position"));
    toolRow()->addWidget(m_modeBox);
    toolRow()->addWidget(m_timeBox);
    toolRow()->addStretch(1);
    connect(m_modeBox, qOverload<int>(&QComboBox::activated), this, [this](int i) { setMode(static_cast<Mode>(i)); });
    connect(m_timeBox, &QCheckBox::toggled, this, &TpsChart::setTimeAxis);
    chart()->setTitle(QString());
    rebuildChart();
}

TpsChart::~TpsChart() = default;

void TpsChart::resetRuns()
{
    m_runs.clear();
    m_live = false;
}

void TpsChart::clear()
{
    resetRuns();
    rebuildChart();
}

void TpsChart::addTokens(Run& run, const RunRecord& record)
{
    for (std::size_t i = run.tokensSeen; i < record.tokens.size(); ++i) {
        const TokenEvent& token = record.tokens[i];
        run.times.push_back(token.timeNs);
        addTokenSamples(run, i, token);
        if (!run.perSecondFromMetrics && static_cast<std::int64_t>(i) >= run.discardFirst && token.timeNs >= 0) {
            const auto bucket =
                static_cast<std::size_t>(std::min(token.timeNs / 1'000'000'000, kMaxPerSecondBuckets - 1));
            if (run.perSecond.size() <= bucket)
                run.perSecond.resize(bucket + 1, 0.0);
            run.maxPerSecond = std::max(run.maxPerSecond, ++run.perSecond[bucket]);
        }
    }
    run.tokensSeen = record.tokens.size();
    const GenerationMetrics& m = record.metrics;
    if (m.ttftS)
        run.ttftS = m.ttftS;
    run.decodeTps = m.outputTps;
    run.itlMeanMs = m.itl.mean ? std::optional<double>(*m.itl.mean * 1e3) : std::nullopt;
}

void TpsChart::addTokenSamples(Run& run, std::size_t i, const TokenEvent& token)
{
    const double index = static_cast<double>(i);
    const double timeS = static_cast<double>(token.timeNs) / 1e9;
    if (i == 0) {
        run.ttftS = timeS; // token 0's latency is the TTFT: a marker, not a TPS point
        return;
    }
    if (token.latencyNs >= 0) {
        const double ms = static_cast<double>(token.latencyNs) / 1e6;
        run.itl.push_back({index, timeS, ms});
        run.maxItl = std::max(run.maxItl, ms);
    }
    if (token.latencyNs > 0) { // a zero latency has no rate
        const double tps = 1e9 / static_cast<double>(token.latencyNs);
        run.tps.push_back({index, timeS, tps});
        run.maxTps = std::max(run.maxTps, tps);
    }
    // Rolling mean over the last 8 tokens: 7 intervals over their span, like decode TPS.
    const std::size_t first = i >= kMeanWindow - 1 ? i - (kMeanWindow - 1) : 0;
    const std::int64_t span = token.timeNs - run.times[first];
    if (span > 0) {
        const double tps = static_cast<double>(i - first) * 1e9 / static_cast<double>(span);
        run.mean.push_back({index, timeS, tps});
        run.maxTps = std::max(run.maxTps, tps);
    }
}

void TpsChart::showLive(const RunRecord& record)
{
    const QString id = QString::fromStdString(record.id);
    const bool restart =
        !m_live || m_runs.size() != 1 || m_runs[0]->id != id || record.tokens.size() < m_runs[0]->tokensSeen;
    if (restart) {
        resetRuns();
        m_live = true;
        auto run = std::make_unique<Run>();
        run->id = id;
        run->defaultLabel = defaultRunLabel(record);
        run->discardFirst = record.settings.discardFirst;
        m_runs.push_back(std::move(run));
        rebuildChart();
    }
    Run& run = *m_runs[0];
    const std::size_t tpsFrom = run.tps.size();
    const std::size_t meanFrom = run.mean.size();
    const std::size_t itlFrom = run.itl.size();
    const std::size_t barsFrom = run.perSecond.empty() ? 0 : run.perSecond.size() - 1;
    addTokens(run, record);
    if (record.phases.size() != run.phases.size())
        run.phases = record.phases;
    if (m_mode == PerSecond)
        syncBars(run, barsFrom);
    else
        feedDecimators(run, tpsFrom, meanFrom, itlFrom);
    growAxes(false);
    updateMarkers();
}

void TpsChart::showRuns(const std::vector<RunRecord>& records)
{
    resetRuns();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const RunRecord& record = records[i];
        auto run = std::make_unique<Run>();
        run->id = QString::fromStdString(record.id);
        run->defaultLabel = defaultRunLabel(record);
        run->colorIndex = static_cast<int>(i);
        run->discardFirst = record.settings.discardFirst;
        if (!record.metrics.perSecondTps.empty()) {
            run->perSecondFromMetrics = true;
            run->perSecond = record.metrics.perSecondTps;
            for (double v : run->perSecond)
                run->maxPerSecond = std::max(run->maxPerSecond, v);
        }
        addTokens(*run, record);
        run->phases = record.phases;
        m_runs.push_back(std::move(run));
    }
    rebuildChart();
}

void TpsChart::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    rebuildChart();
    syncControls();
    Q_EMIT modeChanged(mode);
}

void TpsChart::setTimeAxis(bool time)
{
    if (time == m_timeAxis)
        return;
    m_timeAxis = time;
    rebuildChart();
    syncControls();
}

void TpsChart::syncControls()
{
    const QSignalBlocker blockMode(m_modeBox);
    const QSignalBlocker blockTime(m_timeBox);
    m_modeBox->setCurrentIndex(m_mode);
    m_timeBox->setChecked(m_timeAxis);
    m_timeBox->setEnabled(m_mode != PerSecond);
    if (QMenu* menu = contextMenu()) {
        for (QAction* action : menu->actions()) {
            const QVariant data = action->data();
            if (data.isValid() && data.toInt() >= 0)
                action->setChecked(data.toInt() == m_mode);
            else if (data.isValid())
                action->setChecked(m_timeAxis);
        }
    }
}

void TpsChart::addViewActions(QMenu* menu)
{
    auto* group = new QActionGroup(menu);
    const QStringList names = {tr("Tokens per second"), tr("Per-second TPS"), tr("Inter-token latency")};
    for (int i = 0; i < names.size(); ++i) {
        QAction* action = menu->addAction(names.at(i), this, [this, i] { setMode(static_cast<Mode>(i)); });
        action->setCheckable(true);
        action->setChecked(i == m_mode);
        action->setData(i);
        group->addAction(action);
    }
    menu->addSeparator();
    QAction* time = menu->addAction(tr("Time axis"), this, [this](bool on) { setTimeAxis(on); });
    time->setCheckable(true);
    time->setChecked(m_timeAxis);
    time->setData(-1);
}

QString TpsChart::labelOf(std::size_t index) const
{
    const int i = static_cast<int>(index);
    if (i < runLabels().size() && !runLabels().at(i).isEmpty())
        return runLabels().at(i);
    return m_runs[index]->defaultLabel;
}

QString TpsChart::seriesName(std::size_t index, int which) const
{
    if (m_mode == Latency)
        return labelOf(index) + tr(" · latency");
    return labelOf(index) + (which == 0 ? tr(" · per token") : tr(" · mean of %1").arg(kMeanWindow));
}

void TpsChart::rebuildChart()
{
    resetChart();
    m_bars = nullptr;
    m_x = new QValueAxis;
    m_y = new QValueAxis;
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    if (m_mode == PerSecond) {
        m_x->setTitleText(tr("second of the run (bar k: tokens in [k s, k+1 s))"));
        m_y->setTitleText(tr("decode tokens per second"));
    } else {
        m_x->setTitleText(m_timeAxis ? tr("time since run start (s)") : tr("output token index"));
        m_y->setTitleText(m_mode == Latency ? tr("inter-token latency (ms)") : tr("tokens per second (tok/s)"));
    }
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        m_runs[i]->mainSeries = m_runs[i]->meanSeries = nullptr;
        m_runs[i]->bars = nullptr;
        if (m_mode != PerSecond)
            buildLineSeries(i);
    }
    if (m_mode == PerSecond)
        buildBars();
    markers()->setAxes(m_x, m_y);
    growAxes(!m_live);
    refreshStyle();
}

void TpsChart::buildLineSeries(std::size_t index)
{
    Run& run = *m_runs[index];
    auto fill = [this](SeriesDecimator& points, const std::vector<Sample>& samples) {
        std::vector<QPointF> raw;
        raw.reserve(samples.size());
        for (const Sample& s : samples)
            raw.emplace_back(toX(s), s.value);
        points.assign(raw);
    };
    auto add = [this](QLineSeries* series) {
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    };
    run.mainSeries = new QLineSeries;
    fill(run.mainPoints, m_mode == Latency ? run.itl : run.tps);
    run.mainPoints.sync(run.mainSeries);
    add(run.mainSeries);
    if (m_mode == Instantaneous) {
        run.meanSeries = new QLineSeries;
        fill(run.meanPoints, run.mean);
        run.meanPoints.sync(run.meanSeries);
        add(run.meanSeries);
    }
    run.mainSeries->setName(seriesName(index, 0));
    if (run.meanSeries) {
        run.meanSeries->setName(seriesName(index, 1));
        // Overlays: one legend entry per run (its mean); the thin per-token line shares its colour.
        if (m_runs.size() > 1) {
            for (QLegendMarker* marker : chart()->legend()->markers(run.mainSeries))
                marker->setVisible(false);
        }
    }
}

void TpsChart::buildBars()
{
    m_bars = new QBarSeries;
    std::size_t longest = 0;
    for (const auto& run : m_runs)
        longest = std::max(longest, run->perSecond.size());
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const auto& run = m_runs[i];
        run->bars = new QBarSet(labelOf(i));
        QList<qreal> values(run->perSecond.begin(), run->perSecond.end());
        if (m_runs.size() > 1) // grouped bars need equal lengths
            values.resize(static_cast<qsizetype>(longest), 0.0);
        run->bars->append(values);
        m_bars->append(run->bars);
    }
    m_bars->setBarWidth(m_runs.size() > 1 ? 0.85 : 0.7);
    chart()->addSeries(m_bars);
    m_bars->attachAxis(m_x);
    m_bars->attachAxis(m_y);
}

void TpsChart::feedDecimators(Run& run, std::size_t tpsFrom, std::size_t meanFrom, std::size_t itlFrom)
{
    if (!run.mainSeries)
        return;
    const std::vector<Sample>& main = m_mode == Latency ? run.itl : run.tps;
    for (std::size_t i = m_mode == Latency ? itlFrom : tpsFrom; i < main.size(); ++i)
        run.mainPoints.append(QPointF(toX(main[i]), main[i].value));
    run.mainPoints.sync(run.mainSeries);
    if (run.meanSeries) {
        for (std::size_t i = meanFrom; i < run.mean.size(); ++i)
            run.meanPoints.append(QPointF(toX(run.mean[i]), run.mean[i].value));
        run.meanPoints.sync(run.meanSeries);
    }
}

void TpsChart::syncBars(Run& run, std::size_t from)
{
    if (!run.bars)
        return;
    for (std::size_t k = from; k < run.perSecond.size(); ++k) {
        const qsizetype i = static_cast<qsizetype>(k);
        if (i < run.bars->count())
            run.bars->replace(i, run.perSecond[k]);
        else
            run.bars->append(run.perSecond[k]);
    }
}

double TpsChart::toX(const Sample& sample) const
{
    return m_timeAxis ? sample.timeS : sample.index;
}

double TpsChart::dataMaxX() const
{
    double x = 0;
    for (const auto& run : m_runs) {
        if (m_mode == PerSecond) {
            x = std::max(x, static_cast<double>(run->perSecond.size()));
            continue;
        }
        const std::vector<Sample>& samples = m_mode == Latency ? run->itl : run->tps;
        if (!samples.empty())
            x = std::max(x, toX(samples.back()));
        if (m_timeAxis) {
            for (const PhaseSpan& span : run->phases)
                x = std::max(x, static_cast<double>(span.endNs) / 1e9);
            x = std::max(x, run->ttftS.value_or(0));
        }
    }
    return x;
}

double TpsChart::dataMaxY() const
{
    double y = 0;
    for (const auto& run : m_runs) {
        if (m_mode == PerSecond)
            y = std::max(y, run->maxPerSecond);
        else if (m_mode == Latency)
            y = std::max({y, run->maxItl, run->itlMeanMs.value_or(0)});
        else
            y = std::max({y, run->maxTps, run->decodeTps.value_or(0)});
    }
    for (const Reference& reference : m_references) {
        if (m_mode == Latency)
            y = std::max(y, reference.latencyMs.value_or(0));
        else if (m_mode == Instantaneous)
            y = std::max(y, reference.decodeTps.value_or(0));
    }
    return y;
}

void TpsChart::growAxes(bool finished)
{
    // Live axes start wide enough for the first seconds/tokens; finished ones fit the data.
    const double minX = finished ? (m_timeAxis ? 0.01 : 1) : (m_mode == PerSecond ? 5 : (m_timeAxis ? 1 : 10));
    const double needX = std::max(dataMaxX(), minX);
    const double needY = std::max(dataMaxY(), 1.0);
    const double xMin = m_mode == PerSecond ? -0.5 : 0.0;
    const double shift = m_mode == PerSecond ? 0.5 : 0.0;
    double xMax = 0;
    double yMax = 0;
    if (finished) {
        xMax = (m_mode == PerSecond ? needX : paddedMax(needX, 1.0)) - shift;
        yMax = paddedMax(needY, 1.08);
    } else {
        // Live: grow in a few big steps, never on every point.
        xMax = grownMax(m_x->max() + shift, needX, 1.5) - shift;
        yMax = grownMax(m_y->max(), needY, 1.25);
    }
    // Attached bar series move the axis on their own, so a finished chart always sets it.
    if (finished || m_x->min() != xMin || m_x->max() != xMax)
        setAxisRange(m_x, xMin, xMax, 8, m_mode == PerSecond || !m_timeAxis ? 1 : 0);
    if (finished || m_y->min() != 0 || m_y->max() != yMax)
        setAxisRange(m_y, 0, yMax, 6);
}

void TpsChart::updateMarkers()
{
    std::vector<ChartMarker> list;
    bool any = false;
    for (const auto& run : m_runs)
        any = any || (m_mode == PerSecond ? !run->perSecond.empty() : !run->tps.empty() || !run->itl.empty());
    if (m_runs.empty())
        markers()->setMessage(tr("No run to show"));
    else
        markers()->setMessage(any ? QString() : tr("Waiting for tokens…"));
    if (m_mode == PerSecond) {
        // Phases last a fraction of the first bar; lines there would only clutter it.
        markers()->setMarkers({});
        return;
    }
    const bool timeX = m_timeAxis;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const Run& run = *m_runs[r];
        const QColor color = runColor(run.colorIndex, palette());
        if (r == 0 && timeX) {
            std::optional<std::pair<std::int64_t, std::int64_t>> vision;
            std::optional<std::int64_t> decodeStart;
            for (const PhaseSpan& span : run.phases) {
                if (span.phase == Phase::Prefill) {
                    list.push_back({ChartMarker::Band, span.beginNs / 1e9, span.endNs / 1e9, 0, tr("prefill"),
                                    markerColor(1, palette())});
                } else if (span.phase == Phase::DecodeStep) {
                    decodeStart = std::min(decodeStart.value_or(span.beginNs), span.beginNs);
                } else {
                    vision = std::make_pair(std::min(vision ? vision->first : span.beginNs, span.beginNs),
                                            std::max(vision ? vision->second : span.endNs, span.endNs));
                }
            }
            if (vision)
                list.push_back({ChartMarker::Band, vision->first / 1e9, vision->second / 1e9, 0, tr("image + vision"),
                                markerColor(2, palette())});
            if (decodeStart)
                list.push_back({ChartMarker::VerticalLine, *decodeStart / 1e9, 0, 0, tr("decode start"),
                                markerColor(0, palette())});
        }
        if (run.ttftS) {
            const double x = timeX ? *run.ttftS : 0.0;
            list.push_back(
                {ChartMarker::VerticalLine, x, 0, 0, tr("TTFT %1").arg(formatDurationNs(*run.ttftS * 1e9)), color});
        }
        if (r == 0 && m_mode == Instantaneous && run.decodeTps)
            list.push_back({ChartMarker::HorizontalLine, 0, 0, *run.decodeTps,
                            tr("decode %1 tok/s").arg(*run.decodeTps, 0, 'f', 1), color});
        if (r == 0 && m_mode == Latency && run.itlMeanMs)
            list.push_back({ChartMarker::HorizontalLine, 0, 0, *run.itlMeanMs,
                            tr("mean ITL %1").arg(formatDurationNs(*run.itlMeanMs * 1e6)), color});
    }
    const QColor referenceColor = markerColor(0, palette());
    for (const Reference& reference : m_references) {
        if (m_mode == Instantaneous && reference.decodeTps)
            list.push_back({ChartMarker::HorizontalLine, 0, 0, *reference.decodeTps,
                            tr("%1: %2 tok/s").arg(reference.label).arg(*reference.decodeTps, 0, 'f', 1),
                            referenceColor});
        if (m_mode == Latency && reference.latencyMs)
            list.push_back({ChartMarker::HorizontalLine, 0, 0, *reference.latencyMs,
                            tr("%1: %2").arg(reference.label, formatDurationNs(*reference.latencyMs * 1e6)),
                            referenceColor});
    }
    markers()->setMarkers(std::move(list));
}

void TpsChart::setReferences(std::vector<Reference> references)
{
    m_references = std::move(references);
    if (m_x && m_y)
        growAxes(!m_live);
    updateMarkers();
}

int TpsChart::sampleCount(int run) const
{
    if (run < 0 || run >= runCount())
        return 0;
    const Run& r = *m_runs[static_cast<std::size_t>(run)];
    return static_cast<int>(m_mode == PerSecond ? r.perSecond.size() : m_mode == Latency ? r.itl.size() : r.tps.size());
}

QLineSeries* TpsChart::lineSeries(int run, int which) const
{
    if (run < 0 || run >= runCount())
        return nullptr;
    const Run& r = *m_runs[static_cast<std::size_t>(run)];
    return which == 0 ? r.mainSeries : r.meanSeries;
}

QBarSet* TpsChart::barSet(int run) const
{
    if (run < 0 || run >= runCount())
        return nullptr;
    return m_runs[static_cast<std::size_t>(run)]->bars;
}

void TpsChart::refreshLabels()
{
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        Run& run = *m_runs[i];
        if (run.mainSeries)
            run.mainSeries->setName(seriesName(i, 0));
        if (run.meanSeries)
            run.meanSeries->setName(seriesName(i, 1));
        if (run.bars)
            run.bars->setLabel(labelOf(i));
    }
}

void TpsChart::refreshStyle()
{
    ChartViewWidget::refreshStyle();
    for (const auto& run : m_runs) {
        const QColor color = runColor(run->colorIndex, palette());
        if (run->mainSeries) {
            QColor light = color;
            if (m_mode == Instantaneous)
                light.setAlpha(120);
            run->mainSeries->setPen(QPen(light, m_mode == Instantaneous ? 1.0 : 1.5));
        }
        if (run->meanSeries)
            run->meanSeries->setPen(QPen(color, 2.4));
        if (run->bars) {
            run->bars->setColor(color);
            run->bars->setBorderColor(color);
        }
    }
    refreshLabels();
    if (m_x)
        updateMarkers();
}

} // namespace vlmscope
