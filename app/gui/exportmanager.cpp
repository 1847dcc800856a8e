// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportmanager.h"

#include "mainwindow.h"

#include "arenamap.h"
#include "boardfitpanel.h"
#include "graphscene.h"
#include "graphview.h"
#include "imageexport.h"
#include "layertableview.h"
#include "memorytimeline.h"
#include "messagebanner.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"

#include "htmlreport.h"
#include "layerexport.h"
#include "modelexplorerjson.h"
#include "reportfiles.h"
#include "reportinput.h"

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>
#include <cmath>

namespace {

/** The graph image embedded in an HTML report: a readable overview, not a poster. */
constexpr qint64 kReportGraphPixels = 12'000'000;

struct KindInfo
{
    ExportManager::Kind kind;
    const char* label; ///< menu text
    const char* suffix; ///< file suffix; empty for a folder
    const char* fileStem; ///< "-graph" etc. after the model's base name
    const char* filter; ///< file dialog filter
};

const KindInfo kKinds[] = {
    { ExportManager::Kind::GraphPng, QT_TRANSLATE_NOOP("ExportManager", "Graph as &PNG..."), "png", "-graph",
        QT_TRANSLATE_NOOP("ExportManager", "PNG images (*.png)") },
    { ExportManager::Kind::GraphSvg, QT_TRANSLATE_NOOP("ExportManager", "Graph as &SVG..."), "svg", "-graph",
        QT_TRANSLATE_NOOP("ExportManager", "SVG images (*.svg)") },
    { ExportManager::Kind::TimelinePng, QT_TRANSLATE_NOOP("ExportManager", "Memory Timeline as PNG..."), "png",
        "-timeline", QT_TRANSLATE_NOOP("ExportManager", "PNG images (*.png)") },
    { ExportManager::Kind::TimelineSvg, QT_TRANSLATE_NOOP("ExportManager", "Memory Timeline as SVG..."), "svg",
        "-timeline", QT_TRANSLATE_NOOP("ExportManager", "SVG images (*.svg)") },
    { ExportManager::Kind::TimelinePdf, QT_TRANSLATE_NOOP("ExportManager", "Memory Timeline as PDF..."), "pdf",
        "-timeline", QT_TRANSLATE_NOOP("ExportManager", "PDF documents (*.pdf)") },
    { ExportManager::Kind::ArenaMapPng, QT_TRANSLATE_NOOP("ExportManager", "Arena Map as PNG..."), "png", "-arena-map",
        QT_TRANSLATE_NOOP("ExportManager", "PNG images (*.png)") },
    { ExportManager::Kind::ArenaMapSvg, QT_TRANSLATE_NOOP("ExportManager", "Arena Map as SVG..."), "svg", "-arena-map",
        QT_TRANSLATE_NOOP("ExportManager", "SVG images (*.svg)") },
    { ExportManager::Kind::ArenaMapPdf, QT_TRANSLATE_NOOP("ExportManager", "Arena Map as PDF..."), "pdf", "-arena-map",
        QT_TRANSLATE_NOOP("ExportManager", "PDF documents (*.pdf)") },
    { ExportManager::Kind::LayersCsv, QT_TRANSLATE_NOOP("ExportManager", "Layer Table as &CSV..."), "csv", "-layers",
        QT_TRANSLATE_NOOP("ExportManager", "CSV files (*.csv)") },
    { ExportManager::Kind::LayersJson, QT_TRANSLATE_NOOP("ExportManager", "Layer Table as &JSON..."), "json", "-layers",
        QT_TRANSLATE_NOOP("ExportManager", "JSON files (*.json)") },
    { ExportManager::Kind::SessionCsv, QT_TRANSLATE_NOOP("ExportManager", "Profiling &Session as CSV..."), "csv",
        "-session", QT_TRANSLATE_NOOP("ExportManager", "CSV files (*.csv)") },
    { ExportManager::Kind::ModelExplorer, QT_TRANSLATE_NOOP("ExportManager", "&Model Explorer Node Data..."), "",
        "-model-explorer", "" },
    { ExportManager::Kind::HtmlReport, QT_TRANSLATE_NOOP("ExportManager", "&HTML Report..."), "html", "-report",
        QT_TRANSLATE_NOOP("ExportManager", "HTML files (*.html)") },
};

const KindInfo& infoOf(ExportManager::Kind kind)
{
    for (const KindInfo& info : kKinds) {
        if (info.kind == kind)
            return info;
    }
    return kKinds[0];
}

bool isGraph(ExportManager::Kind kind)
{
    return kind == ExportManager::Kind::GraphPng || kind == ExportManager::Kind::GraphSvg;
}

bool isTimeline(ExportManager::Kind kind)
{
    return kind == ExportManager::Kind::TimelinePng || kind == ExportManager::Kind::TimelineSvg
        || kind == ExportManager::Kind::TimelinePdf;
}

bool isArenaMap(ExportManager::Kind kind)
{
    return kind == ExportManager::Kind::ArenaMapPng || kind == ExportManager::Kind::ArenaMapSvg
        || kind == ExportManager::Kind::ArenaMapPdf;
}

Widgets::ImageFormat imageFormatOf(ExportManager::Kind kind)
{
    return Widgets::imageFormatFromName(QLatin1String(infoOf(kind).suffix)).value_or(Widgets::ImageFormat::Png);
}

/** "0.5x (400 x 1 200 px)", and what a too-large scale is reduced to. */
QString scaleChoiceText(double scale, const QSizeF& sceneSize)
{
    const Widgets::GraphImagePlan plan = Widgets::planGraphImage(sceneSize, scale);
    QString text
        = ExportManager::tr("%1x (%2 x %3 px)").arg(scale, 0, 'g', 3).arg(plan.size.width()).arg(plan.size.height());
    if (plan.reduced)
        text += ExportManager::tr(", reduced to %1x to stay under %2 megapixels")
                    .arg(plan.scale, 0, 'g', 2)
                    .arg(static_cast<double>(Widgets::kMaxGraphPixels) / 1e6, 0, 'g', 3);
    return text;
}

} // namespace

ExportManager::ExportManager(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_menu(new QMenu(tr("&Export"), window))
{
    for (const KindInfo& info : kKinds) {
        auto* a = new QAction(tr(info.label), this);
        a->setObjectName(QStringLiteral("export") + QString::fromLatin1(info.fileStem) + QLatin1Char('-')
            + QString::fromLatin1(info.suffix));
        const Kind kind = info.kind;
        connect(a, &QAction::triggered, this, [this, kind] { exportInteractively(kind); });
        m_actions[kind] = a;
    }
    for (const Kind k : { Kind::GraphPng, Kind::GraphSvg })
        m_menu->addAction(action(k));
    m_menu->addSeparator();
    for (const Kind k : { Kind::TimelinePng, Kind::TimelineSvg, Kind::TimelinePdf })
        m_menu->addAction(action(k));
    m_menu->addSeparator();
    for (const Kind k : { Kind::ArenaMapPng, Kind::ArenaMapSvg, Kind::ArenaMapPdf })
        m_menu->addAction(action(k));
    m_menu->addSeparator();
    for (const Kind k : { Kind::LayersCsv, Kind::LayersJson, Kind::SessionCsv, Kind::ModelExplorer })
        m_menu->addAction(action(k));
    m_menu->addSeparator();
    m_menu->addAction(action(Kind::HtmlReport));

    // Context menus: each view offers its own exports (the layer table keeps its Copy first).
    const auto addTo = [this](QWidget* widget, std::initializer_list<Kind> kinds) {
        if (!widget)
            return;
        widget->setContextMenuPolicy(Qt::ActionsContextMenu);
        if (!widget->actions().isEmpty()) {
            auto* separator = new QAction(widget);
            separator->setSeparator(true);
            widget->addAction(separator);
        }
        for (const Kind k : kinds)
            widget->addAction(action(k));
    };
    addTo(window->graphView()->canvas(), { Kind::GraphPng, Kind::GraphSvg });
    addTo(window->memoryTimeline()->plot(), { Kind::TimelinePng, Kind::TimelineSvg, Kind::TimelinePdf });
    addTo(window->arenaMap()->plot(), { Kind::ArenaMapPng, Kind::ArenaMapSvg, Kind::ArenaMapPdf });
    addTo(window->layerTable()->tableView(), { Kind::LayersCsv, Kind::LayersJson });
    connect(window, &MainWindow::documentShown, this, &ExportManager::updateActions);
    connect(window, &MainWindow::latencyChanged, this, &ExportManager::updateActions);
    updateActions();
}

QAction* ExportManager::action(Kind kind) const
{
    const auto it = m_actions.find(kind);
    return it == m_actions.end() ? nullptr : it->second;
}

void ExportManager::updateActions()
{
    const bool haveModel = m_window->document() != nullptr;
    for (const auto& [kind, a] : m_actions)
        a->setEnabled(haveModel);
    action(Kind::SessionCsv)->setEnabled(haveModel && !m_window->measuredSession().runs.empty());
}

QString ExportManager::suggestedFileName(Kind kind, const QString& modelPath)
{
    QString base = QFileInfo(modelPath).completeBaseName();
    if (base.isEmpty())
        base = QStringLiteral("model");
    const KindInfo& info = infoOf(kind);
    QString name = base + QString::fromLatin1(info.fileStem);
    if (*info.suffix)
        name += QLatin1Char('.') + QString::fromLatin1(info.suffix);
    return name;
}

bool ExportManager::fail(const QString& path, const QString& what, const QString& reason)
{
    m_window->banner()->showMessage(
        Widgets::MessageBanner::Severity::Error, tr("%1: cannot export %2: %3").arg(path, what, reason));
    return false;
}

bool ExportManager::writeBytes(const QString& path, const QByteArray& data, const QString& what)
{
    QString error;
    if (!Report::writeFileAtomically(path, data, &error)) {
        m_window->banner()->showMessage(
            Widgets::MessageBanner::Severity::Error, tr("Cannot export %1: %2").arg(what, error));
        return false;
    }
    m_lastWritten << path;
    return true;
}

bool ExportManager::exportTo(Kind kind, const QString& path, double graphScale)
{
    m_lastWritten.clear();
    const Profiler::ModelDocumentPtr document = m_window->document();
    if (!document || document->analyses.empty())
        return fail(path, tr("anything"), tr("no model is open"));
    const Profiler::LatencyProfilePtr latency = m_window->latency();
    const QString modelPath = m_window->currentPath();

    if (isGraph(kind)) {
        Widgets::GraphScene* scene = m_window->graphView()->graphScene();
        const Widgets::ExportedImage image = Widgets::graphToImage(*scene, imageFormatOf(kind), graphScale);
        if (!image.ok())
            return fail(path, tr("the graph"), image.error);
        if (!writeBytes(path, image.data, tr("the graph")))
            return false;
        if (!image.note.isEmpty())
            m_window->banner()->showMessage(
                Widgets::MessageBanner::Severity::Information, tr("%1: %2").arg(path, image.note));
        return true;
    }
    if (isTimeline(kind) || isArenaMap(kind)) {
        Widgets::MemoryPlotWidget* widget = isTimeline(kind)
            ? static_cast<Widgets::MemoryPlotWidget*>(m_window->memoryTimeline())
            : static_cast<Widgets::MemoryPlotWidget*>(m_window->arenaMap());
        const QString what = isTimeline(kind) ? tr("the memory timeline") : tr("the arena map");
        Widgets::PlotImageOptions options;
        options.latency = latency;
        options.title = tr("%1 of %2, %3 plan")
                            .arg(isTimeline(kind) ? tr("Memory timeline") : tr("Arena map"),
                                QFileInfo(modelPath).fileName(), Widgets::planShortName(widget->plan()));
        const Widgets::ExportedImage image = Widgets::memoryPlotToImage(*widget, imageFormatOf(kind), options);
        if (!image.ok())
            return fail(path, what, image.error);
        return writeBytes(path, image.data, what);
    }

    const int subgraph
        = std::clamp(m_window->graphView()->subgraph(), 0, static_cast<int>(document->analyses.size()) - 1);
    const Profiler::ModelAnalysis& analysis = document->analyses[static_cast<std::size_t>(subgraph)];
    // Latency belongs to the subgraph it was measured on (the board's main graph).
    const Profiler::LatencyProfile* layerLatency = latency && latency->subgraph == subgraph ? latency.get() : nullptr;
    switch (kind) {
    case Kind::LayersCsv:
        return writeBytes(path, Report::layerTableCsv(document->model, analysis, layerLatency), tr("the layer table"));
    case Kind::LayersJson:
        return writeBytes(path,
            QJsonDocument(Report::layerTableJson(document->model, analysis, layerLatency))
                .toJson(QJsonDocument::Indented),
            tr("the layer table"));
    case Kind::SessionCsv: {
        const Profiler::MeasuredSession& session = m_window->measuredSession();
        const int profiled = latency ? latency->subgraph : 0;
        if (session.runs.empty() || static_cast<std::size_t>(profiled) >= document->model.subgraphs.size())
            return fail(path, tr("the profiling session"), tr("no runs were measured"));
        return writeBytes(path,
            Report::sessionCsv(session, document->model.subgraphs[static_cast<std::size_t>(profiled)],
                latency ? latency->warmupRun : -1),
            tr("the profiling session"));
    }
    case Kind::ModelExplorer: {
        if (!QDir().mkpath(path))
            return fail(path, tr("the Model Explorer node data"), tr("cannot create the folder"));
        QStringList written;
        for (const Report::NodeMetric metric : Report::availableNodeMetrics(layerLatency)) {
            const QString file = QDir(path).filePath(QLatin1String(Report::Files::kModelExplorerPrefix)
                + Report::nodeMetricKey(metric) + QStringLiteral(".json"));
            if (!writeBytes(file,
                    QJsonDocument(Report::modelExplorerNodeData(analysis, metric, layerLatency))
                        .toJson(QJsonDocument::Indented),
                    tr("the Model Explorer node data")))
                return false;
            written << file;
        }
        m_lastWritten = written;
        return true;
    }
    case Kind::HtmlReport: {
        Report::ReportInput input;
        input.document = document;
        input.subgraph = subgraph;
        input.modelSha256 = Report::sha256OfFile(modelPath);
        if (const Devices::BoardProfile* board = m_window->boardFitPanel()->currentBoard())
            input.boards.push_back(Report::judgeBoard(*document, *board));
        if (latency && !m_window->measuredSession().runs.empty()) {
            input.latency = latency;
            input.session = std::make_shared<const Profiler::MeasuredSession>(m_window->measuredSession());
        }
        input.generator = QStringLiteral("TinyScope ") + QCoreApplication::applicationVersion();
        input.generatedAt = QDateTime::currentDateTimeUtc();
        const Widgets::ExportedImage graph
            = Widgets::graphToPng(*m_window->graphView()->graphScene(), 1.0, kReportGraphPixels);
        if (graph.ok()) {
            input.graphImage = { graph.data, Widgets::imageMimeType(graph.format),
                tr("Subgraph %1 as shown in the graph view.%2")
                    .arg(m_window->graphView()->subgraph())
                    .arg(graph.note.isEmpty() ? QString() : QLatin1Char(' ') + graph.note) };
        }
        Widgets::PlotImageOptions options;
        options.latency = latency;
        options.title = tr("Memory timeline: %1 plan").arg(Widgets::planShortName(m_window->memoryTimeline()->plan()));
        const Widgets::ExportedImage timeline
            = Widgets::memoryPlotToImage(*m_window->memoryTimeline(), Widgets::ImageFormat::Png, options);
        if (timeline.ok()) {
            input.timelineImage = { timeline.data, Widgets::imageMimeType(timeline.format),
                tr("Live arena bytes per operator step, as the memory timeline shows them.") };
        }
        return writeBytes(path, Report::htmlReport(input), tr("the HTML report"));
    }
    default:
        break;
    }
    return fail(path, tr("this"), tr("unknown export"));
}

void ExportManager::exportInteractively(Kind kind)
{
    const Profiler::ModelDocumentPtr document = m_window->document();
    if (!document)
        return;
    double scale = 1;
    if (kind == Kind::GraphPng) {
        const QSizeF sceneSize = m_window->graphView()->graphScene()->sceneRect().size();
        QStringList items;
        for (const double s : Widgets::kGraphScales)
            items << scaleChoiceText(s, sceneSize);
        const int preferred = 3; // 2x: sharp on high-density screens and in print
        bool ok = false;
        const QString choice
            = QInputDialog::getItem(m_window, tr("Export Graph as PNG"), tr("Scale:"), items, preferred, false, &ok);
        if (!ok)
            return;
        scale = Widgets::kGraphScales[static_cast<std::size_t>(std::max<qsizetype>(items.indexOf(choice), 0))];
    }
    QSettings settings;
    const QString dirKey = QStringLiteral("export/lastDir");
    const QString dir = settings.value(dirKey, QDir::homePath()).toString();
    const KindInfo& info = infoOf(kind);
    QString path;
    if (kind == Kind::ModelExplorer) {
        path = QFileDialog::getExistingDirectory(m_window, tr("Folder for the Model Explorer Node Data"), dir);
    } else {
        path = QFileDialog::getSaveFileName(m_window,
            tr("Export %1").arg(tr(info.label).remove(QLatin1Char('&')).remove(QStringLiteral("..."))),
            QDir(dir).filePath(suggestedFileName(kind, m_window->currentPath())), tr(info.filter));
        if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
            path += QLatin1Char('.') + QString::fromLatin1(info.suffix);
    }
    if (path.isEmpty())
        return;
    settings.setValue(dirKey, kind == Kind::ModelExplorer ? path : QFileInfo(path).absolutePath());
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const bool ok = exportTo(kind, path, scale);
    QApplication::restoreOverrideCursor();
    if (ok) {
        m_window->statusBar()->showMessage(m_lastWritten.size() == 1
                ? tr("Exported %1").arg(m_lastWritten.constFirst())
                : tr("Exported %1 files to %2").arg(m_lastWritten.size()).arg(path),
            8000);
    }
}
