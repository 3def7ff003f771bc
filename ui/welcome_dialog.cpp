#include "ui/welcome_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPainter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace vlmscope {

namespace {

struct Region {
    QRectF rect; // in a 100 x 60 layout grid
    const char* label;
};

// Mirrors MainWindow's layout: setup on the left, cards and charts in the middle, runs on
// the right.
constexpr Region kRegions[] = {
    {{0, 0, 20, 60}, "Setup\nmodel, prompt,\nimage, Start"},
    {{21, 0, 58, 7}, "Metric cards"},
    {{21, 8, 36, 24}, "Tokens per second\n(live)"},
    {{58, 8, 21, 24}, "Memory"},
    {{21, 33, 28, 27}, "Layer heatmap\nlayers x steps"},
    {{50, 33, 29, 27}, "Text, layers, ops,\ncomparison"},
    {{80, 0, 20, 60}, "Runs\ntick to overlay"},
};

QLabel* textLabel(const QString& html)
{
    auto* label = new QLabel(html);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(true);
    return label;
}

QWidget* viewsPage()
{
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* picture = new QLabel;
    picture->setPixmap(WelcomeDialog::layoutPicture(page->palette(), page->devicePixelRatioF()));
    picture->setAlignment(Qt::AlignCenter);
    layout->addWidget(picture);
    layout->addWidget(textLabel(QObject::tr(
        "<p><b>vlmscope</b> shows where the time of every generated token goes.</p>"
        "<ul><li><b>Setup</b>: pick the model (built-in synthetic 222M, tiny, or a checkpoint folder), "
        "prompt, image and sampling; <b>Start</b> (Ctrl+R) runs it, <b>Stop</b> (Esc) keeps what was measured.</li>"
        "<li><b>Metric cards</b>: TTFT, decode tokens/s, inter-token latency p50/p99, peak TPS, stability, peak memory.</li>"
        "<li><b>Tokens per second</b>: every token's speed and a rolling mean, with TTFT and phase markers; "
        "also per-second bars and per-token latency.</li>"
        "<li><b>Memory</b>: resident memory, LibTorch allocator bytes and KV-cache bytes over time.</li>"
        "<li><b>Layer heatmap</b>: self time of each layer (rows) in each decode step (columns); hover for "
        "values, click a row for its time across steps.</li>"
        "<li><b>Runs</b>: every finished or opened run (.json, .log, benchmark results); tick several to "
        "overlay them and compare them in the Comparison tab.</li></ul>")));
    return page;
}

QWidget* checkpointsPage()
{
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(textLabel(QObject::tr(
        "<p>The built-in model has the shape of nanoVLM-222M with synthetic weights: its timings are "
        "real, its text is not. To profile a real model (vlmscope never downloads anything):</p>"
        "<ol><li>On a machine with internet, download <tt>config.json</tt> and <tt>model.safetensors</tt> "
        "from the model's Hugging Face page, e.g. <tt>lusxvr/nanoVLM-222M</tt> or a newer nanoVLM such as "
        "<tt>lusxvr/nanoVLM-230M-8k</tt>, and the SmolLM2 <tt>tokenizer.json</tt> from "
        "<tt>HuggingFaceTB/SmolLM2-360M-Instruct</tt>.</li>"
        "<li>Put the three files in one folder and copy it to this machine.</li>"
        "<li>Choose <b>Model → Folder…</b> and select it, or run "
        "<tt>vlmscope --batch --model /path/to/folder</tt>.</li></ol>"
        "<p>Both nanoVLM generations are recognised from <tt>config.json</tt>. Without a "
        "<tt>tokenizer.json</tt> the built-in SmolLM2 tokenizer (shared by both generations) is used; a "
        "folder missing <tt>config.json</tt> or <tt>model.safetensors</tt> gets an error naming the file.</p>")));
    layout->addStretch();
    return page;
}

} // namespace

WelcomeDialog::WelcomeDialog(QWidget* parent) : QDialog(parent), m_tabs(new QTabWidget(this))
{
    setWindowTitle(tr("Welcome to vlmscope"));
    m_tabs->addTab(viewsPage(), tr("The views"));
    m_tabs->addTab(checkpointsPage(), tr("Real checkpoints"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resize(720, 640);
}

void WelcomeDialog::showPage(Page page) { m_tabs->setCurrentIndex(page == Views ? 0 : 1); }

WelcomeDialog::Page WelcomeDialog::currentPage() const { return m_tabs->currentIndex() == 0 ? Views : Checkpoints; }

QPixmap WelcomeDialog::layoutPicture(const QPalette& palette, qreal devicePixelRatio)
{
    const QSizeF logical(560, 336);
    QPixmap pixmap((logical * devicePixelRatio).toSize());
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(palette.color(QPalette::Window));
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal scale = logical.width() / 100.0;
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    painter.setFont(font);
    for (const Region& region : kRegions) {
        const QRectF r(region.rect.x() * scale + 1, region.rect.y() * scale + 1, region.rect.width() * scale - 2,
                       region.rect.height() * scale - 2);
        painter.setPen(QPen(palette.color(QPalette::Mid), 1.5));
        painter.setBrush(palette.color(QPalette::Base));
        painter.drawRoundedRect(r, 6, 6);
        painter.setPen(palette.color(QPalette::Text));
        painter.drawText(r.adjusted(4, 4, -4, -4), Qt::AlignCenter | Qt::TextWordWrap, QObject::tr(region.label));
    }
    return pixmap;
}

} // namespace vlmscope
