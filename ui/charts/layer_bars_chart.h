// The top-N layer scopes by self time as horizontal bars (milliseconds), the primary run
// choosing the scopes and overlays adding a bar per run; used by reports and plots too.
#pragma once

#include "ui/charts/chart_view_widget.h"

class QHorizontalBarSeries;

namespace vlmscope {

class LayerBarsChart : public ChartViewWidget {
    Q_OBJECT
public:
    explicit LayerBarsChart(QWidget* parent = nullptr);

    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    void setTopCount(int count); // 1..100, default 15
    int topCount() const { return m_topCount; }

    int runCount() const { return static_cast<int>(m_runs.size()); }
    // The scopes shown, largest first.
    QStringList scopeNames() const { return m_names; }
    // Run `run`'s self times in ms, in scopeNames() order (0 where the run lacks a scope).
    std::vector<double> shownMilliseconds(int run) const;

protected:
    void addViewActions(QMenu* menu) override;
    void refreshLabels() override;
    void refreshStyle() override;
    void adaptToSize(QSizeF size) override;

private:
    struct Run {
        QString id;
        QString defaultLabel;
        std::vector<std::pair<QString, std::int64_t>> selfNs; // every scope
    };

    void rebuildChart();
    QStringList chooseTop() const;
    std::vector<double> valuesFor(const Run& run) const;
    QString labelOf(std::size_t index) const;

    int m_topCount = 15;
    bool m_live = false;
    std::vector<Run> m_runs;
    QStringList m_names;
    QHorizontalBarSeries* m_bars = nullptr;
};

} // namespace vlmscope
