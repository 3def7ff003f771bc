// The dashboard's entry point for app/main.cpp: creates the QApplication, its icon and
// palette, the main window, and runs the event loop.
#pragma once

namespace vlmscope {

// Returns the application's exit code. Files named on the command line (.json, .log) are
// opened as runs.
int runGui(int argc, char** argv);

} // namespace vlmscope
