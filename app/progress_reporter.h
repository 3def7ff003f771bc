// Progress of long batch work on stderr: a live line with tokens/s and ETA when stderr is
// a terminal, plain lines (one per run) otherwise, so logs stay readable.
#pragma once

#include "core/engine/run_events.h"

#include <string>

namespace vlmscope {

class ProgressReporter : public RunEventSink {
public:
    // `totalRuns` measured runs will be reported; `enabled` false prints nothing.
    ProgressReporter(int totalRuns, bool enabled);

    // Announces the next run ("generation 2/5", "50 tokens, kv on, iteration 1/3").
    void beginRun(const std::string& label);
    // --until-stable plans for the iteration limit; a configuration that converges early
    // takes its unused iterations off the total (and the ETA).
    void setTotalRuns(int totalRuns) { m_totalRuns = totalRuns; }
    int totalRuns() const { return m_totalRuns; }

    void runStarted(const RunRecord& header) override;
    void tokenGenerated(const TokenEvent& token) override;
    void runEnded(const RunRecord& record) override;

private:
    void drawLine(bool final);

    int m_totalRuns;
    int m_doneRuns = 0;
    bool m_enabled;
    bool m_terminal;
    std::string m_label;
    std::int64_t m_maxTokens = 0;
    std::int64_t m_tokens = 0;
    std::int64_t m_lastNs = 0;
    std::int64_t m_firstTokenNs = 0;
    std::int64_t m_lastDrawNs = -1;
    double m_secondsPerRunSoFar = 0;
};

} // namespace vlmscope
