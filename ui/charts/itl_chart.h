// Inter-token latency curves of the dashboard, in two modes: against the output position
// (token index) and against the context depth (decoder positions = prompt length + index,
// which differs from the position when runs have different prompt lengths, as in a
// --context-lengths benchmark). Runs of one configuration are pooled into one line, the
// median over the runs with their min-max as a band.
#pragma once

#include "ui/charts/band_chart.h"
#include "ui/charts/chart_view_widget.h"

#include <QElapsedTimer>

#include <vector>

class QComboBox;

namespace vlmscope {

// Latency of each output token from the second (ms): x is the 1-based output position
// (Position) or the prompt length + the token's index (Depth); median over the runs that
// reached it, band min..max.
enum class ItlAxis { Position, Depth };
BandSeries itlBand(const QString& name, const std::vector<const RunRecord*>& runs, ItlAxis axis);

// Runs measured alike (model, prompt length, max new tokens, KV cache, threads), in
// first-seen order; runs without tokens (imported figures) are left out.
struct ItlGroup {
    std::vector<const RunRecord*> runs;
    std::vector<int> indexes; // into the runs given
};
std::vector<ItlGroup> groupRunsForItl(const std::vector<RunRecord>& runs);

class ItlChart : public ChartViewWidget {
    Q_OBJECT
public:
    explicit ItlChart(QWidget* parent = nullptr);

    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    void setAxis(ItlAxis axis);
    ItlAxis axis() const { return m_axis; }
    QComboBox* axisBox() const { return m_axisBox; }
    // What is drawn now (before decimation): one series per configuration.
    const std::vector<BandSeries>& series() const { return m_series; }

Q_SIGNALS:
    void axisChanged(vlmscope::ItlAxis axis);

protected:
    void addViewActions(QMenu* menu) override;
    void refreshLabels() override;
    void refreshStyle() override;

private:
    void rebuild();
    QString groupName(const ItlGroup& group) const;

    ItlAxis m_axis = ItlAxis::Position;
    std::vector<RunRecord> m_runs;
    std::vector<BandSeries> m_series;
    QComboBox* m_axisBox = nullptr;
    QElapsedTimer m_lastLiveDraw;
};

} // namespace vlmscope
