// The strip of headline figures above the charts: TTFT, decode TPS, ITL p50/p99, peak
// TPS, stability and peak memory of the run on screen ("n/a" while undefined).
#pragma once

#include "core/engine/run_record.h"

#include <QWidget>

#include <vector>

class QLabel;

namespace vlmscope {

class MetricCards : public QWidget {
    Q_OBJECT
public:
    enum Card { Ttft, DecodeTps, ItlP50, ItlP99, PeakTps, Stability, PeakMemory, CardCount };

    explicit MetricCards(QWidget* parent = nullptr);

    void showRun(const RunRecord& run);
    void clear();
    QString valueText(Card card) const; // what the card shows (tests, screenshots)

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Widgets {
        QLabel* title;
        QLabel* value;
        QLabel* detail;
    };
    void setCard(Card card, const QString& value, const QString& detail);
    void applyFonts();

    std::vector<Widgets> m_cards;
};

} // namespace vlmscope
