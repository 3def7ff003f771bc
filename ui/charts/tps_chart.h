// The tokens-per-second chart of the dashboard, in three modes: instantaneous TPS per
// token with a rolling mean of 8 and phase/TTFT markers, per-second TPS bars, and
// inter-token latency against output position. Live runs grow incrementally.
#pragma once

#include "ui/charts/chart_view_widget.h"
#include "ui/charts/series_decimator.h"

#include <memory>
#include <optional>

class QBarSeries;
class QBarSet;
class QCheckBox;
class QComboBox;
class QLineSeries;
class QValueAxis;

namespace vlmscope {

class TpsChart : public ChartViewWidget {
    Q_OBJECT
public:
    enum Mode { Instantaneous, PerSecond, Latency };

    explicit TpsChart(QWidget* parent = nullptr);
    ~TpsChart() override;

    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }

    // Other tools' figures (imported llama-bench / vLLM runs) drawn as labelled horizontal
    // lines: their decode rate in the TPS mode, their token latency in the latency mode.
    // They carry no per-token data, so a line is what can honestly be overlaid.
    struct Reference {
        QString label;
        std::optional<double> decodeTps;
        std::optional<double> latencyMs;
    };
    void setReferences(std::vector<Reference> references);
    const std::vector<Reference>& references() const { return m_references; }
    // x = seconds since the run start instead of the output token index.
    void setTimeAxis(bool time);
    bool timeAxis() const { return m_timeAxis; }

    // What is drawn, for tests and tooltips: run `run`'s line (which = 0: TPS or latency,
    // 1: rolling mean; null where the mode has none) and per-second bars.
    int runCount() const { return static_cast<int>(m_runs.size()); }
    QLineSeries* lineSeries(int run, int which) const;
    QBarSet* barSet(int run) const;
    // Every sample kept for run `run` in the current mode (not only the drawn ones).
    int sampleCount(int run) const;
    QValueAxis* xAxis() const { return m_x; }
    QValueAxis* yAxis() const { return m_y; }

Q_SIGNALS:
    void modeChanged(vlmscope::TpsChart::Mode mode);

protected:
    void addViewActions(QMenu* menu) override;
    void refreshLabels() override;
    void refreshStyle() override;

private:
    struct Sample {
        double index = 0;
        double timeS = 0;
        double value = 0;
    };
    struct Run;

    void resetRuns();
    void addTokens(Run& run, const RunRecord& record);
    void addTokenSamples(Run& run, std::size_t index, const TokenEvent& token);
    void rebuildChart();
    void buildLineSeries(std::size_t index);
    void buildBars();
    void feedDecimators(Run& run, std::size_t tpsFrom, std::size_t meanFrom, std::size_t itlFrom);
    void syncBars(Run& run, std::size_t from);
    void updateMarkers();
    void growAxes(bool finished);
    double dataMaxX() const;
    double dataMaxY() const;
    double toX(const Sample& sample) const;
    QString labelOf(std::size_t index) const;
    QString seriesName(std::size_t index, int which) const;
    void syncControls();

    Mode m_mode = Instantaneous;
    std::vector<Reference> m_references;
    bool m_timeAxis = false;
    bool m_live = false;
    std::vector<std::unique_ptr<Run>> m_runs;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    QBarSeries* m_bars = nullptr;
    QComboBox* m_modeBox = nullptr;
    QCheckBox* m_timeBox = nullptr;
};

} // namespace vlmscope
