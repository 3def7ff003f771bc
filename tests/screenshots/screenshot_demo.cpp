// Drives the real dashboard through the moments worth showing and grabs the window:
// the first-run window, a live run mid-generation, the finished dashboard, and a
// two-run comparison. Used by make_screenshots.sh (under xvfb-run); test-only hooks live
// here, not in the product.
//   screenshot_demo OUTDIR [--model builtin|tiny] [--tokens N] [--theme light|dark]
#include "ui/app_theme.h"
#include "ui/charts/itl_chart.h"
#include "ui/live_run.h"
#include "ui/main_window.h"
#include "ui/run_list_model.h"
#include "ui/setup_panel.h"
#include "ui/stat_comparison_model.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>

using namespace vlmscope;

namespace {

bool grab(QWidget& window, const QString& dir, const QString& name)
{
    QApplication::processEvents();
    // Qt Charts deletes replaced axes and series later; outside the event loop's own
    // dispatch they would still be painted.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const QString path = QDir(dir).filePath(name);
    const bool ok = window.grab().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED to write", qPrintable(path));
    return ok;
}

// Runs the event loop until `done` or the timeout; false on timeout.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QStringList args = QApplication::arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: screenshot_demo OUTDIR [--model builtin|tiny] [--tokens N] [--theme light|dark]\n");
        return 1;
    }
    const QString out = args[1];
    QString model = QStringLiteral("builtin");
    int tokens = 48;
    QString theme = QStringLiteral("light");
    for (int i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--model"))
            model = args[i + 1];
        else if (args[i] == QLatin1String("--tokens"))
            tokens = std::max(8, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--theme"))
            theme = args[i + 1];
    }
    QDir().mkpath(out);
    // A private settings store: the first-run window is what a new user sees.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("vlmscope-screenshots"));
    QCoreApplication::setApplicationName(QStringLiteral("vlmscope"));
    QSettings().clear();
    QApplication::setWindowIcon(appIcon());
    applyTheme(parseThemeChoice(theme));

    MainWindow window;
    window.setErrorDialogsEnabled(false);
    window.resize(1600, 1000);
    window.show();
    waitFor([] { return false; }, 500);
    bool ok = grab(window, out, QStringLiteral("first_run.png"));

    RunSettings settings = window.setupPanel()->settings();
    settings.model = model.toStdString();
    settings.maxNewTokens = tokens;
    settings.stopAtEos = false;
    window.setupPanel()->setSettings(settings, 1);

    // 1: a live run, grabbed a third of the way in.
    bool grabbedLive = false;
    QObject::connect(window.liveRun(), &LiveRun::changed, &window, [&] {
        if (!grabbedLive && window.liveRun()->isActive() &&
            window.liveRun()->record().tokens.size() >= static_cast<std::size_t>(tokens / 3)) {
            grabbedLive = true;
            ok = grab(window, out, QStringLiteral("live_run.png")) && ok;
        }
    });
    if (!window.startRun() || !waitFor([&] { return window.runList()->rowCount() == 1 && !window.isRunning(); }, 600000)) {
        std::fprintf(stderr, "screenshot_demo: the first run did not finish: %s\n", qPrintable(window.lastError()));
        return 2;
    }
    waitFor([] { return false; }, 300);
    ok = grab(window, out, QStringLiteral("dashboard.png")) && ok;

    // 2: a second run on one thread, then both ticked and compared.
    settings.threads = 1;
    window.setupPanel()->setSettings(settings, 1);
    if (!window.startRun() || !waitFor([&] { return window.runList()->rowCount() == 2 && !window.isRunning(); }, 600000)) {
        std::fprintf(stderr, "screenshot_demo: the second run did not finish: %s\n", qPrintable(window.lastError()));
        return 2;
    }
    window.runList()->setChecked(0, true);
    window.runList()->setChecked(1, true);
    window.detailTabs()->setCurrentIndex(3);
    window.chartTabs()->setCurrentWidget(window.itlChart());
    waitFor([&] { return !window.statComparison()->isComputing(); }, 60000);
    waitFor([] { return false; }, 300);
    ok = grab(window, out, QStringLiteral("comparison.png")) && ok;
    return ok && grabbedLive ? 0 : 3;
}
