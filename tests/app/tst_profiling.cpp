// SPDX-License-Identifier: GPL-3.0-or-later
// Live profiling in the app: measurement sources turned into MeasuredSession (captures, TFLM logs in all three
// MicroProfiler formats, session files), and the real main window profiling the bundled example on an in-process
// simulated board over a real pseudo-terminal: live latencies in every view, TFLM log import, sessions, comparison,
// unplug, errors in the banner.
#include "latencysources.h"
#include "mainwindow.h"

#include "graphview.h"
#include "latencycomparisonview.h"
#include "layertablemodel.h"
#include "layertableview.h"
#include "memorytimeline.h"
#include "messagebanner.h"
#include "profilingpanel.h"
#include "propertiespanel.h"
#include "selectionhub.h"

#include "protocol/modelid.h"
#include "session/serialsession.h"
#include "session/sessionfile.h"
#include "sim/simulatedboard.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace LatencySources;

namespace {

constexpr int kLoadTimeoutMs = 30000;
constexpr int kRunsTimeoutMs = 60000; // generous: the machine is shared; nothing here asserts a duration

Devices::LayerSample sample(quint16 layer, std::optional<quint32> elapsed, quint32 begin = 0)
{
    Devices::LayerSample s;
    s.layerIndex = layer;
    s.beginTicks = begin;
    s.elapsedTicks = elapsed;
    return s;
}

Devices::CapturedRun run(quint32 index, std::vector<Devices::LayerSample> layers, std::optional<quint32> total,
    Devices::RunCut cut = Devices::RunCut::None)
{
    Devices::CapturedRun r;
    r.runIndex = index;
    r.layers = std::move(layers);
    r.totalTicks = total;
    r.cut = cut;
    return r;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    return f.write(bytes) == bytes.size();
}

/** Median of the values (what the statistics must give for an odd or even count). */
double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/** Operator type names of subgraph 0, in execution order. */
std::vector<QString> operatorTypes(const Profiler::ModelDocument& doc)
{
    std::vector<QString> types;
    for (const auto& op : doc.model.subgraphs[0].operators)
        types.push_back(op.type);
    return types;
}

std::vector<qint64> macsOf(const Profiler::ModelDocument& doc)
{
    std::vector<qint64> macs;
    for (const auto& layer : doc.analyses[0].layers)
        macs.push_back(layer.macs);
    return macs;
}

/** A CSV log (LogCsv() with the ms column) of `runs` runs of the given operators; ticks[r][i]. */
QByteArray csvLog(const std::vector<QString>& types, const std::vector<std::vector<quint32>>& ticks)
{
    QByteArray out = "boot: model ready\r\n";
    for (const auto& runTicks : ticks) {
        out += "\"Event\",\"Tag\",\"Ticks\",\"ms\"\r\n";
        for (std::size_t i = 0; i < types.size(); ++i)
            out += QStringLiteral("%1,%2,%3,0\r\n").arg(i).arg(types[i]).arg(runTicks[i]).toUtf8();
    }
    return out;
}

} // namespace

class TestProfiling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    // Pure conversions.
    void captureToMeasuredSession();
    void captureDropsOutOfRangeAndDuplicates();
    void tflmLogFormats_data();
    void tflmLogFormats();
    void tflmLogFileErrors();
    void sessionFileRoundTrip();
    void sessionFileErrors();

    // The panel on its own.
    void panelControls();

    // The window.
    void liveSimulatedBoard();
    void unplugKeepsCompletedRuns();
    void importTflmLogInWindow();
    void openSessionAndCompare();
    void missingPortGoesToBanner();
    void newModelClearsLatency();

private:
    /** A window showing the bundled example. */
    std::unique_ptr<MainWindow> openExampleWindow();
};

void TestProfiling::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and session files go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("TinyScopeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_profiling"));
    QDir(MainWindow::sessionDirectory()).removeRecursively(); // only this test's own folder
}

void TestProfiling::init()
{
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestProfiling::openExampleWindow()
{
    auto w = std::make_unique<MainWindow>();
    w->resize(1600, 1000);
    w->show();
    QSignalSpy shown(w.get(), &MainWindow::documentShown);
    w->openModel(MainWindow::exampleModelPath());
    if (!shown.wait(kLoadTimeoutMs))
        return nullptr;
    return w;
}

// ---- Conversions ----------------------------------------------------------------------------------------------------

void TestProfiling::captureToMeasuredSession()
{
    Devices::Capture capture;
    capture.source = QStringLiteral("serial /dev/ttyACM0");
    Devices::BoardIdentity board;
    board.boardName = QStringLiteral("bench board");
    board.cpuHz = 64'000'000;
    board.tickHz = 1'000'000;
    capture.board = board;
    capture.runs.push_back(run(7, { sample(0, 100), sample(1, 200), sample(2, 300) }, 640));
    // Cut by an unplug inside layer 1: layer 2 never began, layer 1 never ended.
    capture.runs.push_back(
        run(8, { sample(0, 110), sample(1, std::nullopt) }, std::nullopt, Devices::RunCut::Disconnected));

    const Conversion c = fromCapture(capture, 3);
    QVERIFY2(c.warnings.isEmpty(), qPrintable(c.warnings.join(QLatin1Char('\n'))));
    const Profiler::MeasuredSession& s = c.session;
    QCOMPARE(s.source, capture.source);
    QCOMPARE(s.boardName, QStringLiteral("bench board"));
    QCOMPARE(s.tickHz, 1'000'000.0);
    QCOMPARE(s.cpuHz, 64'000'000.0);
    QCOMPARE(s.runs.size(), std::size_t(2));

    const Profiler::MeasuredRun& a = s.runs[0];
    QCOMPARE(a.runIndex, 7);
    QVERIFY(a.complete);
    QCOMPARE(a.reportedTotalTicks, std::optional<quint64>(640));
    QCOMPARE(a.ticks.size(), std::size_t(3));
    QCOMPARE(a.ticks[0], std::optional<quint32>(100));
    QCOMPARE(a.ticks[1], std::optional<quint32>(200));
    QCOMPARE(a.ticks[2], std::optional<quint32>(300));
    QCOMPARE(a.neverEnded, std::vector<bool>({ false, false, false }));

    const Profiler::MeasuredRun& b = s.runs[1];
    QCOMPARE(b.runIndex, 8);
    QVERIFY(!b.complete);
    QVERIFY(!b.reportedTotalTicks);
    QCOMPARE(b.ticks[0], std::optional<quint32>(110));
    QVERIFY(!b.ticks[1]);
    QVERIFY(!b.ticks[2]);
    QCOMPARE(b.neverEnded, std::vector<bool>({ false, true, false })); // layer 2 was not measured, not "never ended"
}

void TestProfiling::captureDropsOutOfRangeAndDuplicates()
{
    Devices::Capture capture;
    capture.runs.push_back(run(0, { sample(0, 10), sample(5, 50), sample(1, 20), sample(1, 99) }, 80));
    const Conversion c = fromCapture(capture, 2);
    QCOMPARE(c.session.tickHz, 0.0); // no Hello: no rates
    QCOMPARE(c.session.runs.size(), std::size_t(1));
    const auto& r = c.session.runs[0];
    QCOMPARE(r.ticks.size(), std::size_t(2));
    QCOMPARE(r.ticks[0], std::optional<quint32>(10));
    QCOMPARE(r.ticks[1], std::optional<quint32>(20)); // the first of two samples of one layer
    QCOMPARE(c.warnings.size(), 2);
    QVERIFY2(c.warnings[0].contains(QLatin1String("layer 5")) && c.warnings[0].contains(QLatin1String("2 operators")),
        qPrintable(c.warnings[0]));
    QVERIFY2(c.warnings[1].contains(QLatin1String("twice")), qPrintable(c.warnings[1]));

    // A whole capture of a model with more layers than the open one: warnings are capped, every run kept.
    Devices::Capture big;
    for (quint32 i = 0; i < 50; ++i)
        big.runs.push_back(run(i, { sample(0, 1), sample(3, 1) }, 2));
    const Conversion d = fromCapture(big, 1);
    QCOMPARE(d.session.runs.size(), std::size_t(50));
    QCOMPARE(d.warnings.size(), 21);
    QVERIFY(d.warnings.last().contains(QLatin1String("30 more")));
}

void TestProfiling::tflmLogFormats_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QString>("expected"); // per run: ticks per operator, "-" unmeasured, "!" never ended
    QTest::addColumn<int>("warnings");

    // The model: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED.
    QTest::addRow("Log(), two runs") << QByteArray("CONV_2D took 249561 ticks (9 ms).\r\n"
                                                   "DEPTHWISE_CONV_2D took 1000 ticks (0 ms).\r\n"
                                                   "FULLY_CONNECTED took 20 ticks (0 ms).\r\n"
                                                   "CONV_2D took 249000 ticks (9 ms).\r\n"
                                                   "DEPTHWISE_CONV_2D took 1001 ticks (0 ms).\r\n"
                                                   "FULLY_CONNECTED took 21 ticks (0 ms).\r\n")
                                     << QStringLiteral("249561 1000 20 | 249000 1001 21") << 0;
    QTest::addRow("LogCsv(), never-ended event")
        << QByteArray("\"Event\",\"Tag\",\"Ticks\"\r\n0,CONV_2D,300\r\n1,DEPTHWISE_CONV_2D,4294967295\r\n"
                      "2,FULLY_CONNECTED,5\r\n")
        << QStringLiteral("300 ! 5") << 1; // "never ended" is said
    QTest::addRow("LogCsv() then LogTicksPerTagCsv()")
        << QByteArray("\"Event\",\"Tag\",\"Ticks\",\"ms\"\r\n0,CONV_2D,300,0\r\n1,DEPTHWISE_CONV_2D,40,0\r\n"
                      "2,FULLY_CONNECTED,5,0\r\n"
                      "\"Unique Tag\",\"Total ticks across all events with that tag.\"\r\n"
                      "CONV_2D, 300\r\nDEPTHWISE_CONV_2D, 40\r\nFULLY_CONNECTED, 5\r\n"
                      "\"total number of ticks\", 345\r\n")
        << QStringLiteral("300 40 5") << 0;
    QTest::addRow("LogCsv(), a tag that is not the model's")
        << QByteArray("\"Event\",\"Tag\",\"Ticks\"\r\n0,CONV_2D,300\r\n1,AVERAGE_POOL_2D,40\r\n2,FULLY_CONNECTED,5\r\n")
        << QStringLiteral("300 - 5") << 1;
}

void TestProfiling::tflmLogFormats()
{
    QFETCH(QByteArray, log);
    QFETCH(QString, expected);
    QFETCH(int, warnings);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profile.txt"));
    QVERIFY(writeFile(path, log));
    const std::vector<QString> types
        = { QStringLiteral("CONV_2D"), QStringLiteral("DEPTHWISE_CONV_2D"), QStringLiteral("FULLY_CONNECTED") };
    const FileConversion result = fromTflmLogFile(path, types);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const Profiler::MeasuredSession& s = result.value->session;
    QCOMPARE(s.tickHz, 0.0); // a log has no tick rate
    QVERIFY(s.source.contains(QLatin1String("profile.txt")));
    QStringList runs;
    for (const auto& r : s.runs) {
        QStringList cells;
        QCOMPARE(r.ticks.size(), types.size());
        for (std::size_t i = 0; i < r.ticks.size(); ++i) {
            if (r.neverEnded[i])
                cells << QStringLiteral("!");
            else
                cells << (r.ticks[i] ? QString::number(*r.ticks[i]) : QStringLiteral("-"));
        }
        runs << cells.join(QLatin1Char(' '));
    }
    QCOMPARE(runs.join(QStringLiteral(" | ")), expected);
    QVERIFY2(result.value->warnings.size() >= warnings, qPrintable(result.value->warnings.join(QLatin1Char('\n'))));
    if (warnings == 0)
        QVERIFY2(result.value->warnings.isEmpty(), qPrintable(result.value->warnings.join(QLatin1Char('\n'))));
    for (const QString& w : result.value->warnings)
        QVERIFY2(w.startsWith(QLatin1String("profile.txt: ")), qPrintable(w)); // every warning names the file
}

void TestProfiling::tflmLogFileErrors()
{
    QTemporaryDir dir;
    const std::vector<QString> types = { QStringLiteral("CONV_2D") };
    const QString missing = dir.filePath(QStringLiteral("missing.txt"));
    FileConversion r = fromTflmLogFile(missing, types);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(missing), qPrintable(r.error));

    const QString garbage = dir.filePath(QStringLiteral("garbage.txt"));
    QVERIFY(writeFile(garbage, "hello world\r\nno profiler here\r\n"));
    r = fromTflmLogFile(garbage, types);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(garbage), qPrintable(r.error));

    // Only per-tag totals: nothing to map onto operators.
    const QString totals = dir.filePath(QStringLiteral("totals.txt"));
    QVERIFY(writeFile(totals,
        "\"Unique Tag\",\"Total ticks across all events with that tag.\"\r\nCONV_2D, 300\r\n"
        "\"total number of ticks\", 300\r\n"));
    r = fromTflmLogFile(totals, types);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(totals) && r.error.contains(QLatin1String("no profiled runs")), qPrintable(r.error));
}

void TestProfiling::sessionFileRoundTrip()
{
    QTemporaryDir dir;
    Devices::Capture capture;
    capture.source = QStringLiteral("serial /dev/ttyUSB0");
    capture.startedMs = 1'700'000'000'000;
    capture.modelSha256 = QStringLiteral("ab").repeated(32);
    Devices::BoardIdentity board;
    board.boardName = QStringLiteral("nucleo");
    board.cpuHz = 80'000'000;
    board.tickHz = 80'000'000;
    capture.board = board;
    capture.runs.push_back(run(0, { sample(0, 1000, 5), sample(1, 2000, 1010) }, 3050));
    capture.runs.push_back(
        run(1, { sample(0, 990, 9000), sample(1, std::nullopt, 9995) }, std::nullopt, Devices::RunCut::BoardReset));
    const QString path = dir.filePath(QStringLiteral("capture.tsession"));
    QString error;
    QVERIFY2(Devices::writeSessionFile(path, capture, &error), qPrintable(error));
    QVERIFY(isSessionFile(path));

    const FileConversion read = fromSessionFile(path, 2);
    QVERIFY2(read.ok(), qPrintable(read.error));
    const Conversion direct = fromCapture(capture, 2);
    QCOMPARE(read.value->session.source, QStringLiteral("session capture.tsession"));
    QCOMPARE(read.value->modelSha256, capture.modelSha256);
    QCOMPARE(read.value->session.tickHz, direct.session.tickHz);
    QCOMPARE(read.value->session.boardName, QStringLiteral("nucleo"));
    QCOMPARE(read.value->session.runs.size(), direct.session.runs.size());
    for (std::size_t i = 0; i < direct.session.runs.size(); ++i) {
        const auto& a = read.value->session.runs[i];
        const auto& b = direct.session.runs[i];
        QCOMPARE(a.runIndex, b.runIndex);
        QCOMPARE(a.ticks, b.ticks);
        QCOMPARE(a.neverEnded, b.neverEnded);
        QCOMPARE(a.complete, b.complete);
        QCOMPARE(a.reportedTotalTicks, b.reportedTotalTicks);
    }
}

void TestProfiling::sessionFileErrors()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("none.tsession"));
    FileConversion r = fromSessionFile(missing, 3);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(missing), qPrintable(r.error));
    QVERIFY(!isSessionFile(missing));

    const QString bad = dir.filePath(QStringLiteral("bad.tsession"));
    QVERIFY(writeFile(bad, "CONV_2D took 5 ticks (0 ms).\n"));
    r = fromSessionFile(bad, 3);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(bad), qPrintable(r.error));
    QVERIFY(!isSessionFile(bad));
}

// ---- The panel ------------------------------------------------------------------------------------------------------

void TestProfiling::panelControls()
{
    Widgets::ProfilingPanel panel;
    panel.show();
    QVERIFY(!panel.connectButton()->isEnabled()); // no session to drive
    QCOMPARE(panel.stateText(), QStringLiteral("No session"));

    Devices::SerialSession session;
    panel.setSession(&session);
    QCOMPARE(panel.stateText(), Devices::sessionStateName(Devices::SessionState::Disconnected));
    panel.setPortName(QString());
    QVERIFY(!panel.connectButton()->isEnabled()); // no port yet
    const QString port = QStringLiteral("/dev/pts/tinyscope-test-none");
    panel.setPortName(port); // a typed path: pseudo-terminals are not listed
    QCOMPARE(panel.portName(), port);
    QVERIFY(panel.connectButton()->isEnabled());
    QVERIFY(!panel.startButton()->isEnabled());
    QVERIFY(!panel.stopButton()->isEnabled());
    QVERIFY(!panel.disconnectButton()->isEnabled());

    panel.setBaudRate(921600);
    QCOMPARE(panel.baudRate(), 921600);
    panel.baudCombo()->setEditText(QStringLiteral("fast"));
    QCOMPARE(panel.baudRate(), 115200); // not a number: the default
    panel.setBaudRate(230400);
    panel.setRunCount(0);
    QCOMPARE(panel.runCount(), 0u);
    QCOMPARE(panel.runsSpin()->text(), QStringLiteral("until stop"));
    panel.setRunCount(50);
    QCOMPARE(panel.runCount(), 50u);

    QSignalSpy about(&panel, &Widgets::ProfilingPanel::aboutToConnect);
    panel.connectButton()->click();
    QCOMPARE(about.count(), 1);
    const auto settings = about.first().first().value<Devices::SerialSettings>();
    QCOMPARE(settings.portName, port);
    QCOMPARE(settings.baudRate, 230400);
    QCOMPARE(session.settings().portName, port);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Devices::SessionState::Failed, 10000);
    QTRY_COMPARE(panel.stateText(), Devices::sessionStateName(Devices::SessionState::Failed));
    QVERIFY(panel.connectButton()->isEnabled()); // try again
    QCOMPARE(panel.sessionFileText(), QStringLiteral("none (runs are kept in memory only)"));
    QVERIFY(panel.modelCheckText().contains(QLatin1String("no board")));
    panel.setNote(QStringLiteral("a note"));
    QCOMPARE(panel.noteText(), QStringLiteral("a note"));
}

// ---- The window -----------------------------------------------------------------------------------------------------

void TestProfiling::liveSimulatedBoard()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    const auto doc = w->document();
    const int n = static_cast<int>(doc->model.subgraphs[0].operators.size());
    QVERIFY(w->connectSimulatedBoard(0));
    QVERIFY(w->simulatedBoard());
    Devices::SerialSession* session = w->serialSession();
    QTRY_VERIFY_WITH_TIMEOUT(session->capture().runs.size() >= 5, kRunsTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w->latency() && w->latency()->runsTotal >= 5, kRunsTimeoutMs);
    Widgets::ProfilingPanel* panel = w->profilingPanel();
    QCOMPARE(panel->stateText(), Devices::sessionStateName(Devices::SessionState::Running));
    QVERIFY2(
        panel->modelCheckText().contains(QLatin1String("runs the open model")), qPrintable(panel->modelCheckText()));
    QVERIFY2(panel->boardText().contains(w->simulatedBoard()->config().boardName), qPrintable(panel->boardText()));
    QVERIFY(!panel->modelMismatch());

    // Stop, let the last update land, then every view must show exactly the profile of what was captured.
    session->stop();
    QTRY_VERIFY_WITH_TIMEOUT(session->state() == Devices::SessionState::Idle, kRunsTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        w->latency() && w->latency()->runsTotal == static_cast<int>(session->capture().runs.size()), kRunsTimeoutMs);
    const Profiler::LatencyProfile expected
        = Profiler::computeLatency(fromCapture(session->capture(), n).session, n, macsOf(*doc));
    const Profiler::LatencyProfile& shown = *w->latency();
    QCOMPARE(shown.layers.size(), std::size_t(n));
    QCOMPARE(shown.tickHz, static_cast<double>(w->simulatedBoard()->config().tickHz));
    for (int i = 0; i < n; ++i) {
        QVERIFY(shown.layers[std::size_t(i)].measured());
        QCOMPARE(shown.layers[std::size_t(i)].medianTicks, expected.layers[std::size_t(i)].medianTicks);
        QCOMPARE(shown.layers[std::size_t(i)].samples, expected.layers[std::size_t(i)].samples);
    }

    // The table's latency column holds the same figures.
    Widgets::LayerTableModel* table = w->layerTable()->model();
    QCOMPARE(table->latency(), w->latency());
    for (int i = 0; i < n; ++i) {
        const QVariant ms = table->data(
            table->index(i, Widgets::LayerTableModel::LatencyMsColumn), Widgets::LayerTableModel::SortRole);
        QVERIFY2(ms.isValid(), qPrintable(QStringLiteral("row %1").arg(i)));
        QCOMPARE(ms.toDouble(), expected.ticksToMs(expected.layers[std::size_t(i)].medianTicks));
    }
    // The graph paints heat, the timeline and the properties have the profile.
    QCOMPARE(w->graphView()->latency(), w->latency());
    QVERIFY(w->graphView()->heatLegend()->isVisible());
    QCOMPARE(w->memoryTimeline()->latency(), w->latency());
    QCOMPARE(w->memoryTimeline()->timeAxis(), Widgets::TimelineAxis::MeasuredTime);

    // Every completed run is in the session file the panel names.
    const QString file = session->sessionFile();
    QVERIFY(!file.isEmpty());
    QVERIFY(file.startsWith(MainWindow::sessionDirectory()));
    QCOMPARE(panel->sessionFileText(), QDir::toNativeSeparators(file));
    // However long the file's path, the panel does not grow wider than a side dock (no horizontal scroll bar).
    qInfo("profiling panel: minimum width %d px", panel->minimumSizeHint().width());
    QVERIFY2(panel->minimumSizeHint().width() <= 360, qPrintable(QString::number(panel->minimumSizeHint().width())));
    const Devices::SessionFileResult onDisk = Devices::readSessionFile(file);
    QVERIFY2(onDisk.ok(), qPrintable(onDisk.error));
    QCOMPARE(onDisk.value->capture.runs.size(), session->capture().runs.size());

    // For the screenshot, the memory columns make room for the latency columns (as a user would, from the header).
    for (int column : { Widgets::LayerTableModel::OutputShapeColumn, Widgets::LayerTableModel::ParamsColumn,
             Widgets::LayerTableModel::WeightBytesColumn, Widgets::LayerTableModel::OutputBytesColumn,
             Widgets::LayerTableModel::LiveBytesColumn, Widgets::LayerTableModel::PeakShareColumn,
             Widgets::LayerTableModel::SupportColumn })
        w->layerTable()->setColumnHiddenByUser(column, true);
    w->selectionHub()->selectOperator(0, 2);
    QTest::qWait(300);
    QVERIFY(w->grab().save(QStringLiteral("profiling_live.png")));
    // The panel at full size, as a user who enlarges the dock sees it: a second panel on the same session.
    Widgets::ProfilingPanel big;
    big.setSession(session);
    big.setPortName(session->settings().portName);
    QFile modelFile(MainWindow::exampleModelPath());
    QVERIFY(modelFile.open(QIODevice::ReadOnly));
    big.setExpectedModelId(Devices::modelIdForFile(modelFile.readAll()));
    QVERIFY2(big.modelCheckText().contains(QLatin1String("runs the open model")), qPrintable(big.modelCheckText()));
    big.setExpectedModelId(0x12345678u); // another model: said, and flagged
    QVERIFY(big.modelMismatch());
    QVERIFY(big.modelCheckText().contains(QLatin1String("0x12345678")));
    modelFile.seek(0);
    big.setExpectedModelId(Devices::modelIdForFile(modelFile.readAll()));
    QVERIFY(!big.modelMismatch());
    big.resize(big.sizeHint().expandedTo(QSize(460, 0)));
    big.show();
    QCOMPARE(big.runsText(), panel->runsText());
    QVERIFY(big.grab().save(QStringLiteral("profiling_panel.png")));
}

void TestProfiling::unplugKeepsCompletedRuns()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    QVERIFY(w->connectSimulatedBoard(0));
    Devices::SerialSession* session = w->serialSession();
    const auto completeRuns = [session] {
        std::vector<quint32> indices;
        for (const auto& r : session->capture().runs) {
            if (r.complete())
                indices.push_back(r.runIndex);
        }
        return indices;
    };
    QTRY_VERIFY_WITH_TIMEOUT(completeRuns().size() >= 3, kRunsTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w->latency(), kRunsTimeoutMs);
    const std::vector<quint32> before = completeRuns();

    w->simulatedBoard()->unplug();
    QTRY_VERIFY_WITH_TIMEOUT(session->state() == Devices::SessionState::Reconnecting, kRunsTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w->profilingPanel()->stateText().contains(QLatin1String("Reconnecting")), 5000);
    QTest::qWait(600); // a reopen attempt or two: still no error in the banner, the panel says what happens
    QVERIFY2(!w->banner()->isVisible() || w->banner()->severity() != Widgets::MessageBanner::Severity::Error,
        qPrintable(w->banner()->text()));
    QCOMPARE(session->state(), Devices::SessionState::Reconnecting);
    const std::vector<quint32> after = completeRuns();
    QVERIFY(after.size() >= before.size());
    QVERIFY(std::equal(before.begin(), before.end(), after.begin())); // nothing completed was lost
    const QString detail = w->profilingPanel()->findChild<QLabel*>(QStringLiteral("stateDetail"))->text();
    QVERIFY2(detail.contains(QStringLiteral("%1 completed runs").arg(after.size()))
            && detail.contains(session->sessionFile()),
        qPrintable(detail));
    QVERIFY(w->latency()); // the views keep what was measured
    // And the file has them too.
    const Devices::SessionFileResult onDisk = Devices::readSessionFile(session->sessionFile());
    QVERIFY2(onDisk.ok(), qPrintable(onDisk.error));
    std::size_t completeOnDisk = 0;
    for (const auto& r : onDisk.value->capture.runs)
        completeOnDisk += r.complete() ? 1 : 0;
    QCOMPARE(completeOnDisk, after.size());
    w->serialSession()->disconnectFromBoard();
    QCOMPARE(session->state(), Devices::SessionState::Disconnected);
}

void TestProfiling::importTflmLogInWindow()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    const auto doc = w->document();
    const std::vector<QString> types = operatorTypes(*doc);
    const std::size_t n = types.size();
    // Warm-up run twice as slow, then three runs with layer i at 1000 * (i + 1) + r ticks.
    std::vector<std::vector<quint32>> ticks(4, std::vector<quint32>(n));
    for (std::size_t i = 0; i < n; ++i) {
        ticks[0][i] = static_cast<quint32>(2000 * (i + 1));
        for (std::size_t r = 1; r < 4; ++r)
            ticks[r][i] = static_cast<quint32>(1000 * (i + 1) + r);
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("kws.log"));
    QVERIFY(writeFile(path, csvLog(types, ticks)));
    QVERIFY(w->importTflmLog(path));
    QVERIFY(w->latency());
    const Profiler::LatencyProfile& p = *w->latency();
    QCOMPARE(p.runsTotal, 4);
    QCOMPARE(p.warmupRun, 0);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += median({ double(ticks[1][i]), double(ticks[2][i]), double(ticks[3][i]) });
    for (std::size_t i = 0; i < n; ++i) {
        const double m = median({ double(ticks[1][i]), double(ticks[2][i]), double(ticks[3][i]) });
        QCOMPARE(p.layers[i].medianTicks, m);
        QVERIFY(std::abs(p.layers[i].share - m / sum) < 1e-12);
    }
    QVERIFY(!p.hasTime()); // ticks only: a log has no rate
    QCOMPARE(w->layerTable()->model()->latency(), w->latency());

    // A bad log: the banner names it, the measurements shown stay.
    const auto shown = w->latency();
    const QString bad = dir.filePath(QStringLiteral("notes.txt"));
    QVERIFY(writeFile(bad, "nothing to see\n"));
    QVERIFY(!w->importTflmLog(bad));
    QVERIFY(w->banner()->isVisible());
    QCOMPARE(w->banner()->severity(), Widgets::MessageBanner::Severity::Error);
    QVERIFY2(w->banner()->text().contains(bad), qPrintable(w->banner()->text()));
    QCOMPARE(w->latency(), shown);
}

void TestProfiling::openSessionAndCompare()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    const auto doc = w->document();
    const std::size_t n = doc->model.subgraphs[0].operators.size();
    QTemporaryDir dir;

    // Session A: 3 runs on a 1 MHz tick board; layer i takes 100 * (i + 1) ticks.
    Devices::Capture capture;
    capture.source = QStringLiteral("serial /dev/ttyACM1");
    Devices::BoardIdentity board;
    board.boardName = QStringLiteral("bench");
    board.cpuHz = 1'000'000;
    board.tickHz = 1'000'000;
    capture.board = board;
    for (quint32 r = 0; r < 3; ++r) {
        std::vector<Devices::LayerSample> layers;
        for (std::size_t i = 0; i < n; ++i)
            layers.push_back(sample(static_cast<quint16>(i), static_cast<quint32>(100 * (i + 1))));
        capture.runs.push_back(run(r, layers, std::nullopt));
    }
    const QString a = dir.filePath(QStringLiteral("a.tsession"));
    QString error;
    QVERIFY2(Devices::writeSessionFile(a, capture, &error), qPrintable(error));
    QVERIFY(w->openSession(a));
    QVERIFY(w->latency());
    QVERIFY(w->latency()->hasTime());
    for (std::size_t i = 0; i < n; ++i) {
        QCOMPARE(w->latency()->layers[i].medianTicks, 100.0 * double(i + 1));
        QCOMPARE(w->latency()->ticksToMs(w->latency()->layers[i].medianTicks), 0.1 * double(i + 1));
    }

    // Session B: twice as slow. The comparison shows B / A = 2 on every layer.
    for (auto& r : capture.runs) {
        for (auto& s : r.layers)
            s.elapsedTicks = *s.elapsedTicks * 2;
    }
    const QString b = dir.filePath(QStringLiteral("b.tsession"));
    QVERIFY2(Devices::writeSessionFile(b, capture, &error), qPrintable(error));
    QVERIFY(w->compareWith(b));
    QVERIFY(w->comparisonView()->isVisibleTo(w.get()));
    const QAbstractItemModel* cmp = w->comparisonView()->model();
    QCOMPARE(cmp->rowCount(), static_cast<int>(n) + 1); // + the totals row
    for (int i = 0; i < static_cast<int>(n); ++i) {
        const QModelIndex ratio = cmp->index(i, Widgets::LatencyComparisonView::RatioColumn);
        QCOMPARE(cmp->data(ratio, Widgets::LatencyComparisonView::OperatorRole).toInt(), i);
        QVERIFY(std::abs(cmp->data(ratio, Widgets::LatencyComparisonView::SortRole).toDouble() - 2.0) < 1e-12);
    }

    // Broken files go to the banner with their name; what is shown stays.
    const auto shown = w->latency();
    const QString broken = dir.filePath(QStringLiteral("broken.tsession"));
    QVERIFY(writeFile(broken, "{not json\n"));
    QVERIFY(!w->openSession(broken));
    QVERIFY2(w->banner()->text().contains(broken), qPrintable(w->banner()->text()));
    QVERIFY(!w->compareWith(broken));
    QVERIFY2(w->banner()->text().contains(broken), qPrintable(w->banner()->text()));
    QCOMPARE(w->latency(), shown);

    w->clearMeasurements();
    QVERIFY(!w->latency());
    QVERIFY(!w->layerTable()->model()->latency());
}

void TestProfiling::missingPortGoesToBanner()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    const QString port = QStringLiteral("/dev/tinyscope-no-such-port");
    w->profilingPanel()->setPortName(port);
    QCOMPARE(w->profilingPanel()->portName(), port);
    w->profilingPanel()->connectToBoard();
    QTRY_VERIFY_WITH_TIMEOUT(w->serialSession()->state() == Devices::SessionState::Failed, 10000);
    QVERIFY(w->banner()->isVisible());
    QCOMPARE(w->banner()->severity(), Widgets::MessageBanner::Severity::Error);
    QVERIFY2(w->banner()->text().contains(port), qPrintable(w->banner()->text()));
    QCOMPARE(w->profilingPanel()->stateText(), Devices::sessionStateName(Devices::SessionState::Failed));
}

void TestProfiling::newModelClearsLatency()
{
    auto w = openExampleWindow();
    QVERIFY(w);
    QVERIFY(w->connectSimulatedBoard(0));
    QTRY_VERIFY_WITH_TIMEOUT(w->latency(), kRunsTimeoutMs);
    QSignalSpy shown(w.get(), &MainWindow::documentShown);
    w->openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(kLoadTimeoutMs));
    QVERIFY(!w->latency());
    QVERIFY(!w->simulatedBoard());
    QCOMPARE(w->serialSession()->state(), Devices::SessionState::Disconnected);
    QVERIFY(w->serialSession()->capture().runs.empty());
    QTest::qWait(500); // no late update may bring the old model's latency back
    QVERIFY(!w->latency());
    QVERIFY(!w->graphView()->latency());
}

QTEST_MAIN(TestProfiling)
#include "tst_profiling.moc"
