// Help → Welcome and "Using a real checkpoint": reachable from the main window's Help menu,
// open without blocking, show the right page, and carry a picture of the layout.
#include "ui/main_window.h"
#include "ui/welcome_dialog.h"

#include <QLabel>
#include <QMenuBar>
#include <QtTest>

using namespace vlmscope;

class TestWelcomeDialog : public QObject {
    Q_OBJECT

    static QAction* helpAction(MainWindow& window, const QString& text)
    {
        for (QAction* menu : window.menuBar()->actions()) {
            if (menu->text().remove('&') != "Help" || !menu->menu())
                continue;
            for (QAction* action : menu->menu()->actions()) {
                if (action->text().remove('&') == text)
                    return action;
            }
        }
        return nullptr;
    }

private Q_SLOTS:
    void helpMenuOpensEachPage()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        QAction* welcome = helpAction(window, "Welcome");
        QAction* checkpoints = helpAction(window, "Using a real checkpoint");
        QVERIFY(welcome);
        QVERIFY(checkpoints);

        checkpoints->trigger();
        auto* dialog = window.findChild<WelcomeDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->currentPage(), WelcomeDialog::Checkpoints);
        bool namesFiles = false;
        for (QLabel* label : dialog->findChildren<QLabel*>())
            namesFiles = namesFiles || (label->text().contains("model.safetensors") && label->text().contains("tokenizer.json"));
        QVERIFY(namesFiles);

        welcome->trigger();
        QCOMPARE(window.findChildren<WelcomeDialog*>().size(), 1); // reused, not stacked
        QCOMPARE(dialog->currentPage(), WelcomeDialog::Views);
        // For a person to look at: VLMSCOPE_SCREENSHOT_DIR=/tmp/shots.
        const QString shots = qEnvironmentVariable("VLMSCOPE_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(dialog->grab().save(shots + "/welcome.png"));
    }

    void layoutPictureIsDrawn()
    {
        const QPixmap picture = WelcomeDialog::layoutPicture(QPalette(), 1.0);
        QCOMPARE(picture.size(), QSize(560, 336));
        const QImage image = picture.toImage();
        // Boxes and labels leave more than one colour on the canvas.
        QVERIFY(image.pixel(5, 5) != image.pixel(280, 168) || image.pixel(5, 5) != image.pixel(1, 1));
    }
};

QTEST_MAIN(TestWelcomeDialog)
#include "test_welcome_dialog.moc"
