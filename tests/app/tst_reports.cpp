// SPDX-License-Identifier: GPL-3.0-or-later
// Reports and exports: what was written is read back (RFC 4180 CSV, JSON, HTML, PNG, SVG, PDF) and compared with the
// analysis; the command line's report and the desktop app's File > Export.
#include "arenamap.h"
#include "boardfitpanel.h"
#include "exportmanager.h"
#include "fixtures.h"
#include "graphscene.h"
#include "graphview.h"
#include "htmlreport.h"
#include "imageexport.h"
#include "latencysources.h"
#include "layerexport.h"
#include "layertableview.h"
#include "mainwindow.h"
#include "memorytimeline.h"
#include "messagebanner.h"
#include "modelexplorerjson.h"
#include "processrun.h"
#include "qcustomplotinclude.h"
#include "reportfiles.h"
#include "reportinput.h"
#include "sharedmodels.h"

#include "report/analysisreport.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include "session/sessionfile.h"

#include <QDir>
#include <QFile>
#include <QGraphicsView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QTest>

#include <cmath>

using namespace Profiler;

namespace {

/** A layer name that breaks naive HTML and CSV writers: markup, quotes, an ampersand, a comma and a line break. */
const QString kHostileName = QStringLiteral("<script>alert(\"x\")</script>, 'q' & \"r\"\r\nnext");

/** A strict RFC 4180 reader: records end with CRLF, quoted fields may hold anything with "" for a quote. Returns
 *  false (and says why) on a bare LF, a stray quote or an unterminated quoted field. */
bool readCsv(const QByteArray& bytes, QList<QStringList>* rows, QString* why)
{
    const QString text = QString::fromUtf8(bytes);
    QStringList row;
    QString field;
    bool quoted = false;
    bool wasQuoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            if (!field.isEmpty() || wasQuoted) {
                *why = QStringLiteral("stray quote at %1").arg(i);
                return false;
            }
            quoted = true;
            wasQuoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
            row << field;
            *rows << row;
            row.clear();
            field.clear();
            wasQuoted = false;
            ++i;
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            *why = QStringLiteral("bare line break outside quotes at %1").arg(i);
            return false;
        } else {
            field += c;
        }
    }
    if (quoted) {
        *why = QStringLiteral("unterminated quoted field");
        return false;
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        *why = QStringLiteral("last record does not end with CRLF");
        return false;
    }
    return true;
}

QList<QStringList> csvOrFail(const QByteArray& bytes)
{
    QList<QStringList> rows;
    QString why;
    if (!readCsv(bytes, &rows, &why))
        qWarning("CSV is not RFC 4180: %s", qPrintable(why));
    return rows;
}

/** Two operators: a FULLY_CONNECTED (8 inputs, 4 outputs: 32 MACs, 36 params) whose output carries the hostile
 *  name, then a custom operator TFLM has no kernel for. */
QByteArray hostileModelBytes()
{
    TfliteBuilder b;
    b.setDescription(QStringLiteral("<b>producer</b>"));
    const int input = b.addTensor(QStringLiteral("input"), DataType::Int8, { 1, 8 });
    const int weights = b.addConstant(QStringLiteral("weights"), DataType::Int8, { 4, 8 }, QByteArray(32, '\1'));
    const int bias = b.addConstant(QStringLiteral("bias"), DataType::Int32, { 4 }, QByteArray(16, '\0'));
    const int hidden = b.addTensor(kHostileName, DataType::Int8, { 1, 4 });
    b.addFullyConnected({ input, weights, bias }, { hidden });
    const int output = b.addTensor(QStringLiteral("out,put"), DataType::Int8, { 1, 4 });
    b.addCustom(QStringLiteral("Evil<Op>"), { hidden }, { output });
    b.setInputs({ input });
    b.setOutputs({ output });
    return b.finish();
}

/** Three runs of two layers at 1 kHz (1 tick = 1 ms); run 0 is the warm-up. Layer 0: 100 | 10, 20 -> median 15. */
MeasuredSession handSession()
{
    MeasuredSession s;
    s.source = QStringLiteral("hand-made <session>");
    s.boardName = QStringLiteral("Board & Co");
    s.tickHz = 1000;
    s.cpuHz = 1000000;
    const quint32 ticks[3][2] = { { 100, 50 }, { 10, 4 }, { 20, 6 } };
    for (int r = 0; r < 3; ++r) {
        MeasuredRun run;
        run.runIndex = 7 + r;
        run.ticks = { ticks[r][0], ticks[r][1] };
        s.runs.push_back(run);
    }
    // A fourth run, cut short, with the second layer never ending.
    MeasuredRun cut;
    cut.runIndex = 10;
    cut.ticks = { 12u, std::nullopt };
    cut.neverEnded = { false, true };
    cut.complete = false;
    s.runs.push_back(cut);
    return s;
}

using Run = TestHelpers::ProcessResult;

Run runCli(const QStringList& args)
{
    return TestHelpers::runProcess(QStringLiteral(TINYSCOPE_CLI), args, 120000);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject readJsonObject(const QString& path)
{
    QJsonParseError e {};
    const QJsonDocument doc = QJsonDocument::fromJson(readAll(path), &e);
    if (e.error != QJsonParseError::NoError)
        qWarning("%s: %s", qPrintable(path), qPrintable(e.errorString()));
    return doc.object();
}

/** A MicroProfiler::LogCsv() log of `runs` runs of `ops`; layer i takes 100 * (i + 1) + run ticks. */
QByteArray tflmCsvLog(const std::vector<Operator>& ops, int runs)
{
    QByteArray log = "boot banner\r\n";
    for (int run = 0; run < runs; ++run) {
        log += "\"Event\",\"Tag\",\"Ticks\"\r\n";
        for (std::size_t i = 0; i < ops.size(); ++i)
            log += QStringLiteral("%1,%2,%3\r\n")
                       .arg(i)
                       .arg(ops[i].type)
                       .arg(100 * (i + 1) + static_cast<std::size_t>(run))
                       .toUtf8();
    }
    return log;
}

/** A capture of `runs` complete runs of `layers` layers from a board at 1 MHz ticks, 100 MHz CPU; layer i of run r
 *  takes 1000 * (i + 1) + 10 * r ticks. */
Devices::Capture boardCapture(std::size_t layers, int runs, const QString& modelSha256)
{
    Devices::Capture c;
    c.source = QStringLiteral("serial /dev/test");
    Devices::BoardIdentity board;
    board.versionMajor = 1;
    board.boardName = QStringLiteral("Test <board>");
    board.cpuHz = 100000000;
    board.tickHz = 1000000;
    c.board = board;
    c.modelSha256 = modelSha256;
    for (int r = 0; r < runs; ++r) {
        Devices::CapturedRun run;
        run.runIndex = static_cast<quint32>(r);
        quint32 total = 0;
        for (std::size_t i = 0; i < layers; ++i) {
            Devices::LayerSample sample;
            sample.layerIndex = static_cast<quint16>(i);
            sample.elapsedTicks = static_cast<quint32>(1000 * (i + 1) + 10 * static_cast<std::size_t>(r));
            total += *sample.elapsedTicks;
            run.layers.push_back(sample);
        }
        run.totalTicks = total;
        c.runs.push_back(run);
    }
    return c;
}

/** Pages of a PDF: "/Type /Page" objects. */
int pdfPageCount(const QByteArray& pdf)
{
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![s\\w])"));
    return static_cast<int>(QString::fromLatin1(pdf).count(page));
}

/** A file name of 250 characters: the file itself can exist, but QSaveFile's temporary file beside it (the name plus
 *  ".XXXXXX") exceeds the 255-byte limit of file names, so every atomic write to it fails, even as root. */
QString longFileName(const QString& suffix)
{
    return QString(250 - suffix.size(), QLatin1Char('n')) + suffix;
}

/** A board JSON that nothing real fits: 8 KiB RAM, 32 KiB flash, with the name given. */
QByteArray tinyBoardJson(const QString& name)
{
    Devices::BoardProfile b;
    b.id = QStringLiteral("tiny-test-board");
    b.name = name;
    b.core = QStringLiteral("Cortex-M0+");
    b.clockHz = 16000000;
    b.sramBytes = 8 * 1024;
    b.ramRegions.push_back(Devices::RamRegion { QStringLiteral("SRAM"), b.sramBytes, -1, true, {} });
    b.flashBytes = 32 * 1024;
    b.reservedRamBytes = 1024;
    b.reservedFlashBytes = 4096;
    return Devices::boardProfileToJson(b);
}

} // namespace

class TestReports : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void csvRecordsKeepQuotedLineBreaks();
    void layerCsvMatchesAnalysis();
    void layerCsvLatencyColumns();
    void layerJsonRoundTrip();
    void sessionCsvOneRowPerRunAndLayer();
    void modelExplorerNodeData();
    void htmlEscapesAndShowsVerdict();
    void htmlEmbedsGivenImages();
    void reportFilesWrittenAtomically();
    void reportFilesErrorNamesThePath();
    void findBoardByIdNameOrFile();
    void checkExitCodes();
    void checkJson();
    void checkSharedModels();
    void reportCommandWritesFolder();
    void reportCommandWithTflmLog();
    void reportCommandErrors();
    void reportCommandWithSessionFile();
    void reportCommandImagesOption();
    void failedWriteKeepsOldFile();
    void guiExports();
    void recordFromSimulatedBoard();

private:
    QTemporaryDir m_tmp;
    QString m_hostilePath;
    ModelDocumentPtr m_hostile;
};

void TestReports::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's settings go to a test location, not the user's
    QCoreApplication::setOrganizationName(QStringLiteral("TinyScopeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_reports"));
    QVERIFY(m_tmp.isValid());
    m_hostilePath = m_tmp.filePath(QStringLiteral("hostile.tflite"));
    QFile f(m_hostilePath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(hostileModelBytes());
    f.close();
    auto loaded = loadTfliteFile(m_hostilePath);
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().userMessage));
    m_hostile = Report::buildReportDocument(std::move(loaded).value());
    QCOMPARE(m_hostile->analyses.size(), std::size_t(1));
    QCOMPARE(m_hostile->analyses[0].layers.size(), std::size_t(2));
    // Hand-computed: 4 outputs x 8 inputs.
    QCOMPARE(m_hostile->analyses[0].layers[0].macs, std::int64_t(32));
    QCOMPARE(m_hostile->analyses[0].layers[0].params, std::int64_t(36));
}

void TestReports::csvRecordsKeepQuotedLineBreaks()
{
    const QByteArray csv = "a,b\r\n\"x\r\ny\",\"q\"\"\"\r\n1,2\r\n";
    const QList<QByteArray> records = Report::csvRecords(csv);
    QCOMPARE(records.size(), 3);
    QCOMPARE(records[1], QByteArray("\"x\r\ny\",\"q\"\"\""));
    QCOMPARE(records[2], QByteArray("1,2"));
}

void TestReports::layerCsvMatchesAnalysis()
{
    const ModelAnalysis& a = m_hostile->analyses[0];
    const QList<QStringList> rows = csvOrFail(Report::layerTableCsv(m_hostile->model, a, nullptr));
    QCOMPARE(rows.size(), 1 + static_cast<int>(a.layers.size()));
    const QStringList header = rows[0];
    for (const char* column : { "index", "name", "type", "params", "weight_bytes", "macs", "output_bytes" })
        QVERIFY2(header.contains(QLatin1String(column)), column);
    QVERIFY(!header.contains(QStringLiteral("latency_median_ticks")));
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        const QStringList& row = rows[static_cast<int>(i) + 1];
        QCOMPARE(row.size(), header.size());
        const auto cell = [&](const char* column) { return row[header.indexOf(QLatin1String(column))]; };
        QCOMPARE(cell("index").toInt(), a.layers[i].index);
        QCOMPARE(cell("name"), a.layers[i].name);
        QCOMPARE(cell("macs").toLongLong(), a.layers[i].macs);
        QCOMPARE(cell("params").toLongLong(), a.layers[i].params);
        QCOMPARE(cell("weight_bytes").toLongLong(), a.layers[i].weightBytes);
        QCOMPARE(cell("output_bytes").toLongLong(), a.layers[i].outputBytes);
    }
    QCOMPARE(rows[1][header.indexOf(QStringLiteral("name"))], kHostileName);
}

void TestReports::layerCsvLatencyColumns()
{
    const ModelAnalysis& a = m_hostile->analyses[0];
    const LatencyProfile p = computeLatency(handSession(), 2, { a.layers[0].macs, a.layers[1].macs });
    // By hand: run 0 is the warm-up; layer 0 keeps 10, 20 and the cut run's 12 (median 12); layer 1 keeps 4 and 6
    // (median 5), the cut run's never-ended sample is rejected.
    QCOMPARE(p.warmupRun, 0);
    QCOMPARE(p.layers[0].medianTicks, 12.0);
    QCOMPARE(p.layers[1].medianTicks, 5.0);

    const QList<QStringList> rows = csvOrFail(Report::layerTableCsv(m_hostile->model, a, &p));
    QCOMPARE(rows.size(), 3);
    const QStringList header = rows[0];
    for (const char* column : { "latency_samples", "latency_median_ticks", "latency_stddev_ticks", "latency_median_ms",
             "latency_max_ms", "latency_share", "cycles_per_mac" })
        QVERIFY2(header.contains(QLatin1String(column)), column);
    for (int i = 0; i < 2; ++i) {
        const QStringList& row = rows[i + 1];
        QCOMPARE(row.size(), header.size());
        const LayerLatency& l = p.layers[static_cast<std::size_t>(i)];
        const auto cell = [&](const char* column) { return row[header.indexOf(QLatin1String(column))]; };
        QCOMPARE(cell("latency_samples").toInt(), l.samples);
        QCOMPARE(cell("latency_median_ticks").toDouble(), l.medianTicks);
        QCOMPARE(cell("latency_mean_ticks").toDouble(), l.meanTicks);
        QCOMPARE(cell("latency_stddev_ticks").toDouble(), l.stddevTicks); // shortest round-trip text: exact
        QCOMPARE(cell("latency_median_ms").toDouble(), p.ticksToMs(l.medianTicks));
        QCOMPARE(cell("latency_share").toDouble(), l.share);
        QCOMPARE(cell("macs").toLongLong(), a.layers[static_cast<std::size_t>(i)].macs);
    }
    // Without a tick rate there are no millisecond columns.
    MeasuredSession noClock = handSession();
    noClock.tickHz = 0;
    const LatencyProfile ticksOnly = computeLatency(noClock, 2, {});
    const QList<QStringList> rows2 = csvOrFail(Report::layerTableCsv(m_hostile->model, a, &ticksOnly));
    QVERIFY(rows2[0].contains(QStringLiteral("latency_median_ticks")));
    QVERIFY(!rows2[0].contains(QStringLiteral("latency_median_ms")));
    QCOMPARE(rows2[1][rows2[0].indexOf(QStringLiteral("cycles_per_mac"))], QString()); // NaN: an empty cell
}

void TestReports::layerJsonRoundTrip()
{
    const ModelAnalysis& a = m_hostile->analyses[0];
    const LatencyProfile p = computeLatency(handSession(), 2, {});
    const QByteArray bytes = QJsonDocument(Report::layerTableJson(m_hostile->model, a, &p)).toJson();
    QJsonParseError e {};
    const QJsonObject root = QJsonDocument::fromJson(bytes, &e).object();
    QCOMPARE(e.error, QJsonParseError::NoError);
    const QJsonArray ops = root.value(QStringLiteral("operators")).toArray();
    QCOMPARE(ops.size(), static_cast<qsizetype>(a.layers.size()));
    for (qsizetype i = 0; i < ops.size(); ++i) {
        const QJsonObject op = ops.at(i).toObject();
        const LayerInfo& layer = a.layers[static_cast<std::size_t>(i)];
        QCOMPARE(op.value(QStringLiteral("name")).toString(), layer.name);
        QCOMPARE(op.value(QStringLiteral("macs")).toInteger(), layer.macs);
        const QJsonObject lat = op.value(QStringLiteral("latency")).toObject();
        QCOMPARE(
            lat.value(QStringLiteral("median_ticks")).toDouble(), p.layers[static_cast<std::size_t>(i)].medianTicks);
        QCOMPARE(lat.value(QStringLiteral("median_ms")).toDouble(),
            p.ticksToMs(p.layers[static_cast<std::size_t>(i)].medianTicks));
    }
    const QJsonObject summary = root.value(QStringLiteral("latency")).toObject();
    QCOMPARE(summary.value(QStringLiteral("runs_total")).toInt(), 4);
    QCOMPARE(summary.value(QStringLiteral("warmup_run")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("board")).toString(), QStringLiteral("Board & Co"));
    // Without a profile: exactly what `analyze --json` writes.
    QCOMPARE(Report::layerTableJson(m_hostile->model, a, nullptr), analysisToJson(m_hostile->model, a));
}

void TestReports::sessionCsvOneRowPerRunAndLayer()
{
    const MeasuredSession s = handSession();
    const QList<QStringList> rows = csvOrFail(Report::sessionCsv(s, m_hostile->model.subgraphs[0], 0));
    QCOMPARE(rows.size(), 1 + 4 * 2);
    const QStringList header = rows[0];
    QCOMPARE(header,
        QStringList({ QStringLiteral("run"), QStringLiteral("board_run"), QStringLiteral("warmup"),
            QStringLiteral("complete"), QStringLiteral("layer"), QStringLiteral("op"), QStringLiteral("name"),
            QStringLiteral("ticks"), QStringLiteral("ms"), QStringLiteral("status") }));
    int row = 1;
    for (std::size_t r = 0; r < s.runs.size(); ++r) {
        for (std::size_t l = 0; l < 2; ++l, ++row) {
            const QStringList& f = rows[row];
            QCOMPARE(f[0].toInt(), static_cast<int>(r));
            QCOMPARE(f[1].toInt(), s.runs[r].runIndex);
            QCOMPARE(f[2], r == 0 ? QStringLiteral("1") : QStringLiteral("0"));
            QCOMPARE(f[3], s.runs[r].complete ? QStringLiteral("1") : QStringLiteral("0"));
            QCOMPARE(f[4].toInt(), static_cast<int>(l));
            QCOMPARE(f[5], m_hostile->model.subgraphs[0].operators[l].type);
            const auto& ticks = s.runs[r].ticks[l];
            if (ticks) {
                QCOMPARE(f[7].toUInt(), *ticks);
                QCOMPARE(f[8].toDouble(), *ticks * 1000.0 / s.tickHz);
                QCOMPARE(f[9], QStringLiteral("ok"));
            } else {
                QCOMPARE(f[7], QString());
                QCOMPARE(f[9], QStringLiteral("never ended"));
            }
        }
    }
    QCOMPARE(rows[1][6], kHostileName);
}

void TestReports::modelExplorerNodeData()
{
    const ModelAnalysis& a = m_hostile->analyses[0];
    const QJsonObject macs = Report::modelExplorerNodeData(a, Report::NodeMetric::Macs);
    const QJsonObject results = macs.value(QStringLiteral("results")).toObject();
    QCOMPARE(results.size(), static_cast<qsizetype>(a.layers.size()));
    for (const LayerInfo& layer : a.layers) {
        const QJsonObject node = results.value(QString::number(layer.index)).toObject();
        QCOMPARE(node.value(QStringLiteral("value")).toInteger(), layer.macs);
    }
    const QJsonArray gradient = macs.value(QStringLiteral("gradient")).toArray();
    QVERIFY(gradient.size() >= 2);
    QCOMPARE(gradient.first().toObject().value(QStringLiteral("stop")).toDouble(), 0.0);
    QCOMPARE(gradient.last().toObject().value(QStringLiteral("stop")).toDouble(), 1.0);

    const QJsonObject bytes = Report::modelExplorerNodeData(a, Report::NodeMetric::WeightBytes);
    QCOMPARE(bytes.value(QStringLiteral("results"))
                 .toObject()
                 .value(QStringLiteral("0"))
                 .toObject()
                 .value(QStringLiteral("value"))
                 .toInteger(),
        a.layers[0].weightBytes);

    // Latency: only measured operators; milliseconds when the tick rate is known.
    MeasuredSession s = handSession();
    for (MeasuredRun& run : s.runs)
        run.ticks[1].reset();
    const LatencyProfile p = computeLatency(s, 2, {});
    const auto metrics = Report::availableNodeMetrics(&p);
    QCOMPARE(metrics.back(), Report::NodeMetric::LatencyMedianMs);
    const QJsonObject lat = Report::modelExplorerNodeData(a, Report::NodeMetric::LatencyMedianMs, &p)
                                .value(QStringLiteral("results"))
                                .toObject();
    QCOMPARE(lat.size(), 1);
    QCOMPARE(lat.value(QStringLiteral("0")).toObject().value(QStringLiteral("value")).toDouble(),
        p.ticksToMs(p.layers[0].medianTicks));
    QCOMPARE(Report::availableNodeMetrics(nullptr).size(), std::size_t(4));
}

void TestReports::htmlEscapesAndShowsVerdict()
{
    Report::ReportInput in;
    in.document = m_hostile;
    in.modelSha256 = Report::sha256Hex(hostileModelBytes());
    Devices::BoardProfile evil
        = *Devices::loadBoardProfile(tinyBoardJson(QStringLiteral("<img src=x onerror=alert(1)>")), QStringLiteral("t"))
               .value;
    in.boards.push_back(Report::judgeBoard(*m_hostile, evil));
    const auto pico = Report::findBoard(QStringLiteral("rpi-pico"));
    QVERIFY2(pico.ok(), qPrintable(pico.error));
    in.boards.push_back(Report::judgeBoard(*m_hostile, *pico.value));
    in.latency = std::make_shared<LatencyProfile>(computeLatency(handSession(), 2, {}));
    const QString html = QString::fromUtf8(Report::htmlReport(in));

    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    // Every verdict is there, escaped like any text.
    for (const Report::BoardFit& fit : in.boards)
        QVERIFY2(html.contains(Report::htmlEscape(fit.verdict.headline)), qPrintable(fit.verdict.headline));
    QVERIFY(html.contains(Report::htmlEscape(in.boards[1].verdict.sentences.constFirst())));
    QVERIFY(html.contains(in.modelSha256));
    // Hostile names appear escaped, never as markup.
    QVERIFY(html.contains(Report::htmlEscape(kHostileName)));
    QVERIFY(!html.contains(QStringLiteral("<script")));
    QVERIFY(!html.contains(QStringLiteral("<img src=x")));
    QVERIFY(html.contains(QStringLiteral("&lt;img src=x onerror=alert(1)&gt;")));
    QVERIFY(html.contains(QStringLiteral("&lt;b&gt;producer&lt;/b&gt;")));
    QVERIFY(html.contains(QStringLiteral("Evil&lt;Op&gt;")));
    QVERIFY(html.contains(QStringLiteral("Board &amp; Co")));
    // Self-contained: no external references, and the missing images say so.
    QVERIFY(!html.contains(QStringLiteral("http://")));
    QVERIFY(!html.contains(QStringLiteral("https://")));
    QVERIFY(!html.contains(QStringLiteral(" src=\"http")));
    QCOMPARE(html.count(QStringLiteral("Image not rendered")), 2);
    QVERIFY(html.contains(QStringLiteral("id=\"latency\"")));
    QCOMPARE(Report::htmlEscape(QStringLiteral("a<b>&\"'")), QStringLiteral("a&lt;b&gt;&amp;&quot;&#39;"));
}

void TestReports::htmlEmbedsGivenImages()
{
    Report::ReportInput in;
    in.document = m_hostile;
    // A 1x1 PNG made here (signature + IHDR); the report embeds the bytes as they are.
    const QByteArray png = QByteArray::fromHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489");
    in.graphImage = Report::ReportImage { png, QStringLiteral("image/png"), QStringLiteral("graph <1>") };
    const QByteArray svg
        = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><script>x()</script></svg>";
    in.timelineImage = Report::ReportImage { svg, QStringLiteral("image/svg+xml"), {} };
    const QString html = QString::fromUtf8(Report::htmlReport(in));
    QVERIFY(html.contains(QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64())));
    QVERIFY(html.contains(QStringLiteral("data:image/svg+xml;base64,") + QString::fromLatin1(svg.toBase64())));
    QVERIFY(!html.contains(QStringLiteral("<script")));
    QVERIFY(html.contains(QStringLiteral("graph &lt;1&gt;")));
    QCOMPARE(html.count(QStringLiteral("Image not rendered")), 0);
    QVERIFY(html.contains(QStringLiteral("No profiling session")));
    QVERIFY(html.contains(QStringLiteral("No board was selected")));
}

void TestReports::reportFilesWrittenAtomically()
{
    const QString dir = m_tmp.filePath(QStringLiteral("out/nested"));
    Report::ReportInput in;
    in.document = m_hostile;
    in.latency = std::make_shared<LatencyProfile>(computeLatency(handSession(), 2, {}));
    in.session = std::make_shared<MeasuredSession>(handSession());
    // An old, different report.html is replaced as a whole.
    QVERIFY(QDir().mkpath(dir));
    QFile old(dir + QStringLiteral("/report.html"));
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old report");
    old.close();
    const Report::ReportFilesResult r = Report::writeReportFiles(in, dir);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QStringList names;
    for (const QString& path : r.written)
        names << QFileInfo(path).fileName();
    QCOMPARE(names,
        QStringList({ QStringLiteral("layers.csv"), QStringLiteral("layers.json"), QStringLiteral("memory.json"),
            QStringLiteral("model-explorer-macs.json"), QStringLiteral("model-explorer-params.json"),
            QStringLiteral("model-explorer-weight_bytes.json"), QStringLiteral("model-explorer-output_bytes.json"),
            QStringLiteral("model-explorer-latency_median_ms.json"), QStringLiteral("session.csv"),
            QStringLiteral("report.html") }));
    QCOMPARE(readAll(dir + QStringLiteral("/report.html")), Report::htmlReport(in));
    QCOMPARE(csvOrFail(readAll(dir + QStringLiteral("/session.csv"))).size(), 9);
    const QJsonObject memory = readJsonObject(dir + QStringLiteral("/memory.json"));
    QVERIFY(!memory.isEmpty());
    // No temporary files are left behind.
    QCOMPARE(QDir(dir).entryList(QDir::Files).size(), names.size());
}

void TestReports::reportFilesErrorNamesThePath()
{
    // A file where the folder should be: the error names the path.
    const QString blocker = m_tmp.filePath(QStringLiteral("blocker"));
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    Report::ReportInput in;
    in.document = m_hostile;
    const Report::ReportFilesResult r = Report::writeReportFiles(in, blocker + QStringLiteral("/sub"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(blocker), qPrintable(r.error));
    // The file itself named as the folder: said so.
    const Report::ReportFilesResult onFile = Report::writeReportFiles(in, blocker);
    QVERIFY(!onFile.ok());
    QCOMPARE(onFile.error, blocker + QStringLiteral(": is a file; the report needs a folder to write its files in"));
    QString error;
    QVERIFY(!Report::writeFileAtomically(blocker + QStringLiteral("/x.csv"), "x", &error));
    QVERIFY2(error.startsWith(blocker + QStringLiteral("/x.csv: cannot write")), qPrintable(error));
}

void TestReports::findBoardByIdNameOrFile()
{
    const auto byId = Report::findBoard(QStringLiteral("RPI-PICO"));
    QVERIFY2(byId.ok(), qPrintable(byId.error));
    const auto byName = Report::findBoard(byId.value->name);
    QVERIFY(byName.ok());
    QCOMPARE(byName.value->id, byId.value->id);
    const QString path = m_tmp.filePath(QStringLiteral("tiny.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(tinyBoardJson(QStringLiteral("Tiny")));
    f.close();
    const auto byFile = Report::findBoard(path);
    QVERIFY2(byFile.ok(), qPrintable(byFile.error));
    QCOMPARE(byFile.value->sramBytes, qint64(8 * 1024));
    const auto unknown = Report::findBoard(QStringLiteral("no-such-board"));
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error.contains(QStringLiteral("no-such-board")));
    QVERIFY(unknown.error.contains(QStringLiteral("rpi-pico")));
}

void TestReports::checkExitCodes()
{
    const QString example = TestHelpers::exampleModelPath();
    QVERIFY2(QFileInfo::exists(example), qPrintable(example));
    const Run fits
        = runCli({ QStringLiteral("check"), example, QStringLiteral("--board"), QStringLiteral("nucleo-h743zi2") });
    QVERIFY2(fits.exitCode == 0, QByteArray(fits.out + fits.err).constData());
    QVERIFY(fits.out.contains("Fits"));

    const QString tiny = m_tmp.filePath(QStringLiteral("tiny-check.json"));
    QFile f(tiny);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(tinyBoardJson(QStringLiteral("Tiny")));
    f.close();
    const Run noFit = runCli({ QStringLiteral("check"), example, QStringLiteral("--board"), tiny });
    QVERIFY2(noFit.exitCode == 1, QByteArray(noFit.out + noFit.err).constData());
    QVERIFY(noFit.out.contains("Does not fit"));
    QVERIFY(noFit.out.contains("RAM"));

    // Memory fits, but TFLM has no kernel for the custom operator: still a "no" for CI.
    const Run unsupported
        = runCli({ QStringLiteral("check"), m_hostilePath, QStringLiteral("--board"), QStringLiteral("rpi-pico") });
    QVERIFY2(unsupported.exitCode == 1, QByteArray(unsupported.out + unsupported.err).constData());
    QVERIFY(unsupported.out.contains("Evil<Op>"));

    const Run unknown
        = runCli({ QStringLiteral("check"), example, QStringLiteral("--board"), QStringLiteral("no-such-board") });
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("no-such-board"));
    QVERIFY(unknown.err.contains("rpi-pico"));
    QCOMPARE(unknown.err.count('\n'), 1);

    const QString bad = m_tmp.filePath(QStringLiteral("bad.tflite"));
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("not a model at all");
    b.close();
    const Run badModel
        = runCli({ QStringLiteral("check"), bad, QStringLiteral("--board"), QStringLiteral("rpi-pico") });
    QCOMPARE(badModel.exitCode, 2);
    QVERIFY(badModel.err.contains(bad.toUtf8()));
    QCOMPARE(runCli({ QStringLiteral("check"), example }).exitCode, 2); // --board is required
}

void TestReports::checkJson()
{
    const Run run = runCli({ QStringLiteral("check"), m_hostilePath, QStringLiteral("--board"),
        QStringLiteral("rpi-pico"), QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(o.value(QStringLiteral("ok")).toBool(true), false);
    QCOMPARE(o.value(QStringLiteral("fits_memory")).toBool(), true);
    QCOMPARE(o.value(QStringLiteral("unsupported_operators")).toArray().first().toString(), QStringLiteral("Evil<Op>"));
    const Devices::FitInput need = Report::fitInputFromDocument(*m_hostile);
    QCOMPARE(
        o.value(QStringLiteral("ram")).toObject().value(QStringLiteral("arena_bytes")).toInteger(), need.arenaBytes);
    QCOMPARE(
        o.value(QStringLiteral("ram")).toObject().value(QStringLiteral("used_bytes")).toInteger(), need.ramNeeded());
    QCOMPARE(o.value(QStringLiteral("flash")).toObject().value(QStringLiteral("used_bytes")).toInteger(),
        need.flashNeeded());
    QCOMPARE(o.value(QStringLiteral("flash")).toObject().value(QStringLiteral("model_bytes")).toInteger(),
        QFileInfo(m_hostilePath).size());
}

void TestReports::checkSharedModels()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const QString vww = dir + QStringLiteral("/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
    const Run fits
        = runCli({ QStringLiteral("check"), vww, QStringLiteral("--board"), QStringLiteral("nucleo-h743zi2") });
    QVERIFY2(fits.exitCode == 0, QByteArray(fits.out + fits.err).constData());
    const QString big = dir + QStringLiteral("/coral_mobilenet_v2_100_224_uint8.tflite");
    const Run noFit = runCli({ QStringLiteral("check"), big, QStringLiteral("--board"), QStringLiteral("rpi-pico"),
        QStringLiteral("--json") });
    QVERIFY2(noFit.exitCode == 1, QByteArray(noFit.out + noFit.err).constData());
    const QJsonObject o = QJsonDocument::fromJson(noFit.out).object();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("does not fit"));
    // The verdict in the JSON is the one judgeFit gives for the same model and board.
    auto loaded = loadTfliteFile(big);
    QVERIFY(loaded.ok());
    const ModelDocumentPtr doc = Report::buildReportDocument(std::move(loaded).value());
    const Devices::FitVerdict v
        = Devices::judgeFit(Report::fitInputFromDocument(*doc), *Report::findBoard(QStringLiteral("rpi-pico")).value);
    QCOMPARE(o.value(QStringLiteral("headline")).toString(), v.headline);
    QCOMPARE(
        o.value(QStringLiteral("ram")).toObject().value(QStringLiteral("used_bytes")).toInteger(), v.ram.usedBytes);
}

void TestReports::reportCommandWritesFolder()
{
    const QString example = TestHelpers::exampleModelPath();
    const QString dir = m_tmp.filePath(QStringLiteral("cli-report"));
    const Run run = runCli({ QStringLiteral("report"), example, QStringLiteral("--board"), QStringLiteral("rpi-pico"),
        QStringLiteral("--board"), QStringLiteral("stm32f746g-disco"), QStringLiteral("-o"), dir });
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // layers.csv/json, memory.json, 4 node data files, graph.png, timeline.png, report.html
    QCOMPARE(run.out.count('\n'), 10);
    // Only errors on stderr: the offscreen platform's notes are not shown.
    QVERIFY2(run.err.isEmpty(), run.err.constData());

    auto loaded = loadTfliteFile(example);
    QVERIFY(loaded.ok());
    const ModelDocumentPtr doc = Report::buildReportDocument(std::move(loaded).value());
    const ModelAnalysis& a = doc->analyses[0];
    const QList<QStringList> rows = csvOrFail(readAll(dir + QStringLiteral("/layers.csv")));
    QCOMPARE(rows.size(), 1 + static_cast<int>(doc->model.subgraphs[0].operators.size()));
    const int macsColumn = rows[0].indexOf(QStringLiteral("macs"));
    for (std::size_t i = 0; i < a.layers.size(); ++i)
        QCOMPARE(rows[static_cast<int>(i) + 1][macsColumn].toLongLong(), a.layers[i].macs);
    QCOMPARE(readJsonObject(dir + QStringLiteral("/layers.json")).value(QStringLiteral("operators")).toArray().size(),
        static_cast<qsizetype>(a.layers.size()));
    const QJsonObject nodes = readJsonObject(dir + QStringLiteral("/model-explorer-params.json"))
                                  .value(QStringLiteral("results"))
                                  .toObject();
    QCOMPARE(nodes.size(), static_cast<qsizetype>(a.layers.size()));
    const QString html = QString::fromUtf8(readAll(dir + QStringLiteral("/report.html")));
    for (const char* id : { "rpi-pico", "stm32f746g-disco" }) {
        const Devices::FitVerdict v
            = Devices::judgeFit(Report::fitInputFromDocument(*doc), *Report::findBoard(QLatin1String(id)).value);
        QVERIFY2(html.contains(Report::htmlEscape(v.headline)), id);
        QVERIFY(html.contains(Report::htmlEscape(v.sentences.constLast())));
    }
    QVERIFY(html.contains(Report::sha256OfFile(example)));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/session.csv")));

    // The images were drawn offscreen: they load back, and the HTML embeds exactly these bytes.
    const QByteArray graphPng = readAll(dir + QStringLiteral("/graph.png"));
    const QImage graph = QImage::fromData(graphPng, "PNG");
    QVERIFY(!graph.isNull());
    auto laidOut = loadTfliteFile(example);
    QVERIFY(laidOut.ok());
    const ModelDocumentPtr withLayout = buildModelDocument(std::move(laidOut).value());
    Widgets::GraphScene scene;
    scene.setGraph(withLayout, 0);
    QCOMPARE(graph.size(), Widgets::planGraphImage(scene.sceneRect().size(), 1.0).size);
    const QByteArray timelinePng = readAll(dir + QStringLiteral("/timeline.png"));
    const Widgets::PlotImageOptions defaults;
    QCOMPARE(QImage::fromData(timelinePng, "PNG").size(), defaults.size * defaults.pixelRatio);
    QVERIFY(html.contains(QString::fromLatin1(graphPng.toBase64())));
    QVERIFY(html.contains(QString::fromLatin1(timelinePng.toBase64())));
    QCOMPARE(html.count(QStringLiteral("Image not rendered")), 0);
}

void TestReports::reportCommandWithTflmLog()
{
    const QString example = TestHelpers::exampleModelPath();
    auto loaded = loadTfliteFile(example);
    QVERIFY(loaded.ok());
    const Model model = std::move(loaded).value();
    const auto& ops = model.subgraphs[0].operators;
    // Three runs printed by MicroProfiler::LogCsv(); layer i takes 100 * (i + 1) + run ticks.
    const QByteArray log = tflmCsvLog(ops, 3);
    const QString logPath = m_tmp.filePath(QStringLiteral("run.log"));
    QFile f(logPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(log);
    f.close();
    const QString dir = m_tmp.filePath(QStringLiteral("cli-report-log"));
    const Run run = runCli({ QStringLiteral("report"), example, QStringLiteral("--session"), logPath,
        QStringLiteral("--tick-hz"), QStringLiteral("1000000"), QStringLiteral("-o"), dir });
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QStringList> session = csvOrFail(readAll(dir + QStringLiteral("/session.csv")));
    QCOMPARE(session.size(), 1 + 3 * static_cast<int>(ops.size()));
    // Run 2, layer 1: 100 * 2 + 2 ticks = 0.202 ms at 1 MHz.
    const QStringList& r = session[1 + 2 * static_cast<int>(ops.size()) + 1];
    QCOMPARE(r[0], QStringLiteral("2"));
    QCOMPARE(r[7].toInt(), 202);
    QCOMPARE(r[8].toDouble(), 0.202);
    const QList<QStringList> layers = csvOrFail(readAll(dir + QStringLiteral("/layers.csv")));
    const int median = layers[0].indexOf(QStringLiteral("latency_median_ticks"));
    QVERIFY(median > 0);
    // Warm-up run 0 set aside: layer 0 has 101 and 102, median 101.5.
    QCOMPARE(layers[1][median].toDouble(), 101.5);
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/model-explorer-latency_median_ms.json")));
    QVERIFY(readAll(dir + QStringLiteral("/report.html")).contains("id=\"latency\""));
}

void TestReports::reportCommandErrors()
{
    const QString example = TestHelpers::exampleModelPath();
    const Run noDir = runCli({ QStringLiteral("report"), example });
    QCOMPARE(noDir.exitCode, 2);
    QVERIFY(noDir.err.contains("-o DIR"));
    const Run missingLog = runCli({ QStringLiteral("report"), example, QStringLiteral("--session"),
        m_tmp.filePath(QStringLiteral("missing.log")), QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("x")) });
    QCOMPARE(missingLog.exitCode, 2);
    QVERIFY(missingLog.err.contains("missing.log"));
    const Run badBoard = runCli({ QStringLiteral("report"), example, QStringLiteral("--board"), QStringLiteral("nope"),
        QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("y")) });
    QCOMPARE(badBoard.exitCode, 2);
    QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("y"))));
}

void TestReports::reportCommandWithSessionFile()
{
    const QString example = TestHelpers::exampleModelPath();
    auto loaded = loadTfliteFile(example);
    QVERIFY(loaded.ok());
    const Model model = std::move(loaded).value();
    const std::size_t ops = model.subgraphs[0].operators.size();
    const QString sessionPath = m_tmp.filePath(QStringLiteral("board.tsession"));
    QString error;
    QVERIFY2(Devices::writeSessionFile(sessionPath, boardCapture(ops, 4, Report::sha256OfFile(example)), &error),
        qPrintable(error));
    const QString dir = m_tmp.filePath(QStringLiteral("cli-report-session"));
    const Run run = runCli({ QStringLiteral("report"), example, QStringLiteral("--board"), QStringLiteral("rpi-pico"),
        QStringLiteral("--session"), sessionPath, QStringLiteral("--images"), QStringLiteral("svg"),
        QStringLiteral("-o"), dir });
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.err.isEmpty(), run.err.constData()); // same model: no warning

    // The statistics the app computes from the same file.
    const LatencySources::FileConversion read = LatencySources::fromSessionFile(sessionPath, static_cast<int>(ops));
    QVERIFY2(read.ok(), qPrintable(read.error));
    const ModelDocumentPtr doc = Report::buildReportDocument(model);
    std::vector<qint64> macs;
    for (const LayerInfo& l : doc->analyses[0].layers)
        macs.push_back(l.macs);
    const LatencyProfile profile = computeLatency(read.value->session, static_cast<int>(ops), macs);
    QCOMPARE(profile.runsTotal, 4);
    QCOMPARE(profile.warmupRun, 0);

    const QList<QStringList> session = csvOrFail(readAll(dir + QStringLiteral("/session.csv")));
    QCOMPARE(session.size(), 1 + 4 * static_cast<int>(ops));
    // Run 3, layer 2: 1000 * 3 + 30 ticks = 3.03 ms at 1 MHz.
    const QStringList& r = session[1 + 3 * static_cast<int>(ops) + 2];
    QCOMPARE(r[7].toInt(), 3030);
    QCOMPARE(r[8].toDouble(), 3.03);
    const QList<QStringList> layers = csvOrFail(readAll(dir + QStringLiteral("/layers.csv")));
    const int median = layers[0].indexOf(QStringLiteral("latency_median_ms"));
    const int cycles = layers[0].indexOf(QStringLiteral("cycles_per_mac"));
    QVERIFY(median > 0 && cycles > 0);
    for (std::size_t i = 0; i < ops; ++i) {
        QCOMPARE(layers[static_cast<int>(i) + 1][median].toDouble(), profile.ticksToMs(profile.layers[i].medianTicks));
        if (std::isfinite(profile.layers[i].cyclesPerMac))
            QCOMPARE(layers[static_cast<int>(i) + 1][cycles].toDouble(), profile.layers[i].cyclesPerMac);
    }
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/model-explorer-latency_median_ms.json")));

    const QString html = QString::fromUtf8(readAll(dir + QStringLiteral("/report.html")));
    QVERIFY(html.contains(QStringLiteral("id=\"latency\"")));
    QVERIFY(html.contains(Report::htmlEscape(QStringLiteral("Test <board>"))));
    QVERIFY(!html.contains(QStringLiteral("Test <board>")));
    // The latency statistics: the per-run total and every operator's median, as computed above.
    QVERIFY(html.contains(QString::number(profile.ticksToMs(profile.runTotalMedianTicks), 'f', 3)));
    for (const LayerLatency& l : profile.layers)
        QVERIFY(html.contains(QStringLiteral(">%1<").arg(QString::number(profile.ticksToMs(l.medianTicks), 'f', 3))));
    // Two SVG images, embedded and beside the report; both parse.
    QCOMPARE(html.count(QStringLiteral("src=\"data:image/svg+xml;base64,")), 2);
    QCOMPARE(html.count(QStringLiteral("Image not rendered")), 0);
    for (const char* name : { "graph.svg", "timeline.svg" }) {
        const QByteArray svg = readAll(dir + QLatin1Char('/') + QLatin1String(name));
        QSvgRenderer renderer(svg);
        QVERIFY2(renderer.isValid(), name);
        QVERIFY(html.contains(QString::fromLatin1(svg.toBase64())));
    }
    // The graph is painted in heat colours: its legend is in the SVG.
    QVERIFY(readAll(dir + QStringLiteral("/graph.svg")).contains("Share of measured time"));

    // A session recorded for another model is still used, with a warning naming the file.
    const QString otherPath = m_tmp.filePath(QStringLiteral("other.tsession"));
    QVERIFY(Devices::writeSessionFile(otherPath, boardCapture(ops, 2, QString(64, QLatin1Char('0'))), &error));
    const Run other = runCli(
        { QStringLiteral("report"), example, QStringLiteral("--session"), otherPath, QStringLiteral("--images"),
            QStringLiteral("none"), QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("cli-report-other")) });
    QVERIFY2(other.exitCode == 0, other.err.constData());
    QVERIFY(other.err.contains("another model"));
    QVERIFY(other.err.contains(otherPath.toUtf8()));

    // A damaged session file is an error naming it.
    const QString bad = m_tmp.filePath(QStringLiteral("bad.tsession"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"format\":\"tinyscope-session\",\"version\":99}\n");
    f.close();
    const Run damaged = runCli({ QStringLiteral("report"), example, QStringLiteral("--session"), bad,
        QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("cli-report-bad")) });
    QCOMPARE(damaged.exitCode, 2);
    QVERIFY(damaged.err.contains(bad.toUtf8()));
    QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("cli-report-bad/report.html"))));
}

void TestReports::reportCommandImagesOption()
{
    const QString example = TestHelpers::exampleModelPath();
    const QString dir = m_tmp.filePath(QStringLiteral("cli-report-noimages"));
    const Run none = runCli({ QStringLiteral("report"), example, QStringLiteral("--images"), QStringLiteral("none"),
        QStringLiteral("-o"), dir });
    QVERIFY2(none.exitCode == 0, none.err.constData());
    QCOMPARE(none.out.count('\n'), 8);
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/graph.png")));
    const QString html = QString::fromUtf8(readAll(dir + QStringLiteral("/report.html")));
    QCOMPARE(html.count(QStringLiteral("Image not rendered")), 2);
    QVERIFY(!html.contains(QStringLiteral("data:image")));

    const Run pdf = runCli({ QStringLiteral("report"), example, QStringLiteral("--images"), QStringLiteral("pdf"),
        QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("cli-report-pdf")) });
    QCOMPARE(pdf.exitCode, 2);
    QVERIFY(pdf.err.contains("--images"));
    QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("cli-report-pdf"))));
}

void TestReports::failedWriteKeepsOldFile()
{
    const QString dir = m_tmp.filePath(QStringLiteral("keep"));
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(longFileName(QStringLiteral(".csv")));
    QFile old(path);
    QVERIFY2(old.open(QIODevice::WriteOnly), qPrintable(old.errorString()));
    old.write("old,data\r\n");
    old.close();
    QString error;
    QVERIFY(!Report::writeFileAtomically(path, QByteArray(100000, 'x'), &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(": cannot write")), qPrintable(error));
    QCOMPARE(readAll(path), QByteArray("old,data\r\n"));
    // Nothing half-written was left beside it.
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

void TestReports::guiExports()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(30000));
    const ModelDocumentPtr doc = w.document();
    QVERIFY(doc);
    const std::size_t ops = doc->model.subgraphs[0].operators.size();
    ExportManager* ex = w.exportManager();
    using Kind = ExportManager::Kind;

    // File > Export has every export, and each view's context menu its own.
    for (const Kind k : { Kind::GraphPng, Kind::GraphSvg, Kind::TimelinePng, Kind::TimelineSvg, Kind::TimelinePdf,
             Kind::ArenaMapPng, Kind::ArenaMapSvg, Kind::ArenaMapPdf, Kind::LayersCsv, Kind::LayersJson,
             Kind::SessionCsv, Kind::ModelExplorer, Kind::HtmlReport }) {
        QVERIFY(ex->action(k));
        QVERIFY(ex->menu()->actions().contains(ex->action(k)));
    }
    QVERIFY(w.graphView()->canvas()->actions().contains(ex->action(Kind::GraphPng)));
    QVERIFY(w.graphView()->canvas()->actions().contains(ex->action(Kind::GraphSvg)));
    QVERIFY(w.memoryTimeline()->plot()->actions().contains(ex->action(Kind::TimelinePdf)));
    QVERIFY(w.arenaMap()->plot()->actions().contains(ex->action(Kind::ArenaMapSvg)));
    QVERIFY(w.layerTable()->tableView()->actions().contains(ex->action(Kind::LayersCsv)));
    QVERIFY(w.layerTable()->tableView()->actions().contains(w.layerTable()->copyAction()));
    QCOMPARE(w.graphView()->canvas()->contextMenuPolicy(), Qt::ActionsContextMenu);
    QVERIFY(ex->action(Kind::HtmlReport)->isEnabled());
    QVERIFY(!ex->action(Kind::SessionCsv)->isEnabled()); // nothing measured yet

    const QDir dir(m_tmp.filePath(QStringLiteral("gui")));
    QVERIFY(QDir().mkpath(dir.path()));
    // Graph: PNG at 2x has the planned size; SVG parses with the scene's size.
    QVERIFY(ex->exportTo(Kind::GraphPng, dir.filePath(QStringLiteral("g.png")), 2.0));
    const QSizeF sceneSize = w.graphView()->graphScene()->sceneRect().size();
    QCOMPARE(QImage(dir.filePath(QStringLiteral("g.png"))).size(), Widgets::planGraphImage(sceneSize, 2.0).size);
    QVERIFY(ex->exportTo(Kind::GraphSvg, dir.filePath(QStringLiteral("g.svg"))));
    QSvgRenderer graphSvg(dir.filePath(QStringLiteral("g.svg")));
    QVERIFY(graphSvg.isValid());
    QCOMPARE(graphSvg.viewBoxF().size(), QSizeF(std::ceil(sceneSize.width()), std::ceil(sceneSize.height())));
    // Timeline and arena map in the three formats.
    const Widgets::PlotImageOptions defaults;
    for (const auto& [png, svg, pdf] : { std::tuple { Kind::TimelinePng, Kind::TimelineSvg, Kind::TimelinePdf },
             std::tuple { Kind::ArenaMapPng, Kind::ArenaMapSvg, Kind::ArenaMapPdf } }) {
        QVERIFY(ex->exportTo(png, dir.filePath(QStringLiteral("m.png"))));
        QCOMPARE(QImage(dir.filePath(QStringLiteral("m.png"))).size(), defaults.size * defaults.pixelRatio);
        QVERIFY(ex->exportTo(svg, dir.filePath(QStringLiteral("m.svg"))));
        QSvgRenderer renderer(dir.filePath(QStringLiteral("m.svg")));
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBoxF().size(), QSizeF(defaults.size));
        QVERIFY(ex->exportTo(pdf, dir.filePath(QStringLiteral("m.pdf"))));
        const QByteArray pdfBytes = readAll(dir.filePath(QStringLiteral("m.pdf")));
        QVERIFY(pdfBytes.startsWith("%PDF-"));
        QCOMPARE(pdfPageCount(pdfBytes), 1);
    }
    // Layer table: one row per operator, numbers equal to the analysis.
    QVERIFY(ex->exportTo(Kind::LayersCsv, dir.filePath(QStringLiteral("layers.csv"))));
    const QList<QStringList> rows = csvOrFail(readAll(dir.filePath(QStringLiteral("layers.csv"))));
    QCOMPARE(rows.size(), 1 + static_cast<int>(ops));
    const int macs = rows[0].indexOf(QStringLiteral("macs"));
    const int params = rows[0].indexOf(QStringLiteral("params"));
    for (std::size_t i = 0; i < ops; ++i) {
        QCOMPARE(rows[static_cast<int>(i) + 1][macs].toLongLong(), doc->analyses[0].layers[i].macs);
        QCOMPARE(rows[static_cast<int>(i) + 1][params].toLongLong(), doc->analyses[0].layers[i].params);
    }
    QVERIFY(ex->exportTo(Kind::LayersJson, dir.filePath(QStringLiteral("layers.json"))));
    QCOMPARE(
        readJsonObject(dir.filePath(QStringLiteral("layers.json"))).value(QStringLiteral("operators")).toArray().size(),
        static_cast<qsizetype>(ops));
    // No measurements: the session CSV is refused, with the file named in the banner, and nothing is written.
    const QString sessionCsv = dir.filePath(QStringLiteral("session.csv"));
    QVERIFY(!ex->exportTo(Kind::SessionCsv, sessionCsv));
    QVERIFY(w.banner()->text().contains(sessionCsv));
    QVERIFY(!QFileInfo::exists(sessionCsv));

    // With an imported TFLM log (3 runs): the session CSV, latency node data and latency in the report.
    const QString logPath = dir.filePath(QStringLiteral("run.log"));
    QFile log(logPath);
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.write(tflmCsvLog(doc->model.subgraphs[0].operators, 3));
    log.close();
    QVERIFY(w.importTflmLog(logPath));
    QVERIFY(w.latency());
    QVERIFY(ex->action(Kind::SessionCsv)->isEnabled());
    QVERIFY(ex->exportTo(Kind::SessionCsv, sessionCsv));
    QCOMPARE(csvOrFail(readAll(sessionCsv)).size(), 1 + 3 * static_cast<int>(ops));
    const QString explorer = dir.filePath(QStringLiteral("explorer"));
    QVERIFY(ex->exportTo(Kind::ModelExplorer, explorer));
    QCOMPARE(ex->lastWritten().size(), 5); // macs, params, weight and output bytes, latency (ticks: no tick rate)
    const QJsonObject latencyNodes
        = readJsonObject(explorer + QStringLiteral("/model-explorer-latency_median_ticks.json"))
              .value(QStringLiteral("results"))
              .toObject();
    QCOMPARE(latencyNodes.size(), static_cast<qsizetype>(ops));
    // Warm-up run 0 set aside: layer 0 has 101 and 102 ticks, median 101.5.
    QCOMPARE(latencyNodes.value(QStringLiteral("0")).toObject().value(QStringLiteral("value")).toDouble(), 101.5);
    // Heat colours in the graph export now: the legend is drawn.
    QVERIFY(ex->exportTo(Kind::GraphSvg, dir.filePath(QStringLiteral("g-latency.svg"))));
    QVERIFY(readAll(dir.filePath(QStringLiteral("g-latency.svg"))).contains("Share of measured time"));

    // The HTML report: the board panel's board and verdict, both images, the latency statistics.
    const QString htmlPath = dir.filePath(QStringLiteral("report.html"));
    QVERIFY(ex->exportTo(Kind::HtmlReport, htmlPath));
    const QString html = QString::fromUtf8(readAll(htmlPath));
    const Devices::BoardProfile* board = w.boardFitPanel()->currentBoard();
    QVERIFY(board);
    const Report::BoardFit fit = Report::judgeBoard(*doc, *board);
    QVERIFY(html.contains(Report::htmlEscape(board->name)));
    QVERIFY(html.contains(Report::htmlEscape(fit.verdict.headline)));
    QCOMPARE(html.count(QStringLiteral("src=\"data:image/png;base64,")), 2);
    QVERIFY(html.contains(QStringLiteral("id=\"latency\"")));
    QVERIFY(html.contains(QStringLiteral(">%1<").arg(QString::number(w.latency()->layers[0].medianTicks, 'f', 0))));

    // A failed export leaves the previous file as it was, and the banner names the file and the reason.
    const QString keep = dir.filePath(longFileName(QStringLiteral(".csv")));
    QFile old(keep);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("previous export");
    old.close();
    QVERIFY(!ex->exportTo(Kind::LayersCsv, keep));
    QCOMPARE(readAll(keep), QByteArray("previous export"));
    QCOMPARE(w.banner()->severity(), Widgets::MessageBanner::Severity::Error);
    QVERIFY(w.banner()->text().contains(keep));
    QVERIFY(w.banner()->text().contains(QStringLiteral("cannot write")));
    QVERIFY(!ex->exportTo(Kind::GraphPng, keep, 1.0));
    QCOMPARE(readAll(keep), QByteArray("previous export"));
}

void TestReports::recordFromSimulatedBoard()
{
    const QString example = TestHelpers::exampleModelPath();
    QProcess sim;
    sim.start(QStringLiteral(TINYSCOPE_BOARD_SIM),
        { QStringLiteral("--model"), example, QStringLiteral("--time-scale"), QStringLiteral("0"),
            QStringLiteral("--seed"), QStringLiteral("5") });
    QVERIFY(sim.waitForStarted());
    QVERIFY(sim.waitForReadyRead(20000));
    const QString first = QString::fromUtf8(sim.readLine()).trimmed();
    const QString prefix = QStringLiteral("TinyScope simulated board: ");
    QVERIFY2(first.startsWith(prefix), qPrintable(first));
    const QString port = first.mid(prefix.size());
    const QString file = m_tmp.filePath(QStringLiteral("recorded.tsession"));
    const Run run
        = runCli({ QStringLiteral("record"), port, QStringLiteral("--model"), example, QStringLiteral("--runs"),
            QStringLiteral("5"), QStringLiteral("--timeout"), QStringLiteral("60"), QStringLiteral("-o"), file });
    sim.terminate();
    QVERIFY(sim.waitForFinished(10000));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("5 runs"));
    const Devices::SessionFileResult read = Devices::readSessionFile(file);
    QVERIFY2(read.ok(), qPrintable(read.error));
    const Devices::Capture& capture = read.value->capture;
    QCOMPARE(capture.runs.size(), std::size_t(5));
    QCOMPARE(capture.modelSha256, Report::sha256OfFile(example));
    QVERIFY(capture.board.has_value());
    auto loaded = loadTfliteFile(example);
    QVERIFY(loaded.ok());
    const std::size_t ops = loaded.value().subgraphs[0].operators.size();
    for (const Devices::CapturedRun& r : capture.runs) {
        QVERIFY(r.complete());
        QCOMPARE(r.layers.size(), ops);
    }

    // No such port: an error naming it, and no runs.
    const QString missing = m_tmp.filePath(QStringLiteral("no-such-port"));
    const Run bad = runCli(
        { QStringLiteral("record"), missing, QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--timeout"),
            QStringLiteral("5"), QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("x.tsession")) });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(missing.toUtf8()), bad.err.constData());
    QCOMPARE(runCli({ QStringLiteral("record"), port }).exitCode, 2); // -o is required
}

QTEST_MAIN(TestReports)
#include "tst_reports.moc"
