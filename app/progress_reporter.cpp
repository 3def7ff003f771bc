#include "app/progress_reporter.h"

#include <cstdio>
#include <unistd.h>

namespace vlmscope {

ProgressReporter::ProgressReporter(int totalRuns, bool enabled)
    : m_totalRuns(totalRuns), m_enabled(enabled), m_terminal(isatty(STDERR_FILENO) == 1)
{
}

void ProgressReporter::beginRun(const std::string& label) { m_label = label; }

void ProgressReporter::runStarted(const RunRecord& header)
{
    m_maxTokens = header.settings.maxNewTokens;
    m_tokens = 0;
    m_lastNs = 0;
    m_firstTokenNs = 0;
    m_lastDrawNs = -1;
    if (m_enabled && !m_terminal)
        std::fprintf(stderr, "[%d/%d] %s: running\n", m_doneRuns + 1, m_totalRuns, m_label.c_str());
}

void ProgressReporter::tokenGenerated(const TokenEvent& token)
{
    m_tokens = token.index + 1;
    m_lastNs = token.timeNs;
    if (token.index == 0)
        m_firstTokenNs = token.timeNs;
    // At most ten redraws a second: the terminal is not the bottleneck we measure.
    if (m_enabled && m_terminal && (m_lastDrawNs < 0 || m_lastNs - m_lastDrawNs > 100'000'000)) {
        m_lastDrawNs = m_lastNs;
        drawLine(false);
    }
}

void ProgressReporter::drawLine(bool final)
{
    const double decodeSeconds = static_cast<double>(m_lastNs - m_firstTokenNs) / 1e9;
    const double tps = m_tokens > 1 && decodeSeconds > 0 ? static_cast<double>(m_tokens - 1) / decodeSeconds : 0;
    const double runEta = tps > 0 ? static_cast<double>(m_maxTokens - m_tokens) / tps : 0;
    const double runSeconds = static_cast<double>(m_lastNs) / 1e9 + runEta;
    const double perRun = m_doneRuns > 0 ? m_secondsPerRunSoFar / m_doneRuns : runSeconds;
    const double eta = runEta + perRun * (m_totalRuns - m_doneRuns - 1);
    std::fprintf(stderr, "\r\033[K[%d/%d] %s: %lld/%lld tokens, %.1f tok/s, ETA %.0f s", m_doneRuns + 1, m_totalRuns,
                 m_label.c_str(), static_cast<long long>(m_tokens), static_cast<long long>(m_maxTokens), tps,
                 eta < 0 ? 0 : eta);
    if (final)
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

void ProgressReporter::runEnded(const RunRecord& record)
{
    m_secondsPerRunSoFar += static_cast<double>(record.endNs) / 1e9;
    if (m_enabled) {
        if (m_terminal) {
            drawLine(true);
        } else {
            const auto& tps = record.metrics.outputTps;
            std::fprintf(stderr, "[%d/%d] %s: %s, %zu tokens in %.2f s, decode %.2f tok/s\n", m_doneRuns + 1,
                         m_totalRuns, m_label.c_str(), runStatusName(record.status), record.tokens.size(),
                         static_cast<double>(record.endNs) / 1e9, tps ? *tps : 0.0);
        }
    }
    ++m_doneRuns;
}

} // namespace vlmscope
