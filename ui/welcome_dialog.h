// Help → Welcome: what each view of the dashboard shows (with a picture of the layout) and
// how to profile a real nanoVLM checkpoint instead of the synthetic built-in model.
#pragma once

#include <QDialog>

class QTabWidget;

namespace vlmscope {

class WelcomeDialog : public QDialog {
    Q_OBJECT
public:
    enum Page { Views, Checkpoints };

    explicit WelcomeDialog(QWidget* parent = nullptr);
    void showPage(Page page);
    Page currentPage() const;

    // The schematic of the main window shown on the first page.
    static QPixmap layoutPicture(const QPalette& palette, qreal devicePixelRatio);

private:
    QTabWidget* m_tabs;
};

} // namespace vlmscope
