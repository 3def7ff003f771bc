// Where a run's time went by SPEC §3 category (vision encoder, projector, attention, FFN,
// norm, embedding, LM head, other) as percentage bars or a pie; overlays as grouped bars
// or concentric rings.
#pragma once

#include "ui/charts/chart_view_widget.h"

#include <array>

class QHorizontalBarSeries;
class QPieSeries;

namespace vlmscope {

struct CategoryShare {
    ScopeCategory category = ScopeCategory::Other;
    std::int64_t ns = 0;
    double percent = 0; // of the run's time; the shares sum to 100 (0 when nothing was timed)
};

// Self time per category, in category order. Time inside no scope counts as "other":
// endNs minus the sum of every scope's self time, never below 0.
std::array<CategoryShare, kCategoryCount> categoryShares(const RunRecord& run);

class CategoryChart : public ChartViewWidget {
    Q_OBJECT
public:
    enum Kind { Bars, Pie };

    explicit CategoryChart(QWidget* parent = nullptr);

    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    void setKind(Kind kind);
    Kind kind() const { return m_kind; }

    int runCount() const { return static_cast<int>(m_runs.size()); }
    const std::array<CategoryShare, kCategoryCount>& shares(int run) const;
    // The percentages drawn for run `run` (bars: per category; pie: per slice).
    std::vector<double> shownPercentages(int run) const;

protected:
    void addViewActions(QMenu* menu) override;
    void refreshLabels() override;
    void refreshStyle() override;
    void adaptToSize(QSizeF size) override;

private:
    struct Run {
        QString id;
        QString defaultLabel;
        std::array<CategoryShare, kCategoryCount> shares{};
    };

    void rebuildChart();
    void buildBars();
    void buildPies();
    bool updateInPlace();
    QString labelOf(std::size_t index) const;
    QStringList categoryNames() const;

    Kind m_kind = Bars;
    bool m_live = false;
    std::vector<Run> m_runs;
    QHorizontalBarSeries* m_bars = nullptr;
    std::vector<QPieSeries*> m_pies;
};

} // namespace vlmscope
