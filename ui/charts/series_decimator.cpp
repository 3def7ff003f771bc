#include "ui/charts/series_decimator.h"

#include <QtCharts/QXYSeries>

#include <algorithm>

namespace vlmscope {

SeriesDecimator::SeriesDecimator(int maxPoints) : m_maxPoints(std::max(maxPoints, 4)) {}

void SeriesDecimator::clear()
{
    m_raw.clear();
    m_done.clear();
    m_bucket = 1;
    m_partialBegin = 0;
    ++m_revision;
}

void SeriesDecimator::append(QPointF point)
{
    m_raw.push_back(point);
    closeFullBucket();
    if (drawnCount() > m_maxPoints) {
        m_bucket *= 2;
        rebuild();
    }
}

void SeriesDecimator::assign(const std::vector<QPointF>& points)
{
    clear();
    m_raw = points;
    // Start at the bucket size that fits, then build once.
    while (2 * ((m_raw.size() + static_cast<std::size_t>(m_bucket) - 1) / static_cast<std::size_t>(m_bucket)) >
               static_cast<std::size_t>(m_maxPoints) &&
           m_raw.size() > static_cast<std::size_t>(m_maxPoints))
        m_bucket *= 2;
    rebuild();
}

void SeriesDecimator::closeFullBucket()
{
    if (m_raw.size() - m_partialBegin < static_cast<std::size_t>(m_bucket))
        return;
    appendBucket(m_partialBegin, m_raw.size(), &m_done);
    m_partialBegin = m_raw.size();
}

void SeriesDecimator::rebuild()
{
    m_done.clear();
    const std::size_t bucket = static_cast<std::size_t>(m_bucket);
    std::size_t begin = 0;
    for (; begin + bucket <= m_raw.size(); begin += bucket)
        appendBucket(begin, begin + bucket, &m_done);
    m_partialBegin = begin;
    ++m_revision;
}

void SeriesDecimator::appendBucket(std::size_t begin, std::size_t end, QList<QPointF>* out) const
{
    if (begin >= end)
        return;
    std::size_t lo = begin;
    std::size_t hi = begin;
    for (std::size_t i = begin + 1; i < end; ++i) {
        if (m_raw[i].y() < m_raw[lo].y())
            lo = i;
        if (m_raw[i].y() > m_raw[hi].y())
            hi = i;
    }
    out->append(m_raw[std::min(lo, hi)]);
    if (lo != hi)
        out->append(m_raw[std::max(lo, hi)]);
}

QList<QPointF> SeriesDecimator::points() const
{
    QList<QPointF> out = m_done;
    appendBucket(m_partialBegin, m_raw.size(), &out);
    return out;
}

int SeriesDecimator::drawnCount() const
{
    const std::size_t open = m_raw.size() - m_partialBegin;
    return static_cast<int>(m_done.size()) + static_cast<int>(std::min<std::size_t>(open, 2));
}

void SeriesDecimator::sync(QXYSeries* series)
{
    if (m_bucket == 1 && m_syncedRevision == m_revision && m_synced <= static_cast<int>(m_raw.size())) {
        if (m_synced == static_cast<int>(m_raw.size()))
            return;
        QList<QPointF> fresh;
        fresh.reserve(static_cast<qsizetype>(m_raw.size()) - m_synced);
        for (std::size_t i = static_cast<std::size_t>(m_synced); i < m_raw.size(); ++i)
            fresh.append(m_raw[i]);
        series->append(fresh);
    } else {
        series->replace(points());
    }
    m_syncedRevision = m_revision;
    m_synced = static_cast<int>(m_raw.size());
}

} // namespace vlmscope
