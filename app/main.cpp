// vlmscope entry point: one binary, two faces. Headless options get a QCoreApplication (no
// display needed; plots render offscreen); otherwise the dashboard opens.
#include "app/batch_options.h"
#include "app/batch_runner.h"
#include "core/util/error.h"
#include "core/version.h"
#include "ui/gui_main.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstring>
#include <iostream>
#include <memory>

namespace {

bool hasFlag(int argc, char** argv, std::initializer_list<const char*> flags)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : flags) {
            const std::size_t n = std::strlen(flag);
            if (std::strncmp(argv[i], flag, n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '='))
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    if (!hasFlag(argc, argv, {"--batch", "--help", "-h", "--version", "--tokenize"}))
        return vlmscope::runGui(argc, argv);
    // Qt Charts needs a QApplication even to render into an image; offscreen needs no display.
    std::unique_ptr<QCoreApplication> app;
    if (hasFlag(argc, argv, {"--plot"})) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName("vlmscope");
    QCoreApplication::setApplicationVersion(VLMSCOPE_VERSION);

    vlmscope::ParsedCommandLine parsed;
    try {
        parsed = vlmscope::parseBatchOptions(QCoreApplication::arguments());
    } catch (const vlmscope::InputError& error) {
        std::cerr << "error: " << error.what() << "\n(see vlmscope --help)" << std::endl;
        return 1;
    }
    if (parsed.help) {
        std::cout << parsed.helpText;
        return 0;
    }
    if (parsed.version) {
        std::cout << "vlmscope " << VLMSCOPE_VERSION << " (" << VLMSCOPE_GIT_COMMIT << ")" << std::endl;
        return 0;
    }
    return vlmscope::runBatch(parsed.options);
}
