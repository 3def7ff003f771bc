// Display budget, full data: keeps every appended point and offers at most `maxPoints` of
// them for drawing (the min and max of each bucket of consecutive points, so spikes stay
// visible), updated incrementally as points arrive.
#pragma once

#include <QList>
#include <QPointF>

#include <vector>

class QXYSeries;

namespace vlmscope {

// Qt Charts re-strokes the whole line path whenever a series or axis changes, at a cost
// that grows faster than the point count: 2000 drawn points made live updates take up to
// 1 s at 1,500 tokens; 500 (250 min/max columns) keeps the p99 frame under 40 ms.
inline constexpr int kMaxDrawnPoints = 500;

class SeriesDecimator {
public:
    explicit SeriesDecimator(int maxPoints = kMaxDrawnPoints);

    void clear();
    void append(QPointF point);
    void assign(const std::vector<QPointF>& points);

    const std::vector<QPointF>& raw() const { return m_raw; }
    QList<QPointF> points() const; // what to draw, x-ordered
    int drawnCount() const;
    int bucketSize() const { return m_bucket; }

    // Brings `series` up to date: appends when only new points were added since the last
    // sync, replaces everything when buckets were merged.
    void sync(QXYSeries* series);

private:
    void closeFullBucket();
    void rebuild();
    void appendBucket(std::size_t begin, std::size_t end, QList<QPointF>* out) const;

    int m_maxPoints;
    int m_bucket = 1;
    std::vector<QPointF> m_raw;
    QList<QPointF> m_done;          // points of complete buckets
    std::size_t m_partialBegin = 0; // first raw index of the open bucket
    int m_revision = 0;             // bumped when m_done is rebuilt
    int m_syncedRevision = -1;
    int m_synced = 0; // points the series holds from the current revision
};

} // namespace vlmscope
