// Ctrl-C / SIGTERM in --batch: the first signal asks the running generation to stop at
// its next token (what was measured is still written); a second one exits at once.
#pragma once

#include <atomic>

namespace vlmscope {

void installInterruptHandlers();
// The flag RunSession polls; set by the handlers.
std::atomic<bool>& interruptFlag();
bool interrupted();

} // namespace vlmscope
