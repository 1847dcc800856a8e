// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "modelloader.h"

#include "arenamap.h"
#include "boardfitpanel.h"
#include "graphview.h"
#include "layertableview.h"
#include "memorytimeline.h"
#include "messagebanner.h"
#include "propertiespanel.h"
#include "selectionhub.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
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
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QToolBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

constexpr int kMaxRecentFiles = 10;

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
}

MainWindow::~MainWindow() = default;

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

    m_viewMenu = new QMenu(tr("&View"), this);
    for (QDockWidget* dock : { layersDock, memoryDock, propertiesDock, boardDock })
        m_viewMenu->addAction(dock->toggleViewAction());

    m_summary = new QLabel(this);
    statusBar()->addWidget(m_summary, 1);
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
    m_document = std::move(document);
    m_path = path;
    m_hub->clear();
    m_hub->selectSubgraph(0);
    m_graph->setDocument(m_document);
    m_table->setDocument(m_document);
    m_properties->setDocument(m_document);
    m_timeline->setDocument(m_document);
    m_arenaMap->setDocument(m_document);
    m_boardFit->setDocument(m_document);
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

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files)
        m_recentMenu->addAction(QFileInfo(f).fileName(), this, [this, f] { openModel(f); })->setToolTip(f);
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
