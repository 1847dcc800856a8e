// SPDX-License-Identifier: GPL-3.0-or-later
// TflmLogParser on long and hostile logs (issue 7, found while fuzzing: fuzz_tflmlog slowed down on inputs of a few
// hundred events). Splitting Log() events into runs tried every period in turn, summing per-tag totals searched a
// list, and each "TAG, 123" line searched every event since the last block: all three were quadratic, so a long
// capture with one garbled tag, or a log with many distinct tags, took minutes to hours. The inputs below are large
// enough that the old code would not finish within the test's timeout; every expected value is computed here from
// the generated input.
#include "protocol/tflmlogparser.h"

#include <QtTest>

using namespace Devices;

namespace {

QByteArray logLine(const QByteArray& tag, quint32 ticks)
{
    return tag + " took " + QByteArray::number(ticks) + " ticks (0 ms).\n";
}

TflmLog parse(const QByteArray& text)
{
    TflmLogParser parser;
    // In pieces, as from a serial port.
    for (qsizetype pos = 0; pos < text.size(); pos += 4096)
        parser.feed(QByteArrayView(text.constData() + pos, std::min<qsizetype>(4096, text.size() - pos)));
    return parser.finish();
}

} // namespace

class TestTflmLogScaling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void periodicCaptureWithTruncatedTail();
    void garbledTagNearTheEnd();
    void manyDistinctTags();
    void perTagLinesAfterALongCapture();
};

// 30,000 runs of A B C and a last run cut after B: the period is found as before.
void TestTflmLogScaling::periodicCaptureWithTruncatedTail()
{
    const QByteArray tags[] = { "A", "B", "C" };
    const int runs = 30'000;
    QByteArray text;
    for (int r = 0; r < runs; ++r)
        for (int t = 0; t < 3; ++t)
            text += logLine(tags[t], quint32(10 * t + 1));
    text += logLine("A", 1) + logLine("B", 11);
    const TflmLog log = parse(text);
    QCOMPARE(log.runs.size(), std::size_t(runs + 1));
    QCOMPARE(log.runs.front().events.size(), std::size_t(3));
    QCOMPARE(log.runs.front().totalTicks, quint64(1 + 11 + 21));
    QVERIFY(!log.runs.front().truncated);
    QCOMPARE(log.runs.back().events.size(), std::size_t(2));
    QVERIFY(log.runs.back().truncated);
}

// 40,000 runs of five operators whose very last tag is garbled: no period fits, so the whole series is one run (the
// documented rule). The old search compared up to the end for every multiple of 5: about 10^10 tag comparisons.
void TestTflmLogScaling::garbledTagNearTheEnd()
{
    const QByteArray tags[] = { "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MEAN", "SOFTMAX" };
    const int runs = 40'000;
    QByteArray text;
    quint64 total = 0;
    std::size_t events = 0;
    for (int r = 0; r < runs; ++r) {
        for (int t = 0; t < 5; ++t) {
            const bool last = r == runs - 1 && t == 4;
            const quint32 ticks = quint32(100 + t + r % 7);
            text += logLine(last ? QByteArray("SOFTMAZ") : tags[t], ticks);
            total += ticks;
            ++events;
        }
    }
    const TflmLog log = parse(text);
    QCOMPARE(log.runs.size(), std::size_t(1));
    QCOMPARE(log.runs[0].events.size(), events);
    QCOMPARE(log.runs[0].totalTicks, total);
    QCOMPARE(log.runs[0].tagTotals.size(), std::size_t(6));
    QCOMPARE(log.runs[0].tagTotals[0].events, runs);
    QCOMPARE(log.runs[0].tagTotals[4].events, runs - 1);
    QCOMPARE(log.runs[0].tagTotals[5].tag, QStringLiteral("SOFTMAZ"));
}

// One CSV run of 100,000 events, every tag different: totals in order of first appearance, each counted once.
void TestTflmLogScaling::manyDistinctTags()
{
    const int n = 100'000;
    QByteArray text = "\"Event\",\"Tag\",\"Ticks\"\n";
    quint64 total = 0;
    for (int i = 0; i < n; ++i) {
        text += QByteArray::number(i) + ",OP_" + QByteArray::number(i) + ',' + QByteArray::number(i % 1000) + '\n';
        total += quint64(i % 1000);
    }
    const TflmLog log = parse(text);
    QCOMPARE(log.runs.size(), std::size_t(1));
    const TflmRun& run = log.runs[0];
    QCOMPARE(run.events.size(), std::size_t(n));
    QCOMPARE(run.totalTicks, total);
    QCOMPARE(run.tagTotals.size(), std::size_t(n));
    for (int i : { 0, 1, n / 2, n - 1 }) {
        QCOMPARE(run.tagTotals[std::size_t(i)].tag, QStringLiteral("OP_%1").arg(i));
        QCOMPARE(run.tagTotals[std::size_t(i)].events, 1);
        QCOMPARE(run.tagTotals[std::size_t(i)].ticks, quint64(i % 1000));
    }
}

// 50,000 Log() events with distinct tags, then a per-tag block without its header: each "TAG, ticks" line counts
// only for a tag seen since the last block (so "Score, 42" from the application stays ignored). The old check
// searched all events for every such line. Printed totals that match the events give no warning.
void TestTflmLogScaling::perTagLinesAfterALongCapture()
{
    const int n = 50'000;
    QByteArray text;
    for (int i = 0; i < n; ++i)
        text += logLine("T" + QByteArray::number(i), quint32(i % 500 + 1));
    text += "Score, 42\n"; // not a tag of the capture: ignored, does not start a block
    for (int i = 0; i < n; ++i)
        text += 'T' + QByteArray::number(i) + ", " + QByteArray::number(i % 500 + 1) + '\n';
    const TflmLog log = parse(text);
    QCOMPARE(log.runs.size(), std::size_t(1)); // distinct tags: no period shorter than the series
    QCOMPARE(log.printedTotals.size(), std::size_t(1));
    QCOMPARE(log.printedTotals[0].perTag.size(), std::size_t(n));
    QCOMPARE(log.printedTotals[0].runCount, 1);
    QCOMPARE(log.ignoredLines, qint64(1));
    for (const TflmWarning& w : log.warnings)
        QVERIFY2(!w.message.contains(QStringLiteral("printed total")), qPrintable(w.message));
}

QTEST_GUILESS_MAIN(TestTflmLogScaling)
#include "tst_tflmlogscaling.moc"
