#include "ui/main_window.h"
#include "ui/welcome_dialog.h"

#include "core/engine/engine.h"
#include "core/io/run_manifest.h"
#include "core/util/error.h"
#include "core/version.h"
#include "ui/app_theme.h"
#include "ui/build_info.h"
#include "ui/charts/category_chart.h"
#include "ui/charts/chart_widget.h"
#include "ui/charts/itl_chart.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/tps_chart.h"
#include "ui/comparison_model.h"
#include "ui/comparison_sides.h"
#include "ui/stat_comparison_model.h"
#include "ui/formatting.h"
#include "ui/layer_table_model.h"
#include "ui/live_run.h"
#include "ui/metric_cards.h"
#include "ui/op_table_model.h"
#include "ui/run_files.h"
#include "ui/run_list_model.h"
#include "ui/setup_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace vlmscope {

namespace {

constexpr int kRollingTokens = 8; // the status bar's "current TPS" window

QString syntheticNote()
{
    return QObject::tr("Synthetic weights: timings are real, the generated text is not meaningful.");
}

std::optional<double> rollingTps(const RunRecord& run)
{
    const std::size_t n = run.tokens.size();
    if (n < 2)
        return std::nullopt;
    const std::size_t k = std::min<std::size_t>(n, kRollingTokens);
    const std::int64_t span = run.tokens[n - 1].timeNs - run.tokens[n - k].timeNs;
    if (span <= 0)
        return std::nullopt;
    return static_cast<double>(k - 1) * 1e9 / static_cast<double>(span);
}

QTableView* makeTable(QWidget* parent, QAbstractItemModel* model, const QString& name)
{
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(false);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(false);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    return view;
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("vlmscope"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    m_live = new LiveRun(this);
    m_runs = new RunListModel(this);
    m_comparison = new ComparisonModel(this);
    m_statComparison = new StatComparisonModel(this);
    m_layerModel = new LayerTableModel(this);
    m_opModel = new OpTableModel(this);

    createActions();
    createCentral();
    createDocks();
    createMenus();
    createStatusBar();
    createEngine();

    connect(m_live, &LiveRun::started, this, &MainWindow::onRunStarted);
    connect(m_live, &LiveRun::changed, this, &MainWindow::onLiveChanged);
    connect(m_live, &LiveRun::finished, this, &MainWindow::onRunFinished);
    connect(m_live, &LiveRun::failed, this, &MainWindow::onRunFailed);
    connect(m_runs, &RunListModel::checkedRunsChanged, this, &MainWindow::onCheckedRunsChanged);

    restoreSettings();
    setRunning(false);
    m_cards->clear();
    onCheckedRunsChanged();
}

MainWindow::~MainWindow()
{
    // The engine ends its run at the next token; the thread then stops and deletes it.
    m_engine->requestStop();
    m_engineThread->quit();
    m_engineThread->wait();
    delete m_engineThread;
}

void MainWindow::createEngine()
{
    m_engineThread = new QThread;
    m_engineThread->setObjectName(QStringLiteral("vlmscope engine"));
    m_engine = new Engine;
    m_engine->moveToThread(m_engineThread);
    connect(m_engineThread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_live->connectEngine(m_engine);
    connect(m_engine, &Engine::modelLoading, this, &MainWindow::onModelLoading, Qt::QueuedConnection);
    connect(m_engine, &Engine::modelLoaded, this, &MainWindow::onModelLoaded, Qt::QueuedConnection);
    connect(m_engine, &Engine::idle, this, &MainWindow::onEngineIdle, Qt::QueuedConnection);
    m_engineThread->start();
}

// ---- layout ----------------------------------------------------------------------------

void MainWindow::createActions()
{
    m_startAction = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this);
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_startAction->setToolTip(tr("Start a run with the setup on the left (Ctrl+R)"));
    connect(m_startAction, &QAction::triggered, this, [this] { startRun(); });

    m_stopAction = new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this);
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setToolTip(tr("Stop after the current token; what was measured is kept (Esc)"));
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopRun);

    m_openAction = new QAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Open run records, benchmark results or .log files (Ctrl+O); you can also drop them on the window"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openInteractive);

    m_saveAction = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save run record…"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setToolTip(tr("Save the displayed run as a vlmscope run record (.json) (Ctrl+S)"));
    connect(m_saveAction, &QAction::triggered, this, [this] {
        if (const RunRecord* run = exportableRun(tr("Save run record"))) {
            const QString path = askSavePath(tr("Save run record"), defaultExportName(*run, ExportKind::RunRecord),
                                             tr("Run records (*.json)"));
            if (!path.isEmpty())
                saveRunRecord(path);
        }
    });

    m_exportLogAction = new QAction(tr("&Log (GENERATION SUMMARY)…"), this);
    m_exportLogAction->setToolTip(tr("Append the displayed run to a consolidated .log file"));
    connect(m_exportLogAction, &QAction::triggered, this, [this] {
        if (const RunRecord* run = exportableRun(tr("Export log"))) {
            const QString path = askSavePath(tr("Export log"), defaultExportName(*run, ExportKind::Log),
                                             tr("Logs (*.log)"));
            if (!path.isEmpty())
                exportLog(path);
        }
    });

    m_exportTraceAction = new QAction(tr("&Trace (Perfetto / chrome://tracing)…"), this);
    connect(m_exportTraceAction, &QAction::triggered, this, [this] {
        if (const RunRecord* run = exportableRun(tr("Export trace"))) {
            const QString path = askSavePath(tr("Export trace"), defaultExportName(*run, ExportKind::Trace),
                                             tr("Chrome traces (*.json)"));
            if (!path.isEmpty())
                exportTrace(path);
        }
    });

    m_exportCsvAction = new QAction(tr("&CSV tables…"), this);
    m_exportCsvAction->setToolTip(tr("Write the per-token and per-layer tables as CSV files into a folder"));
    connect(m_exportCsvAction, &QAction::triggered, this, [this] {
        if (exportableRun(tr("Export CSV"))) {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Export CSV into folder"), m_lastDirectory);
            if (!dir.isEmpty())
                exportCsv(dir);
        }
    });
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_saveAction);
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(m_exportLogAction);
    exportMenu->addAction(m_exportTraceAction);
    exportMenu->addAction(m_exportCsvAction);
    exportMenu->addSeparator();
    m_chartExportMenu = exportMenu->addMenu(tr("C&hart image"));
    for (ChartId chart : {ChartId::Throughput, ChartId::Memory, ChartId::Heatmap, ChartId::Categories, ChartId::LayerBars,
                          ChartId::ItlCurves}) {
        QMenu* sub = m_chartExportMenu->addMenu(chartName(chart));
        for (const QString& suffix : {QStringLiteral("png"), QStringLiteral("svg")}) {
            QAction* action = sub->addAction(tr("%1…").arg(suffix.toUpper()));
            connect(action, &QAction::triggered, this, [this, chart, suffix] { exportChartInteractive(chart, suffix); });
        }
    }
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_startAction);
    run->addAction(m_stopAction);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    QMenu* theme = m_viewMenu->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    for (const auto& [name, label] : {std::pair{"system", "Follow the &system"}, std::pair{"light", "&Light"},
                                      std::pair{"dark", "&Dark"}}) {
        QAction* action = theme->addAction(tr(label));
        action->setCheckable(true);
        action->setData(QString::fromLatin1(name));
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, name] { applyThemeChoice(QString::fromLatin1(name)); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Welcome"), this, [this] { showWelcome(WelcomeDialog::Views); });
    help->addAction(tr("Using a &real checkpoint"), this, [this] { showWelcome(WelcomeDialog::Checkpoints); });
    help->addSeparator();
    help->addAction(tr("&About vlmscope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_startAction);
    toolbar->addAction(m_stopAction);
    toolbar->addSeparator();
    toolbar->addAction(m_openAction);
    toolbar->addAction(m_saveAction);
    m_viewMenu->insertAction(m_viewMenu->actions().value(0), toolbar->toggleViewAction());
}

void MainWindow::createCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(6);

    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("syntheticBanner"));
    m_banner->setText(QStringLiteral("⚠ ") + syntheticNote());
    m_banner->setToolTip(tr("The built-in models have deterministic synthetic weights: no download is needed and "
                            "their timings represent the real architecture, but the words they produce mean nothing."));
    m_banner->setContentsMargins(8, 3, 8, 3);
    m_banner->setAutoFillBackground(true);
    styleBanner();
    layout->addWidget(m_banner);

    m_runTitle = new QLabel(central);
    m_runTitle->setObjectName(QStringLiteral("runTitle"));
    m_runTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_runTitle);

    m_cards = new MetricCards(central);
    m_cards->setObjectName(QStringLiteral("metricCards"));
    layout->addWidget(m_cards);

    m_tpsChart = new TpsChart(central);
    m_tpsChart->setObjectName(QStringLiteral("tpsChart"));
    m_tpsChart->setToolTip(tr("Tokens per second: instantaneous and rolling mean, with the TTFT marker"));
    m_memoryChart = new MemoryChart(central);
    m_memoryChart->setObjectName(QStringLiteral("memoryChart"));
    m_memoryChart->setToolTip(tr("Process RSS, LibTorch allocator and KV-cache bytes over the run"));
    m_topSplitter = new QSplitter(Qt::Horizontal, central);
    m_topSplitter->setObjectName(QStringLiteral("topSplitter"));
    m_topSplitter->addWidget(m_tpsChart);
    m_topSplitter->addWidget(m_memoryChart);
    m_topSplitter->setStretchFactor(0, 3);
    m_topSplitter->setStretchFactor(1, 2);

    // Left bottom: where the time went. Right bottom: what came out and the tables.
    m_chartTabs = new QTabWidget(central);
    m_chartTabs->setObjectName(QStringLiteral("chartTabs"));
    auto* heatmapPage = new QWidget(m_chartTabs);
    auto* heatmapLayout = new QVBoxLayout(heatmapPage);
    heatmapLayout->setContentsMargins(0, 4, 0, 0);
    auto* groupingRow = new QHBoxLayout;
    groupingRow->addWidget(new QLabel(tr("Rows:"), heatmapPage));
    m_heatmapGrouping = new QComboBox(heatmapPage);
    m_heatmapGrouping->setObjectName(QStringLiteral("heatmapGrouping"));
    groupingRow->addWidget(m_heatmapGrouping);
    groupingRow->addStretch(1);
    heatmapLayout->addLayout(groupingRow);
    m_heatmap = new LayerHeatmap(heatmapPage);
    m_heatmap->setObjectName(QStringLiteral("layerHeatmap"));
    m_heatmap->setToolTip(tr("Layers × decode steps; colour = time. Hover a cell for its value, click a row to find it in the layer table."));
    heatmapLayout->addWidget(m_heatmap, 1);
    m_chartTabs->addTab(heatmapPage, tr("Layer heatmap"));
    m_categoryChart = new CategoryChart(m_chartTabs);
    m_categoryChart->setObjectName(QStringLiteral("categoryChart"));
    m_chartTabs->addTab(m_categoryChart, tr("Categories"));
    m_layerBarsChart = new LayerBarsChart(m_chartTabs);
    m_layerBarsChart->setObjectName(QStringLiteral("layerBarsChart"));
    m_chartTabs->addTab(m_layerBarsChart, tr("Top layers"));
    m_itlChart = new ItlChart(m_chartTabs);
    m_itlChart->setObjectName(QStringLiteral("itlChart"));
    m_itlChart->setToolTip(tr("Inter-token latency by output position or by context depth: median over the runs of "
                              "each configuration, band min–max"));
    m_chartTabs->addTab(m_itlChart, tr("ITL curves"));
    setupHeatmapGrouping();

    m_detailTabs = new QTabWidget(central);
    m_detailTabs->setObjectName(QStringLiteral("detailTabs"));
    auto* textPage = new QWidget(m_detailTabs);
    auto* textLayout = new QVBoxLayout(textPage);
    textLayout->setContentsMargins(0, 4, 0, 0);
    m_textNote = new QLabel(textPage);
    m_textNote->setWordWrap(true);
    textLayout->addWidget(m_textNote);
    m_text = new QPlainTextEdit(textPage);
    m_text->setObjectName(QStringLiteral("generatedText"));
    m_text->setReadOnly(true);
    m_text->setToolTip(tr("The generated text, streaming in token by token"));
    textLayout->addWidget(m_text, 1);
    m_detailTabs->addTab(textPage, tr("Generated text"));
    m_detailTabs->addTab(createLayerTab(), tr("Layers"));
    m_detailTabs->addTab(createOpTab(), tr("Operators"));
    m_detailTabs->addTab(createComparisonTab(), tr("Comparison"));

    m_bottomSplitter = new QSplitter(Qt::Horizontal, central);
    m_bottomSplitter->setObjectName(QStringLiteral("bottomSplitter"));
    m_bottomSplitter->addWidget(m_chartTabs);
    m_bottomSplitter->addWidget(m_detailTabs);
    m_bottomSplitter->setStretchFactor(0, 1);
    m_bottomSplitter->setStretchFactor(1, 1);

    m_mainSplitter = new QSplitter(Qt::Vertical, central);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_topSplitter);
    m_mainSplitter->addWidget(m_bottomSplitter);
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 1);
    layout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    connect(m_heatmap, &LayerHeatmap::rowSelected, this, &MainWindow::onHeatmapRowSelected);
}

void MainWindow::setupHeatmapGrouping()
{
    m_heatmapGrouping->addItem(tr("Blocks (collapsed)"), static_cast<int>(LayerHeatmap::Blocks));
    m_heatmapGrouping->addItem(tr("Every scope"), static_cast<int>(LayerHeatmap::Expanded));
    m_heatmapGrouping->setToolTip(tr("One row per transformer block, or one per scope inside the blocks too"));
    m_heatmapGrouping->setCurrentIndex(m_heatmap->grouping() == LayerHeatmap::Blocks ? 0 : 1);
    connect(m_heatmapGrouping, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_heatmap->setGrouping(static_cast<LayerHeatmap::Grouping>(m_heatmapGrouping->itemData(index).toInt()));
    });
}

QWidget* MainWindow::createLayerTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    m_layerFilter = new QLineEdit(page);
    m_layerFilter->setObjectName(QStringLiteral("layerFilter"));
    m_layerFilter->setPlaceholderText(tr("Filter scopes (e.g. decoder.blocks.3 or attn)"));
    m_layerFilter->setClearButtonEnabled(true);
    layout->addWidget(m_layerFilter);

    m_layerProxy = new QSortFilterProxyModel(this);
    m_layerProxy->setSourceModel(m_layerModel);
    m_layerProxy->setSortRole(LayerTableModel::SortRole);
    m_layerProxy->setFilterKeyColumn(LayerTableModel::Scope);
    m_layerProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_layerProxy->setDynamicSortFilter(true);
    connect(m_layerFilter, &QLineEdit::textChanged, m_layerProxy, &QSortFilterProxyModel::setFilterFixedString);

    m_layerView = makeTable(page, m_layerProxy, QStringLiteral("layerTable"));
    m_layerView->sortByColumn(LayerTableModel::Self, Qt::DescendingOrder);
    m_layerView->horizontalHeader()->setSectionResizeMode(LayerTableModel::Scope, QHeaderView::Stretch);
    layout->addWidget(m_layerView, 1);
    return page;
}

QWidget* MainWindow::createOpTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* note = new QLabel(tr("Operators are recorded with profiling level “Layers + ops”."), page);
    note->setEnabled(false);
    layout->addWidget(note);
    m_opProxy = new QSortFilterProxyModel(this);
    m_opProxy->setSourceModel(m_opModel);
    m_opProxy->setSortRole(OpTableModel::SortRole);
    m_opView = makeTable(page, m_opProxy, QStringLiteral("opTable"));
    m_opView->sortByColumn(OpTableModel::Self, Qt::DescendingOrder);
    m_opView->horizontalHeader()->setSectionResizeMode(OpTableModel::Scope, QHeaderView::Stretch);
    layout->addWidget(m_opView, 1);
    return page;
}

QWidget* MainWindow::createComparisonTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    m_comparisonHint = new QLabel(page);
    m_comparisonHint->setWordWrap(true);
    layout->addWidget(m_comparisonHint);
    auto* sides = new QHBoxLayout;
    m_sideBaselineBox = new QComboBox(page);
    m_sideBaselineBox->setObjectName(QStringLiteral("baselineSide"));
    m_sideBaselineBox->setToolTip(tr("A run, all ticked runs measured alike (their samples pooled), or an imported "
                                     "llama-bench / vLLM result (compared on the figures both report)"));
    m_sideBaselineBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_sideBaselineBox->setMinimumContentsLength(16);
    m_sideCandidateBox = new QComboBox(page);
    m_sideCandidateBox->setObjectName(QStringLiteral("candidateSide"));
    m_sideCandidateBox->setToolTip(m_sideBaselineBox->toolTip());
    m_sideCandidateBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_sideCandidateBox->setMinimumContentsLength(16);
    sides->addWidget(new QLabel(tr("Baseline:"), page));
    sides->addWidget(m_sideBaselineBox, 1);
    sides->addWidget(new QLabel(tr("Candidate:"), page));
    sides->addWidget(m_sideCandidateBox, 1);
    layout->addLayout(sides);
    m_manifestWarning = new QLabel(page);
    m_manifestWarning->setObjectName(QStringLiteral("manifestWarning"));
    m_manifestWarning->setWordWrap(true);
    m_manifestWarning->setTextFormat(Qt::PlainText);
    m_manifestWarning->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 4px; }"));
    m_manifestWarning->hide();
    layout->addWidget(m_manifestWarning);

    auto* views = new QTabWidget(page);
    views->setObjectName(QStringLiteral("comparisonViews"));
    views->setDocumentMode(true);
    auto* statPage = new QWidget(views);
    auto* statLayout = new QVBoxLayout(statPage);
    statLayout->setContentsMargins(0, 2, 0, 0);
    m_statStatus = new QLabel(statPage);
    m_statStatus->setObjectName(QStringLiteral("statComparisonStatus"));
    m_statStatus->setWordWrap(true);
    m_statStatus->setEnabled(false);
    statLayout->addWidget(m_statStatus);
    m_statView = makeTable(statPage, m_statComparison, QStringLiteral("statComparisonTable"));
    m_statView->setSortingEnabled(false);
    statLayout->addWidget(m_statView, 1);
    views->addTab(statPage, tr("Baseline vs candidate"));

    auto* perRunPage = new QWidget(views);
    auto* perRunLayout = new QVBoxLayout(perRunPage);
    perRunLayout->setContentsMargins(0, 2, 0, 0);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Every ticked run's figures; deltas against:"), perRunPage));
    m_baselineBox = new QComboBox(perRunPage);
    m_baselineBox->setObjectName(QStringLiteral("baseline"));
    m_baselineBox->setToolTip(tr("The run the others are compared with; green is better, red is worse"));
    row->addWidget(m_baselineBox);
    row->addStretch(1);
    perRunLayout->addLayout(row);
    m_comparisonView = makeTable(perRunPage, m_comparison, QStringLiteral("comparisonTable"));
    m_comparisonView->setSortingEnabled(false);
    perRunLayout->addWidget(m_comparisonView, 1);
    views->addTab(perRunPage, tr("Per run"));
    layout->addWidget(views, 1);

    connect(m_baselineBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setBaselineRun(index);
    });
    auto sideChanged = [this] { compareSides(m_sideBaselineBox->currentIndex(), m_sideCandidateBox->currentIndex()); };
    connect(m_sideBaselineBox, &QComboBox::currentIndexChanged, this, sideChanged);
    connect(m_sideCandidateBox, &QComboBox::currentIndexChanged, this, sideChanged);
    connect(m_statComparison, &StatComparisonModel::computingChanged, this, [this](bool computing) {
        m_statStatus->setText(m_statComparison->status());
        if (computing)
            m_statView->setCursor(Qt::BusyCursor);
        else
            m_statView->unsetCursor();
    });
    connect(m_statComparison, &StatComparisonModel::comparisonReady, this, &MainWindow::onStatComparisonDone);
    connect(m_statComparison, &StatComparisonModel::comparisonFailed, this,
            [this](const QString& message) { m_statStatus->setText(message); });
    return page;
}

void MainWindow::createDocks()
{
    auto* setupDock = new QDockWidget(tr("Setup"), this);
    setupDock->setObjectName(QStringLiteral("setupDock"));
    setupDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    auto* setupPage = new QWidget(setupDock);
    auto* setupLayout = new QVBoxLayout(setupPage);
    setupLayout->setContentsMargins(4, 4, 4, 4);
    auto* buttons = new QHBoxLayout;
    m_startButton = new QPushButton(m_startAction->icon(), tr("Start"), setupPage);
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_startButton->setToolTip(m_startAction->toolTip());
    m_startButton->setDefault(true);
    m_stopButton = new QPushButton(m_stopAction->icon(), tr("Stop"), setupPage);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setToolTip(m_stopAction->toolTip());
    connect(m_startButton, &QPushButton::clicked, m_startAction, &QAction::trigger);
    connect(m_stopButton, &QPushButton::clicked, m_stopAction, &QAction::trigger);
    buttons->addWidget(m_startButton, 1);
    buttons->addWidget(m_stopButton, 1);
    setupLayout->addLayout(buttons);
    m_firstRunHint = new QLabel(tr("Start runs the built-in model on the sample image; every token, layer and "
                                   "memory sample shows up live on the right."),
                                setupPage);
    m_firstRunHint->setObjectName(QStringLiteral("firstRunHint"));
    m_firstRunHint->setWordWrap(true);
    m_firstRunHint->setVisible(false);
    setupLayout->addWidget(m_firstRunHint);
    m_setup = new SetupPanel(setupPage);
    m_setup->setObjectName(QStringLiteral("setupPanel"));
    auto* scroll = new QScrollArea(setupPage);
    scroll->setWidget(m_setup);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setupLayout->addWidget(scroll, 1);
    setupDock->setWidget(setupPage);
    addDockWidget(Qt::LeftDockWidgetArea, setupDock);

    auto* runsDock = new QDockWidget(tr("Runs"), this);
    runsDock->setObjectName(QStringLiteral("runsDock"));
    auto* runsPage = new QWidget(runsDock);
    auto* runsLayout = new QVBoxLayout(runsPage);
    runsLayout->setContentsMargins(4, 4, 4, 4);
    auto* hint = new QLabel(tr("Click a run to show it; tick several to overlay them on the charts and compare them."), runsPage);
    hint->setWordWrap(true);
    hint->setEnabled(false);
    runsLayout->addWidget(hint);
    m_runView = new QListView(runsPage);
    m_runView->setObjectName(QStringLiteral("runList"));
    m_runView->setModel(m_runs);
    m_runView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runView->setTextElideMode(Qt::ElideRight);
    m_runView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_runView->setAlternatingRowColors(true);
    m_runView->setSpacing(1);
    runsLayout->addWidget(m_runView, 1);
    auto* runButtons = new QHBoxLayout;
    auto* remove = new QPushButton(tr("Remove"), runsPage);
    remove->setToolTip(tr("Remove the selected run from the list (files are not touched)"));
    connect(remove, &QPushButton::clicked, this, &MainWindow::removeSelectedRun);
    auto* untick = new QPushButton(tr("Untick all"), runsPage);
    connect(untick, &QPushButton::clicked, this, [this] {
        for (int row : m_runs->checkedRows())
            m_runs->setChecked(row, false);
    });
    runButtons->addWidget(remove);
    runButtons->addWidget(untick);
    runButtons->addStretch(1);
    runsLayout->addLayout(runButtons);
    runsDock->setWidget(runsPage);
    addDockWidget(Qt::RightDockWidgetArea, runsDock);
    resizeDocks({setupDock, runsDock}, {340, 230}, Qt::Horizontal);
    connect(m_runView->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::onRunSelected);
}

void MainWindow::createStatusBar()
{
    m_phaseLabel = new QLabel(this);
    m_phaseLabel->setObjectName(QStringLiteral("phaseLabel"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setMinimumWidth(m_progress->fontMetrics().horizontalAdvance(QStringLiteral("00000 / 00000 tokens")) + 24);
    m_progress->setFormat(tr("%v / %m tokens"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setVisible(false); // until there is a run to measure
    m_tpsLabel = new QLabel(this);
    m_tpsLabel->setObjectName(QStringLiteral("tpsLabel"));
    m_tpsLabel->setToolTip(tr("Decode rate over the last %1 tokens").arg(kRollingTokens));
    m_modelLabel = new QLabel(this);
    m_modelLabel->setObjectName(QStringLiteral("modelLabel"));
    statusBar()->addWidget(m_phaseLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_tpsLabel);
    statusBar()->addPermanentWidget(m_modelLabel);
    m_phaseLabel->setText(tr("Ready. Start (Ctrl+R) loads the model, generates and shows every token, layer and "
                             "memory sample live."));
}

// ---- runs ------------------------------------------------------------------------------

bool MainWindow::startRun()
{
    if (m_running) {
        showError(tr("Start"), tr("A run is already going; stop it first (Esc)."));
        return false;
    }
    const QString problem = m_setup->validate();
    if (!problem.isEmpty()) {
        showError(tr("Cannot start"), problem);
        return false;
    }
    EngineRequest request;
    request.settings = m_setup->settings();
    request.iterations = m_setup->iterations();
    m_iterationsRequested = request.iterations;
    m_warmupRuns = request.settings.warmup;
    m_iterationsDone = 0;
    {
        QSettings settings;
        m_setup->save(settings);
    }
    setRunning(true);
    m_firstRunHint->setVisible(false);
    m_phaseLabel->setText(m_warmupRuns > 0 ? tr("Starting: %n warm-up run(s) first…", nullptr, m_warmupRuns)
                                           : tr("Starting…"));
    m_engine->clearStop();
    QMetaObject::invokeMethod(m_engine, "start", Qt::QueuedConnection, Q_ARG(vlmscope::EngineRequest, request));
    return true;
}

void MainWindow::stopRun()
{
    if (!m_running)
        return;
    m_engine->requestStop();
    m_phaseLabel->setText(tr("Stopping after the current token…"));
}

void MainWindow::setRunning(bool running)
{
    m_running = running;
    m_startAction->setEnabled(!running);
    m_stopAction->setEnabled(running);
    m_startButton->setEnabled(!running);
    m_stopButton->setEnabled(running);
    m_setup->setRunning(running);
    m_openAction->setEnabled(!running);
}

void MainWindow::onModelLoading(const QString& source)
{
    m_phaseLabel->setText(tr("Loading model %1…").arg(source));
}

void MainWindow::onModelLoaded(const QString& name, bool synthetic, double seconds)
{
    m_modelLabel->setText(synthetic && !name.contains(QLatin1String("synthetic")) ? tr("%1 (synthetic weights)").arg(name)
                                                                                  : name);
    m_phaseLabel->setText(tr("Loaded %1 in %2").arg(name, formatSeconds(seconds)));
    if (m_running && m_warmupRuns > 0)
        m_phaseLabel->setText(tr("Loaded %1 in %2; warming up (%n untracked run(s))…", nullptr, m_warmupRuns)
                                  .arg(name, formatSeconds(seconds)));
}

void MainWindow::onRunStarted()
{
    m_displayedRow = -1;
    m_textTokensShown = 0;
    m_text->clear();
    m_runView->selectionModel()->clearCurrentIndex();
    m_runView->clearSelection();
    const RunRecord& run = m_live->record();
    m_progress->setRange(0, static_cast<int>(std::clamp<std::int64_t>(run.settings.maxNewTokens, 1, 1 << 30)));
    m_progress->setValue(0);
    m_opModel->clear();
    displayRecord(run, true);
}

void MainWindow::onLiveChanged()
{
    if (!m_live->isActive())
        return; // the final record arrives through onRunFinished
    const RunRecord& run = m_live->record();
    if (m_displayedRow == -1)
        displayRecord(run, true);
    updateProgress(run);
}

void MainWindow::onRunFinished(const RunRecord& record)
{
    ++m_iterationsDone;
    // The live record is the finished one: the list shares it rather than copying it.
    std::shared_ptr<const RunRecord> shared = m_live->sharedRecord();
    const int row = shared.get() == &record ? m_runs->addRun(std::move(shared), tr("recorded"))
                                            : m_runs->addRun(record, tr("recorded"));
    m_displayedRow = row;
    {
        const QSignalBlocker block(m_runView->selectionModel());
        m_runView->setCurrentIndex(m_runs->index(row));
    }
    displayRecord(m_runs->run(row), false);
    updateProgress(record);
    const QString status = record.status == RunStatus::Stopped ? tr("Stopped: %1").arg(QString::fromStdString(record.statusDetail))
                                                              : tr("Finished: %1").arg(QString::fromStdString(record.statusDetail));
    m_phaseLabel->setText(m_iterationsRequested > 1
                              ? tr("Run %1 of %2. %3").arg(m_iterationsDone).arg(m_iterationsRequested).arg(status)
                              : status);
    Q_EMIT runAdded(row);
}

void MainWindow::onRunFailed(const QString& message)
{
    m_phaseLabel->setText(tr("Run failed"));
    showError(tr("Run failed"), message);
}

void MainWindow::onEngineIdle()
{
    setRunning(false);
    refreshCharts();
    Q_EMIT engineIdle();
}

void MainWindow::updateProgress(const RunRecord& run)
{
    m_progress->setVisible(true);
    const int n = static_cast<int>(std::min<std::size_t>(run.tokens.size(), 1 << 30));
    m_progress->setMaximum(std::max(n, static_cast<int>(std::clamp<std::int64_t>(run.settings.maxNewTokens, 1, 1 << 30))));
    m_progress->setValue(n);
    if (m_live->isActive()) {
        QString phase;
        if (run.tokens.empty())
            phase = run.phases.empty() ? tr("Preprocessing the image") : tr("Encoding the image and prefilling");
        else
            phase = tr("Decoding token %1 of %2").arg(n).arg(run.settings.maxNewTokens);
        if (m_iterationsRequested > 1)
            phase = tr("Run %1 of %2: %3").arg(m_iterationsDone + 1).arg(m_iterationsRequested).arg(phase);
        m_phaseLabel->setText(phase);
        m_tpsLabel->setText(formatRate(rollingTps(run)));
    } else {
        m_tpsLabel->setText(tr("decode %1").arg(formatRate(run.metrics.outputTps)));
    }
}

const RunRecord* MainWindow::displayedRun() const
{
    if (m_displayedRow >= 0 && m_displayedRow < m_runs->rowCount())
        return &m_runs->run(m_displayedRow);
    if (m_live->isActive() || m_live->record().status != RunStatus::Running)
        return &m_live->record();
    return nullptr;
}

void MainWindow::displayRecord(const RunRecord& record, bool live)
{
    m_cards->showRun(record);
    m_layerModel->setScopes(record.scopes, record.endNs);
    if (live) {
        m_chartsStale = true;
        appendLiveText(record);
        if (record.tokens.empty() && record.steps.empty()) {
            const QStringList liveLabel{tr("live")};
            for (ChartId chart : {ChartId::Throughput, ChartId::Memory, ChartId::Heatmap, ChartId::Categories,
                                  ChartId::LayerBars, ChartId::ItlCurves})
                chartWidget(chart)->setRunLabels(liveLabel);
        }
        m_tpsChart->showLive(record);
        m_memoryChart->showLive(record);
        m_heatmap->showLive(record);
        m_categoryChart->showLive(record);
        m_layerBarsChart->showLive(record);
        if (m_itlChart->isVisible())
            m_itlChart->showLive(record);
    } else {
        m_text->setPlainText(QString::fromStdString(record.generatedText));
        m_textTokensShown = record.tokens.size();
        m_opModel->setOps(record.ops, record.scopes);
        m_detailTabs->setTabEnabled(2, !record.ops.empty());
        refreshCharts();
    }
    const std::string& name = record.model.name.empty() ? record.settings.model : record.model.name;
    const std::int64_t out = record.tokens.empty() ? record.metrics.outputTokens
                                                   : static_cast<std::int64_t>(record.tokens.size());
    const QString counts = record.metrics.inputTokens > 0
        ? tr("%1 in / %2 out tokens").arg(record.metrics.inputTokens).arg(out)
        : tr("%1 out tokens").arg(out);
    const QString title = tr("<b>%1</b> · %2 · %3 · %4")
                              .arg(QString::fromStdString(name).toHtmlEscaped(),
                                   QString::fromLatin1(runStatusName(record.status)), counts,
                                   QString::fromStdString(record.startedAt).toHtmlEscaped());
    m_runTitle->setText(title);
    m_textNote->setText(record.model.synthetic ? syntheticNote() : QString());
    m_textNote->setVisible(record.model.synthetic);
    refreshSyntheticBanner();
}

void MainWindow::appendLiveText(const RunRecord& record)
{
    if (m_textTokensShown > record.tokens.size()) {
        m_text->clear();
        m_textTokensShown = 0;
    }
    QString fresh;
    for (std::size_t i = m_textTokensShown; i < record.tokens.size(); ++i)
        fresh += QString::fromStdString(record.tokens[i].text);
    m_textTokensShown = record.tokens.size();
    if (fresh.isEmpty())
        return;
    QTextCursor cursor = m_text->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(fresh);
    m_text->ensureCursorVisible();
}

void MainWindow::refreshCharts()
{
    if (m_live->isActive())
        return;
    // What to draw: the ticked runs overlaid, else the displayed one; the heatmap always
    // shows the displayed run (it cannot overlay).
    std::vector<std::shared_ptr<const RunRecord>> shown;
    QStringList labels;
    std::vector<TpsChart::Reference> references;
    const std::vector<int> checked = m_runs->checkedRows();
    std::shared_ptr<const RunRecord> displayed;
    if (m_displayedRow >= 0 && m_displayedRow < m_runs->rowCount())
        displayed = m_runs->sharedRun(m_displayedRow);
    else if (m_displayedRow < 0 && displayedRun())
        displayed = m_live->sharedRecord();
    if (checked.size() >= 2) {
        for (int row : checked) {
            if (m_runs->isExternal(row)) {
                // Figures only: no per-token data, so a reference line on the TPS chart.
                const ExternalRun& external = *m_runs->external(row);
                references.push_back({m_runs->label(row), external.decodeTps.mean,
                                      external.itl.medianMs ? external.itl.medianMs : external.tpot.medianMs});
                continue;
            }
            shown.push_back(m_runs->sharedRun(row));
            labels << m_runs->label(row);
        }
    } else if (displayed) {
        shown.push_back(displayed);
        if (m_displayedRow >= 0)
            labels << m_runs->label(m_displayedRow);
    }
    m_tpsChart->setReferences(std::move(references));
    // Charts copy what they are given; skip it when they already show exactly these runs.
    if (!m_chartsStale && shown == m_chartRuns && displayed == m_heatmapRun && labels == m_chartLabels)
        return;
    m_chartsStale = false;
    m_chartRuns = shown;
    m_heatmapRun = displayed;
    m_chartLabels = labels;

    std::vector<RunRecord> runs;
    runs.reserve(shown.size());
    for (const auto& run : shown)
        runs.push_back(*run);
    for (ChartWidget* chart : {static_cast<ChartWidget*>(m_tpsChart), static_cast<ChartWidget*>(m_memoryChart),
                               static_cast<ChartWidget*>(m_categoryChart), static_cast<ChartWidget*>(m_layerBarsChart),
                               static_cast<ChartWidget*>(m_itlChart)}) {
        chart->setRunLabels(labels);
        if (runs.empty())
            chart->clear();
        else
            chart->showRuns(runs);
    }
    m_heatmap->setRunLabels(m_displayedRow >= 0 ? QStringList{m_runs->label(m_displayedRow)} : QStringList());
    if (!displayed)
        m_heatmap->clear();
    else if (shown.size() == 1 && shown[0] == displayed)
        m_heatmap->showRuns(runs);
    else
        m_heatmap->showRuns({*displayed});
}

void MainWindow::refreshSyntheticBanner()
{
    bool synthetic = false;
    if (const RunRecord* run = displayedRun())
        synthetic = run->model.synthetic;
    for (int row : m_runs->checkedRows())
        synthetic = synthetic || m_runs->run(row).model.synthetic;
    if (!displayedRun() && m_runs->rowCount() == 0)
        synthetic = m_setup->settings().model == "builtin" || m_setup->settings().model == "tiny";
    m_banner->setVisible(synthetic);
}

bool MainWindow::syntheticBannerVisible() const { return !m_banner->isHidden(); }

void MainWindow::showRun(int row)
{
    if (row < 0 || row >= m_runs->rowCount())
        return;
    m_displayedRow = row;
    displayRecord(m_runs->run(row), false);
    updateProgress(m_runs->run(row));
}

void MainWindow::onRunSelected(const QModelIndex& index)
{
    if (index.isValid() && !m_live->isActive())
        showRun(index.row());
}

void MainWindow::removeSelectedRun()
{
    const QModelIndex index = m_runView->currentIndex();
    if (!index.isValid())
        return;
    const int row = index.row();
    m_runs->removeRun(row);
    if (m_displayedRow == row) {
        m_displayedRow = -1;
        if (m_runs->rowCount() > 0) {
            showRun(std::min(row, m_runs->rowCount() - 1));
        } else if (!m_live->isActive()) {
            m_live->clear(); // nothing left to show
            m_cards->clear();
            m_layerModel->clear();
            m_opModel->clear();
            m_text->clear();
            m_runTitle->clear();
        }
    } else if (m_displayedRow > row) {
        --m_displayedRow;
    }
    onCheckedRunsChanged();
}

void MainWindow::onCheckedRunsChanged()
{
    m_comparedRows = m_runs->checkedRows();
    std::vector<std::shared_ptr<const RunRecord>> runs;
    QStringList labels;
    for (int row : m_comparedRows) {
        runs.push_back(m_runs->sharedRun(row));
        labels << m_runs->label(row); // the banner above says when weights are synthetic
    }
    const int baseline = std::clamp(m_comparison->baseline(), 0, std::max(0, static_cast<int>(runs.size()) - 1));
    m_comparison->setRuns(std::move(runs), labels);
    {
        const QSignalBlocker block(m_baselineBox);
        m_baselineBox->clear();
        m_baselineBox->addItems(labels);
        m_baselineBox->setCurrentIndex(labels.isEmpty() ? -1 : baseline);
    }
    m_comparison->setBaseline(baseline);
    setBaselineRun(baseline);
    m_comparisonHint->setText(m_comparedRows.size() >= 2
                                  ? tr("%1 runs ticked; runs measured alike are pooled into one side.")
                                        .arg(m_comparedRows.size())
                                  : tr("Tick two or more runs in the Runs list to compare them here and overlay them on the charts."));
    refreshComparisonSides();
    refreshCharts();
    refreshSyntheticBanner();
}

void MainWindow::setBaselineRun(int comparedIndex)
{
    if (comparedIndex < 0 || comparedIndex >= m_comparison->runCount())
        return;
    m_comparison->setBaseline(comparedIndex);
    if (m_baselineBox->currentIndex() != comparedIndex) {
        const QSignalBlocker block(m_baselineBox);
        m_baselineBox->setCurrentIndex(comparedIndex);
    }
    // The baseline's own delta columns would only say "baseline".
    for (int run = 0; run < m_comparison->runCount(); ++run) {
        for (auto part : {ComparisonModel::Delta, ComparisonModel::DeltaPercent})
            m_comparisonView->setColumnHidden(ComparisonModel::column(run, part), run == comparedIndex);
    }
    m_comparisonView->resizeColumnsToContents();
    for (int column = 1; column < m_comparison->columnCount(); ++column)
        m_comparisonView->setColumnWidth(column, std::min(m_comparisonView->columnWidth(column), 220));
    refreshManifestWarning(comparedIndex);
}

void MainWindow::refreshComparisonSides()
{
    m_choices = comparisonChoices(*m_runs, m_comparedRows);
    const int baseline = m_choices.empty() ? -1 : 0;
    const int candidate = defaultCandidate(m_choices, baseline);
    {
        const QSignalBlocker blockBaseline(m_sideBaselineBox);
        const QSignalBlocker blockCandidate(m_sideCandidateBox);
        m_sideBaselineBox->clear();
        m_sideCandidateBox->clear();
        for (const ComparisonChoice& choice : m_choices) {
            m_sideBaselineBox->addItem(choice.side.label);
            m_sideCandidateBox->addItem(choice.side.label);
        }
        m_sideBaselineBox->setCurrentIndex(baseline);
        m_sideCandidateBox->setCurrentIndex(candidate);
    }
    compareSides(baseline, candidate);
}

void MainWindow::compareSides(int baselineChoice, int candidateChoice)
{
    const int count = static_cast<int>(m_choices.size());
    if (baselineChoice < 0 || candidateChoice < 0 || baselineChoice >= count || candidateChoice >= count) {
        m_statComparison->clear();
        m_statStatus->setText(count < 2 ? QString() : tr("Choose a baseline and a candidate."));
        return;
    }
    if (m_sideBaselineBox->currentIndex() != baselineChoice || m_sideCandidateBox->currentIndex() != candidateChoice) {
        const QSignalBlocker blockBaseline(m_sideBaselineBox);
        const QSignalBlocker blockCandidate(m_sideCandidateBox);
        m_sideBaselineBox->setCurrentIndex(baselineChoice);
        m_sideCandidateBox->setCurrentIndex(candidateChoice);
    }
    if (baselineChoice == candidateChoice) {
        m_statComparison->clear();
        m_statStatus->setText(tr("The baseline and the candidate are the same runs."));
        return;
    }
    m_statComparison->compare(m_choices[static_cast<std::size_t>(baselineChoice)].side,
                              m_choices[static_cast<std::size_t>(candidateChoice)].side);
    m_statStatus->setText(m_statComparison->status());
}

void MainWindow::onStatComparisonDone()
{
    m_statStatus->setText(m_statComparison->status());
    m_statView->resizeColumnsToContents();
    // Narrow enough that the delta, interval and p-value fit beside the names.
    for (int column = 0; column < m_statComparison->columnCount(); ++column)
        m_statView->setColumnWidth(column, std::min(m_statView->columnWidth(column), column == 0 ? 170 : 130));
}

void MainWindow::refreshManifestWarning(int comparedIndex)
{
    QStringList lines;
    const auto manifestAt = [this](int i) {
        return manifestOf(*m_runs->sharedRun(m_comparedRows[static_cast<std::size_t>(i)]));
    };
    const RunManifest baseline = manifestAt(comparedIndex);
    for (int i = 0; i < static_cast<int>(m_comparedRows.size()); ++i) {
        if (i == comparedIndex)
            continue;
        QStringList differences;
        for (const std::string& d : describeManifestDifferences(baseline, manifestAt(i)))
            differences << QString::fromStdString(d);
        if (!differences.isEmpty())
            lines << tr("%1 differs from the baseline (baseline vs it): %2")
                         .arg(m_comparison->labels().value(i), differences.join(", "));
    }
    m_manifestWarning->setText(tr("Not like for like. ") + lines.join("\n"));
    m_manifestWarning->setVisible(!lines.isEmpty());
}

void MainWindow::onHeatmapRowSelected(const QString& scope)
{
    for (int row = 0; row < m_layerModel->rowCount(); ++row) {
        if (QString::fromStdString(m_layerModel->scope(row).name) == scope) {
            m_layerFilter->clear();
            const QModelIndex index = m_layerProxy->mapFromSource(m_layerModel->index(row, 0));
            m_layerView->setCurrentIndex(index);
            m_layerView->scrollTo(index);
            m_detailTabs->setCurrentIndex(1);
            return;
        }
    }
}

QString MainWindow::statusText() const
{
    return m_phaseLabel->text();
}

// ---- files -----------------------------------------------------------------------------

void MainWindow::openInteractive()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open runs"), m_lastDirectory,
        tr("vlmscope files and benchmark results (*.json *.jsonl *.log);;Run records and benchmark results (*.json);;"
           "llama-bench results (*.json *.jsonl);;vLLM benchmark results (*.json);;Logs (*.log);;All files (*)"));
    if (!paths.isEmpty())
        openFiles(paths);
}

bool MainWindow::openFiles(const QStringList& paths)
{
    QStringList problems;
    int firstRow = -1;
    std::vector<int> added;
    for (const QString& path : paths) {
        m_lastDirectory = QFileInfo(path).absolutePath();
        try {
            LoadedRuns loaded = loadRunFile(path);
            for (RunRecord& run : loaded.runs) {
                const int row = m_runs->addRun(run, QFileInfo(path).fileName());
                added.push_back(row);
                if (firstRow < 0)
                    firstRow = row;
            }
            for (const ExternalRun& external : loaded.external) {
                // Another tool's figures: ticked so they appear in the comparison at once.
                const int row = m_runs->addExternalRun(external, QFileInfo(path).fileName(), true);
                added.push_back(row);
                if (firstRow < 0)
                    firstRow = row;
            }
            for (const QString& warning : loaded.warnings)
                statusBar()->showMessage(warning, 8000);
        } catch (const std::exception& error) {
            problems << QString::fromUtf8(error.what());
        }
    }
    if (added.size() >= 2) {
        for (int row : added)
            m_runs->setChecked(row, true);
    }
    if (firstRow >= 0 && !m_live->isActive()) {
        const QSignalBlocker block(m_runView->selectionModel());
        m_runView->setCurrentIndex(m_runs->index(firstRow));
        showRun(firstRow);
    }
    for (int row : added)
        Q_EMIT runAdded(row);
    if (!added.empty())
        m_phaseLabel->setText(tr("Opened %n run(s)", nullptr, static_cast<int>(added.size())));
    if (!problems.isEmpty()) {
        showError(tr("Open"), problems.join(QLatin1Char('\n')));
        return false;
    }
    return true;
}

const RunRecord* MainWindow::exportableRun(const QString& what)
{
    const RunRecord* run = displayedRun();
    if (!run || (m_live->isActive() && m_displayedRow < 0)) {
        showError(what, run ? tr("Wait for the run to finish (or stop it) before exporting it.")
                            : tr("There is no run to export yet: start one or open a file."));
        return nullptr;
    }
    return run;
}

QString MainWindow::askSavePath(const QString& title, const QString& defaultName, const QString& filter)
{
    const QString start = QDir(m_lastDirectory.isEmpty() ? QDir::currentPath() : m_lastDirectory).filePath(defaultName);
    const QString path = QFileDialog::getSaveFileName(this, title, start, filter);
    if (!path.isEmpty())
        m_lastDirectory = QFileInfo(path).absolutePath();
    return path;
}

bool MainWindow::saveRunRecord(const QString& path)
{
    const RunRecord* run = exportableRun(tr("Save run record"));
    if (!run)
        return false;
    try {
        writeRunRecordFile(path, *run);
    } catch (const std::exception& error) {
        showError(tr("Save run record"), QString::fromUtf8(error.what()));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::exportLog(const QString& path)
{
    const RunRecord* run = exportableRun(tr("Export log"));
    if (!run)
        return false;
    try {
        appendRunLogFile(path, *run);
    } catch (const std::exception& error) {
        showError(tr("Export log"), QString::fromUtf8(error.what()));
        return false;
    }
    statusBar()->showMessage(tr("Appended the run to %1").arg(path), 5000);
    return true;
}

bool MainWindow::exportTrace(const QString& path)
{
    const RunRecord* run = exportableRun(tr("Export trace"));
    if (!run)
        return false;
    try {
        writeTraceFile(path, *run);
    } catch (const std::exception& error) {
        showError(tr("Export trace"), QString::fromUtf8(error.what()));
        return false;
    }
    statusBar()->showMessage(tr("Wrote %1 (open it in Perfetto or chrome://tracing)").arg(path), 5000);
    return true;
}

bool MainWindow::exportCsv(const QString& directory)
{
    const RunRecord* run = exportableRun(tr("Export CSV"));
    if (!run)
        return false;
    try {
        const QStringList files = writeCsvFiles(directory, *run);
        statusBar()->showMessage(tr("Wrote %1").arg(files.join(QStringLiteral(", "))), 5000);
    } catch (const std::exception& error) {
        showError(tr("Export CSV"), QString::fromUtf8(error.what()));
        return false;
    }
    return true;
}

QString MainWindow::chartName(ChartId chart)
{
    switch (chart) {
    case ChartId::Throughput: return tr("Throughput");
    case ChartId::Memory: return tr("Memory");
    case ChartId::Heatmap: return tr("Layer heatmap");
    case ChartId::Categories: return tr("Categories");
    case ChartId::LayerBars: return tr("Top layers");
    case ChartId::ItlCurves: return tr("ITL curves");
    }
    return {};
}

QString MainWindow::chartFileStem(ChartId chart)
{
    switch (chart) {
    case ChartId::Throughput: return QStringLiteral("tps");
    case ChartId::Memory: return QStringLiteral("memory");
    case ChartId::Heatmap: return QStringLiteral("heatmap");
    case ChartId::Categories: return QStringLiteral("categories");
    case ChartId::LayerBars: return QStringLiteral("top_layers");
    case ChartId::ItlCurves: return QStringLiteral("itl_curves");
    }
    return {};
}

ChartWidget* MainWindow::chartWidget(ChartId chart) const
{
    switch (chart) {
    case ChartId::Throughput: return m_tpsChart;
    case ChartId::Memory: return m_memoryChart;
    case ChartId::Heatmap: return m_heatmap;
    case ChartId::Categories: return m_categoryChart;
    case ChartId::LayerBars: return m_layerBarsChart;
    case ChartId::ItlCurves: return m_itlChart;
    }
    return nullptr;
}

bool MainWindow::exportChart(ChartId chart, const QString& path)
{
    QString error;
    ChartWidget* widget = chartWidget(chart);
    if (!widget || !widget->saveImage(path, &error)) {
        showError(tr("Export chart"), error.isEmpty() ? tr("%1: could not be written").arg(path) : error);
        return false;
    }
    statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    return true;
}

void MainWindow::exportChartInteractive(ChartId chart, const QString& suffix)
{
    const RunRecord* run = displayedRun();
    const QString base = run ? defaultChartName(*run, chartFileStem(chart), suffix)
                             : QStringLiteral("vlmscope_%1.%2").arg(chartFileStem(chart), suffix);
    const QString path = askSavePath(tr("Export %1 chart").arg(chartName(chart)), base,
                                     tr("%1 images (*.%2)").arg(suffix.toUpper(), suffix));
    if (!path.isEmpty())
        exportChart(chart, path);
}

// ---- window ----------------------------------------------------------------------------

void MainWindow::showError(const QString& title, const QString& message)
{
    m_lastError = message;
    statusBar()->showMessage(message, 10000);
    Q_EMIT errorShown(message);
    if (!m_errorDialogs)
        return;
    if (m_errorBox)
        m_errorBox->close();
    m_errorBox = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBox->open();
}

void MainWindow::showWelcome(WelcomeDialog::Page page)
{
    if (!m_welcome)
        m_welcome = new WelcomeDialog(this);
    m_welcome->showPage(page);
    m_welcome->show();
    m_welcome->raise();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About vlmscope"),
        tr("<h3>vlmscope %1</h3>"
           "<p>A token-generation profiler for small vision-language models (the nanoVLM family): "
           "live throughput, per-layer times, memory, and comparisons of runs.</p>"
           "<p>Build %2<br>LibTorch %3<br>Qt %4 (built with %5)</p>"
           "<p>The built-in models have synthetic weights: their timings are real, their text is not meaningful. "
           "The bundled SmolLM2 tokenizer is Apache-2.0 licensed.</p>")
            .arg(QStringLiteral(VLMSCOPE_VERSION), QStringLiteral(VLMSCOPE_GIT_COMMIT), torchVersionText(),
                 QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_running)
        m_engine->requestStop();
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) {
        for (const QUrl& url : event->mimeData()->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // Dialogs must not open inside the drag-and-drop handler of some platforms.
    QMetaObject::invokeMethod(this, [this, paths] { openFiles(paths); }, Qt::QueuedConnection);
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && m_banner)
        styleBanner();
    QMainWindow::changeEvent(event);
}

void MainWindow::styleBanner()
{
    // An amber note that reads on light and dark palettes alike.
    QPalette banner = palette();
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    banner.setColor(QPalette::Window, dark ? QColor(0x5a, 0x48, 0x14) : QColor(0xff, 0xf0, 0xc2));
    banner.setColor(QPalette::WindowText, dark ? QColor(0xff, 0xe6, 0xa6) : QColor(0x5c, 0x43, 0x00));
    m_banner->setPalette(banner);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("window/topSplitter"), m_topSplitter->saveState());
    settings.setValue(QStringLiteral("window/bottomSplitter"), m_bottomSplitter->saveState());
    settings.setValue(QStringLiteral("window/lastDirectory"), m_lastDirectory);
    settings.setValue(QStringLiteral("view/theme"), m_themeChoice);
    m_setup->save(settings);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1500, 920);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!m_mainSplitter->restoreState(settings.value(QStringLiteral("window/mainSplitter")).toByteArray()))
        m_mainSplitter->setSizes({420, 380});
    if (!m_topSplitter->restoreState(settings.value(QStringLiteral("window/topSplitter")).toByteArray()))
        m_topSplitter->setSizes({600, 400});
    if (!m_bottomSplitter->restoreState(settings.value(QStringLiteral("window/bottomSplitter")).toByteArray()))
        m_bottomSplitter->setSizes({500, 500});
    m_lastDirectory = settings.value(QStringLiteral("window/lastDirectory")).toString();
    m_themeChoice = settings.value(QStringLiteral("view/theme"), QStringLiteral("system")).toString();
    for (QAction* action : m_viewMenu->findChildren<QAction*>()) {
        if (action->isCheckable() && action->data().toString() == m_themeChoice)
            action->setChecked(true);
    }
    if (!m_setup->restore(settings)) {
        m_firstRunHint->setVisible(true);
        m_text->setPlaceholderText(
            tr("Press Start (Ctrl+R) to run the built-in model on the sample image. It loads the model once "
               "(a few seconds), then generates %1 tokens while the charts, layer heatmap, memory graph and "
               "tables fill in live. The built-in model has synthetic weights: its timings are real, its text "
               "is not meaningful. Pick a checkpoint folder under Model to profile a real nanoVLM.")
                .arg(m_setup->settings().maxNewTokens));
    }
}

void MainWindow::applyThemeChoice(const QString& name)
{
    m_themeChoice = name;
    applyTheme(parseThemeChoice(name));
    QSettings().setValue(QStringLiteral("view/theme"), name);
}

} // namespace vlmscope
