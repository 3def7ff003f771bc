#include "ui/gui_main.h"

#include "core/version.h"
#include "ui/app_theme.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QIcon>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

namespace vlmscope {

int runGui(int argc, char** argv)
{
    // Fractional scale factors (1.25, 1.5) stay exact instead of being rounded.
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vlmscope"));
    QApplication::setOrganizationName(QStringLiteral("vlmscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("vlmscope"));
    QApplication::setApplicationVersion(QStringLiteral(VLMSCOPE_VERSION));
    // Match the window to the installed desktop entry (its name, icon and MIME types).
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.vlmscope.vlmscope"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.vlmscope.vlmscope"), appIcon()));
    applyTheme(parseThemeChoice(QSettings().value(QStringLiteral("view/theme")).toString()));

    MainWindow window;
    window.show();

    QStringList files;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (!args[i].startsWith(QLatin1Char('-')) && QFileInfo(args[i]).isFile())
            files << args[i];
    }
    if (!files.isEmpty())
        QTimer::singleShot(0, &window, [&window, files] { window.openFiles(files); });
    return QApplication::exec();
}

} // namespace vlmscope
