#include "ui/metric_cards.h"

#include "ui/formatting.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace vlmscope {

namespace {

struct CardText {
    const char* title;
    const char* tip;
};

constexpr CardText kCards[] = {
    {"TTFT", "Time to first token (t1 - t0): image preprocessing, vision encoder, prefill and the first step"},
    {"Decode TPS", "Output tokens per second after the first: (n_out - 1) / (tN - t1)"},
    {"ITL p50", "Median inter-token latency"},
    {"ITL p99", "99th percentile inter-token latency: the slow steps"},
    {"Peak TPS", "Most output tokens in one second of the run (and the fastest 8-token window)"},
    {"Stability", "Standard deviation of the per-second TPS (and relative to its mean): lower is steadier"},
    {"Peak memory", "Largest resident set size of the process during the run (and its increase)"},
};

} // namespace

MetricCards::MetricCards(QWidget* parent) : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    for (const CardText& text : kCards) {
        auto* frame = new QFrame(this);
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setToolTip(tr(text.tip));
        auto* column = new QVBoxLayout(frame);
        column->setContentsMargins(8, 4, 8, 4);
        column->setSpacing(0);
        Widgets w{new QLabel(tr(text.title), frame), new QLabel(notAvailable(), frame), new QLabel(frame)};
        w.value->setObjectName(QStringLiteral("cardValue"));
        w.value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        w.detail->setEnabled(false); // the palette's disabled text: a quieter colour in both themes
        column->addWidget(w.title);
        column->addWidget(w.value);
        column->addWidget(w.detail);
        row->addWidget(frame, 1);
        m_cards.push_back(w);
    }
    applyFonts();
}

void MetricCards::applyFonts()
{
    for (const Widgets& w : m_cards) {
        QFont big = font();
        big.setPointSizeF(font().pointSizeF() * 1.5);
        big.setBold(true);
        w.value->setFont(big);
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.85);
        w.title->setFont(small);
        w.detail->setFont(small);
    }
}

void MetricCards::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        applyFonts();
    QWidget::changeEvent(event);
}

void MetricCards::setCard(Card card, const QString& value, const QString& detail)
{
    Widgets& w = m_cards[static_cast<std::size_t>(card)];
    w.value->setText(value);
    w.detail->setText(detail);
}

void MetricCards::showRun(const RunRecord& run)
{
    const GenerationMetrics& m = run.metrics;
    setCard(Ttft, formatSeconds(m.ttftS), tr("prefill %1").arg(formatSeconds(m.prefillS)));
    setCard(DecodeTps, formatRate(m.outputTps), tr("TPOT %1").arg(formatSeconds(m.tpotS)));
    setCard(ItlP50, formatSeconds(m.itl.p50), tr("mean %1").arg(formatSeconds(m.itl.mean)));
    setCard(ItlP99, formatSeconds(m.itl.p99), tr("max %1").arg(formatSeconds(m.itl.max)));
    setCard(PeakTps, formatRate(m.peakTpsPerSecond), tr("8-token %1").arg(formatRate(m.peakTpsWindow8)));
    setCard(Stability, formatRate(m.stabilityAbs), tr("%1 of mean").arg(formatPercent(m.stabilityRelPct)));
    const auto peak = m.rss.peakBytes ? std::optional<double>(static_cast<double>(*m.rss.peakBytes)) : std::nullopt;
    const auto increase = m.rss.increaseBytes ? std::optional<double>(static_cast<double>(*m.rss.increaseBytes))
                                              : std::nullopt;
    setCard(PeakMemory, formatBytes(peak), tr("+%1 during the run").arg(formatBytes(increase)));
}

void MetricCards::clear()
{
    for (int c = 0; c < CardCount; ++c)
        setCard(static_cast<Card>(c), notAvailable(), QString());
}

QString MetricCards::valueText(Card card) const { return m_cards[static_cast<std::size_t>(card)].value->text(); }

} // namespace vlmscope
