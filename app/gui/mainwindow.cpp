// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "exportmanager.h"
#include "latencysources.h"
#include "modelloader.h"
#include "reportinput.h"

#include "arenamap.h"
#include "boardfitpanel.h"
#include "graphview.h"
#include "latencycomparisonview.h"
#include "layertableview.h"
#include "memorytimeline.h"
#include "messagebanner.h"
#include "profilingpanel.h"
#include "propertiespanel.h"
#include "selectionhub.h"

#include "simboardconfig.h"

#include "protocol/modelid.h"
#include "session/serialsession.h"
#include "sim/simulatedboard.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <memory>

namespace {

constexpr int kMaxRecentFiles = 10;
constexpr int kLatencyUpdateMs = 200; ///< live runs recompute the profile at most five times a second
constexpr int kMaxLatencyUpdateMs = 5000; ///< ... and at least every five seconds, however long the capture
constexpr int kMaxBannerWarnings = 3;

QString bytesText(std::int64_t bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 2);
    if (bytes >= 1024)
        return QStringLiteral("%1 KiB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(bytes);
}

QDockWidget* makeDock(const QString& title, const QString& objectName, QWidget* content, QWidget* parent)
{
    auto* dock = new QDockWidget(title, parent);
    dock->setObjectName(objectName); // saveState() needs a stable name
    dock->setWidget(content);
    return dock;
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_hub(new Widgets::SelectionHub(this))
    , m_loader(new ModelLoader(this))
{
    setWindowTitle(QStringLiteral("TinyScope"));
    setAcceptDrops(true);
    createViews();
    createActions();
    restoreSettings();

    connect(m_loader, &ModelLoader::loadingStarted, this, [this](const QString& path) {
        m_progress->setValue(0);
        m_progress->show();
        m_cancel->show();
        statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
    });
    connect(m_loader, &ModelLoader::progressChanged, this, [this](int permille) { m_progress->setValue(permille); });
    auto stopProgress = [this] {
        m_progress->hide();
        m_cancel->hide();
        statusBar()->clearMessage();
    };
    connect(m_loader, &ModelLoader::loadingFinished, this,
        [this, stopProgress](const QString& path, Profiler::ModelDocumentPtr doc) {
            stopProgress();
            showDocument(path, std::move(doc));
        });
    connect(m_loader, &ModelLoader::loadingFailed, this, [this, stopProgress](const QString&, const QString& message) {
        stopProgress();
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error, message);
    });
    connect(m_loader, &ModelLoader::loadingCancelled, this, [this, stopProgress](const QString& path) {
        stopProgress();
        statusBar()->showMessage(tr("Opening %1 cancelled").arg(QFileInfo(path).fileName()), 5000);
    });
    connect(m_cancel, &QToolButton::clicked, m_loader, &ModelLoader::cancel);
    connect(m_boardFit, &Widgets::BoardFitPanel::boardChanged, this,
        [this](const QString&, qint64 ramBudget, qint64) { m_timeline->setRamBudget(ramBudget); });
    createProfiling();
}

MainWindow::~MainWindow()
{
    // The session and the simulated board go first, while every view they report to still exists: a session closing
    // its port may still signal.
    m_latencyTimer->stop();
    m_session->disconnect();
    delete m_session;
    delete m_simBoard.data();
}

QString MainWindow::exampleModelPath()
{
    return QStringLiteral(":/tinyscope/examples/kws_ds_cnn_example.tflite");
}

void MainWindow::createViews()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner = new Widgets::MessageBanner(central);
    m_graph = new Widgets::GraphView(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_graph, 1);
    setCentralWidget(central);

    m_table = new Widgets::LayerTableView(this);
    m_properties = new Widgets::PropertiesPanel(this);
    m_timeline = new Widgets::MemoryTimeline(this);
    m_arenaMap = new Widgets::ArenaMap(this);
    m_boardFit = new Widgets::BoardFitPanel(this);
    m_graph->setSelectionHub(m_hub);
    m_table->setSelectionHub(m_hub);
    m_properties->setSelectionHub(m_hub);
    m_timeline->setSelectionHub(m_hub);
    m_arenaMap->setSelectionHub(m_hub);

    auto* memoryTabs = new QTabWidget(this);
    memoryTabs->addTab(m_timeline, tr("Memory timeline"));
    memoryTabs->addTab(m_arenaMap, tr("Arena map"));

    auto* layersDock = makeDock(tr("Layers"), QStringLiteral("layersDock"), m_table, this);
    auto* memoryDock = makeDock(tr("Memory"), QStringLiteral("memoryDock"), memoryTabs, this);
    auto* propertiesDock = makeDock(tr("Properties"), QStringLiteral("propertiesDock"), m_properties, this);
    // The board panel is tall; in a scroll area it can share the right side with the properties.
    auto* boardScroll = new QScrollArea(this);
    boardScroll->setWidget(m_boardFit);
    boardScroll->setWidgetResizable(true);
    boardScroll->setFrameShape(QFrame::NoFrame);
    auto* boardDock = makeDock(tr("Board fit"), QStringLiteral("boardDock"), boardScroll, this);
    addDockWidget(Qt::BottomDockWidgetArea, layersDock);
    addDockWidget(Qt::BottomDockWidgetArea, memoryDock);
    splitDockWidget(layersDock, memoryDock, Qt::Horizontal);
    addDockWidget(Qt::RightDockWidgetArea, propertiesDock);
    addDockWidget(Qt::RightDockWidgetArea, boardDock);
    splitDockWidget(propertiesDock, boardDock, Qt::Vertical);
    m_defaultLayout = [this, layersDock, memoryDock, propertiesDock, boardDock] {
        resizeDocks({ layersDock, memoryDock }, { width() / 2, width() / 2 }, Qt::Horizontal);
        resizeDocks({ layersDock }, { height() * 2 / 5 }, Qt::Vertical);
        resizeDocks({ propertiesDock }, { 420 }, Qt::Horizontal);
        resizeDocks({ propertiesDock, boardDock }, { height() / 2, height() / 2 }, Qt::Vertical);
    };

    // The timeline and the arena map show the same plan: switching one switches the other (no loop: setting
    // the current plan emits nothing).
    connect(m_timeline, &Widgets::MemoryTimeline::planChanged, m_arenaMap, &Widgets::ArenaMap::setPlan);
    connect(m_arenaMap, &Widgets::ArenaMap::planChanged, m_timeline, &Widgets::MemoryTimeline::setPlan);

    // Live profiling: the panel shares the right side with the board fit (a tab), the comparison the bottom with the
    // layer table. Both stay out of the way until used.
    m_session = new Devices::SerialSession(this);
    m_profilingPanel = new Widgets::ProfilingPanel(this);
    m_profilingPanel->setSession(m_session);
    auto* profilingScroll = new QScrollArea(this);
    profilingScroll->setWidget(m_profilingPanel);
    profilingScroll->setWidgetResizable(true);
    profilingScroll->setFrameShape(QFrame::NoFrame);
    m_profilingDock = makeDock(tr("Profiling"), QStringLiteral("profilingDock"), profilingScroll, this);
    tabifyDockWidget(boardDock, m_profilingDock);
    boardDock->raise();
    m_comparison = new Widgets::LatencyComparisonView(this);
    m_comparisonDock = makeDock(tr("Latency comparison"), QStringLiteral("comparisonDock"), m_comparison, this);
    tabifyDockWidget(layersDock, m_comparisonDock);
    layersDock->raise();
    m_comparisonDock->hide();
    connect(
        m_comparison, &Widgets::LatencyComparisonView::operatorClicked, m_hub, &Widgets::SelectionHub::selectOperator);

    m_viewMenu = new QMenu(tr("&View"), this);
    for (QDockWidget* dock : { layersDock, memoryDock, propertiesDock, boardDock, m_profilingDock, m_comparisonDock })
        m_viewMenu->addAction(dock->toggleViewAction());

    m_summary = new QLabel(this);
    statusBar()->addWidget(m_summary, 1);
    m_latencySummary = new QLabel(this);
    m_latencySummary->setObjectName(QStringLiteral("latencySummary"));
    statusBar()->addWidget(m_latencySummary);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open..."), this,
        &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Example Model"), this, [this] { openModel(exampleModelPath()); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    m_exports = new ExportManager(this);
    file->addMenu(m_exports->menu());
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    menuBar()->addMenu(m_viewMenu);
    m_viewMenu->addSeparator();
    QAction* fit = m_viewMenu->addAction(tr("&Fit Graph"), m_graph, &Widgets::GraphView::fitToView);
    fit->setShortcut(Qt::CTRL | Qt::Key_0);
    QAction* zoomIn = m_viewMenu->addAction(tr("Zoom &In"), m_graph, &Widgets::GraphView::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = m_viewMenu->addAction(tr("Zoom &Out"), m_graph, &Widgets::GraphView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    m_viewMenu->addSeparator();
    QMenu* theme = m_viewMenu->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    for (const auto& [key, label] : { std::pair { QStringLiteral("system"), tr("Follow the System") },
             std::pair { QStringLiteral("light"), tr("Light") }, std::pair { QStringLiteral("dark"), tr("Dark") } }) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(key == current);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [this, key = key] {
            QSettings().setValue(QStringLiteral("ui/theme"), key);
            applyTheme(key);
        });
    }

    createProfilingActions(menuBar()->addMenu(tr("&Profile")));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TinyScope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(fit);
    bar->addAction(zoomIn);
    bar->addAction(zoomOut);
    updateRecentMenu();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 900);
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // Dock sizes only take once the window has its real size.
        QTimer::singleShot(0, this, [this] { m_defaultLayout(); });
    }
    applyTheme(settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_loader->cancel();
    m_session->disconnectFromBoard(); // the run in progress is kept as cut, and written to the session file
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    if (openDropped(event->mimeData()))
        event->acceptProposedAction();
}

bool MainWindow::openDropped(const QMimeData* mime)
{
    const QList<QUrl> urls = mime ? mime->urls() : QList<QUrl>();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return false;
    openModel(urls.first().toLocalFile()); // one model at a time: the first dropped file
    return true;
}

void MainWindow::openModel(const QString& path)
{
    m_banner->dismiss();
    m_loader->load(path);
}

void MainWindow::openStartModel(bool forSimulatedBoard)
{
    QSettings settings;
    const QStringList recent = recentFiles();
    if (forSimulatedBoard || !settings.value(QStringLiteral("files/exampleShown")).toBool() || recent.isEmpty()) {
        // First start (or nothing opened yet): the bundled example, so that there is something to explore.
        settings.setValue(QStringLiteral("files/exampleShown"), true);
        openModel(exampleModelPath());
        return;
    }
    const QString last = recent.first();
    if (QFileInfo::exists(last)) {
        openModel(last);
        return;
    }
    // The model of the last session is gone (moved, deleted, on a drive not mounted): the example, and why.
    forgetRecentFile(last);
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(
        this, &MainWindow::documentShown, this,
        [this, connection, last] {
            disconnect(*connection);
            m_banner->showMessage(Widgets::MessageBanner::Severity::Information,
                tr("%1, the model of the last session, is no longer there: showing the example model.")
                    .arg(QDir::toNativeSeparators(last)));
        },
        Qt::QueuedConnection);
    openModel(exampleModelPath());
}

void MainWindow::openDialog()
{
    const QString dir = QSettings().value(QStringLiteral("files/lastDir")).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), dir,
        tr("TensorFlow Lite models (*.tflite);;All files (*)"));
    if (path.isEmpty())
        return;
    QSettings().setValue(QStringLiteral("files/lastDir"), QFileInfo(path).absolutePath());
    openModel(path);
}

void MainWindow::showDocument(const QString& path, Profiler::ModelDocumentPtr document)
{
    // Measurements belong to the model they were made for: a new model starts without any. A board (simulated or
    // real) was profiling the old one, so it is disconnected; its runs stay in its session file.
    const bool wasConnected = m_session->state() != Devices::SessionState::Disconnected
        && m_session->state() != Devices::SessionState::Failed;
    m_session->disconnectFromBoard();
    dropSimulatedBoard();
    m_document = std::move(document);
    m_path = path;
    m_hub->clear();
    m_hub->selectSubgraph(0);
    m_graph->setDocument(m_document);
    m_table->setDocument(m_document);
    m_properties->setDocument(m_document);
    m_timeline->setDocument(m_document);
    m_arenaMap->setDocument(m_document);
    m_boardFit->setDocument(m_document, Report::fitInputFromDocument(*m_document));
    m_profilingPanel->setExpectedModelId(std::nullopt); // known once a session starts (it reads the file)
    clearMeasurements();
    m_profilingPanel->setNote(wasConnected ? tr("Disconnected: another model was opened.") : QString());
    const QString name = path == exampleModelPath() ? tr("example model (DS-CNN keyword spotter)")
                                                    : QFileInfo(path).fileName();
    setWindowTitle(tr("%1 - TinyScope").arg(name));
    if (path != exampleModelPath())
        addRecentFile(path);
    if (!m_document->model.warnings.isEmpty()) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Warning,
            tr("%1: %2").arg(QFileInfo(path).fileName(), m_document->model.warnings.join(QStringLiteral("; "))));
    }
    updateStatus();
    Q_EMIT documentShown(path);
}

void MainWindow::updateStatus()
{
    if (!m_document || m_document->analyses.empty())
        return;
    const auto& s = m_document->analyses[0].summary;
    const QLocale locale;
    m_summary->setText(tr("%1 operators  |  %2 params  |  %3 MACs  |  weights %4  |  arena %5 (TFLM)  |  %6 unsupported")
                           .arg(s.operators)
                           .arg(locale.toString(static_cast<qlonglong>(s.params)),
                               locale.toString(static_cast<qlonglong>(s.macs)), bytesText(s.weightBytes),
                               bytesText(m_document->memory.tflm.arenaBytes))
                           .arg(s.unsupportedOperators));
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(QStringLiteral("files/recent")).toStringList();
}

void MainWindow::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(QStringLiteral("files/recent"), files);
    updateRecentMenu();
}

void MainWindow::forgetRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    if (files.removeAll(QFileInfo(path).absoluteFilePath()) + files.removeAll(path) == 0)
        return;
    QSettings().setValue(QStringLiteral("files/recent"), files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files)
        m_recentMenu
            ->addAction(QFileInfo(f).fileName(), this,
                [this, f] {
                    // A file moved or deleted since: the loader says so, and the menu no longer offers it.
                    if (!QFileInfo::exists(f))
                        forgetRecentFile(f);
                    openModel(f);
                })
            ->setToolTip(f);
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About TinyScope"),
        tr("<h3>TinyScope %1</h3>"
           "<p>Profiler and visualizer for TinyML models: layer graph, per-layer costs, tensor arena plans and "
           "board fit.</p>"
           "<p>Licensed under the GNU General Public License, version 3 or later. It uses Qt %2 (LGPL-3.0), "
           "QCustomPlot (GPL-3.0), FlatBuffers (Apache-2.0) and Eigen (MPL-2.0).</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::applyTheme(const QString& theme)
{
    // "system" keeps whatever palette the platform theme provides (light or dark); the others force one.
    static const QPalette systemPalette = QApplication::palette();
    if (theme == QLatin1String("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QPalette p;
        p.setColor(QPalette::Window, QColor(45, 45, 48));
        p.setColor(QPalette::WindowText, QColor(220, 220, 220));
        p.setColor(QPalette::Base, QColor(30, 30, 32));
        p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
        p.setColor(QPalette::Text, QColor(220, 220, 220));
        p.setColor(QPalette::Button, QColor(55, 55, 58));
        p.setColor(QPalette::ButtonText, QColor(220, 220, 220));
        p.setColor(QPalette::Highlight, QColor(60, 110, 180));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
        p.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
        p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
        QApplication::setPalette(p);
    } else if (theme == QLatin1String("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setPalette(systemPalette);
    }
}

// ---- Live profiling -------------------------------------------------------------------------------------------------

Devices::SimulatedBoard* MainWindow::simulatedBoard() const
{
    return m_simBoard.data();
}

QString MainWindow::sessionDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sessions");
}

void MainWindow::createProfiling()
{
    m_latencyTimer = new QTimer(this);
    m_latencyTimer->setSingleShot(true);
    m_latencyTimer->setInterval(kLatencyUpdateMs);
    connect(m_latencyTimer, &QTimer::timeout, this, &MainWindow::updateLiveLatency);

    // Direct connection: the session file and model are set before the panel hands the settings to the session.
    connect(m_profilingPanel, &Widgets::ProfilingPanel::aboutToConnect, this, &MainWindow::prepareConnection,
        Qt::DirectConnection);
    connect(m_profilingPanel, &Widgets::ProfilingPanel::modelMismatchFound, this, [this](const QString& text) {
        m_banner->showMessage(
            Widgets::MessageBanner::Severity::Warning, tr("Board on %1 %2").arg(m_session->settings().portName, text));
    });
    connect(m_session, &Devices::SerialSession::runCaptured, this, [this](int) { scheduleLatencyUpdate(); });
    connect(m_session, &Devices::SerialSession::boardIdentified, this, [this] { scheduleLatencyUpdate(); });
    // Queued, so that the state is settled: an unplug reports an error and then goes Reconnecting, which the panel
    // shows (and the retries would repeat the message every 500 ms); that is no error for the banner.
    connect(
        m_session, &Devices::SerialSession::errorOccurred, this,
        [this](const QString& text) {
            if (m_session->state() != Devices::SessionState::Reconnecting)
                m_banner->showMessage(Widgets::MessageBanner::Severity::Error, text);
        },
        Qt::QueuedConnection);
    connect(m_session, &Devices::SerialSession::stateChanged, this, [this](Devices::SessionState state) {
        if (state == Devices::SessionState::Idle && m_autoStartRuns) {
            const quint32 runs = *m_autoStartRuns;
            m_autoStartRuns.reset();
            m_session->startRuns(runs);
        } else if (state == Devices::SessionState::Reconnecting) {
            statusBar()->showMessage(
                tr("%1 went away: reconnecting; completed runs are kept").arg(m_session->settings().portName), 5000);
        } else if (state == Devices::SessionState::Failed) {
            m_autoStartRuns.reset();
            const QString reason = m_session->errorText();
            m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
                reason.isEmpty() ? tr("%1: the session failed").arg(m_session->settings().portName) : reason);
        } else if (state == Devices::SessionState::Disconnected) {
            m_autoStartRuns.reset();
        }
        updateProfilingActions();
    });
}

void MainWindow::createProfilingActions(QMenu* menu)
{
    m_connectBoardAction = menu->addAction(tr("&Connect to Board..."), this, [this] {
        m_profilingDock->show();
        m_profilingDock->raise();
        m_profilingPanel->refreshPorts();
        m_profilingPanel->portCombo()->setFocus();
    });
    m_connectSimAction = menu->addAction(
        tr("Connect to &Simulated Board"), this, [this] { connectSimulatedBoard(m_profilingPanel->runCount()); });
    m_connectSimAction->setToolTip(tr("Profile the open model on a simulated board (cost-model latencies)"));
    menu->addSeparator();
    m_startAction = menu->addAction(tr("S&tart Runs"), m_profilingPanel, &Widgets::ProfilingPanel::startRuns);
    m_startAction->setShortcut(Qt::Key_F5);
    m_stopAction = menu->addAction(tr("St&op"), m_profilingPanel, &Widgets::ProfilingPanel::stop);
    m_stopAction->setShortcut(Qt::SHIFT | Qt::Key_F5);
    m_disconnectAction
        = menu->addAction(tr("&Disconnect"), m_profilingPanel, &Widgets::ProfilingPanel::disconnectFromBoard);
    menu->addSeparator();
    m_importLogAction = menu->addAction(tr("&Import TFLM Log..."), this, [this] {
        const QString path
            = pickMeasurementFile(tr("Import TFLM MicroProfiler Log"), tr("Logs (*.txt *.log *.csv);;All files (*)"));
        if (!path.isEmpty())
            importTflmLog(path);
    });
    m_openSessionAction = menu->addAction(tr("Open S&ession..."), this, [this] {
        const QString path
            = pickMeasurementFile(tr("Open Session"), tr("TinyScope sessions (*.tsession);;All files (*)"));
        if (!path.isEmpty())
            openSession(path);
    });
    m_compareAction = menu->addAction(tr("Co&mpare with Session..."), this, [this] {
        const QString path = pickMeasurementFile(tr("Compare with Session or TFLM Log"),
            tr("Sessions and logs (*.tsession *.txt *.log *.csv);;All files (*)"));
        if (!path.isEmpty())
            compareWith(path);
    });
    menu->addSeparator();
    m_clearAction = menu->addAction(tr("C&lear Measurements"), this, &MainWindow::clearMeasurements);
    updateProfilingActions();
}

void MainWindow::updateProfilingActions()
{
    if (!m_clearAction)
        return; // still building the window
    const Devices::SessionState state = m_session->state();
    const bool connected = state != Devices::SessionState::Disconnected && state != Devices::SessionState::Failed;
    const bool haveModel = m_document && !m_document->model.subgraphs.empty();
    m_connectSimAction->setEnabled(haveModel);
    m_startAction->setEnabled(state == Devices::SessionState::Idle);
    m_stopAction->setEnabled(state == Devices::SessionState::Running);
    m_disconnectAction->setEnabled(connected);
    m_importLogAction->setEnabled(haveModel);
    m_openSessionAction->setEnabled(haveModel);
    m_compareAction->setEnabled(haveModel && m_latency);
    m_clearAction->setEnabled(m_latency || !m_session->capture().runs.empty());
}

QString MainWindow::pickMeasurementFile(const QString& title, const QString& filter)
{
    const QString key = QStringLiteral("profiling/lastDir");
    const QString dir = QSettings().value(key, sessionDirectory()).toString();
    const QString path = QFileDialog::getOpenFileName(this, title, dir, filter);
    if (!path.isEmpty())
        QSettings().setValue(key, QFileInfo(path).absolutePath());
    return path;
}

int MainWindow::profiledOperatorCount() const
{
    if (!m_document || m_document->model.subgraphs.empty())
        return 0;
    return static_cast<int>(m_document->model.subgraphs[0].operators.size());
}

std::vector<qint64> MainWindow::profiledMacs() const
{
    std::vector<qint64> macs;
    if (!m_document || m_document->analyses.empty())
        return macs;
    for (const Profiler::LayerInfo& layer : m_document->analyses[0].layers)
        macs.push_back(layer.macs);
    return macs;
}

std::optional<std::pair<QString, quint32>> MainWindow::modelFingerprint() const
{
    QFile file(m_path);
    if (m_path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    return std::pair { Report::sha256Hex(bytes), Devices::modelIdForFile(bytes) };
}

void MainWindow::prepareConnection(const Devices::SerialSettings& settings)
{
    // A new connection starts a new capture and a new file; the previous one is complete on disk.
    const Devices::SimulatedBoard* simBoard = m_simBoard.data();
    if (simBoard && simBoard->slavePath() != settings.portName)
        dropSimulatedBoard(); // the user connects elsewhere: nobody will read the simulated board again
    m_latencyTimer->stop();
    m_session->clearCapture();
    m_measured = {};
    m_liveRunsConverted = 0;
    m_liveWarningShown = false;
    m_showLive = true;
    m_latencyTimer->setInterval(kLatencyUpdateMs);
    m_profilingPanel->setNote(QString());
    applyLatency(nullptr);

    const auto fingerprint = modelFingerprint();
    m_session->setModel(fingerprint ? m_path : QString(), fingerprint ? fingerprint->first : QString());
    m_profilingPanel->setExpectedModelId(fingerprint ? std::optional<quint32>(fingerprint->second) : std::nullopt);

    m_session->setSettings(settings); // before the file: its header names the port
    const QString dir = sessionDirectory();
    QString base = m_path.isEmpty() ? QStringLiteral("session") : QFileInfo(m_path).completeBaseName();
    base += QLatin1Char('-') + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString path = dir + QLatin1Char('/') + base + QStringLiteral(".tsession");
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = dir + QLatin1Char('/') + base + QStringLiteral("-%1.tsession").arg(n);
    if (!QDir().mkpath(dir) || !m_session->setSessionFile(path)) {
        const QString reason
            = m_session->errorText().isEmpty() ? tr("%1: cannot create the folder").arg(dir) : m_session->errorText();
        m_session->setSessionFile(QString());
        m_banner->showMessage(Widgets::MessageBanner::Severity::Warning,
            tr("The runs from %1 are kept in memory only: %2").arg(settings.portName, reason));
    }
}

void MainWindow::scheduleLatencyUpdate()
{
    updateProfilingActions();
    if (m_showLive && !m_latencyTimer->isActive())
        m_latencyTimer->start();
}

void MainWindow::updateLiveLatency()
{
    if (!m_showLive || !m_document)
        return;
    const Devices::Capture& capture = m_session->capture();
    if (capture.runs.size() < m_liveRunsConverted) { // the capture was cleared behind our back
        m_measured.runs.clear();
        m_liveRunsConverted = 0;
    }
    const int operators = profiledOperatorCount();
    QStringList warnings;
    for (std::size_t i = m_liveRunsConverted; i < capture.runs.size(); ++i)
        m_measured.runs.push_back(LatencySources::measuredRunFromCapture(capture.runs[i], operators, &warnings));
    m_liveRunsConverted = capture.runs.size();
    m_measured.source = m_simBoard ? tr("simulated board on %1").arg(m_session->settings().portName) : capture.source;
    if (capture.board) {
        m_measured.boardName = capture.board->boardName;
        m_measured.tickHz = capture.board->tickHz;
        m_measured.cpuHz = capture.board->cpuHz;
    }
    if (!warnings.isEmpty() && !m_liveWarningShown) {
        m_liveWarningShown = true; // once per connection: a wrong model would repeat it on every run
        showConversionWarnings(tr("Board on %1").arg(m_session->settings().portName), warnings);
    }
    // The statistics run over every run so far (about 40 ms for 100 operators x 10,000 runs): once they take
    // longer than a fifth of the update interval, updates space out so that the window stays responsive.
    QElapsedTimer timer;
    timer.start();
    recomputeLatency();
    const auto spent = static_cast<int>(std::min<qint64>(timer.elapsed(), kMaxLatencyUpdateMs));
    m_latencyTimer->setInterval(std::clamp(5 * spent, kLatencyUpdateMs, kMaxLatencyUpdateMs));
}

void MainWindow::recomputeLatency()
{
    const int operators = profiledOperatorCount();
    if (operators == 0 || m_measured.runs.empty()) {
        applyLatency(nullptr);
        return;
    }
    applyLatency(std::make_shared<const Profiler::LatencyProfile>(
        Profiler::computeLatency(m_measured, operators, profiledMacs())));
}

void MainWindow::applyLatency(Profiler::LatencyProfilePtr profile)
{
    // A new measurement (nothing shown before) switches the timeline to measured time; later updates keep whatever
    // axis the user chose since.
    const bool first = !m_latency && profile;
    m_latency = std::move(profile);
    if (first)
        m_timeline->setTimeAxis(Widgets::TimelineAxis::MeasuredTime);
    m_graph->setLatency(m_latency);
    m_table->setLatency(m_latency);
    m_timeline->setLatency(m_latency);
    m_properties->setLatency(m_latency);
    if (m_latency) {
        const Profiler::LatencyProfile& p = *m_latency;
        const double total = std::isnan(p.runTotalMedianTicks) ? p.totalMedianTicks : p.runTotalMedianTicks;
        const QString time = p.hasTime() ? tr("%1 ms").arg(p.ticksToMs(total), 0, 'f', 2)
                                         : tr("%1 ticks").arg(QLocale().toString(total, 'f', 0));
        m_latencySummary->setText(tr("measured: %1 per run (median of %2 runs)").arg(time).arg(p.runsUsed));
        m_latencySummary->setToolTip(p.source);
    } else {
        m_latencySummary->clear();
        m_latencySummary->setToolTip(QString());
    }
    updateProfilingActions();
    Q_EMIT latencyChanged();
}

void MainWindow::showConversionWarnings(const QString& what, const QStringList& warnings)
{
    if (warnings.isEmpty())
        return;
    QStringList shown = warnings.mid(0, kMaxBannerWarnings);
    QString text = tr("%1: %2").arg(what, shown.join(QStringLiteral("; ")));
    if (warnings.size() > kMaxBannerWarnings)
        text += tr(" (and %1 more)").arg(warnings.size() - kMaxBannerWarnings);
    m_banner->showMessage(Widgets::MessageBanner::Severity::Warning, text, warnings.join(QLatin1Char('\n')));
}

void MainWindow::dropSimulatedBoard()
{
    m_autoStartRuns.reset();
    delete m_simBoard.data(); // the session was disconnected first: nobody reads the pseudo-terminal any more
}

bool MainWindow::connectSimulatedBoard(quint32 runs)
{
    if (profiledOperatorCount() == 0) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
            tr("Open a model first: the simulated board runs the layers of the open model."));
        return false;
    }
    m_session->disconnectFromBoard();
    dropSimulatedBoard();

    // The board chosen in the board-fit panel sets the clock, so the simulation matches the verdict shown beside it.
    std::optional<Devices::BoardProfile> profile;
    if (const Devices::BoardProfile* chosen = m_boardFit->currentBoard())
        profile = *chosen;
    if (!profile) {
        auto found = BoardSim::findBoardProfile(BoardSim::defaultSimulatedBoardId());
        if (!found) {
            m_banner->showMessage(
                Widgets::MessageBanner::Severity::Error, tr("Cannot start the simulated board: %1").arg(found.error));
            return false;
        }
        profile = std::move(*found.value);
    }
    const auto fingerprint = modelFingerprint();
    const Devices::SimulatedBoardConfig config
        = BoardSim::makeSimulatedBoardConfig(*m_document, fingerprint ? fingerprint->second : 0, *profile);

    auto* board = new Devices::SimulatedBoard(config, this);
    if (!board->open()) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
            tr("Cannot start the simulated board: %1").arg(board->errorText()));
        delete board;
        return false;
    }
    m_simBoard = board;
    m_profilingDock->show();
    m_profilingDock->raise();
    m_profilingPanel->setPortName(board->slavePath());
    m_autoStartRuns = runs;
    m_profilingPanel->connectToBoard();
    updateProfilingActions();
    return true;
}

bool MainWindow::importTflmLog(const QString& path)
{
    if (profiledOperatorCount() == 0) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
            tr("%1: open a model first; the log's events are mapped onto its operators").arg(path));
        return false;
    }
    std::vector<QString> types;
    for (const Profiler::Operator& op : m_document->model.subgraphs[0].operators)
        types.push_back(op.type);
    const LatencySources::FileConversion result = LatencySources::fromTflmLogFile(path, types);
    if (!result.ok()) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error, result.error);
        return false;
    }
    m_latencyTimer->stop();
    m_showLive = false;
    m_measured = result.value->session;
    m_banner->dismiss();
    recomputeLatency();
    showConversionWarnings(QFileInfo(path).fileName(), result.value->warnings);
    if (m_session->state() != Devices::SessionState::Disconnected)
        m_profilingPanel->setNote(tr("Showing %1. Runs from the board are still recorded; Clear Measurements shows "
                                     "live runs again.")
                                      .arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Imported %1 runs from %2").arg(m_measured.runs.size()).arg(path), 5000);
    return true;
}

bool MainWindow::openSession(const QString& path)
{
    if (profiledOperatorCount() == 0) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
            tr("%1: open a model first; the session's layers are mapped onto its operators").arg(path));
        return false;
    }
    const LatencySources::FileConversion result = LatencySources::fromSessionFile(path, profiledOperatorCount());
    if (!result.ok()) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error, result.error);
        return false;
    }
    m_latencyTimer->stop();
    m_showLive = false;
    m_measured = result.value->session;
    m_banner->dismiss();
    recomputeLatency();
    QStringList warnings = result.value->warnings;
    const auto fingerprint = modelFingerprint();
    if (fingerprint && !result.value->modelSha256.isEmpty()
        && result.value->modelSha256.compare(fingerprint->first, Qt::CaseInsensitive) != 0) {
        warnings.prepend(tr("it was recorded for another model (SHA-256 %1...); latencies are mapped by layer index")
                             .arg(result.value->modelSha256.left(12)));
    }
    showConversionWarnings(QFileInfo(path).fileName(), warnings);
    if (m_session->state() != Devices::SessionState::Disconnected)
        m_profilingPanel->setNote(tr("Showing %1. Runs from the board are still recorded; Clear Measurements shows "
                                     "live runs again.")
                                      .arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Opened %1 runs from %2").arg(m_measured.runs.size()).arg(path), 5000);
    return true;
}

bool MainWindow::compareWith(const QString& path)
{
    const int operators = profiledOperatorCount();
    if (operators == 0 || !m_latency || m_latency->measuredLayers() == 0) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error,
            tr("%1: nothing to compare it with yet; connect a board, import a TFLM log or open a session first")
                .arg(path));
        return false;
    }
    LatencySources::FileConversion result;
    if (LatencySources::isSessionFile(path)) {
        result = LatencySources::fromSessionFile(path, operators);
    } else {
        std::vector<QString> types;
        for (const Profiler::Operator& op : m_document->model.subgraphs[0].operators)
            types.push_back(op.type);
        result = LatencySources::fromTflmLogFile(path, types);
    }
    if (!result.ok()) {
        m_banner->showMessage(Widgets::MessageBanner::Severity::Error, result.error);
        return false;
    }
    const Profiler::LatencyProfile other = Profiler::computeLatency(result.value->session, operators, profiledMacs());
    const Profiler::LatencyComparison comparison = Profiler::compareLatency(*m_latency, other);
    m_comparison->setComparison(comparison, m_document, 0, m_latency->source, other.source);
    m_comparisonDock->show();
    m_comparisonDock->raise();
    QStringList warnings = result.value->warnings;
    for (const QString& w : comparison.warnings)
        warnings.append(w);
    if (!warnings.isEmpty())
        showConversionWarnings(tr("Comparison with %1").arg(QFileInfo(path).fileName()), warnings);
    else
        m_banner->dismiss();
    return true;
}

void MainWindow::clearMeasurements()
{
    m_latencyTimer->stop();
    m_session->clearCapture();
    m_measured = {};
    m_liveRunsConverted = 0;
    m_liveWarningShown = false;
    m_showLive = true;
    m_latencyTimer->setInterval(kLatencyUpdateMs);
    m_comparison->clear();
    m_comparisonDock->hide();
    m_profilingPanel->setNote(QString());
    m_profilingPanel->refresh();
    applyLatency(nullptr);
}
