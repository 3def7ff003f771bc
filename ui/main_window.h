// The dashboard window: setup panel, Start/Stop, live charts, metric cards, generated
// text, layer and op tables, runs list with overlay and comparison, open and export.
// The engine lives in its own thread; the window sees it only through its signals.
#pragma once

#include "ui/welcome_dialog.h"

#include "core/engine/run_record.h"

#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QMessageBox;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QThread;

namespace vlmscope {

class CategoryChart;
class ChartWidget;
class ComparisonModel;
class ItlChart;
class StatComparisonModel;
struct ComparisonChoice;
class Engine;
class LayerBarsChart;
class LayerHeatmap;
class LayerTableModel;
class LiveRun;
class MemoryChart;
class MetricCards;
class OpTableModel;
class RunListModel;
class SetupPanel;
class TpsChart;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class ChartId { Throughput, Memory, Heatmap, Categories, LayerBars, ItlCurves };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Parts, for tests and tools that drive the window.
    SetupPanel* setupPanel() const { return m_setup; }
    LiveRun* liveRun() const { return m_live; }
    RunListModel* runList() const { return m_runs; }
    ComparisonModel* comparison() const { return m_comparison; }
    // Baseline side against candidate side, with intervals and p-values.
    StatComparisonModel* statComparison() const { return m_statComparison; }
    QComboBox* baselineSideBox() const { return m_sideBaselineBox; }
    QComboBox* candidateSideBox() const { return m_sideCandidateBox; }
    QTableView* statComparisonView() const { return m_statView; }
    ItlChart* itlChart() const { return m_itlChart; }
    QTabWidget* chartTabs() const { return m_chartTabs; }
    LayerTableModel* layerModel() const { return m_layerModel; }
    QSortFilterProxyModel* layerProxy() const { return m_layerProxy; }
    OpTableModel* opModel() const { return m_opModel; }
    MetricCards* cards() const { return m_cards; }
    QPlainTextEdit* generatedText() const { return m_text; }
    TpsChart* tpsChart() const { return m_tpsChart; }
    MemoryChart* memoryChart() const { return m_memoryChart; }
    LayerHeatmap* heatmap() const { return m_heatmap; }
    CategoryChart* categoryChart() const { return m_categoryChart; }
    LayerBarsChart* layerBarsChart() const { return m_layerBarsChart; }
    QTabWidget* detailTabs() const { return m_detailTabs; }
    QAction* startAction() const { return m_startAction; }
    QAction* stopAction() const { return m_stopAction; }

    bool isRunning() const { return m_running; }
    // The run the tables, cards and heatmap show: the live one, or the selected one.
    const RunRecord* displayedRun() const;
    int displayedRow() const { return m_displayedRow; } // -1: the live run
    QString statusText() const;
    QString lastError() const { return m_lastError; }
    bool syntheticBannerVisible() const;

    // Error dialogs are window-modal and never block; tools can turn them off.
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogs = enabled; }

    // Chart names for the export menu, and the short stems of their default file names.
    static QString chartName(ChartId chart);
    static QString chartFileStem(ChartId chart);
    ChartWidget* chartWidget(ChartId chart) const;

public Q_SLOTS:
    // Checks the setup and starts the engine; false (with an error shown) on bad input or
    // while a run is going.
    bool startRun();
    // Ends the run at its next token; what was measured is kept as a "stopped" run.
    void stopRun();
    // Opens run records (.json), benchmark results (.json) and .log files; every run in
    // them joins the runs list. Returns false when any file failed (the others still load).
    bool openFiles(const QStringList& paths);
    // Exports of the displayed run (false + error shown on failure).
    bool saveRunRecord(const QString& path);
    bool exportLog(const QString& path);
    bool exportTrace(const QString& path);
    bool exportCsv(const QString& directory);
    bool exportChart(vlmscope::MainWindow::ChartId chart, const QString& path);
    // Shows a run of the runs list in the cards, tables, text and heatmap.
    void showRun(int row);
    void setBaselineRun(int comparedIndex);
    // Compares the chosen baseline and candidate sides (indexes into the side boxes).
    void compareSides(int baselineChoice, int candidateChoice);
    // The banner above the comparison table naming what differs in definitions or setup.
    void refreshManifestWarning(int comparedIndex);

Q_SIGNALS:
    void runAdded(int row);   // a run joined the runs list (finished, stopped or opened)
    void engineIdle();        // the engine finished a request (all iterations)
    void errorShown(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createEngine();
    void createActions();
    void createMenus();
    void createCentral();
    void createDocks();
    void createStatusBar();
    QWidget* createLayerTab();
    QWidget* createOpTab();
    QWidget* createComparisonTab();
    void setupHeatmapGrouping();
    void refreshComparisonSides();
    void onStatComparisonDone();

    void onRunStarted();
    void onLiveChanged();
    void onRunFinished(const RunRecord& record);
    void onRunFailed(const QString& message);
    void onEngineIdle();
    void onModelLoading(const QString& source);
    void onModelLoaded(const QString& name, bool synthetic, double seconds);
    void onCheckedRunsChanged();
    void onRunSelected(const QModelIndex& index);
    void onHeatmapRowSelected(const QString& scope);

    void setRunning(bool running);
    void displayRecord(const RunRecord& record, bool live);
    void refreshCharts();
    void refreshSyntheticBanner();
    void styleBanner();
    void appendLiveText(const RunRecord& record);
    void updateProgress(const RunRecord& record);
    void showError(const QString& title, const QString& message);
    void showAbout();
    void showWelcome(WelcomeDialog::Page page);
    QString exportBaseName(const RunRecord& record) const;
    const RunRecord* exportableRun(const QString& what);
    QString askSavePath(const QString& title, const QString& defaultName, const QString& filter);
    void exportChartInteractive(ChartId chart, const QString& suffix);
    void openInteractive();
    void saveSettings() const;
    void restoreSettings();
    void applyThemeChoice(const QString& name);
    void removeSelectedRun();

    // Engine
    QThread* m_engineThread = nullptr;
    Engine* m_engine = nullptr;
    LiveRun* m_live = nullptr;
    bool m_running = false;
    int m_iterationsRequested = 0;
    int m_iterationsDone = 0;
    int m_warmupRuns = 0;

    // Models
    RunListModel* m_runs = nullptr;
    ComparisonModel* m_comparison = nullptr;
    StatComparisonModel* m_statComparison = nullptr;
    std::vector<ComparisonChoice> m_choices; // what the side boxes offer
    LayerTableModel* m_layerModel = nullptr;
    QSortFilterProxyModel* m_layerProxy = nullptr;
    OpTableModel* m_opModel = nullptr;
    QSortFilterProxyModel* m_opProxy = nullptr;
    std::vector<int> m_comparedRows;
    // What the charts show now (refreshCharts skips redrawing the same runs).
    std::vector<std::shared_ptr<const RunRecord>> m_chartRuns;
    std::shared_ptr<const RunRecord> m_heatmapRun;
    QStringList m_chartLabels;
    bool m_chartsStale = true;

    // Widgets
    SetupPanel* m_setup = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_firstRunHint = nullptr;
    MetricCards* m_cards = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_runTitle = nullptr;
    TpsChart* m_tpsChart = nullptr;
    MemoryChart* m_memoryChart = nullptr;
    LayerHeatmap* m_heatmap = nullptr;
    CategoryChart* m_categoryChart = nullptr;
    LayerBarsChart* m_layerBarsChart = nullptr;
    ItlChart* m_itlChart = nullptr;
    QComboBox* m_heatmapGrouping = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    QTabWidget* m_detailTabs = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QLabel* m_textNote = nullptr;
    QTableView* m_layerView = nullptr;
    QLineEdit* m_layerFilter = nullptr;
    QTableView* m_opView = nullptr;
    QTableView* m_comparisonView = nullptr;
    QComboBox* m_baselineBox = nullptr;
    QComboBox* m_sideBaselineBox = nullptr;
    QComboBox* m_sideCandidateBox = nullptr;
    QTableView* m_statView = nullptr;
    QLabel* m_statStatus = nullptr;
    QLabel* m_comparisonHint = nullptr;
    QLabel* m_manifestWarning = nullptr; // runs measured under other rules or on another setup
    QListView* m_runView = nullptr;
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_topSplitter = nullptr;
    QSplitter* m_bottomSplitter = nullptr;
    QLabel* m_phaseLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_tpsLabel = nullptr;
    QLabel* m_modelLabel = nullptr;

    // Actions
    QAction* m_startAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_exportLogAction = nullptr;
    QAction* m_exportTraceAction = nullptr;
    QAction* m_exportCsvAction = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_chartExportMenu = nullptr;
    QString m_themeChoice;

    // State
    int m_displayedRow = -1;
    std::size_t m_textTokensShown = 0;
    QString m_lastError;
    QString m_lastDirectory;
    bool m_errorDialogs = true;
    QPointer<QMessageBox> m_errorBox;
    WelcomeDialog* m_welcome = nullptr; // created on first use
};

} // namespace vlmscope
