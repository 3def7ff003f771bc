#include "ui/setup_panel.h"

#include "core/model/weight_precision.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace vlmscope {

namespace {

constexpr const char* kSampleImage = ":/vlmscope/sample.png";
constexpr const char* kDefaultPrompt = "What is in this image?";
constexpr int kThumbnailSize = 72;
constexpr int kMaxRecentModels = 8;

QString groupTitle(const char* text) { return QObject::tr(text); }

bool isBuiltinSource(const QString& s) { return s == QLatin1String("builtin") || s == QLatin1String("tiny"); }

// A form row whose field is a layout: the label still gets its mnemonic and buddy.
void addLayoutRow(QFormLayout* form, const QString& text, QLayout* field, QWidget* buddy)
{
    auto* label = new QLabel(text, form->parentWidget());
    label->setBuddy(buddy);
    form->addRow(label, field);
}

} // namespace

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    for (QWidget* group : {buildModelGroup(), buildInputGroup(), buildGenerationGroup(), buildMeasurementGroup()}) {
        layout->addWidget(group);
        m_groups << group;
    }
    layout->addStretch(1);
    setSettings(defaultSettings(), 1);
}

RunSettings SetupPanel::defaultSettings()
{
    RunSettings s;
    s.model = "builtin";
    s.image = kSampleImage;
    s.prompt = kDefaultPrompt;
    s.maxNewTokens = 30;
    return s;
}

QWidget* SetupPanel::buildModelGroup()
{
    auto* group = new QGroupBox(groupTitle("Model"), this);
    auto* form = new QFormLayout(group);

    m_model = new QComboBox(group);
    m_model->setObjectName(QStringLiteral("model"));
    m_model->addItem(tr("Built-in 222M (synthetic)"), QStringLiteral("builtin"));
    m_model->addItem(tr("Tiny test model (synthetic)"), QStringLiteral("tiny"));
    m_model->setItemData(0, tr("A nanoVLM-222M-shaped model built in memory: no download; timings representative "
                               "of the real model, text not meaningful"), Qt::ToolTipRole);
    m_model->setItemData(1, tr("A very small model for quick checks"), Qt::ToolTipRole);
    m_model->setToolTip(tr("Which model generates. The built-in models have synthetic weights: their timings are "
                           "real, their text is meaningless. A checkpoint folder holds config.json, "
                           "model.safetensors and usually tokenizer.json, as published on the Hugging Face Hub."));
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(16);
    auto* browse = new QToolButton(group);
    browse->setText(tr("Folder…"));
    browse->setToolTip(tr("Choose a nanoVLM checkpoint folder"));
    connect(browse, &QToolButton::clicked, this, &SetupPanel::browseModel);
    auto* row = new QHBoxLayout;
    row->addWidget(m_model, 1);
    row->addWidget(browse);
    addLayoutRow(form, tr("&Model:"), row, m_model);

    m_tokenizer = new QLineEdit(group);
    m_tokenizer->setObjectName(QStringLiteral("tokenizer"));
    m_tokenizer->setPlaceholderText(tr("from the model (or built-in SmolLM2)"));
    m_tokenizer->setToolTip(tr("A tokenizer.json; leave empty to use the checkpoint's own or the built-in SmolLM2 tokenizer"));
    m_tokenizer->setClearButtonEnabled(true);
    auto* browseTok = new QToolButton(group);
    browseTok->setText(QStringLiteral("…"));
    browseTok->setToolTip(tr("Choose a tokenizer.json"));
    connect(browseTok, &QToolButton::clicked, this, &SetupPanel::browseTokenizer);
    auto* tokRow = new QHBoxLayout;
    tokRow->addWidget(m_tokenizer, 1);
    tokRow->addWidget(browseTok);
    addLayoutRow(form, tr("&Tokenizer:"), tokRow, m_tokenizer);

    connect(m_model, &QComboBox::currentIndexChanged, this, &SetupPanel::settingsEdited);
    connect(m_tokenizer, &QLineEdit::textEdited, this, &SetupPanel::settingsEdited);
    return group;
}

QWidget* SetupPanel::buildInputGroup()
{
    auto* group = new QGroupBox(groupTitle("Input"), this);
    auto* form = new QFormLayout(group);

    m_prompt = new QPlainTextEdit(group);
    m_prompt->setObjectName(QStringLiteral("prompt"));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setToolTip(tr("The user prompt; the chat template and image tokens are added for you"));
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 4 + 12);
    form->addRow(tr("&Prompt:"), m_prompt);

    m_image = new QLineEdit(group);
    m_image->setObjectName(QStringLiteral("image"));
    m_image->setPlaceholderText(tr("no image"));
    m_image->setClearButtonEnabled(true);
    m_image->setToolTip(tr("An image file (PNG, JPEG, …) or a .safetensors file with a preprocessed pixel tensor; "
                           "empty for a text-only prompt. ':/vlmscope/sample.png' is the built-in sample."));
    auto* browse = new QToolButton(group);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose an image"));
    connect(browse, &QToolButton::clicked, this, &SetupPanel::browseImage);
    auto* sample = new QToolButton(group);
    sample->setText(tr("Sample"));
    sample->setToolTip(tr("Use the built-in sample image"));
    connect(sample, &QToolButton::clicked, this, [this] { setImagePath(QString::fromLatin1(kSampleImage)); });
    auto* row = new QHBoxLayout;
    row->addWidget(m_image, 1);
    row->addWidget(browse);
    row->addWidget(sample);
    addLayoutRow(form, tr("&Image:"), row, m_image);

    m_thumbnail = new QLabel(group);
    m_thumbnail->setObjectName(QStringLiteral("thumbnail"));
    m_thumbnail->setFixedSize(kThumbnailSize, kThumbnailSize);
    m_thumbnail->setAlignment(Qt::AlignCenter);
    m_thumbnail->setFrameShape(QFrame::StyledPanel);
    m_imageInfo = new QLabel(group);
    m_imageInfo->setWordWrap(true);
    auto* thumbRow = new QHBoxLayout;
    thumbRow->addWidget(m_thumbnail);
    thumbRow->addWidget(m_imageInfo, 1);
    form->addRow(QString(), thumbRow);

    connect(m_image, &QLineEdit::textChanged, this, &SetupPanel::updateThumbnail);
    connect(m_image, &QLineEdit::textEdited, this, &SetupPanel::settingsEdited);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &SetupPanel::settingsEdited);
    return group;
}

QWidget* SetupPanel::buildGenerationGroup()
{
    auto* group = new QGroupBox(groupTitle("Generation"), this);
    auto* form = new QFormLayout(group);

    m_maxTokens = new QSpinBox(group);
    m_maxTokens->setObjectName(QStringLiteral("maxTokens"));
    m_maxTokens->setRange(1, 100000);
    m_maxTokens->setToolTip(tr("Most tokens to generate (generation may end earlier at end-of-sequence)"));
    form->addRow(tr("Max &tokens:"), m_maxTokens);

    m_decoding = new QComboBox(group);
    m_decoding->setObjectName(QStringLiteral("decoding"));
    m_decoding->addItem(tr("Greedy"));
    m_decoding->addItem(tr("Sampling"));
    m_decoding->setToolTip(tr("Greedy picks the most likely token; sampling draws with temperature, top-k and top-p"));
    form->addRow(tr("&Decoding:"), m_decoding);

    m_temperature = new QDoubleSpinBox(group);
    m_temperature->setObjectName(QStringLiteral("temperature"));
    m_temperature->setRange(0.01, 10.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setDecimals(2);
    m_temperature->setToolTip(tr("Sampling temperature: below 1 sharper, above 1 flatter"));
    form->addRow(tr("Temperature:"), m_temperature);

    m_topK = new QSpinBox(group);
    m_topK->setObjectName(QStringLiteral("topK"));
    m_topK->setRange(0, 1000000);
    m_topK->setSpecialValueText(tr("off"));
    m_topK->setToolTip(tr("Keep only the k most likely tokens (0: off)"));
    form->addRow(tr("Top-k:"), m_topK);

    m_topP = new QDoubleSpinBox(group);
    m_topP->setObjectName(QStringLiteral("topP"));
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setDecimals(2);
    m_topP->setToolTip(tr("Keep the most likely tokens whose probabilities add up to p (1: off)"));
    form->addRow(tr("Top-p:"), m_topP);

    m_seed = new QSpinBox(group);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Random seed: the same seed and settings give the same tokens"));
    form->addRow(tr("Seed:"), m_seed);

    m_kvCache = new QCheckBox(tr("Use the &KV cache"), group);
    m_kvCache->setObjectName(QStringLiteral("kvCache"));
    m_kvCache->setToolTip(tr("Off re-runs the whole sequence at every step, as the 222M-era code did"));
    form->addRow(m_kvCache);
    m_stopAtEos = new QCheckBox(tr("Stop at end-of-sequence"), group);
    m_stopAtEos->setObjectName(QStringLiteral("stopAtEos"));
    m_stopAtEos->setToolTip(tr("Off always generates the maximum number of tokens (steadier benchmarks)"));
    form->addRow(m_stopAtEos);

    connect(m_decoding, &QComboBox::currentIndexChanged, this, &SetupPanel::updateSamplingEnabled);
    for (QSpinBox* box : {m_maxTokens, m_topK, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &SetupPanel::settingsEdited);
    for (QDoubleSpinBox* box : {m_temperature, m_topP})
        connect(box, &QDoubleSpinBox::valueChanged, this, &SetupPanel::settingsEdited);
    for (QCheckBox* box : {m_kvCache, m_stopAtEos})
        connect(box, &QCheckBox::toggled, this, &SetupPanel::settingsEdited);
    return group;
}

QWidget* SetupPanel::buildMeasurementGroup()
{
    auto* group = new QGroupBox(groupTitle("Measurement"), this);
    auto* form = new QFormLayout(group);

    m_warmup = new QSpinBox(group);
    m_warmup->setObjectName(QStringLiteral("warmup"));
    m_warmup->setRange(0, 100);
    m_warmup->setToolTip(tr("Untracked generations before the measured ones (caches, allocator, thread pool)"));
    form->addRow(tr("&Warm-up runs:"), m_warmup);

    m_iterations = new QSpinBox(group);
    m_iterations->setObjectName(QStringLiteral("iterations"));
    m_iterations->setRange(1, 1000);
    m_iterations->setToolTip(tr("Measured runs; each appears in the runs list"));
    form->addRow(tr("It&erations:"), m_iterations);

    m_discardFirst = new QSpinBox(group);
    m_discardFirst->setObjectName(QStringLiteral("discardFirst"));
    m_discardFirst->setRange(0, 100000);
    m_discardFirst->setToolTip(tr("Leave the first output tokens out of the decode figures"));
    form->addRow(tr("Discard first:"), m_discardFirst);

    m_threads = new QSpinBox(group);
    m_threads->setObjectName(QStringLiteral("threads"));
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("all cores"));
    m_threads->setToolTip(tr("LibTorch intra-op threads (0: one per logical core)"));
    form->addRow(tr("T&hreads:"), m_threads);

    m_profiling = new QComboBox(group);
    m_profiling->setObjectName(QStringLiteral("profiling"));
    m_profiling->addItem(tr("Off"), static_cast<int>(ProfilingLevel::Off));
    m_profiling->addItem(tr("Layers"), static_cast<int>(ProfilingLevel::Layers));
    m_profiling->addItem(tr("Layers + ops"), static_cast<int>(ProfilingLevel::Ops));
    m_profiling->setToolTip(tr("Off: token timings only. Layers: time every module (near zero cost). "
                               "Layers + ops: also ATen operators per layer (slower)."));
    form->addRow(tr("&Profiling:"), m_profiling);

    m_device = new QComboBox(group);
    m_device->setObjectName(QStringLiteral("device"));
    m_device->addItems({QStringLiteral("cpu"), QStringLiteral("cuda"), QStringLiteral("mps")});
    m_device->setToolTip(tr("Where the model runs (this build may support the CPU only)"));
    form->addRow(tr("De&vice:"), m_device);

    m_precision = new QComboBox(group);
    m_precision->setObjectName(QStringLiteral("precision"));
    m_precision->addItem(tr("float32 (reference)"), QString::fromLatin1(precisionName(WeightPrecision::Float32)));
    m_precision->addItem(tr("bfloat16 weights"), QString::fromLatin1(precisionName(WeightPrecision::BFloat16)));
    m_precision->addItem(tr("int8 dynamic quantisation"), QString::fromLatin1(precisionName(WeightPrecision::Int8)));
    m_precision->setToolTip(tr("float32 matches the original nanoVLM. bfloat16 keeps the weight matrices in half "
                               "the bytes (faster vision, prefill and decode; logits drift slightly). int8 quantises "
                               "the linear layers (a quarter of the bytes; larger drift)"));
    form->addRow(tr("P&recision:"), m_precision);

    for (QSpinBox* box : {m_warmup, m_iterations, m_discardFirst, m_threads})
        connect(box, &QSpinBox::valueChanged, this, &SetupPanel::settingsEdited);
    for (QComboBox* box : {m_profiling, m_device, m_precision})
        connect(box, &QComboBox::currentIndexChanged, this, &SetupPanel::settingsEdited);
    return group;
}

QString SetupPanel::modelSource() const { return m_model->currentData().toString(); }

void SetupPanel::setModelSource(const QString& source)
{
    int index = m_model->findData(source);
    if (index < 0) {
        const QString name = QDir(source).dirName();
        m_model->addItem(name.isEmpty() ? source : name, source);
        index = m_model->count() - 1;
        m_model->setItemData(index, source, Qt::ToolTipRole);
        while (m_model->count() > 2 + kMaxRecentModels) // keep builtin + tiny + recent folders
            m_model->removeItem(2);
        index = m_model->findData(source);
    }
    m_model->setCurrentIndex(index);
}

void SetupPanel::setImagePath(const QString& path)
{
    m_image->setText(path);
    Q_EMIT settingsEdited();
}

RunSettings SetupPanel::settings() const
{
    RunSettings s;
    s.model = modelSource().toStdString();
    s.tokenizer = m_tokenizer->text().trimmed().toStdString();
    s.prompt = m_prompt->toPlainText().toStdString();
    s.image = m_image->text().trimmed().toStdString();
    s.maxNewTokens = m_maxTokens->value();
    s.greedy = m_decoding->currentIndex() == 0;
    s.temperature = m_temperature->value();
    s.topK = m_topK->value();
    s.topP = m_topP->value();
    s.seed = static_cast<std::uint64_t>(m_seed->value());
    s.kvCache = m_kvCache->isChecked();
    s.stopAtEos = m_stopAtEos->isChecked();
    s.warmup = m_warmup->value();
    s.discardFirst = m_discardFirst->value();
    s.threads = m_threads->value();
    s.profiling = static_cast<ProfilingLevel>(m_profiling->currentData().toInt());
    s.device = m_device->currentText().toStdString();
    s.dtype = m_precision->currentData().toString().toStdString();
    return s;
}

int SetupPanel::iterations() const { return m_iterations->value(); }

void SetupPanel::setSettings(const RunSettings& s, int iterations)
{
    setModelSource(QString::fromStdString(s.model));
    m_tokenizer->setText(QString::fromStdString(s.tokenizer));
    m_prompt->setPlainText(QString::fromStdString(s.prompt));
    m_image->setText(QString::fromStdString(s.image));
    m_maxTokens->setValue(static_cast<int>(std::clamp<std::int64_t>(s.maxNewTokens, 1, m_maxTokens->maximum())));
    m_decoding->setCurrentIndex(s.greedy ? 0 : 1);
    m_temperature->setValue(s.temperature);
    m_topK->setValue(static_cast<int>(std::clamp<std::int64_t>(s.topK, 0, m_topK->maximum())));
    m_topP->setValue(s.topP);
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(s.seed, static_cast<std::uint64_t>(m_seed->maximum()))));
    m_kvCache->setChecked(s.kvCache);
    m_stopAtEos->setChecked(s.stopAtEos);
    m_warmup->setValue(s.warmup);
    m_iterations->setValue(iterations);
    m_discardFirst->setValue(static_cast<int>(std::clamp<std::int64_t>(s.discardFirst, 0, m_discardFirst->maximum())));
    m_threads->setValue(s.threads);
    m_profiling->setCurrentIndex(std::max(0, m_profiling->findData(static_cast<int>(s.profiling))));
    const int device = m_device->findText(QString::fromStdString(s.device));
    m_device->setCurrentIndex(std::max(0, device));
    const WeightPrecision precision = parsePrecision(s.dtype).value_or(WeightPrecision::Float32);
    m_precision->setCurrentIndex(std::max(0, m_precision->findData(QString::fromLatin1(precisionName(precision)))));
    updateSamplingEnabled();
    updateThumbnail();
}

QString SetupPanel::validate() const
{
    const RunSettings s = settings();
    if (QString::fromStdString(s.prompt).trimmed().isEmpty())
        return tr("Prompt: must not be empty");
    const QString model = QString::fromStdString(s.model);
    if (!isBuiltinSource(model)) {
        const QFileInfo dir(model);
        if (!dir.isDir())
            return tr("Model folder %1: does not exist or is not a folder").arg(model);
        for (const char* file : {"config.json", "model.safetensors"}) {
            if (!QFileInfo(QDir(model).filePath(QLatin1String(file))).isFile())
                return tr("Model folder %1: %2 is missing").arg(model, QLatin1String(file));
        }
    }
    const QString tokenizer = QString::fromStdString(s.tokenizer);
    if (!tokenizer.isEmpty() && !QFileInfo(tokenizer).isFile())
        return tr("Tokenizer %1: no such file").arg(tokenizer);
    const QString image = QString::fromStdString(s.image);
    if (!image.isEmpty() && !QFileInfo(image).isFile())
        return tr("Image %1: no such file").arg(image);
    return {};
}

void SetupPanel::save(QSettings& q) const
{
    const RunSettings s = settings();
    q.beginGroup(QStringLiteral("setup"));
    q.setValue(QStringLiteral("model"), QString::fromStdString(s.model));
    QStringList folders;
    for (int i = 2; i < m_model->count(); ++i)
        folders << m_model->itemData(i).toString();
    q.setValue(QStringLiteral("recentModels"), folders);
    q.setValue(QStringLiteral("tokenizer"), QString::fromStdString(s.tokenizer));
    q.setValue(QStringLiteral("prompt"), QString::fromStdString(s.prompt));
    q.setValue(QStringLiteral("image"), QString::fromStdString(s.image));
    q.setValue(QStringLiteral("maxTokens"), static_cast<qlonglong>(s.maxNewTokens));
    q.setValue(QStringLiteral("greedy"), s.greedy);
    q.setValue(QStringLiteral("temperature"), s.temperature);
    q.setValue(QStringLiteral("topK"), static_cast<qlonglong>(s.topK));
    q.setValue(QStringLiteral("topP"), s.topP);
    q.setValue(QStringLiteral("seed"), static_cast<qulonglong>(s.seed));
    q.setValue(QStringLiteral("kvCache"), s.kvCache);
    q.setValue(QStringLiteral("stopAtEos"), s.stopAtEos);
    q.setValue(QStringLiteral("warmup"), s.warmup);
    q.setValue(QStringLiteral("iterations"), iterations());
    q.setValue(QStringLiteral("discardFirst"), static_cast<qlonglong>(s.discardFirst));
    q.setValue(QStringLiteral("threads"), s.threads);
    q.setValue(QStringLiteral("profiling"), QString::fromLatin1(profilingLevelName(s.profiling)));
    q.setValue(QStringLiteral("device"), QString::fromStdString(s.device));
    q.setValue(QStringLiteral("dtype"), QString::fromStdString(s.dtype));
    q.endGroup();
}

bool SetupPanel::restore(QSettings& q)
{
    q.beginGroup(QStringLiteral("setup"));
    const bool saved = q.contains(QStringLiteral("model"));
    if (saved) {
        // Values come from a file the user can edit: every one falls back to the default.
        const RunSettings d = defaultSettings();
        RunSettings s;
        for (const QString& folder : q.value(QStringLiteral("recentModels")).toStringList()) {
            if (!folder.isEmpty() && !isBuiltinSource(folder))
                setModelSource(folder);
        }
        const QString model = q.value(QStringLiteral("model")).toString();
        s.model = (model.isEmpty() ? QString::fromStdString(d.model) : model).toStdString();
        s.tokenizer = q.value(QStringLiteral("tokenizer")).toString().toStdString();
        s.prompt = q.value(QStringLiteral("prompt"), QString::fromStdString(d.prompt)).toString().toStdString();
        s.image = q.value(QStringLiteral("image"), QString::fromStdString(d.image)).toString().toStdString();
        s.maxNewTokens = q.value(QStringLiteral("maxTokens"), static_cast<qlonglong>(d.maxNewTokens)).toLongLong();
        s.greedy = q.value(QStringLiteral("greedy"), d.greedy).toBool();
        s.temperature = q.value(QStringLiteral("temperature"), d.temperature).toDouble();
        s.topK = q.value(QStringLiteral("topK"), static_cast<qlonglong>(d.topK)).toLongLong();
        s.topP = q.value(QStringLiteral("topP"), d.topP).toDouble();
        s.seed = q.value(QStringLiteral("seed"), 0).toULongLong();
        s.kvCache = q.value(QStringLiteral("kvCache"), d.kvCache).toBool();
        s.stopAtEos = q.value(QStringLiteral("stopAtEos"), d.stopAtEos).toBool();
        s.warmup = q.value(QStringLiteral("warmup"), 0).toInt();
        s.discardFirst = q.value(QStringLiteral("discardFirst"), 0).toLongLong();
        s.threads = q.value(QStringLiteral("threads"), 0).toInt();
        if (!parseProfilingLevel(q.value(QStringLiteral("profiling")).toString().toStdString(), &s.profiling))
            s.profiling = d.profiling;
        s.device = q.value(QStringLiteral("device"), QStringLiteral("cpu")).toString().toStdString();
        const auto precision = parsePrecision(q.value(QStringLiteral("dtype")).toString().toStdString());
        s.dtype = precisionName(precision.value_or(WeightPrecision::Float32));
        setSettings(s, std::max(1, q.value(QStringLiteral("iterations"), 1).toInt()));
    }
    q.endGroup();
    return saved;
}

void SetupPanel::setRunning(bool running)
{
    for (QWidget* group : std::as_const(m_groups))
        group->setEnabled(!running);
}

void SetupPanel::browseModel()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a nanoVLM checkpoint folder"));
    if (!dir.isEmpty()) {
        setModelSource(dir);
        Q_EMIT settingsEdited();
    }
}

void SetupPanel::browseTokenizer()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose a tokenizer"), QString(),
                                                      tr("Tokenizer (tokenizer.json *.json);;All files (*)"));
    if (!file.isEmpty()) {
        m_tokenizer->setText(file);
        Q_EMIT settingsEdited();
    }
}

void SetupPanel::browseImage()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Choose an image"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.ppm *.safetensors);;All files (*)"));
    if (!file.isEmpty())
        setImagePath(file);
}

void SetupPanel::updateThumbnail()
{
    const QString path = m_image->text().trimmed();
    m_thumbnail->clear();
    if (path.isEmpty()) {
        m_thumbnail->setText(tr("none"));
        m_imageInfo->setText(tr("Text-only prompt"));
        return;
    }
    if (path.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive)) {
        m_thumbnail->setText(tr("tensor"));
        m_imageInfo->setText(tr("Preprocessed pixel tensor"));
        return;
    }
    // Reads only the header first: a huge or broken file costs nothing to reject here.
    QImageReader reader(path);
    const QSize size = reader.size();
    if (!reader.canRead() || !size.isValid()) {
        m_thumbnail->setText(QStringLiteral("?"));
        m_imageInfo->setText(QFileInfo(path).exists() ? tr("Not a readable image") : tr("No such file"));
        return;
    }
    const qreal dpr = devicePixelRatioF();
    const QSize target = size.scaled(QSize(kThumbnailSize, kThumbnailSize) * dpr, Qt::KeepAspectRatio);
    reader.setScaledSize(target);
    QImage image = reader.read();
    if (image.isNull()) {
        m_thumbnail->setText(QStringLiteral("?"));
        m_imageInfo->setText(tr("Not a readable image: %1").arg(reader.errorString()));
        return;
    }
    image.setDevicePixelRatio(dpr);
    m_thumbnail->setPixmap(QPixmap::fromImage(image));
    const QString what = path == QLatin1String(kSampleImage) ? tr("Built-in sample image") : QFileInfo(path).fileName();
    m_imageInfo->setText(tr("%1\n%2 × %3 px").arg(what).arg(size.width()).arg(size.height()));
}

void SetupPanel::updateSamplingEnabled()
{
    const bool sampling = m_decoding->currentIndex() == 1;
    for (QWidget* w : {static_cast<QWidget*>(m_temperature), static_cast<QWidget*>(m_topK),
                       static_cast<QWidget*>(m_topP), static_cast<QWidget*>(m_seed)})
        w->setEnabled(sampling);
    Q_EMIT settingsEdited();
}

} // namespace vlmscope
