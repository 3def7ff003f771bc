#include "app/signal_injector.h"

#include <csignal>
#include <cstdlib>

namespace vlmscope {

SignalInjector::SignalInjector(RunEventSink& next) : m_next(next)
{
    const char* spec = std::getenv("VLMSCOPE_TEST_SIGNAL_AT");
    if (spec == nullptr)
        return;
    const std::string text = spec;
    const std::size_t at = text.find('@');
    if (at == std::string::npos)
        return;
    const std::string name = text.substr(0, at);
    m_signal = name == "INT" ? SIGINT : name == "TERM" ? SIGTERM : 0;
    m_point = text.substr(at + 1);
}

void SignalInjector::reached(const std::string& point)
{
    if (m_signal != 0 && point == m_point)
        std::raise(m_signal); // to this thread: the handler has run when raise returns
}

void SignalInjector::phaseFinished(const PhaseSpan& phase)
{
    reached(phaseName(phase.phase));
    m_next.phaseFinished(phase);
}

void SignalInjector::tokenGenerated(const TokenEvent& token)
{
    reached("token:" + std::to_string(token.index + 1));
    m_next.tokenGenerated(token);
}

} // namespace vlmscope
