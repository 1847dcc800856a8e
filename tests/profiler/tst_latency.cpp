// SPDX-License-Identifier: GPL-3.0-or-later
// Latency statistics over measured runs: medians of odd and even counts, sample standard deviation, shares, cycles per
// MAC, the warm-up run, rejected samples, cut runs, runs that do not match the model, and the comparison of two
// sessions. Every expected figure below was worked out by hand from the samples next to it.
#include "latency/latency.h"

#include <QtTest>

#include <cmath>

using namespace Profiler;

namespace {

constexpr quint32 kNeverEnded = 0xFFFFFFFFu;

MeasuredRun run(
    int index, std::vector<std::optional<quint32>> ticks, std::optional<quint64> reported = {}, bool complete = true)
{
    MeasuredRun r;
    r.runIndex = index;
    r.ticks = std::move(ticks);
    r.reportedTotalTicks = reported;
    r.complete = complete;
    return r;
}

/** The session of the statistics tests: 3 operators, 1 MHz ticks, 100 MHz CPU, a slow warm-up run then 4 runs. */
MeasuredSession fourRuns()
{
    MeasuredSession s;
    s.source = QStringLiteral("test");
    s.boardName = QStringLiteral("board");
    s.tickHz = 1e6;
    s.cpuHz = 1e8;
    s.runs.push_back(run(0, { 500, 900, 100 }));
    s.runs.push_back(run(1, { 100, 200, 50 }, 350));
    s.runs.push_back(run(2, { 120, 260, 70 }, 450));
    s.runs.push_back(run(3, { 110, 240, 60 }, 410));
    s.runs.push_back(run(4, { 130, 300, 80 }, 510));
    return s;
}

bool containsWarning(const std::vector<QString>& warnings, const QString& part)
{
    for (const QString& w : warnings) {
        if (w.contains(part, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString joined(const std::vector<QString>& warnings)
{
    QStringList list;
    for (const QString& w : warnings)
        list << w;
    return list.join(QStringLiteral(" | "));
}

} // namespace

class TestLatency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void evenCountWithWarmup();
    void oddCountWithoutWarmup();
    void singleRunIsNotWarmup();
    void classify_data();
    void classify();
    void rejectedSamples();
    void mismatchedCounts();
    void reportedTotalMismatch();
    void noTickRate();
    void emptySession();
    void compareInMilliseconds();
    void compareInTicks();
};

void TestLatency::evenCountWithWarmup()
{
    const LatencyProfile p = computeLatency(fourRuns(), 3, { 1000, 0, 500 });
    QCOMPARE(p.runsTotal, 5);
    QCOMPARE(p.runsUsed, 4);
    QCOMPARE(p.warmupRun, 0);
    QCOMPARE(p.runsIncomplete, 0);
    QCOMPARE(p.samplesRejected, 0);
    QCOMPARE(int(p.layers.size()), 3);
    QCOMPARE(p.measuredLayers(), 3);

    // op 0: 100 110 120 130 -> median (110 + 120) / 2 = 115; deviations -15 -5 5 15: sqrt(500 / 3)
    const LayerLatency& a = p.layers[0];
    QCOMPARE(a.samples, 4);
    QCOMPARE(a.medianTicks, 115.0);
    QCOMPARE(a.meanTicks, 115.0);
    QCOMPARE(a.minTicks, 100.0);
    QCOMPARE(a.maxTicks, 130.0);
    QVERIFY(std::abs(a.stddevTicks - 12.9099445) < 1e-6);
    QCOMPARE(a.warmupTicks.value_or(0), quint32(500));
    // op 1: 200 240 260 300 -> median 250; deviations -50 -10 10 50: sqrt(5200 / 3)
    const LayerLatency& b = p.layers[1];
    QCOMPARE(b.medianTicks, 250.0);
    QCOMPARE(b.meanTicks, 250.0);
    QVERIFY(std::abs(b.stddevTicks - 41.6333200) < 1e-6);
    QCOMPARE(b.warmupTicks.value_or(0), quint32(900));
    // op 2: 50 60 70 80 -> median 65
    QCOMPARE(p.layers[2].medianTicks, 65.0);

    // Shares of 115 + 250 + 65 = 430.
    QCOMPARE(p.totalMedianTicks, 430.0);
    QVERIFY(std::abs(a.share - 115.0 / 430.0) < 1e-12);
    QVERIFY(std::abs(b.share - 250.0 / 430.0) < 1e-12);
    QVERIFY(std::abs(a.share + b.share + p.layers[2].share - 1.0) < 1e-12);

    // 100 cycles per tick: 115 ticks = 11,500 cycles over 1000 MACs; no MACs: no figure.
    QCOMPARE(a.cyclesPerMac, 11.5);
    QVERIFY(std::isnan(b.cyclesPerMac));
    QCOMPARE(p.layers[2].cyclesPerMac, 13.0);

    // Run totals recomputed: 350 450 410 510 -> median (410 + 450) / 2.
    QCOMPARE(p.runTotalMedianTicks, 430.0);
    QCOMPARE(p.runTotalMinTicks, 350.0);
    QCOMPARE(p.runTotalMaxTicks, 510.0);
    QVERIFY2(p.warnings.empty(), qPrintable(joined(p.warnings)));

    // 1 MHz: 115 ticks are 0.115 ms.
    QVERIFY(std::abs(p.ticksToMs(a.medianTicks) - 0.115) < 1e-12);
}

void TestLatency::oddCountWithoutWarmup()
{
    LatencyOptions options;
    options.skipWarmup = false;
    const LatencyProfile p = computeLatency(fourRuns(), 3, {}, options);
    QCOMPARE(p.runsUsed, 5);
    QCOMPARE(p.warmupRun, -1);
    // op 0: 100 110 120 130 500 -> median 120, mean 192; deviations -92 -82 -72 -62 308: sqrt(119080 / 4)
    const LayerLatency& a = p.layers[0];
    QCOMPARE(a.samples, 5);
    QCOMPARE(a.medianTicks, 120.0);
    QCOMPARE(a.meanTicks, 192.0);
    QCOMPARE(a.maxTicks, 500.0);
    QVERIFY(std::abs(a.stddevTicks - 172.5398505) < 1e-6);
    QVERIFY(!a.warmupTicks);
    QVERIFY(std::isnan(a.cyclesPerMac)); // no MACs given
    // Run 0 reported no total, so its recomputed total (1500) still counts: 350 410 450 510 1500 -> 450.
    QCOMPARE(p.runTotalMedianTicks, 450.0);
    QCOMPARE(p.runTotalMaxTicks, 1500.0);
}

void TestLatency::singleRunIsNotWarmup()
{
    MeasuredSession s = fourRuns();
    s.runs.resize(1);
    const LatencyProfile p = computeLatency(s, 3, {});
    QCOMPARE(p.warmupRun, -1);
    QCOMPARE(p.runsUsed, 1);
    QCOMPARE(p.layers[1].medianTicks, 900.0);
    QCOMPARE(p.layers[1].stddevTicks, 0.0); // n = 1
}

void TestLatency::classify_data()
{
    QTest::addColumn<quint32>("ticks");
    QTest::addColumn<qint64>("reported"); // -1: none
    QTest::addColumn<double>("wrapFraction");
    QTest::addColumn<int>("expected");
    QTest::addRow("plain") << quint32(1000) << qint64(-1) << 0.5 << int(SampleRejection::None);
    QTest::addRow("TFLM never-ended marker") << kNeverEnded << qint64(-1) << 0.5 << int(SampleRejection::NeverEnded);
    QTest::addRow("just below half of 2^32") << quint32(2147483647u) << qint64(-1) << 0.5 << int(SampleRejection::None);
    QTest::addRow("above half of 2^32") << quint32(2147483649u) << qint64(-1) << 0.5 << int(SampleRejection::Wrapped);
    QTest::addRow("tighter wrap fraction") << quint32(500000000u) << qint64(-1) << 0.1 << int(SampleRejection::Wrapped);
    QTest::addRow("equal to the run total") << quint32(400) << qint64(400) << 0.5 << int(SampleRejection::None);
    QTest::addRow("longer than the run") << quint32(401) << qint64(400) << 0.5 << int(SampleRejection::ExceedsRun);
}

void TestLatency::classify()
{
    QFETCH(quint32, ticks);
    QFETCH(qint64, reported);
    QFETCH(double, wrapFraction);
    QFETCH(int, expected);
    LatencyOptions options;
    options.wrapFraction = wrapFraction;
    const std::optional<quint64> total = reported < 0 ? std::nullopt : std::optional<quint64>(quint64(reported));
    QCOMPARE(int(classifySample(ticks, total, options)), expected);
}

void TestLatency::rejectedSamples()
{
    MeasuredSession s;
    s.tickHz = 1e6;
    s.runs.push_back(run(0, { 10, 10 })); // warm-up
    s.runs.push_back(run(1, { kNeverEnded, 100 })); // op 0 never ended
    s.runs.push_back(run(2, { 3000000000u, 100 })); // op 0 wrapped
    s.runs.push_back(run(3, { 100, 100 }, 200));
    s.runs.push_back(run(4, { 500, 100 }, 400)); // op 0 longer than the run
    s.runs.push_back(run(5, { 120, std::nullopt }, std::nullopt, false)); // cut after op 0
    MeasuredRun flagged = run(6, { 90, 110 });
    flagged.neverEnded = { false, true }; // op 1 began and never ended
    s.runs.push_back(flagged);

    const LatencyProfile p = computeLatency(s, 2, {});
    QCOMPARE(p.runsUsed, 6);
    QCOMPARE(p.runsIncomplete, 1);
    // op 0 keeps runs 3, 5 and 6: 90 100 120 -> median 100; rejected in runs 1, 2 and 4.
    QCOMPARE(p.layers[0].samples, 3);
    QCOMPARE(p.layers[0].rejected, 3);
    QCOMPARE(p.layers[0].medianTicks, 100.0);
    QCOMPARE(p.layers[0].minTicks, 90.0);
    QCOMPARE(p.layers[0].maxTicks, 120.0);
    // op 1 keeps runs 1 to 4: four times 100; rejected in run 6; run 5 never measured it.
    QCOMPARE(p.layers[1].samples, 4);
    QCOMPARE(p.layers[1].rejected, 1);
    QCOMPARE(p.layers[1].medianTicks, 100.0);
    QCOMPARE(p.layers[1].stddevTicks, 0.0);
    QCOMPARE(p.samplesRejected, 4);
    // Totals only from complete runs without a rejected sample: run 3 (200).
    QCOMPARE(p.runTotalMedianTicks, 200.0);
    QCOMPARE(p.runTotalMinTicks, 200.0);
    QVERIFY2(containsWarning(p.warnings, QStringLiteral("4 samples rejected")), qPrintable(joined(p.warnings)));
    QVERIFY2(containsWarning(p.warnings, QStringLiteral("never ended in runs 1, 6")), qPrintable(joined(p.warnings)));
    // The cut run is no mismatch with the model.
    QVERIFY2(!containsWarning(p.warnings, QStringLiteral("the model has")), qPrintable(joined(p.warnings)));
}

void TestLatency::mismatchedCounts()
{
    MeasuredSession s;
    s.runs.push_back(run(0, { 1, 1, 1 }));
    s.runs.push_back(run(1, { 10, 20 })); // one layer short
    s.runs.push_back(run(2, { 30, 40, 50, 60 })); // one layer too many: the first three are used
    s.runs.push_back(run(3, { 70 }, std::nullopt, false)); // cut: not a mismatch
    s.runs.push_back(run(4, { 90, 80 })); // short again
    const LatencyProfile p = computeLatency(s, 3, {});
    QCOMPARE(p.runsUsed, 4);
    QCOMPARE(p.runsIncomplete, 1);
    QCOMPARE(p.layers[0].samples, 4); // 10 30 70 90
    QCOMPARE(p.layers[0].medianTicks, 50.0);
    QCOMPARE(p.layers[1].samples, 3); // 20 40 80
    QCOMPARE(p.layers[1].medianTicks, 40.0);
    QCOMPARE(p.layers[2].samples, 1); // 50: the fourth sample of run 2 is dropped
    QCOMPARE(p.layers[2].medianTicks, 50.0);
    QCOMPARE(p.totalMedianTicks, 140.0);
    QVERIFY2(containsWarning(p.warnings, QStringLiteral("Runs 1, 4 have 2 layers, the model has 3 operators")),
        qPrintable(joined(p.warnings)));
    QVERIFY2(containsWarning(p.warnings, QStringLiteral("Run 2 has 4 layers, the model has 3 operators")),
        qPrintable(joined(p.warnings)));
    QVERIFY2(!containsWarning(p.warnings, QStringLiteral("Run 3")), qPrintable(joined(p.warnings)));
    // No tick rate: milliseconds and cycles per MAC are unknown.
    QVERIFY(!p.hasTime());
    QVERIFY(std::isnan(p.ticksToMs(100)));
}

void TestLatency::reportedTotalMismatch()
{
    MeasuredSession s = fourRuns();
    s.runs[2].reportedTotalTicks = 600; // the layers of run 2 add up to 450: 33 % off
    s.runs[3].reportedTotalTicks = 412; // 410: within 1 %
    const LatencyProfile p = computeLatency(s, 3, {});
    QVERIFY2(containsWarning(p.warnings,
                 QStringLiteral("reported total differs from the sum of the layers in run 2 "
                                "(by up to 25.0 %)")),
        qPrintable(joined(p.warnings)));
    QCOMPARE(p.warnings.size(), std::size_t(1));
    // The totals are still the sums of the layers.
    QCOMPARE(p.runTotalMedianTicks, 430.0);
}

void TestLatency::noTickRate()
{
    MeasuredSession s = fourRuns();
    s.tickHz = 0;
    const LatencyProfile p = computeLatency(s, 3, { 1000, 0, 500 });
    QVERIFY(!p.hasTime());
    QCOMPARE(p.layers[0].medianTicks, 115.0);
    QVERIFY(std::isnan(p.layers[0].cyclesPerMac)); // cycles need ticks in seconds
}

void TestLatency::emptySession()
{
    MeasuredSession s;
    s.source = QStringLiteral("serial /dev/ttyACM0");
    const LatencyProfile p = computeLatency(s, 4, {});
    QCOMPARE(int(p.layers.size()), 4);
    QCOMPARE(p.measuredLayers(), 0);
    QCOMPARE(p.runsUsed, 0);
    QVERIFY(std::isnan(p.layers[0].medianTicks));
    QVERIFY(std::isnan(p.runTotalMedianTicks));
    QVERIFY(containsWarning(p.warnings, QStringLiteral("No runs in serial /dev/ttyACM0")));
    // Only a warm-up run: nothing to use, and said so.
    s.runs.push_back(run(0, { 1, 2, 3, 4 }));
    s.runs.push_back(run(1, {}, std::nullopt, false));
    const LatencyProfile q = computeLatency(s, 4, {});
    QCOMPARE(q.runsUsed, 1);
    QCOMPARE(q.measuredLayers(), 0);
    QCOMPARE(q.layers[3].warmupTicks.value_or(0), quint32(4));
    QVERIFY2(containsWarning(q.warnings, QStringLiteral("4 operators have no accepted sample")),
        qPrintable(joined(q.warnings)));
}

void TestLatency::compareInMilliseconds()
{
    MeasuredSession a;
    a.tickHz = 1e6;
    a.boardName = QStringLiteral("A");
    a.runs.push_back(run(0, { 1000, 2000, 400 }));
    MeasuredSession b;
    b.tickHz = 2e6;
    b.boardName = QStringLiteral("B");
    b.runs.push_back(run(0, { 1000, 6000 }));
    LatencyOptions options;
    options.skipWarmup = false;
    const LatencyComparison c = compareLatency(computeLatency(a, 3, {}, options), computeLatency(b, 2, {}, options));
    QVERIFY(c.inMilliseconds);
    QCOMPARE(int(c.layers.size()), 3);
    // A: 1 ms, 2 ms, 0.4 ms; B at 2 MHz: 0.5 ms, 3 ms.
    QCOMPARE(c.layers[0].medianA, 1.0);
    QCOMPARE(c.layers[0].medianB, 0.5);
    QCOMPARE(c.layers[0].delta, -0.5);
    QCOMPARE(c.layers[0].ratio, 0.5);
    QCOMPARE(c.layers[1].delta, 1.0);
    QCOMPARE(c.layers[1].ratio, 1.5);
    QVERIFY(std::isnan(c.layers[2].medianB));
    QVERIFY(std::isnan(c.layers[2].delta));
    QCOMPARE(c.layersCompared, 2);
    QCOMPARE(c.totalA, 3.0); // op 2 is left out: B never measured it
    QCOMPARE(c.totalB, 3.5);
    QVERIFY2(containsWarning(c.warnings, QStringLiteral("3 and 2 operators")), qPrintable(joined(c.warnings)));
    QVERIFY2(containsWarning(c.warnings, QStringLiteral("Different boards: A and B")), qPrintable(joined(c.warnings)));
    QVERIFY2(containsWarning(c.warnings, QStringLiteral("1 operator is measured on one side only")),
        qPrintable(joined(c.warnings)));
}

void TestLatency::compareInTicks()
{
    MeasuredSession a;
    a.tickHz = 1e6;
    a.runs.push_back(run(0, { 1000, 2000 }));
    MeasuredSession b;
    b.runs.push_back(run(0, { 1500, 1000 }));
    LatencyOptions options;
    options.skipWarmup = false;
    const LatencyComparison c = compareLatency(computeLatency(a, 2, {}, options), computeLatency(b, 2, {}, options));
    QVERIFY(!c.inMilliseconds);
    QCOMPARE(c.layers[0].medianA, 1000.0);
    QCOMPARE(c.layers[0].medianB, 1500.0);
    QCOMPARE(c.layers[0].ratio, 1.5);
    QCOMPARE(c.layers[1].delta, -1000.0);
    QCOMPARE(c.totalA, 3000.0);
    QCOMPARE(c.totalB, 2500.0);
    QVERIFY2(
        containsWarning(c.warnings, QStringLiteral("Only one side has a tick rate")), qPrintable(joined(c.warnings)));
}

QTEST_APPLESS_MAIN(TestLatency)
#include "tst_latency.moc"
