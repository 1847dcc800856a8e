// SPDX-License-Identifier: GPL-3.0-or-later
// The whole pipeline and the desktop window at scale, one row per model: file size, load + verify, analysis, TFLM
// plan, best plan, reordering (with its time budget), layout, then in a real MainWindow on the offscreen platform
// the time from the open request to the first completed paint of the graph, the longest stall of the GUI thread
// meanwhile, pan and zoom frame times, and the resident memory with the model shown. Figures only: nothing here
// asserts a time.
//
//   bench_gui [--runs N] [--frames N] [--size WxH] [--graph-only] [--gui-only] [--ops N ...] [model.tflite ...]
//
// --gui-only leaves out the pipeline columns (each step timed on its own), for quick runs on the window alone.
// --graph-only measures a bare GraphView given a document without memory plans instead of the whole window: the
// graph's own share of the first paint and of the memory.
// Default: generated DNN-like models of 1k, 10k and 50k operators (bench/dnngenerator) and a few shared models. Every
// model is measured in a child process of its own (bench_gui --child MODEL), so that the memory figures are those of
// one window with one model, not of everything measured before it.
#include "dnngenerator.h"
#include "mainwindow.h"
#include "modelloader.h"

#include "analysis/layeranalysis.h"
#include "graphscene.h"
#include "graphview.h"
#include "layout/graphlayout.h"
#include "memory/arenamodel.h"
#include "memory/arenaplanners.h"
#include "memory/reorder.h"
#include "tflite/tfliteloader.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Profiler;

namespace {

constexpr char kResultTag[] = "BENCH_GUI_RESULT ";

double msSince(const QElapsedTimer& t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

/** A value of /proc/self/status in MB (VmRSS: now, VmHWM: peak), or -1. */
double statusMb(const char* key)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(key) + ':';
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return -1;
}

/** Peak resident set size in MB: VmHWM, which starts afresh with each program (getrusage's ru_maxrss would carry the
 *  parent's peak over into a child that exec'd). */
double peakRssMb()
{
    const double hwm = statusMb("VmHWM");
    if (hwm >= 0)
        return hwm;
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024;
}

struct Stats
{
    double median = 0;
    double worst = 0;
};

Stats stats(std::vector<double> v)
{
    if (v.empty())
        return {};
    std::sort(v.begin(), v.end());
    return { v[v.size() / 2], v.back() };
}

/** Runs `step` up to `runs` times (fewer once a run takes over a second) and returns the median time in ms. */
template <typename F> double timed(int runs, F step)
{
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer t;
        t.start();
        step();
        times.push_back(msSince(t));
        if (times.back() > 1000)
            break;
    }
    return stats(times).median;
}

/** Runs the event loop until `done` or `timeoutMs`; false on timeout. Sleeps in the event loop between checks, so
 *  that waiting takes no CPU from the loader's worker thread. */
template <typename F> bool waitFor(F done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(2);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || t.elapsed() > timeoutMs)
            loop.quit();
    });
    poll.start();
    if (!done())
        loop.exec();
    return done();
}

/** Sees the first paint event of the graph viewport after it is armed and lets it complete inside the filter, so
 *  that the time taken afterwards is that of a finished frame, not of one about to start. */
class FirstPaintWatcher : public QObject
{
public:
    explicit FirstPaintWatcher(QWidget* viewport)
        : m_viewport(viewport)
    {
        m_viewport->installEventFilter(this);
    }
    void arm() { m_armed = true; }
    bool painted() const { return m_painted; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched != m_viewport || event->type() != QEvent::Paint || !m_armed || m_painted)
            return false;
        // Deliver it to the view now (through the filters after this one), then note that the frame is done.
        m_viewport->removeEventFilter(this);
        QCoreApplication::sendEvent(m_viewport, event);
        m_painted = true;
        return true;
    }

private:
    QWidget* m_viewport;
    bool m_armed = false;
    bool m_painted = false;
};

/** Measures one model in this process: the window first (so that its memory is not inflated by the pipeline's
 *  timing runs), then each pipeline step on its own. Prints one result line of JSON. */
int runChild(const QString& path, int runs, int frames, const QSize& windowSize, bool graphOnly, bool skipPipeline)
{
    const bool verbose = qEnvironmentVariableIntValue("BENCH_GUI_VERBOSE") != 0;
    QJsonObject out;
    out[QStringLiteral("path")] = path;
    out[QStringLiteral("bytes")] = static_cast<double>(QFileInfo(path).size());

    // The real window, or (--graph-only) a bare graph view given a document without memory plans: the view's own
    // share of the first paint, without the loader and the other views.
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<Widgets::GraphView> bareView;
    QWidget* top = nullptr;
    Widgets::GraphView* graph = nullptr;
    if (graphOnly) {
        bareView = std::make_unique<Widgets::GraphView>();
        top = bareView.get();
        graph = bareView.get();
    } else {
        window = std::make_unique<MainWindow>();
        top = window.get();
        graph = window->graphView();
    }
    top->resize(windowSize);
    top->show();
    if (!waitFor([top] { return top->windowHandle() && top->windowHandle()->isExposed(); }, 10000)) {
        std::fprintf(stderr, "%s: the window was never exposed\n", qPrintable(path));
        return 2;
    }
    QCoreApplication::processEvents();
    QGraphicsView* canvas = graph->canvas();
    QWidget* viewport = canvas->viewport();

    ModelDocumentPtr graphDocument;
    if (graphOnly) {
        auto loaded = loadTfliteFile(path);
        if (!loaded.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(loaded.error().userMessage));
            return 2;
        }
        auto doc = std::make_shared<ModelDocument>();
        doc->model = std::move(loaded).value();
        for (int s = 0; s < static_cast<int>(doc->model.subgraphs.size()); ++s) {
            doc->analyses.push_back(analyzeModel(doc->model, s));
            doc->graphs.push_back(layoutModelGraph(doc->model, s));
        }
        graphDocument = doc;
        out[QStringLiteral("rssBeforeViewMb")] = statusMb("VmRSS");
    }

    // The longest the GUI thread went without running a 5 ms timer while the model was opening: what a user
    // would feel as a frozen window.
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = 0;
    qint64 longestStall = 0;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, &ticker, [&] {
        const qint64 now = clock.nsecsElapsed();
        longestStall = std::max(longestStall, now - lastTick);
        lastTick = now;
    });

    FirstPaintWatcher watcher(viewport);
    bool failed = false;
    double shownMs = 0;
    if (window) {
        QObject::connect(window.get(), &MainWindow::documentShown, window.get(), [&] {
            shownMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
            watcher.arm();
        });
        QObject::connect(
            window->loader(), &ModelLoader::loadingFailed, window.get(), [&](const QString&, const QString& m) {
                std::fprintf(stderr, "%s\n", qPrintable(m));
                failed = true;
            });
    }
    clock.restart();
    lastTick = 0;
    ticker.start();
    if (window) {
        window->openModel(path);
    } else {
        graph->setDocument(graphDocument);
        shownMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        watcher.arm();
    }
    if (!waitFor([&] { return watcher.painted() || failed; }, 600000) || failed) {
        std::fprintf(stderr, "%s: the graph was never painted\n", qPrintable(path));
        return 2;
    }
    const double firstPaintMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    ticker.stop();
    out[QStringLiteral("documentShownMs")] = shownMs;
    out[QStringLiteral("firstPaintMs")] = firstPaintMs;
    out[QStringLiteral("longestStallMs")] = static_cast<double>(longestStall) / 1e6;
    out[QStringLiteral("sceneBuildMs")] = graph->graphScene()->buildMilliseconds();
    out[QStringLiteral("nodes")] = static_cast<double>(graph->graphScene()->nodeItems().size());
    if (const ModelDocumentPtr shownDocument = graph->document();
        shownDocument && !shownDocument->model.subgraphs.empty())
        out[QStringLiteral("operators")] = static_cast<double>(shownDocument->model.subgraphs[0].operators.size());
    out[QStringLiteral("initialZoom")] = graph->zoom();
    out[QStringLiteral("fitZoom")] = graph->fitZoom();
    QCoreApplication::processEvents();

    out[QStringLiteral("rssMb")] = statusMb("VmRSS");
    out[QStringLiteral("peakRssMb")] = peakRssMb();

    {
        std::vector<double> grabs;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            const QPixmap pixmap = viewport->grab();
            grabs.push_back(msSince(t));
            Q_UNUSED(pixmap);
        }
        out[QStringLiteral("grabMs")] = stats(grabs).median;
    }

    // Pan: scroll by a few pixels per frame, as a drag does, and paint the whole viewport each time.
    const auto pan = [&](int step) {
        std::vector<double> times;
        QScrollBar* bar = canvas->verticalScrollBar();
        int direction = 1;
        for (int f = 0; f < frames; ++f) {
            if (bar->value() + direction * step > bar->maximum() || bar->value() + direction * step < bar->minimum())
                direction = -direction;
            QElapsedTimer t;
            t.start();
            bar->setValue(bar->value() + direction * step);
            viewport->repaint();
            times.push_back(msSince(t));
        }
        return stats(times);
    };
    const int panStep = 24;
    const Stats panInitial = pan(panStep);
    out[QStringLiteral("panMedianMs")] = panInitial.median;
    out[QStringLiteral("panWorstMs")] = panInitial.worst;

    // Zoom: from the initial zoom out to the whole graph and back in, in equal ratios, a frame per step.
    const double from = graph->zoom();
    const double to = std::min(from, graph->fitZoom());
    std::vector<double> zoomTimes;
    const int half = std::max(1, frames / 2);
    for (int f = 0; f < frames; ++f) {
        const int k = f < half ? f + 1 : frames - f - 1;
        const double z = from * std::pow(to / from, static_cast<double>(k) / half);
        QElapsedTimer t;
        t.start();
        graph->setZoom(z);
        viewport->repaint();
        zoomTimes.push_back(msSince(t));
        if (verbose)
            std::fprintf(stderr, "zoom frame %d: %.4f %% %.2f ms\n", f, graph->zoom() * 100, zoomTimes.back());
    }
    const Stats zoom = stats(zoomTimes);
    out[QStringLiteral("zoomMedianMs")] = zoom.median;
    out[QStringLiteral("zoomWorstMs")] = zoom.worst;

    // Pan again, zoomed out to where every node is a small box: the most items a frame can hold.
    graph->fitToView();
    graph->setZoom(std::max(graph->fitZoom(), 0.1));
    const Stats panFar = pan(panStep);
    out[QStringLiteral("farZoom")] = graph->zoom();
    out[QStringLiteral("panFarMedianMs")] = panFar.median;
    out[QStringLiteral("panFarWorstMs")] = panFar.worst;
    graph->fitToView();
    const Stats panFit = pan(panStep);
    out[QStringLiteral("panFitMedianMs")] = panFit.median;
    out[QStringLiteral("panFitWorstMs")] = panFit.worst;
    out[QStringLiteral("peakRssAfterFramesMb")] = peakRssMb();

    if (skipPipeline) {
        std::printf("%s%s\n", kResultTag, QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    // The pipeline, step by step (what the loader's worker thread runs).
    const Profiler::Result<Model> loaded = loadTfliteFile(path);
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(loaded.error().userMessage));
        return 2;
    }
    const Model& model = loaded.value();
    const int subgraphs = static_cast<int>(model.subgraphs.size());
    out[QStringLiteral("operators")]
        = model.subgraphs.empty() ? 0.0 : static_cast<double>(model.subgraphs[0].operators.size());
    out[QStringLiteral("loadMs")] = timed(runs, [&path] { (void)loadTfliteFile(path); });
    out[QStringLiteral("analysisMs")] = timed(runs, [&] {
        for (int s = 0; s < subgraphs; ++s)
            (void)analyzeModel(model, s);
    });
    MemoryProblem problem;
    out[QStringLiteral("tflmPlanMs")] = timed(runs, [&] {
        problem = buildTflmProblem(model);
        (void)planTflmGreedy(problem);
    });
    out[QStringLiteral("bestPlanMs")] = timed(runs, [&] { (void)planBest(problem); });
    const ReorderOptions reorderOptions;
    ReorderResult reorder;
    out[QStringLiteral("reorderMs")]
        = timed(std::min(runs, 3), [&] { reorder = reorderOperators(model, 0, reorderOptions); });
    out[QStringLiteral("reorderBudgetMs")] = reorderOptions.timeBudgetMs;
    out[QStringLiteral("reorderExact")] = reorder.exact;
    out[QStringLiteral("layoutMs")] = timed(runs, [&] {
        for (int s = 0; s < subgraphs; ++s)
            (void)layoutModelGraph(model, s);
    });
    std::printf("%s%s\n", kResultTag, QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return 0;
}

QString fmt(double v, int decimals)
{
    return QString::number(v, 'f', decimals);
}

/** Milliseconds with a precision that suits their size. */
QString ms(double v)
{
    return v < 10 ? fmt(v, 2) : v < 100 ? fmt(v, 1) : fmt(v, 0);
}

QString sizeText(double bytes)
{
    if (bytes >= 1024 * 1024)
        return fmt(bytes / (1024 * 1024), 1) + QStringLiteral(" MB");
    return fmt(bytes / 1024, 0) + QStringLiteral(" KB");
}

struct Input
{
    QString name;
    QString path;
};

} // namespace

int main(int argc, char** argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const bool child = args.value(0) == QLatin1String("--child");
    if (child && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int runs = 5;
    int frames = 60;
    bool graphOnly = false;
    bool skipPipeline = false;
    QSize windowSize(1600, 1000);
    std::vector<int> sizes;
    QStringList paths;
    for (int i = child ? 2 : 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--runs") && i + 1 < args.size()) {
            runs = std::max(1, args[++i].toInt());
        } else if (args[i] == QLatin1String("--frames") && i + 1 < args.size()) {
            frames = std::max(2, args[++i].toInt());
        } else if (args[i] == QLatin1String("--size") && i + 1 < args.size()) {
            const QStringList wh = args[++i].split(QLatin1Char('x'));
            windowSize = QSize(wh.value(0).toInt(), wh.value(1).toInt()).expandedTo(QSize(400, 300));
        } else if (args[i] == QLatin1String("--graph-only")) {
            graphOnly = true;
        } else if (args[i] == QLatin1String("--gui-only")) {
            skipPipeline = true;
        } else if (args[i] == QLatin1String("--ops") && i + 1 < args.size()) {
            sizes.push_back(std::max(4, args[++i].toInt()));
        } else if (args[i].startsWith(QLatin1String("--"))) {
            std::fprintf(stderr, "unknown option %s\n", qPrintable(args[i]));
            return 2;
        } else {
            paths << args[i];
        }
    }

    if (child) {
        QApplication app(argc, argv);
        // Settings and session files of the benchmark go to the test locations, never the user's.
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("TinyScopeBench"));
        QApplication::setApplicationName(QStringLiteral("bench_gui"));
        return runChild(args.value(1), runs, frames, windowSize, graphOnly, skipPipeline);
    }

    QCoreApplication app(argc, argv);
    if (sizes.empty() && paths.isEmpty()) {
        sizes = { 1000, 10000, 50000 };
        const QDir shared(QStringLiteral(TINYSCOPE_SHARED_MODELS));
        for (const char* name : { "mlperf_tiny_vww_mobilenet_v1_025_int8.tflite",
                 "coral_mobilenet_v2_100_224_uint8.tflite", "nxp_yolo_face_detect_int8.tflite",
                 "coral_ssd_lstm_traffic_uint8.tflite", "tfs_yamnet_audio_classifier.tflite" }) {
            const QString path = shared.filePath(QString::fromLatin1(name));
            if (QFileInfo::exists(path))
                paths << path;
            else
                std::fprintf(stderr, "skipping %s: not found\n", qPrintable(path));
        }
    }
    QTemporaryDir temp;
    if (!sizes.empty() && !temp.isValid()) {
        std::fprintf(stderr, "cannot create a temporary folder for the generated models\n");
        return 2;
    }
    std::vector<Input> inputs;
    for (int n : sizes) {
        const QString name = n % 1000 == 0 ? QStringLiteral("dnn-%1k").arg(n / 1000) : QStringLiteral("dnn-%1").arg(n);
        const QString path = temp.filePath(name + QStringLiteral(".tflite"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(Bench::generateDnnModel(n, 1)) <= 0) {
            std::fprintf(stderr, "%s: cannot write the generated model\n", qPrintable(path));
            return 2;
        }
        inputs.push_back({ name, path });
    }
    for (const QString& path : std::as_const(paths))
        inputs.push_back({ QFileInfo(path).completeBaseName(), path });

    std::printf("Window %dx%d, offscreen; pipeline steps: median of up to %d runs; frames: %d per measurement.\n\n",
        windowSize.width(), windowSize.height(), runs, frames);
    std::printf("| model | ops | file | load+verify ms | analysis ms | TFLM plan ms | best plan ms | reorder ms "
                "(budget) | layout ms | first paint ms | longest stall ms | pan ms median/worst | zoom ms "
                "median/worst | RSS MB | peak RSS MB |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::fflush(stdout);
    std::vector<QJsonObject> results;
    for (const Input& in : inputs) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList childArgs { QStringLiteral("--child"), in.path, QStringLiteral("--runs"), QString::number(runs),
            QStringLiteral("--frames"), QString::number(frames), QStringLiteral("--size"),
            QStringLiteral("%1x%2").arg(windowSize.width()).arg(windowSize.height()) };
        if (graphOnly)
            childArgs << QStringLiteral("--graph-only");
        if (skipPipeline)
            childArgs << QStringLiteral("--gui-only");
        process.start(QCoreApplication::applicationFilePath(), childArgs);
        if (!process.waitForFinished(30 * 60 * 1000) || process.exitStatus() != QProcess::NormalExit) {
            std::printf("| %s | failed: %s |\n", qPrintable(in.name), qPrintable(process.errorString()));
            continue;
        }
        QJsonObject r;
        for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
            if (line.startsWith(kResultTag))
                r = QJsonDocument::fromJson(line.mid(static_cast<int>(sizeof(kResultTag) - 1))).object();
        }
        if (r.isEmpty()) {
            std::printf("| %s | failed (exit code %d) |\n", qPrintable(in.name), process.exitCode());
            continue;
        }
        const auto v = [&r](const char* key) { return r.value(QLatin1String(key)).toDouble(); };
        // --gui-only: the pipeline columns stay empty.
        const auto step = [&r](const char* key) {
            return r.contains(QLatin1String(key)) ? ms(r.value(QLatin1String(key)).toDouble()) : QStringLiteral("-");
        };
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %s (%s%s) | %s | %s | %s | %s / %s | %s / %s | %s | %s |\n",
            qPrintable(in.name), qPrintable(QString::number(v("operators"))), qPrintable(sizeText(v("bytes"))),
            qPrintable(step("loadMs")), qPrintable(step("analysisMs")), qPrintable(step("tflmPlanMs")),
            qPrintable(step("bestPlanMs")), qPrintable(step("reorderMs")), qPrintable(step("reorderBudgetMs")),
            r.value(QLatin1String("reorderExact")).toBool() ? ", exact" : "", qPrintable(step("layoutMs")),
            qPrintable(ms(v("firstPaintMs"))), qPrintable(ms(v("longestStallMs"))), qPrintable(ms(v("panMedianMs"))),
            qPrintable(ms(v("panWorstMs"))), qPrintable(ms(v("zoomMedianMs"))), qPrintable(ms(v("zoomWorstMs"))),
            qPrintable(fmt(v("rssMb"), 0)), qPrintable(fmt(v("peakRssMb"), 0)));
        std::fflush(stdout);
        r[QStringLiteral("name")] = in.name;
        results.push_back(r);
    }

    std::printf("\nDetails per model: document shown (worker done + views set), graph scene build, one grab() of the "
                "viewport, the initial and fit zoom, pan frames zoomed out (boxes) and at fit, peak RSS after all "
                "frames.\n\n");
    std::printf("| model | nodes | shown ms | scene build ms | grab ms | initial zoom | fit zoom | pan at %s ms "
                "median/worst | pan at fit ms median/worst | peak RSS after frames MB |\n",
        "max(fit, 10 %)");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const QJsonObject& r : results) {
        const auto v = [&r](const char* key) { return r.value(QLatin1String(key)).toDouble(); };
        std::printf("| %s | %s | %s | %s | %s | %s %% | %s %% | %s / %s | %s / %s | %s |\n",
            qPrintable(r.value(QLatin1String("name")).toString()), qPrintable(QString::number(v("nodes"))),
            qPrintable(ms(v("documentShownMs"))), qPrintable(ms(v("sceneBuildMs"))), qPrintable(ms(v("grabMs"))),
            qPrintable(fmt(v("initialZoom") * 100, 1)), qPrintable(fmt(v("fitZoom") * 100, 2)),
            qPrintable(ms(v("panFarMedianMs"))), qPrintable(ms(v("panFarWorstMs"))),
            qPrintable(ms(v("panFitMedianMs"))), qPrintable(ms(v("panFitWorstMs"))),
            qPrintable(fmt(v("peakRssAfterFramesMb"), 0)));
    }
    return 0;
}
