// The setup panel: what to run (model, tokenizer, prompt, image) and how (max tokens,
// decoding, KV cache, warm-up, iterations, threads, profiling). Turns the fields into
// RunSettings, checks them before a run, and remembers them between sessions.
#pragma once

#include "core/engine/run_record.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSpinBox;

namespace vlmscope {

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    explicit SetupPanel(QWidget* parent = nullptr);

    RunSettings settings() const;
    int iterations() const;
    void setSettings(const RunSettings& settings, int iterations = 1);

    // The first problem that would make a run fail at once, as one line naming the field
    // ("Prompt: must not be empty"); empty when the fields look usable.
    QString validate() const;

    // "builtin", "tiny" or a checkpoint folder; folders are remembered in the model list.
    void setModelSource(const QString& source);
    void setImagePath(const QString& path);

    void save(QSettings& settings) const;
    // Restores saved fields; returns false when there were none (first run: defaults stay).
    bool restore(QSettings& settings);

    // Disables editing while a run is going.
    void setRunning(bool running);

    // The defaults of a first start: built-in model, sample image, a prompt.
    static RunSettings defaultSettings();

Q_SIGNALS:
    void settingsEdited();

private:
    QWidget* buildModelGroup();
    QWidget* buildInputGroup();
    QWidget* buildGenerationGroup();
    QWidget* buildMeasurementGroup();
    void browseModel();
    void browseTokenizer();
    void browseImage();
    void updateThumbnail();
    void updateSamplingEnabled();
    QString modelSource() const;

    QComboBox* m_model = nullptr;
    QLineEdit* m_tokenizer = nullptr;
    QPlainTextEdit* m_prompt = nullptr;
    QLineEdit* m_image = nullptr;
    QLabel* m_thumbnail = nullptr;
    QLabel* m_imageInfo = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QComboBox* m_decoding = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QSpinBox* m_topK = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_kvCache = nullptr;
    QCheckBox* m_stopAtEos = nullptr;
    QSpinBox* m_warmup = nullptr;
    QSpinBox* m_iterations = nullptr;
    QSpinBox* m_discardFirst = nullptr;
    QSpinBox* m_threads = nullptr;
    QComboBox* m_profiling = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_precision = nullptr;
    QList<QWidget*> m_groups;
};

} // namespace vlmscope
