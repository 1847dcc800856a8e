// SPDX-License-Identifier: GPL-3.0-or-later
// The plot mapping behind the memory timeline and the arena map: hand-built problems with known answers, then the
// shared real models (MLPerf VWW: TFLM 73 728 B, best 55 296 B, peak 55 296 B).
#include "document/modeldocument.h"
#include "documents.h"
#include "memory/memoryproblem.h"
#include "memoryfixtures.h"
#include "sharedmodels.h"
#include "timelinedata.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace Profiler;
using namespace Widgets;
using TestHelpers::openSharedDocument;

namespace {

MemoryBuffer tensorBuffer(int tensor, std::int64_t size, int first, int last, std::int64_t fixed = -1)
{
    MemoryBuffer b = TestHelpers::memoryBuffer(size, first, last, fixed);
    b.tensor = tensor;
    return b;
}

MemoryBuffer scratchBuffer(int op, std::int64_t size, int first, int last)
{
    MemoryBuffer b = TestHelpers::memoryBuffer(size, first, last);
    b.kind = MemoryBuffer::Kind::Scratch;
    b.op = op;
    return b;
}

/** input -> CONV_2D -> t1 -> DEPTHWISE_CONV_2D -> t2 -> SOFTMAX -> t3. Steps: 0 input, 1..3 the operators. */
Model chainModel()
{
    Model m;
    Subgraph sg;
    for (const char* name : { "input", "conv_out", "dw_out", "probs" }) {
        Tensor t;
        t.name = QString::fromLatin1(name);
        sg.tensors.push_back(t);
    }
    const char* types[] = { "CONV_2D", "DEPTHWISE_CONV_2D", "SOFTMAX" };
    for (int k = 0; k < 3; ++k) {
        Operator op;
        op.index = k;
        op.type = QString::fromLatin1(types[k]);
        op.inputs = { k };
        op.outputs = { k + 1 };
        sg.operators.push_back(op);
    }
    sg.inputs = { 0 };
    sg.outputs = { 3 };
    m.subgraphs.push_back(sg);
    return m;
}

/** Buffers of chainModel(): live 100, 300, 280, 50 at steps 0..3; the peak (300) is at step 1. */
MemoryProblem chainProblem()
{
    MemoryProblem p;
    p.steps = { { 0, -1 }, { 0, 0 }, { 0, 1 }, { 0, 2 } };
    p.buffers = {
        tensorBuffer(0, 100, 0, 1), // input
        tensorBuffer(1, 200, 1, 2), // conv_out
        tensorBuffer(2, 50, 2, 3), // dw_out ... and probs is left out to keep the numbers small
        scratchBuffer(1, 30, 2, 2), // scratch of the depthwise conv
    };
    return p;
}

MemoryPlan planOfOffsets(std::vector<std::int64_t> offsets, std::int64_t arena)
{
    MemoryPlan plan;
    plan.planner = QStringLiteral("test");
    plan.offsets = std::move(offsets);
    plan.arenaBytes = arena;
    return plan;
}

/** Every sample's series add up to its live bytes, and no part is negative. */
void verifyStacking(const TimelineData& d)
{
    QCOMPARE(d.x.size(), d.liveBytes.size());
    for (const TimelineSeries& s : d.series)
        QCOMPARE(s.bytes.size(), d.x.size());
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        double sum = 0;
        for (const TimelineSeries& s : d.series) {
            QVERIFY2(
                s.bytes[i] >= 0, qPrintable(QStringLiteral("negative part of %1 at x=%2").arg(s.label).arg(d.x[i])));
            sum += s.bytes[i];
        }
        QCOMPARE(sum, d.liveBytes[i]);
    }
    QVERIFY(std::is_sorted(d.x.begin(), d.x.end()));
}

} // namespace

class TestTimelineData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatBytes_data();
    void formatBytes();
    void byteAxis_data();
    void byteAxis();
    void byteTickStep();
    void shortLabels_data();
    void shortLabels();
    void labelledSteps_data();
    void labelledSteps();
    void stepLabels();
    void stacking_data();
    void stacking();
    void peakLabelAndToolTip();
    void offlineOverlapCountsOnce();
    void decimationKeepsPeak();
    void noSteps();
    void arenaRects();
    void neverRunColumn();
    void stepsOfOperator();
    void sharedVww();
    void sharedModelsStackAndFit();
};

void TestTimelineData::formatBytes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::addRow("zero") << qint64(0) << QStringLiteral("0 B");
    QTest::addRow("three digits") << qint64(768) << QStringLiteral("768 B");
    QTest::addRow("four digits") << qint64(5968) << QStringLiteral("5 968 B");
    QTest::addRow("VWW best") << qint64(55296) << QStringLiteral("55 296 B");
    QTest::addRow("seven digits") << qint64(1234567) << QStringLiteral("1 234 567 B");
    QTest::addRow("negative") << qint64(-73728) << QStringLiteral("-73 728 B");
}

void TestTimelineData::formatBytes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(Widgets::formatBytes(bytes), text);
}

void TestTimelineData::byteAxis_data()
{
    QTest::addColumn<double>("maxBytes");
    QTest::addColumn<double>("tick");
    QTest::addColumn<QString>("label");
    QTest::addRow("tiny model in bytes") << 768.0 << 512.0 << QStringLiteral("512 B");
    QTest::addRow("VWW in KiB") << 73728.0 << 16384.0 << QStringLiteral("16 KiB");
    QTest::addRow("fractional KiB") << 73728.0 << 1536.0 << QStringLiteral("1.5 KiB");
    QTest::addRow("large model in MiB") << 6.0 * 1048576 << 1.5 * 1048576 << QStringLiteral("1.5 MiB");
    QTest::addRow("zero has no unit") << 73728.0 << 0.0 << QStringLiteral("0");
}

void TestTimelineData::byteAxis()
{
    QFETCH(double, maxBytes);
    QFETCH(double, tick);
    QFETCH(QString, label);
    QCOMPARE(byteAxisLabel(tick, byteAxisUnit(maxBytes)), label);
}

void TestTimelineData::byteTickStep()
{
    // 72 KiB in about 5 intervals: 16 KiB (4.5 intervals).
    QCOMPARE(Widgets::byteTickStep(73728, 1024, 5), 16384.0);
    // 768 B: 128 B steps (6 intervals).
    QCOMPARE(Widgets::byteTickStep(768, 1, 5), 128.0);
    // Never a fractional byte.
    QCOMPARE(Widgets::byteTickStep(3, 1, 5), 1.0);
    // 3 MiB in 5: 0.5 MiB.
    QCOMPARE(Widgets::byteTickStep(3.0 * 1048576, 1048576, 5), 524288.0);
    // Within a factor of sqrt(2) of the wanted number of intervals, for a sweep of ranges.
    for (double range = 100; range < 1e9; range *= 1.37) {
        const std::int64_t unit = byteAxisUnit(range);
        const double step = Widgets::byteTickStep(range, unit, 6);
        const double intervals = range / step;
        QVERIFY2(intervals > 6 / std::sqrt(2.0) - 1e-9 && intervals <= 6 * std::sqrt(2.0) + 1e-9,
            qPrintable(QString::number(range)));
    }
}

void TestTimelineData::shortLabels_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("shortLabel");
    QTest::addRow("fused Keras name") << QStringLiteral(
        "model/activation_26/Relu;model/batch_normalization_26/FusedBatchNormV3;model/conv2d_13/"
        "BiasAdd/ReadVariableOp/resource;model/conv2d_13/Conv2D1")
                                      << QStringLiteral("activation_26/Relu");
    QTest::addRow("TF ops") << QStringLiteral(
        "model_1/tf.math.add_72/Add;model_1/tf.nn.convolution_46/convolution;Const")
                            << QStringLiteral("tf.math.add_72/Add");
    QTest::addRow("two parts") << QStringLiteral("model_1/Softmax") << QStringLiteral("model_1/Softmax");
    QTest::addRow("plain") << QStringLiteral("input_1_int8") << QStringLiteral("input_1_int8");
    QTest::addRow("scratch") << QStringLiteral("scratch of op 1 (SVDF)") << QStringLiteral("scratch of op 1 (SVDF)");
    QTest::addRow("only separators") << QStringLiteral(";/") << QStringLiteral(";/");
}

void TestTimelineData::shortLabels()
{
    QFETCH(QString, label);
    QFETCH(QString, shortLabel);
    QCOMPARE(shortBufferLabel(label), shortLabel);
}

void TestTimelineData::labelledSteps_data()
{
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");
    QTest::addColumn<double>("pixelsPerStep");
    QTest::addColumn<double>("labelPixels");
    QTest::addColumn<int>("origin");
    QTest::addColumn<std::vector<int>>("steps");
    QTest::addRow("room for every step") << 0 << 4 << 20.0 << 14.0 << 0 << std::vector<int> { 0, 1, 2, 3, 4 };
    QTest::addRow("every second") << 0 << 6 << 10.0 << 14.0 << 0 << std::vector<int> { 0, 2, 4, 6 };
    QTest::addRow("every fifth, zoomed in from 3") << 3 << 17 << 4.0 << 14.0 << 0 << std::vector<int> { 5, 10, 15 };
    QTest::addRow("every 50th") << 0 << 200 << 0.3 << 14.0 << 0 << std::vector<int> { 0, 50, 100, 150, 200 };
    QTest::addRow("every 50th operator") << 0 << 200 << 0.3 << 14.0 << 1 << std::vector<int> { 1, 51, 101, 151 };
    QTest::addRow("every fifth operator from 3") << 3 << 17 << 4.0 << 14.0 << 1 << std::vector<int> { 6, 11, 16 };
    QTest::addRow("origin 1, room for all") << 0 << 3 << 20.0 << 14.0 << 1 << std::vector<int> { 0, 1, 2, 3 };
    QTest::addRow("negative first") << -2 << 3 << 20.0 << 14.0 << 1 << std::vector<int> { 0, 1, 2, 3 };
    QTest::addRow("no room at all") << 0 << 10 << 0.0 << 14.0 << 0 << std::vector<int> {};
    QTest::addRow("empty range") << 5 << 4 << 10.0 << 14.0 << 0 << std::vector<int> {};
}

void TestTimelineData::labelledSteps()
{
    QFETCH(int, first);
    QFETCH(int, last);
    QFETCH(double, pixelsPerStep);
    QFETCH(double, labelPixels);
    QFETCH(int, origin);
    QFETCH(std::vector<int>, steps);
    QCOMPARE(Widgets::labelledSteps(first, last, pixelsPerStep, labelPixels, origin), steps);
}

void TestTimelineData::stepLabels()
{
    Model m = chainModel();
    Subgraph callee;
    Operator add;
    add.type = QStringLiteral("ADD");
    callee.operators.push_back(add);
    m.subgraphs.push_back(callee);
    QCOMPARE(stepLabel(m, { 0, -1 }), QStringLiteral("input"));
    QCOMPARE(stepLabel(m, { 0, 1 }), QStringLiteral("1 DEPTHWISE_CONV_2D"));
    QCOMPARE(stepLabel(m, { 1, -1 }), QStringLiteral("sg1 entry"));
    QCOMPARE(stepLabel(m, { 1, 0 }), QStringLiteral("sg1:0 ADD"));
    QCOMPARE(stepOperatorType(m, { 0, 2 }), QStringLiteral("SOFTMAX"));
    QCOMPARE(stepOperatorType(m, { 0, 7 }), QStringLiteral("?"));
}

void TestTimelineData::stacking_data()
{
    QTest::addColumn<int>("maxSeries");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<std::vector<std::vector<double>>>("bytes");
    // Live bytes: 100, 300, 280, 50. At the peak (step 1): conv_out 200 and input 100.
    QTest::addRow("one series: the peak's largest")
        << 1 << QStringList { QStringLiteral("conv_out"), QStringLiteral("other") }
        << std::vector<std::vector<double>> { { 0, 200, 200, 0 }, { 100, 100, 80, 50 } };
    QTest::addRow("peak buffers, then size x lifetime")
        << 3
        << QStringList { QStringLiteral("conv_out"), QStringLiteral("input"), QStringLiteral("dw_out"),
               QStringLiteral("other") }
        << std::vector<std::vector<double>> { { 0, 200, 200, 0 }, { 100, 100, 0, 0 }, { 0, 0, 50, 50 },
               { 0, 0, 30, 0 } };
    QTest::addRow("room for all: no other")
        << 8
        << QStringList { QStringLiteral("conv_out"), QStringLiteral("input"), QStringLiteral("dw_out"),
               QStringLiteral("scratch of op 1 (DEPTHWISE_CONV_2D)") }
        << std::vector<std::vector<double>> { { 0, 200, 200, 0 }, { 100, 100, 0, 0 }, { 0, 0, 50, 50 },
               { 0, 0, 30, 0 } };
    QTest::addRow("no series: all other")
        << 0 << QStringList { QStringLiteral("other") } << std::vector<std::vector<double>> { { 100, 300, 280, 50 } };
}

void TestTimelineData::stacking()
{
    QFETCH(int, maxSeries);
    QFETCH(QStringList, labels);
    QFETCH(std::vector<std::vector<double>>, bytes);
    const Model m = chainModel();
    const MemoryProblem p = chainProblem();
    const MemoryPlan plan = planOfOffsets({ 0, 112, 0, 64 }, 312);
    TimelineOptions options;
    options.maxSeries = maxSeries;
    const TimelineData d = buildTimelineData(m, p, plan, options);

    QCOMPARE(d.stepCount, 4);
    QCOMPARE(d.bucketSize, 1);
    QCOMPARE(d.x, (std::vector<double> { 0, 1, 2, 3 }));
    QCOMPARE(d.liveBytes, (std::vector<double> { 100, 300, 280, 50 }));
    QCOMPARE(d.peakStep, 1);
    QCOMPARE(d.peakBytes, qint64(300));
    QCOMPARE(d.peakBuffers, (std::vector<int> { 1, 0 }));
    QCOMPARE(d.arenaBytes, qint64(312));
    QStringList got;
    for (const TimelineSeries& s : d.series)
        got << s.label;
    QCOMPARE(got, labels);
    QCOMPARE(d.series.size(), bytes.size());
    for (std::size_t k = 0; k < bytes.size(); ++k)
        QCOMPARE(d.series[k].bytes, bytes[k]);
    verifyStacking(d);
}

void TestTimelineData::peakLabelAndToolTip()
{
    const Model m = chainModel();
    const MemoryProblem p = chainProblem();
    const TimelineData d = buildTimelineData(m, p, planOfOffsets({ 0, 112, 0, 64 }, 312));
    QCOMPARE(d.peakLabel, QStringLiteral("peak 300 B at step 1, CONV_2D (operator 0)"));
    QCOMPARE(d.stepLabels,
        (QStringList { QStringLiteral("input"), QStringLiteral("0 CONV_2D"), QStringLiteral("1 DEPTHWISE_CONV_2D"),
            QStringLiteral("2 SOFTMAX") }));

    const QString tip = stepToolTip(m, p, d, 2, 2);
    QVERIFY2(tip.startsWith(QStringLiteral("Step 2: operator 1, DEPTHWISE_CONV_2D\nLive: 280 B in 3 buffers\n")),
        qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("200 B  conv_out")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("50 B  dw_out")), qPrintable(tip));
    QVERIFY2(tip.endsWith(QStringLiteral("and 1 more")), qPrintable(tip));
    QVERIFY(stepToolTip(m, p, d, 1).contains(QStringLiteral("(peak)")));
    QVERIFY(stepToolTip(m, p, d, 0).startsWith(QStringLiteral("Step 0: model inputs")));
    QVERIFY(stepToolTip(m, p, d, 4).isEmpty());
    QVERIFY(stepToolTip(m, p, d, -1).isEmpty());
}

void TestTimelineData::offlineOverlapCountsOnce()
{
    // Two offline buffers that share bytes on purpose (as Vela plans them): alive together they count once.
    MemoryProblem p;
    p.steps = { { 0, -1 }, { 0, 0 }, { 0, 1 } };
    p.buffers = { tensorBuffer(0, 100, 0, 2, 0), tensorBuffer(1, 100, 1, 2, 50), tensorBuffer(2, 40, 1, 1) };
    const MemoryPlan plan = planOfOffsets({ 0, 50, 160 }, 200);
    const TimelineData d = buildTimelineData(chainModel(), p, plan);
    QCOMPARE(d.liveBytes, (std::vector<double> { 100, 190, 150 }));
    verifyStacking(d);
    QCOMPARE(d.peakStep, 1);
}

void TestTimelineData::decimationKeepsPeak()
{
    // 10 000 steps; a short spike at step 7 777 and a plateau; every step is an operator of subgraph 0.
    const int steps = 10000;
    const Model m = chainModel();
    MemoryProblem p;
    p.steps.resize(steps);
    p.steps[0] = { 0, -1 };
    for (int s = 1; s < steps; ++s)
        p.steps[static_cast<std::size_t>(s)] = { 0, s % 3 };
    for (int s = 0; s < steps; ++s)
        p.buffers.push_back(tensorBuffer(s % 4, 16 * (1 + (s * 7919) % 13), s, std::min(steps - 1, s + 1)));
    p.buffers.push_back(tensorBuffer(0, 100000, 7777, 7777));
    p.buffers.push_back(tensorBuffer(1, 5000, 2000, 6000));
    std::vector<std::int64_t> offsets(p.buffers.size(), 0);
    const MemoryPlan plan = planOfOffsets(offsets, 200000);

    TimelineOptions options;
    options.maxSamples = 1000;
    const TimelineData d = buildTimelineData(m, p, plan, options);
    QCOMPARE(d.stepCount, steps);
    QCOMPARE(d.bucketSize, 10);
    QCOMPARE(d.x.size(), std::size_t(1000));
    QCOMPARE(d.peakStep, 7777);
    QVERIFY(std::find(d.x.begin(), d.x.end(), 7777.0) != d.x.end());
    QCOMPARE(*std::max_element(d.liveBytes.begin(), d.liveBytes.end()), static_cast<double>(d.peakBytes));
    QVERIFY(d.peakBytes > 100000);
    // Every bucket keeps its own maximum.
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        const int begin = static_cast<int>(i) * d.bucketSize;
        std::int64_t most = 0;
        for (int s = begin; s < std::min(steps, begin + d.bucketSize); ++s)
            most = std::max(most, d.timeline.steps[static_cast<std::size_t>(s)].liveBytes);
        QCOMPARE(d.liveBytes[i], static_cast<double>(most));
        QVERIFY(d.x[i] >= begin && d.x[i] < begin + d.bucketSize);
    }
    verifyStacking(d);
    QCOMPARE(d.stepLabels.size(), steps);

    // Just below the threshold: no decimation.
    options.maxSamples = steps;
    const TimelineData full = buildTimelineData(m, p, plan, options);
    QCOMPARE(full.bucketSize, 1);
    QCOMPARE(full.x.size(), std::size_t(steps));
}

void TestTimelineData::noSteps()
{
    const MemoryProblem p;
    const TimelineData d = buildTimelineData(Model(), p, MemoryPlan());
    QCOMPARE(d.stepCount, 0);
    QVERIFY(d.x.empty());
    QCOMPARE(d.peakStep, -1);
    QVERIFY(d.peakLabel.isEmpty());
    QVERIFY(buildArenaRects(Model(), p, MemoryPlan()).empty());
}

void TestTimelineData::arenaRects()
{
    const Model m = chainModel();
    const MemoryProblem p = chainProblem();
    const MemoryPlan plan = planOfOffsets({ 0, 112, 0, 64 }, 312);
    const std::vector<ArenaRect> rects = buildArenaRects(m, p, plan);
    QCOMPARE(rects.size(), p.buffers.size());
    for (std::size_t i = 0; i < rects.size(); ++i) {
        QCOMPARE(rects[i].buffer, static_cast<int>(i));
        QCOMPARE(rects[i].offset, plan.offsets[i]);
        QCOMPARE(rects[i].size, p.buffers[i].size);
        QCOMPARE(rects[i].x0, p.buffers[i].first - 0.5);
        QCOMPARE(rects[i].x1, p.buffers[i].last + 0.5);
        QVERIFY(!rects[i].neverRuns);
    }
    // The input has no producer; conv_out is written by the CONV_2D; the scratch belongs to the depthwise conv.
    QVERIFY(!rects[0].hasCategory);
    QCOMPARE(rects[0].producer, -1);
    QCOMPARE(rects[0].label, QStringLiteral("input"));
    QCOMPARE(rects[0].shortLabel, QStringLiteral("input"));
    QVERIFY(rects[1].hasCategory);
    QCOMPARE(rects[1].producer, 0);
    QCOMPARE(rects[1].category, OpCategory::Convolution);
    QCOMPARE(rects[2].producer, 1);
    QVERIFY(rects[3].scratch);
    QCOMPARE(rects[3].producer, 1);
    QCOMPARE(rects[3].category, OpCategory::Convolution);
    QCOMPARE(rects[3].label, QStringLiteral("scratch of op 1 (DEPTHWISE_CONV_2D)"));

    const QString tip = arenaRectToolTip(m, p, rects[1]);
    QCOMPARE(tip,
        QStringLiteral("conv_out\nSize: 200 B\nOffset: 112 B .. 312 B\nLifetime: steps 1 .. 2\n"
                       "Written by operator 0, CONV_2D"));
    QVERIFY(arenaRectToolTip(m, p, rects[0]).endsWith(QStringLiteral("Input of subgraph 0")));
    QVERIFY(arenaRectToolTip(m, p, rects[3]).contains(QStringLiteral("Lifetime: step 2\nScratch of operator 1")));

    // A plan that does not fit the problem gives nothing rather than garbage.
    QVERIFY(buildArenaRects(m, p, planOfOffsets({ 0 }, 10)).empty());
}

void TestTimelineData::neverRunColumn()
{
    MemoryProblem p = chainProblem();
    p.buffers.push_back(tensorBuffer(3, 64, -1, -1));
    const MemoryPlan plan = planOfOffsets({ 0, 112, 0, 64, 0 }, 312);
    const std::vector<ArenaRect> rects = buildArenaRects(chainModel(), p, plan);
    QVERIFY(rects.back().neverRuns);
    QCOMPARE(rects.back().x0, -1.5);
    QCOMPARE(rects.back().x1, -0.5);
    // It is alive at no step, so the timeline does not count it.
    const TimelineData d = buildTimelineData(chainModel(), p, plan);
    QCOMPARE(d.liveBytes, (std::vector<double> { 100, 300, 280, 50 }));
}

void TestTimelineData::stepsOfOperator()
{
    const MemoryProblem p = chainProblem();
    QCOMPARE(Widgets::stepsOfOperator(p, 0, 1), std::vector<int> { 2 });
    QCOMPARE(Widgets::stepsOfOperator(p, 0, -1), std::vector<int> {});
    QCOMPARE(Widgets::stepsOfOperator(p, 1, 0), std::vector<int> {});
}

void TestTimelineData::sharedVww()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc
        = openSharedDocument(dir, QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite"));
    const MemoryReport& r = doc->memory;
    QCOMPARE(planTitle(r, PlanKind::Tflm), QStringLiteral("TFLM: 73 728 B"));
    QCOMPARE(planShortName(PlanKind::Reordered), QStringLiteral("reordered"));
    QVERIFY(planTitle(r, PlanKind::Best).startsWith(QStringLiteral("Best: 55 296 B")));

    const TimelineData tflm = buildTimelineData(doc->model, r.problem, r.tflm);
    QCOMPARE(tflm.arenaBytes, qint64(73728));
    QCOMPARE(tflm.peakBytes, qint64(55296));
    QCOMPARE(tflm.peakStep, r.timeline.peakStep);
    QVERIFY2(tflm.peakLabel.startsWith(QStringLiteral("peak 55 296 B at step ")), qPrintable(tflm.peakLabel));
    QCOMPARE(tflm.stepCount, static_cast<int>(r.problem.steps.size()));
    QCOMPARE(tflm.x.size(), r.problem.steps.size());
    verifyStacking(tflm);

    const PlanRef best = planOf(r, PlanKind::Best);
    const TimelineData bestData = buildTimelineData(doc->model, *best.problem, *best.plan);
    QCOMPARE(bestData.arenaBytes, qint64(55296));
    QCOMPARE(bestData.peakBytes, qint64(55296)); // same problem, same live bytes
    verifyStacking(bestData);

    const std::vector<ArenaRect> rects = buildArenaRects(doc->model, r.problem, r.tflm);
    QCOMPARE(rects.size(), r.problem.buffers.size());
    std::int64_t top = 0;
    for (const ArenaRect& rect : rects)
        top = std::max(top, rect.offset + rect.size);
    QCOMPARE(top, qint64(73728));
}

void TestTimelineData::sharedModelsStackAndFit()
{
    // Every shared model, every plan: the stack sums to the live bytes, the peak sample is the peak, and every
    // rectangle lies inside its plan's arena.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    for (const QString& path : TestHelpers::sharedTfliteModels()) {
        auto opened = openModelDocument(path);
        if (!opened.ok())
            continue; // models the loader refuses are covered by the loader's tests
        const ModelDocumentPtr doc = opened.value();
        for (PlanKind kind : { PlanKind::Tflm, PlanKind::Best, PlanKind::Reordered }) {
            const PlanRef ref = planOf(doc->memory, kind);
            const TimelineData d = buildTimelineData(doc->model, *ref.problem, *ref.plan);
            verifyStacking(d);
            if (d.stepCount > 0) {
                QCOMPARE(*std::max_element(d.liveBytes.begin(), d.liveBytes.end()), static_cast<double>(d.peakBytes));
                QVERIFY2(d.peakBytes <= ref.plan->arenaBytes, qPrintable(path));
            }
            for (const ArenaRect& rect : buildArenaRects(doc->model, *ref.problem, *ref.plan))
                QVERIFY2(rect.offset >= 0 && rect.offset + rect.size <= ref.plan->arenaBytes, qPrintable(path));
        }
    }
}

QTEST_GUILESS_MAIN(TestTimelineData)
#include "tst_timelinedata.moc"
