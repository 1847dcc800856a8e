// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-cli as a user runs it: a separate process, its output parsed back.
#include "analysis/layeranalysis.h"
#include "processrun.h"
#include "sharedmodels.h"
#include "tflite/tfliteloader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Profiler;

namespace {

using Run = TestHelpers::ProcessResult;

Run runCli(const QStringList& args)
{
    return TestHelpers::runProcess(QStringLiteral(TINYSCOPE_CLI), args, 60000);
}

/** Splits RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field);
    return rows;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonMatchesAnalysis_data();
    void jsonMatchesAnalysis();
    void csvRowPerOperator();
    void textTable();
    void writesFile();
    void badInput_data();
    void badInput();
    void memoryJson();
    void memoryText();
    void layoutJson();
    void guiCommandLine();
};

void TestCli::jsonMatchesAnalysis_data()
{
    QTest::addColumn<QString>("file");
    QTest::addRow("DS-CNN") << "mlperf_tiny_kws_ds_cnn_int8.tflite";
    QTest::addRow("two subgraphs") << "litert_call_once_resource_vars.tflite";
    QTest::addRow("ethos-u") << "tflm_person_detect_vela_ethosu.tflite";
    QTest::addRow("MobileNetV2") << "coral_mobilenet_v2_100_224_uint8.tflite";
}

void TestCli::jsonMatchesAnalysis()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, file);
    const QString path = dir + QLatin1Char('/') + file;
    const Run run = runCli({ QStringLiteral("analyze"), path, QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));

    const auto loaded = loadTfliteFile(path);
    QVERIFY(loaded.ok());
    const ModelAnalysis a = analyzeModel(loaded.value());
    const QJsonObject summary = doc[QStringLiteral("summary")].toObject();
    QCOMPARE(summary[QStringLiteral("operators")].toInteger(), a.summary.operators);
    QCOMPARE(summary[QStringLiteral("tensors")].toInteger(), a.summary.tensors);
    QCOMPARE(summary[QStringLiteral("subgraphs")].toInteger(), a.summary.subgraphs);
    QCOMPARE(summary[QStringLiteral("params")].toInteger(), a.summary.params);
    QCOMPARE(summary[QStringLiteral("macs")].toInteger(), a.summary.macs);
    QCOMPARE(summary[QStringLiteral("weight_bytes")].toInteger(), a.summary.weightBytes);

    const QJsonArray ops = doc[QStringLiteral("operators")].toArray();
    QCOMPARE(ops.size(), static_cast<qsizetype>(a.layers.size()));
    const Subgraph& sg = loaded.value().subgraphs[0];
    for (qsizetype i = 0; i < ops.size(); ++i) {
        const QJsonObject o = ops[i].toObject();
        const LayerInfo& layer = a.layers[static_cast<std::size_t>(i)];
        QCOMPARE(o[QStringLiteral("index")].toInt(), layer.index);
        QCOMPARE(o[QStringLiteral("type")].toString(), layer.type);
        QCOMPARE(o[QStringLiteral("name")].toString(), layer.name);
        QCOMPARE(o[QStringLiteral("params")].toInteger(), layer.params);
        QCOMPARE(o[QStringLiteral("macs")].toInteger(), layer.macs);
        QCOMPARE(o[QStringLiteral("output_bytes")].toInteger(), layer.outputBytes);
        QCOMPARE(o[QStringLiteral("supported")].toBool(), layer.support.status == SupportStatus::Supported);
        const QJsonArray inputs = o[QStringLiteral("inputs")].toArray();
        const Operator& op = sg.operators[static_cast<std::size_t>(i)];
        QCOMPARE(inputs.size(), static_cast<qsizetype>(op.inputs.size()));
        const QJsonArray shapes = o[QStringLiteral("output_shapes")].toArray();
        QCOMPARE(shapes.size(), static_cast<qsizetype>(op.outputs.size()));
        for (std::size_t k = 0; k < op.outputs.size(); ++k) {
            const Tensor& t = sg.tensors[static_cast<std::size_t>(op.outputs[k])];
            QCOMPARE(shapes[static_cast<qsizetype>(k)].toArray().size(), static_cast<qsizetype>(t.shape.size()));
        }
    }
}

void TestCli::csvRowPerOperator()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const QString path = dir + QStringLiteral("/mltk_kws_on_off_v3_int8.tflite");
    const Run run = runCli({ QStringLiteral("analyze"), path, QStringLiteral("--csv") });
    QCOMPARE(run.exitCode, 0);
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(run.out));
    const auto loaded = loadTfliteFile(path);
    QVERIFY(loaded.ok());
    const ModelAnalysis a = analyzeModel(loaded.value());
    QCOMPARE(rows.size(), static_cast<qsizetype>(a.layers.size()) + 1);
    const QStringList header = rows.first();
    QCOMPARE(header.first(), QStringLiteral("index"));
    const int macsCol = static_cast<int>(header.indexOf(QStringLiteral("macs")));
    const int paramsCol = static_cast<int>(header.indexOf(QStringLiteral("params")));
    const int bytesCol = static_cast<int>(header.indexOf(QStringLiteral("output_bytes")));
    QVERIFY(macsCol > 0 && paramsCol > 0 && bytesCol > 0);
    for (qsizetype r = 1; r < rows.size(); ++r) {
        const QStringList& row = rows[r];
        QCOMPARE(row.size(), header.size());
        const LayerInfo& layer = a.layers[static_cast<std::size_t>(r - 1)];
        QCOMPARE(row[0].toInt(), layer.index);
        QCOMPARE(row[macsCol].toLongLong(), layer.macs);
        QCOMPARE(row[paramsCol].toLongLong(), layer.params);
        QCOMPARE(row[bytesCol].toLongLong(), layer.outputBytes);
    }
}

void TestCli::textTable()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Run run = runCli({ QStringLiteral("analyze"), dir + QStringLiteral("/mlperf_tiny_kws_ds_cnn_int8.tflite") });
    QCOMPARE(run.exitCode, 0);
    const QString text = QString::fromUtf8(run.out);
    QVERIFY(text.contains(QLatin1String("13 operators, 35 tensors")));
    QVERIFY(text.contains(QLatin1String("MACs 2 656 768")));
    QCOMPARE(text.count(QLatin1String("DEPTHWISE_CONV_2D")), 4);
}

void TestCli::writesFile()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QTemporaryDir tmp;
    const QString out = tmp.filePath(QStringLiteral("layers.json"));
    const Run run = runCli({ QStringLiteral("analyze"), dir + QStringLiteral("/tflm_hello_world_int8.tflite"),
        QStringLiteral("--json"), QStringLiteral("-o"), out });
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.isEmpty());
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    QCOMPARE(doc[QStringLiteral("summary")][QStringLiteral("operators")].toInt(), 3);
    QCOMPARE(doc[QStringLiteral("summary")][QStringLiteral("macs")].toInt(), 288);

    // An unwritable destination is an error naming it.
    const QString bad = tmp.filePath(QStringLiteral("no/such/folder/x.json"));
    const Run fail = runCli({ QStringLiteral("analyze"), dir + QStringLiteral("/tflm_hello_world_int8.tflite"),
        QStringLiteral("--json"), QStringLiteral("-o"), bad });
    QCOMPARE(fail.exitCode, 2);
    QVERIFY(QString::fromUtf8(fail.err).startsWith(bad));
}

void TestCli::badInput_data()
{
    QTest::addColumn<bool>("createFile");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::addRow("missing file") << false << QByteArray() << "no such file";
    QTest::addRow("empty file") << true << QByteArray() << "the file is empty";
    QTest::addRow("text file") << true << QByteArray("hello, this is not a model\n") << "not a TensorFlow Lite file";
    QTest::addRow("truncated") << true << QByteArray("\x1c\0\0\0TFL3\0\0\0\0", 12) << "truncated or corrupt";
}

void TestCli::badInput()
{
    QFETCH(bool, createFile);
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("model.tflite"));
    if (createFile) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    const Run run = runCli({ QStringLiteral("analyze"), path, QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    const QString err = QString::fromUtf8(run.err);
    QCOMPARE(err.count(QLatin1Char('\n')), 1); // one line
    QVERIFY2(err.startsWith(path + QStringLiteral(": ")), qPrintable(err));
    QVERIFY2(err.contains(expected), qPrintable(err));
}

void TestCli::memoryJson()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Run run = runCli({ QStringLiteral("memory"),
        dir + QStringLiteral("/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite"), QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    const QJsonDocument doc = QJsonDocument::fromJson(run.out);
    QVERIFY(doc.isObject());
    QCOMPARE(doc[QStringLiteral("tflm")][QStringLiteral("arena_bytes")].toInteger(), 73728);
    QCOMPARE(doc[QStringLiteral("lower_bound_bytes")].toInteger(), 55296);
    QCOMPARE(doc[QStringLiteral("best")][QStringLiteral("arena_bytes")].toInteger(), 55296);
    QVERIFY(doc[QStringLiteral("reordered")][QStringLiteral("arena_bytes")].toInteger() <= 55296);
    QCOMPARE(doc[QStringLiteral("reordered")][QStringLiteral("order")].toArray().size(), 31);
    QVERIFY(doc[QStringLiteral("persistent_estimate")][QStringLiteral("estimate")].toBool());

    // The buffers of the TFLM plan are where the plan says, and the largest end is the arena size.
    const QJsonArray buffers = doc[QStringLiteral("buffers")].toArray();
    QCOMPARE(buffers.size(), 32);
    qint64 top = 0;
    for (const QJsonValue& v : buffers) {
        const QJsonObject b = v.toObject();
        QVERIFY(b[QStringLiteral("first")].toInt() <= b[QStringLiteral("last")].toInt());
        QCOMPARE(b[QStringLiteral("size")].toInteger() % 16, 0);
        top = std::max(top, b[QStringLiteral("offset")].toInteger() + b[QStringLiteral("size")].toInteger());
    }
    QCOMPARE(top, 73728);
    const QJsonArray timeline = doc[QStringLiteral("timeline")].toArray();
    QCOMPARE(timeline.size(), 32); // the entry step and 31 operators
    qint64 peak = 0;
    for (const QJsonValue& v : timeline)
        peak = std::max(peak, v[QStringLiteral("live_bytes")].toInteger());
    QCOMPARE(peak, 55296);
    QCOMPARE(doc[QStringLiteral("peak")][QStringLiteral("live_bytes")].toInteger(), 55296);
}

void TestCli::memoryText()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Run run = runCli({ QStringLiteral("memory"), dir + QStringLiteral("/tflm_micro_speech_int8.tflite") });
    QCOMPARE(run.exitCode, 0);
    const QString text = QString::fromUtf8(run.out);
    QVERIFY2(text.contains(QLatin1String("TFLM plan (head)        5 968 bytes")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("(estimate)")));

    const Run bad = runCli({ QStringLiteral("memory"), dir + QStringLiteral("/MANIFEST.md") });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(QString::fromUtf8(bad.err).contains(QLatin1String("not a TensorFlow Lite file")));
}

void TestCli::layoutJson()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Run run
        = runCli({ QStringLiteral("layout"), dir + QStringLiteral("/mlperf_tiny_kws_ds_cnn_int8.tflite"), QStringLiteral("--json") });
    QCOMPARE(run.exitCode, 0);
    const QJsonDocument doc = QJsonDocument::fromJson(run.out);
    const QJsonArray nodes = doc[QStringLiteral("nodes")].toArray();
    QCOMPARE(nodes.size(), 13 + 2); // 13 operators, one input, one output
    const QJsonArray edges = doc[QStringLiteral("edges")].toArray();
    QCOMPARE(edges.size(), 14); // a chain
    for (const QJsonValue& e : edges) {
        const QJsonObject from = nodes[e[QStringLiteral("from")].toInt()].toObject();
        const QJsonObject to = nodes[e[QStringLiteral("to")].toInt()].toObject();
        QVERIFY(to[QStringLiteral("y")].toDouble() >= from[QStringLiteral("y")].toDouble() + from[QStringLiteral("height")].toDouble());
        QVERIFY(e[QStringLiteral("points")].toArray().size() >= 2);
    }
    QCOMPARE(doc[QStringLiteral("crossings")].toInt(), 0);
    QVERIFY(doc[QStringLiteral("milliseconds")].isDouble());
}

void TestCli::guiCommandLine()
{
    // The window's program answers --help and --version without a screen, says so when there is none, and refuses
    // a --select that is not an operator number; none of these opens a window.
    const auto run = [](const QStringList& args, const QStringList& unset, const QStringList& set) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& name : unset)
            env.remove(name);
        for (const QString& pair : set)
            env.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TINYSCOPE_GUI), args);
        Run r;
        if (p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit)
            r.exitCode = p.exitCode();
        else
            p.kill();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    };
    const QStringList noScreen { QStringLiteral("DISPLAY"), QStringLiteral("WAYLAND_DISPLAY"),
        QStringLiteral("QT_QPA_PLATFORM") };

    Run r = run({ QStringLiteral("--help") }, noScreen, {});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("--simulated-board") && r.out.contains("--select <n>"), r.out.constData());

    r = run({ QStringLiteral("--version") }, noScreen, {});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith("TinyScope "), r.out.constData());

    r = run({}, noScreen, {});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no display to open the window on") && r.err.contains("tinyscope-cli"), r.err.constData());

    for (const QString& bad : { QStringLiteral("abc"), QStringLiteral("-3"), QStringLiteral("1.5") }) {
        r = run({ QStringLiteral("--select"), bad }, {}, { QStringLiteral("QT_QPA_PLATFORM=offscreen") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--select %1: not an operator number").arg(bad).toUtf8()),
            r.err.constData());
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
