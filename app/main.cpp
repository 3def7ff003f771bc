// vlmscope entry point: one binary, two faces. Headless options get a QCoreApplication
// (no display needed); otherwise the dashboard opens.
#include "app/batch_options.h"
#include "app/batch_runner.h"
#include "core/util/error.h"
#include "core/version.h"

#include <QCoreApplication>

#include <cstring>
#include <iostream>

namespace {

bool wantsHeadless(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"--batch", "--help", "-h", "--version", "--tokenize"}) {
            if (std::strcmp(argv[i], flag) == 0 || std::strncmp(argv[i], "--tokenize=", 11) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    if (!wantsHeadless(argc, argv)) {
        std::cerr << "vlmscope " << VLMSCOPE_VERSION
                  << ": the dashboard is not part of this build yet; run with --batch (see --help)." << std::endl;
        return 1;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("vlmscope");
    QCoreApplication::setApplicationVersion(VLMSCOPE_VERSION);

    bool help = false, version = false;
    std::string helpText;
    vlmscope::BatchOptions options;
    try {
        options = vlmscope::parseBatchOptions(QCoreApplication::arguments(), &help, &version, &helpText);
    } catch (const vlmscope::InputError& error) {
        std::cerr << "error: " << error.what() << "\n(see vlmscope --help)" << std::endl;
        return 1;
    }
    if (help) {
        std::cout << helpText;
        return 0;
    }
    if (version) {
        std::cout << "vlmscope " << VLMSCOPE_VERSION << " (" << VLMSCOPE_GIT_COMMIT << ")" << std::endl;
        return 0;
    }
    return vlmscope::runBatch(options);
}
