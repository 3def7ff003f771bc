// Memory over a run: RSS, allocator bytes and KV-cache bytes (MiB against seconds), each
// series' peak marked and labelled, finished runs overlaid (colour = run, dash = source).
#pragma once

#include "ui/charts/chart_view_widget.h"
#include "ui/charts/series_decimator.h"

#include <array>
#include <memory>

class QLineSeries;
class QValueAxis;

namespace vlmscope {

class MemoryChart : public ChartViewWidget {
    Q_OBJECT
public:
    enum Source { Rss, Allocator, KvCache };
    static constexpr int kSourceCount = 3;

    explicit MemoryChart(QWidget* parent = nullptr);
    ~MemoryChart() override;

    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    int runCount() const { return static_cast<int>(m_runs.size()); }
    // Null where the run has no sample of that source.
    QLineSeries* series(int run, Source source) const;
    // Every sample kept for that series (the drawn ones are decimated).
    int sampleCount(int run, Source source) const;
    QValueAxis* xAxis() const { return m_x; }
    QValueAxis* yAxis() const { return m_y; }

protected:
    void refreshLabels() override;
    void refreshStyle() override;

private:
    struct Line {
        SeriesDecimator points;
        QLineSeries* series = nullptr;
        QPointF peak{0, -1};
    };
    struct Run {
        QString id;
        QString defaultLabel;
        std::size_t samplesSeen = 0;
        std::array<Line, kSourceCount> lines;
        std::optional<double> ttftS;
        std::optional<std::pair<double, double>> prefill;
    };

    void rebuildChart();
    void addSamples(std::size_t runIndex, const RunRecord& record);
    void addPoint(std::size_t runIndex, Source source, double x, std::int64_t bytes);
    void ensureSeries(std::size_t runIndex, Source source);
    void styleSeries(std::size_t runIndex, Source source);
    QString runName(std::size_t runIndex) const;
    QString seriesName(std::size_t runIndex, Source source) const;
    void updateMarkers();
    void growAxes(bool finished);
    static void readTimes(Run& run, const RunRecord& record);

    std::vector<std::unique_ptr<Run>> m_runs;
    bool m_live = false;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    double m_maxX = 0;
    double m_maxY = 0;
};

} // namespace vlmscope
