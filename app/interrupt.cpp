#include "app/interrupt.h"

#include <csignal>
#include <unistd.h>

namespace vlmscope {

namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signals = 0;

extern "C" void onInterrupt(int signal)
{
    if (g_signals++ > 0)
        _exit(128 + signal);
    g_stop.store(true);
    const char message[] = "\nvlmscope: stopping after the current token (again to quit now)\n";
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message, sizeof message - 1);
}

} // namespace

static_assert(std::atomic<bool>::is_always_lock_free, "the stop flag is set from a signal handler");

void installInterruptHandlers()
{
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

std::atomic<bool>& interruptFlag() { return g_stop; }

bool interrupted() { return g_stop.load(); }

} // namespace vlmscope
