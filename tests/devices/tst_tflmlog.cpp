// SPDX-License-Identifier: GPL-3.0-or-later
// TFLM MicroProfiler text output: the three formats, chunking, rejected samples, totals, runs, mapping, files.
#include "protocol/tflmlogparser.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest/QTest>

using namespace Devices;

namespace {

QString rejectCode(TflmRejectReason reason)
{
    switch (reason) {
    case TflmRejectReason::None:
        return QString();
    case TflmRejectReason::NeverEnded:
        return QStringLiteral("!never");
    case TflmRejectReason::Wrapped:
        return QStringLiteral("!wrapped");
    case TflmRejectReason::OutOfRange:
        return QStringLiteral("!range");
    }
    return QString();
}

/** Compact view of the runs: "csv: CONV_2D=10 FC=!never sum=10 | ...", "~" marks a truncated run. */
QString summary(const TflmLog& log)
{
    QStringList runs;
    for (const auto& run : log.runs) {
        QStringList parts;
        parts << (run.format == TflmLogFormat::Csv ? QStringLiteral("csv:") : QStringLiteral("log:"));
        for (const auto& e : run.events)
            parts << e.tag + QLatin1Char('=') + (e.rejected() ? rejectCode(e.rejectReason) : QString::number(e.ticks));
        parts << QStringLiteral("sum=%1").arg(run.totalTicks);
        if (run.truncated)
            parts << QStringLiteral("~");
        runs << parts.join(QLatin1Char(' '));
    }
    return runs.join(QStringLiteral(" | "));
}

/** Everything observable, to compare results of different chunkings. */
QString describe(const TflmLog& log)
{
    QStringList out;
    out << summary(log);
    for (const auto& run : log.runs) {
        for (const auto& e : run.events)
            out << QStringLiteral("event %1 %2 line %3").arg(e.index).arg(e.tag).arg(e.line);
        for (const auto& t : run.tagTotals)
            out << QStringLiteral("total %1 %2 %3").arg(t.tag).arg(t.ticks).arg(t.events);
    }
    for (const auto& p : log.printedTotals) {
        out << QStringLiteral("printed line %1 runs %2+%3 total %4")
                   .arg(p.line)
                   .arg(p.firstRun)
                   .arg(p.runCount)
                   .arg(p.total ? QString::number(*p.total) : QStringLiteral("-"));
        for (const auto& t : p.perTag)
            out << QStringLiteral("printed %1 %2").arg(t.tag).arg(t.ticks);
    }
    for (const auto& w : log.warnings)
        out << QStringLiteral("warning %1 %2").arg(w.line).arg(w.message);
    out << QStringLiteral("lines %1 ignored %2").arg(log.lines).arg(log.ignoredLines);
    return out.join(QLatin1Char('\n'));
}

TflmLog parseWhole(const QByteArray& input, const TflmLogParserOptions& options)
{
    TflmLogParser parser(options);
    parser.feed(input);
    return parser.finish();
}

TflmLog parseBytes(const QByteArray& input, const TflmLogParserOptions& options)
{
    TflmLogParser parser(options);
    for (qsizetype i = 0; i < input.size(); ++i)
        parser.feed(QByteArrayView(input).sliced(i, 1));
    return parser.finish();
}

TflmLog parseRandomChunks(const QByteArray& input, const TflmLogParserOptions& options, quint32 seed)
{
    QRandomGenerator rng(seed);
    TflmLogParser parser(options);
    qsizetype pos = 0;
    while (pos < input.size()) {
        const qsizetype len = std::min<qsizetype>(input.size() - pos, rng.bounded(0, 24));
        parser.feed(input.mid(pos, len)); // empty chunks too
        pos += len;
    }
    return parser.finish();
}

QByteArray crlf(const char* lines)
{
    QByteArray b(lines);
    b.replace("\n", "\r\n");
    return b;
}

} // namespace

class TestTflmLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void printedTotalsKeptApart();
    void wrapLimitConfigurable();
    void mapping_data();
    void mapping();
    void fileOk();
    void fileErrors_data();
    void fileErrors();
};

void TestTflmLog::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("expectedEventsPerRun");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("warnings"); // one substring per warning, in order
    QTest::addColumn<int>("ignored");

    const QStringList none;

    QTest::addRow("Log(), two runs, CRLF")
        << crlf("CONV_2D took 249561 ticks (9 ms).\n"
                "DEPTHWISE_CONV_2D took 1000 ticks (0 ms).\n"
                "FULLY_CONNECTED took 500 ticks (0 ms).\n"
                "CONV_2D took 249000 ticks (9 ms).\n"
                "DEPTHWISE_CONV_2D took 1001 ticks (0 ms).\n"
                "FULLY_CONNECTED took 501 ticks (0 ms).\n")
        << 0
        << QStringLiteral("log: CONV_2D=249561 DEPTHWISE_CONV_2D=1000 FULLY_CONNECTED=500 sum=251061 | "
                          "log: CONV_2D=249000 DEPTHWISE_CONV_2D=1001 FULLY_CONNECTED=501 sum=250502")
        << none << 0;

    QTest::addRow("Log(), LF only, first op type repeats")
        << QByteArray("CONV_2D took 10 ticks (0 ms).\nCONV_2D took 20 ticks (0 ms).\nSOFTMAX took 5 ticks (0 ms).\n"
                      "CONV_2D took 11 ticks (0 ms).\nCONV_2D took 21 ticks (0 ms).\nSOFTMAX took 6 ticks (0 ms).\n")
        << 0
        << QStringLiteral("log: CONV_2D=10 CONV_2D=20 SOFTMAX=5 sum=35 | log: CONV_2D=11 CONV_2D=21 SOFTMAX=6 sum=38")
        << none << 0;

    QTest::addRow("Log(), last run cut off")
        << crlf("ADD took 1 ticks (0 ms).\nMUL took 2 ticks (0 ms).\nRELU took 3 ticks (0 ms).\n"
                "ADD took 4 ticks (0 ms).\nMUL took 5 ticks (0 ms).\n")
        << 0 << QStringLiteral("log: ADD=1 MUL=2 RELU=3 sum=6 | log: ADD=4 MUL=5 sum=9 ~")
        << QStringList { QStringLiteral("2 of 3 events") } << 0;

    QTest::addRow("Log(), periodic model needs the operator count")
        << crlf("FULLY_CONNECTED took 1 ticks (0 ms).\nFULLY_CONNECTED took 2 ticks (0 ms).\n"
                "FULLY_CONNECTED took 3 ticks (0 ms).\nFULLY_CONNECTED took 4 ticks (0 ms).\n")
        << 2
        << QStringLiteral(
               "log: FULLY_CONNECTED=1 FULLY_CONNECTED=2 sum=3 | log: FULLY_CONNECTED=3 FULLY_CONNECTED=4 sum=7")
        << none << 0;

    QTest::addRow("LogCsv(), two runs with headers")
        << crlf("\"Event\",\"Tag\",\"Ticks\"\n0,CONV_2D,249561\n1,FULLY_CONNECTED,500\n"
                "\"Event\",\"Tag\",\"Ticks\"\n0,CONV_2D,249000\n1,FULLY_CONNECTED,499\n")
        << 0
        << QStringLiteral("csv: CONV_2D=249561 FULLY_CONNECTED=500 sum=250061 | csv: CONV_2D=249000 "
                          "FULLY_CONNECTED=499 sum=249499")
        << none << 0;

    QTest::addRow("LogCsv(), old format with ms column")
        << crlf("\"Event\",\"Tag\",\"Ticks\",\"ms\"\n0,CONV_2D,249561,9\n1,SOFTMAX,40,0\n") << 0
        << QStringLiteral("csv: CONV_2D=249561 SOFTMAX=40 sum=249601") << none << 0;

    QTest::addRow("LogCsv(), index back to 0 without header")
        << crlf("0,CONV_2D,10\n1,SOFTMAX,2\n0,CONV_2D,11\n1,SOFTMAX,3\n0,CONV_2D,12\n") << 0
        << QStringLiteral(
               "csv: CONV_2D=10 SOFTMAX=2 sum=12 | csv: CONV_2D=11 SOFTMAX=3 sum=14 | csv: CONV_2D=12 sum=12")
        << none << 0;

    QTest::addRow("LogCsv(), lost lines")
        << crlf("0,CONV_2D,10\n2,SOFTMAX,2\n") << 0 << QStringLiteral("csv: CONV_2D=10 SOFTMAX=2 sum=12")
        << QStringList { QStringLiteral("jumps from 0 to 2") } << 0;

    QTest::addRow("ticks per tag, printed totals right")
        << crlf("\"Event\",\"Tag\",\"Ticks\"\n0,CONV_2D,100\n1,CONV_2D,200\n2,SOFTMAX,7\n"
                "\"Unique Tag\",\"Total ticks across all events with that tag.\"\n"
                "CONV_2D, 300\nSOFTMAX, 7\n\"total number of ticks\", 307\n")
        << 0 << QStringLiteral("csv: CONV_2D=100 CONV_2D=200 SOFTMAX=7 sum=307") << none << 0;

    QTest::addRow("ticks per tag, printed totals wrong")
        << crlf("0,CONV_2D,100\n1,CONV_2D,200\n2,SOFTMAX,7\nCONV_2D, 1817013\nSOFTMAX, 7\n"
                "\"total number of ticks\", 999\n")
        << 0 << QStringLiteral("csv: CONV_2D=100 CONV_2D=200 SOFTMAX=7 sum=307")
        << QStringList { QStringLiteral("CONV_2D: printed total 1817013 ticks, recomputed 300"),
               QStringLiteral("Printed total number of ticks 999, recomputed 307") }
        << 0;

    QTest::addRow("4294967295: event never ended")
        << crlf("0,CONV_2D,100\n1,SOFTMAX,4294967295\n") << 0
        << QStringLiteral("csv: CONV_2D=100 SOFTMAX=!never sum=100")
        << QStringList { QStringLiteral("SOFTMAX: 4294967295 ticks rejected (event never ended)") } << 0;

    QTest::addRow("-1 (printed with %%d): event never ended")
        << crlf("CONV_2D took -1 ticks (0 ms).\nSOFTMAX took 3 ticks (0 ms).\n") << 0
        << QStringLiteral("log: CONV_2D=!never SOFTMAX=3 sum=3") << QStringList { QStringLiteral("never ended") } << 0;

    QTest::addRow("wrapped value rejected")
        << crlf("0,CONV_2D,3000000000\n1,SOFTMAX,5\n") << 0 << QStringLiteral("csv: CONV_2D=!wrapped SOFTMAX=5 sum=5")
        << QStringList { QStringLiteral("tick counter wrapped") } << 0;

    QTest::addRow("negative (printed with %%d) is wrapped")
        << crlf("CONV_2D took -5 ticks (0 ms).\n") << 0 << QStringLiteral("log: CONV_2D=!wrapped sum=0")
        << QStringList { QStringLiteral("wrapped") } << 0;

    QTest::addRow("beyond 32 bits rejected")
        << crlf("0,CONV_2D,99999999999\n") << 0 << QStringLiteral("csv: CONV_2D=!range sum=0")
        << QStringList { QStringLiteral("not a 32-bit tick value") } << 0;

    QTest::addRow("banner and garbage lines ignored")
        << QByteArray(QByteArray("\x00\xff\xfe", 3)
               + " garbage\r\n*** Booting Zephyr OS build v3.5 ***\r\n\r\n"
                 "Hello, 42\r\nCONV_2D took lots of ticks\r\n1,2,3\r\n"
                 "\"Event\",\"Tag\",\"Ticks\"\r\n0,CONV_2D,100\r\ninference done: 0.93\r\n1,SOFTMAX,7\r\n")
        << 0 << QStringLiteral("csv: CONV_2D=100 SOFTMAX=7 sum=107") << none << 7;

    QTest::addRow("unterminated last line parsed at finish")
        << QByteArray("0,CONV_2D,100\r\n1,SOFTMAX,7") << 0 << QStringLiteral("csv: CONV_2D=100 SOFTMAX=7 sum=107")
        << none << 0;

    QTest::addRow("Log() then LogCsv()") << crlf(
        "A took 1 ticks (0 ms).\nB took 2 ticks (0 ms).\n\"Event\",\"Tag\",\"Ticks\"\n0,A,3\n1,B,4\n")
                                         << 0 << QStringLiteral("log: A=1 B=2 sum=3 | csv: A=3 B=4 sum=7") << none << 0;

    QTest::addRow("overlong line dropped")
        << QByteArray(QByteArray(5000, 'x') + "\r\n0,CONV_2D,100\r\n") << 0
        << QStringLiteral("csv: CONV_2D=100 sum=100") << QStringList { QStringLiteral("longer than 4096") } << 1;
}

void TestTflmLog::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(int, expectedEventsPerRun);
    QFETCH(QString, expected);
    QFETCH(QStringList, warnings);
    QFETCH(int, ignored);

    TflmLogParserOptions options;
    options.expectedEventsPerRun = expectedEventsPerRun;
    const TflmLog log = parseWhole(input, options);
    QCOMPARE(summary(log), expected);
    QCOMPARE(log.ignoredLines, qint64(ignored));
    QStringList got;
    for (const auto& w : log.warnings)
        got << w.message;
    QCOMPARE(got.size(), warnings.size());
    for (int i = 0; i < warnings.size(); ++i)
        QVERIFY2(got[i].contains(warnings[i]), qPrintable(got[i]));

    const QString whole = describe(log);
    QCOMPARE(describe(parseBytes(input, options)), whole);
    for (quint32 seed : { 1u, 7u, 42u, 2024u })
        QCOMPARE(describe(parseRandomChunks(input, options, seed)), whole);
}

void TestTflmLog::printedTotalsKeptApart()
{
    const TflmLog log = parseWhole(crlf("boot\n0,CONV_2D,100\n1,SOFTMAX,7\nCONV_2D, 150\nSOFTMAX, 7\n"
                                        "\"total number of ticks\", 157\n0,CONV_2D,101\n"),
        {});
    QCOMPARE(log.runs.size(), std::size_t(2));
    QCOMPARE(log.runs[0].totalTicks, quint64(107));
    QCOMPARE(log.runs[0].tagTotals.size(), std::size_t(2));
    QCOMPARE(log.runs[0].tagTotals[0].tag, QStringLiteral("CONV_2D"));
    QCOMPARE(log.runs[0].tagTotals[0].ticks, quint64(100));
    QCOMPARE(log.runs[0].events[1].line, qint64(3));
    QCOMPARE(log.printedTotals.size(), std::size_t(1));
    const TflmPrintedTotals& p = log.printedTotals[0];
    QCOMPARE(p.perTag.size(), std::size_t(2));
    QCOMPARE(p.perTag[0].ticks, quint64(150));
    QCOMPARE(p.total, std::optional<quint64>(157));
    QCOMPARE(p.line, qint64(4));
    QCOMPARE(p.firstRun, 0);
    QCOMPARE(p.runCount, 1);
    QCOMPARE(log.warnings.size(), std::size_t(2));
    QCOMPARE(log.warnings[0].line, qint64(4));
    QCOMPARE(log.lines, qint64(7));
}

void TestTflmLog::wrapLimitConfigurable()
{
    TflmLogParserOptions strict;
    strict.maxPlausibleFraction = 0.001; // 4,294,967 ticks
    QCOMPARE(summary(parseWhole("0,A,4000000\n1,B,5000000\n", strict)),
        QStringLiteral("csv: A=4000000 B=!wrapped sum=4000000"));
    QCOMPARE(
        summary(parseWhole("0,A,4000000\n1,B,5000000\n", {})), QStringLiteral("csv: A=4000000 B=5000000 sum=9000000"));
}

void TestTflmLog::mapping_data()
{
    QTest::addColumn<QStringList>("operators");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected"); // ticks per operator, "-" when none
    QTest::addColumn<QStringList>("warnings");

    const QStringList model { QStringLiteral("CONV_2D"), QStringLiteral("DEPTHWISE_CONV_2D"),
        QStringLiteral("FULLY_CONNECTED") };
    QTest::addRow("matching") << model << QByteArray("0,CONV_2D,10\n1,DEPTHWISE_CONV_2D,20\n2,FULLY_CONNECTED,30\n")
                              << QStringLiteral("10 20 30") << QStringList();
    QTest::addRow("custom op by name") << QStringList { QStringLiteral("CONV_2D"),
        QStringLiteral("TFLite_Detection_PostProcess") }
                                       << QByteArray("0,CONV_2D,10\n1,TFLite_Detection_PostProcess,99\n")
                                       << QStringLiteral("10 99") << QStringList();
    QTest::addRow("tag differs")
        << model << QByteArray("0,CONV_2D,10\n1,AVERAGE_POOL_2D,20\n2,FULLY_CONNECTED,30\n")
        << QStringLiteral("10 - 30")
        << QStringList { QStringLiteral(
               "Operator 1 is DEPTHWISE_CONV_2D but the event at that position is AVERAGE_POOL_2D") };
    QTest::addRow("run shorter") << model << QByteArray("0,CONV_2D,10\n1,DEPTHWISE_CONV_2D,20\n")
                                 << QStringLiteral("10 20 -")
                                 << QStringList { QStringLiteral("2 events but the model has 3 operators") };
    QTest::addRow("run longer") << model
                                << QByteArray(
                                       "0,CONV_2D,10\n1,DEPTHWISE_CONV_2D,20\n2,FULLY_CONNECTED,30\n3,SOFTMAX,4\n")
                                << QStringLiteral("10 20 30")
                                << QStringList { QStringLiteral("4 events but the model has 3 operators"),
                                       QStringLiteral("Event 3 (SOFTMAX) has no operator") };
    QTest::addRow("rejected sample")
        << model << QByteArray("0,CONV_2D,4294967295\n1,DEPTHWISE_CONV_2D,20\n2,FULLY_CONNECTED,30\n")
        << QStringLiteral("- 20 30")
        << QStringList { QStringLiteral("Operator 0 (CONV_2D) has no time: event never ended") };
}

void TestTflmLog::mapping()
{
    QFETCH(QStringList, operators);
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QFETCH(QStringList, warnings);

    const TflmLog log = parseWhole(input, {});
    QCOMPARE(log.runs.size(), std::size_t(1));
    const std::vector<QString> ops(operators.begin(), operators.end());
    const TflmOperatorMapping m = mapEventsToOperators(ops, log.runs[0]);
    QCOMPARE(m.operators.size(), ops.size());
    QStringList ticks;
    int matched = 0;
    for (std::size_t i = 0; i < m.operators.size(); ++i) {
        QCOMPARE(m.operators[i].operatorIndex, int(i));
        QCOMPARE(m.operators[i].operatorType, ops[i]);
        ticks << (m.operators[i].ticks ? QString::number(*m.operators[i].ticks) : QStringLiteral("-"));
        matched += m.operators[i].ticks ? 1 : 0;
    }
    QCOMPARE(ticks.join(QLatin1Char(' ')), expected);
    QCOMPARE(m.matched, matched);
    QCOMPARE(int(m.warnings.size()), warnings.size());
    for (int i = 0; i < warnings.size(); ++i)
        QVERIFY2(m.warnings[std::size_t(i)].contains(warnings[i]), qPrintable(m.warnings[std::size_t(i)]));
}

void TestTflmLog::fileOk()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.log"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(crlf("boot\nCONV_2D took 249561 ticks (9 ms).\nSOFTMAX took 12 ticks (0 ms).\n"));
    f.close();
    const TflmLogFileResult r = parseTflmLogFile(path);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(summary(*r.value), QStringLiteral("log: CONV_2D=249561 SOFTMAX=12 sum=249573"));
}

void TestTflmLog::fileErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content"); // null: do not create
    QTest::addColumn<bool>("unreadable");
    QTest::addColumn<QString>("reason");

    QTest::addRow("missing") << QStringLiteral("missing.log") << QByteArray() << false
                             << QStringLiteral("does not exist");
    QTest::addRow("no profiler lines") << QStringLiteral("banner.log") << QByteArray("*** Booting ***\r\nhello\r\n")
                                       << false << QStringLiteral("no MicroProfiler lines found");
    QTest::addRow("empty") << QStringLiteral("empty.log") << QByteArray("") << false
                           << QStringLiteral("no MicroProfiler lines found");
    QTest::addRow("directory, unreadable")
        << QStringLiteral("adir") << QByteArray() << true << QStringLiteral("Cannot read TFLM profiler log");
}

void TestTflmLog::fileErrors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(bool, unreadable);
    QFETCH(QString, reason);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(name);
    if (unreadable) {
        QVERIFY(QDir(dir.path()).mkdir(name)); // exists, cannot be read as a file (works as root too)
    } else if (!content.isNull()) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    const TflmLogFileResult r = parseTflmLogFile(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(reason), qPrintable(r.error));
    QVERIFY2(r.error.contains(QDir::toNativeSeparators(path)), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(TestTflmLog)
#include "tst_tflmlog.moc"
