// SPDX-License-Identifier: GPL-3.0-or-later
// Arena planning: TFLM's numbers on real models, hand-checked fixtures for every planner, reordering, timeline.
#include "memory/arenamodel.h"
#include "memory/arenaplanners.h"
#include "memory/memoryanalysis.h"
#include "memory/reorder.h"
#include "memory/timeline.h"
#include "memoryfixtures.h"
#include "sharedmodels.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QtTest>

#include <functional>
#include <numeric>

#include <set>

using namespace Profiler;
using TestHelpers::memoryBuffer;

namespace {

Model loadShared(const QString& dir, const QString& file)
{
    auto r = loadTfliteFile(dir + QLatin1Char('/') + file);
    if (!r.ok())
        qFatal("%s", qPrintable(r.error().userMessage));
    return std::move(r).value();
}

Model loadBytes(const QByteArray& bytes)
{
    auto r = loadTfliteData(bytes, QStringLiteral("fixture.tflite"));
    if (!r.ok())
        qFatal("%s", qPrintable(r.error().userMessage));
    return std::move(r).value();
}

MemoryProblem problemOf(std::vector<MemoryBuffer> buffers)
{
    MemoryProblem p;
    int steps = 0;
    for (const auto& b : buffers)
        steps = std::max(steps, b.last + 1);
    p.steps.resize(static_cast<std::size_t>(steps));
    p.buffers = std::move(buffers);
    return p;
}

/** The placement as the planners did it before they had a lifetime index: every buffer against every buffer placed
 *  before it. The indexed planners must give exactly these offsets. */
std::vector<std::int64_t> pairwisePlacement(const MemoryProblem& p, const std::vector<int>& order, FitRule rule)
{
    const auto& b = p.buffers;
    std::vector<std::int64_t> offsets(b.size(), -1);
    std::vector<std::size_t> placed;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (b[i].fixedOffset >= 0) {
            offsets[i] = b[i].fixedOffset;
            placed.push_back(i);
        }
    }
    for (int k : order) {
        const auto idx = static_cast<std::size_t>(k);
        if (offsets[idx] >= 0)
            continue;
        std::vector<std::pair<std::int64_t, std::int64_t>> busy;
        for (std::size_t j : placed) {
            if (b[j].size > 0 && b[j].overlapsInTime(b[idx]))
                busy.emplace_back(offsets[j], offsets[j] + b[j].size);
        }
        std::sort(busy.begin(), busy.end());
        std::int64_t candidate = 0;
        std::int64_t chosen = -1;
        std::int64_t chosenGap = std::numeric_limits<std::int64_t>::max();
        for (const auto& [start, end] : busy) {
            const std::int64_t gap = start - candidate;
            if (gap >= b[idx].size && (rule == FitRule::FirstFit ? chosen < 0 : gap < chosenGap)) {
                chosen = candidate;
                chosenGap = gap;
            }
            candidate = std::max(candidate, end);
        }
        offsets[idx] = chosen >= 0 ? chosen : candidate;
        placed.push_back(idx);
    }
    return offsets;
}

/** liveFootprint() at every step any buffer begins, the largest of them (and of the fixed buffers' ends). */
std::int64_t stepByStepLowerBound(const MemoryProblem& p)
{
    std::int64_t peak = 0;
    for (const MemoryBuffer& t : p.buffers) {
        if (t.fixedOffset >= 0)
            peak = std::max(peak, t.fixedOffset + t.size);
        std::vector<int> alive;
        for (std::size_t i = 0; i < p.buffers.size(); ++i) {
            if (p.buffers[i].first <= t.first && t.first <= p.buffers[i].last)
                alive.push_back(static_cast<int>(i));
        }
        peak = std::max(peak, liveFootprint(p, alive));
    }
    return peak;
}

/** True when no two buffers alive together share a byte, fixed pairs excepted (planIsValid()'s definition). */
bool pairwiseValid(const MemoryProblem& p, const std::vector<std::int64_t>& offsets)
{
    const auto& b = p.buffers;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (offsets[i] < 0 || (b[i].fixedOffset >= 0 && offsets[i] != b[i].fixedOffset))
            return false;
        for (std::size_t j = i + 1; j < b.size(); ++j) {
            if (!b[i].overlapsInTime(b[j]) || b[i].size == 0 || b[j].size == 0
                || (b[i].fixedOffset >= 0 && b[j].fixedOffset >= 0))
                continue;
            if (offsets[i] < offsets[j] + b[j].size && offsets[j] < offsets[i] + b[i].size)
                return false;
        }
    }
    return true;
}

/** Operators must run after the producers of the tensors they read. */
bool orderRespectsData(const Subgraph& sg, const std::vector<int>& order)
{
    if (order.size() != sg.operators.size())
        return false;
    std::set<int> produced, seen;
    for (const Operator& op : sg.operators) {
        for (int t : op.outputs)
            produced.insert(t);
    }
    std::set<int> available;
    for (int op : order) {
        if (!seen.insert(op).second)
            return false;
        for (int t : sg.operators[static_cast<std::size_t>(op)].inputs) {
            if (t >= 0 && produced.count(t) && !available.count(t))
                return false;
        }
        for (int t : sg.operators[static_cast<std::size_t>(op)].outputs)
            available.insert(t);
    }
    return true;
}

/** x -> RESIZE (big) -> MAX_POOL (small), twice side by side, joined by ADD. The file runs both big ops first. */
QByteArray twoBranchModel(bool goodOrder)
{
    TfliteBuilder b;
    const int x = b.addTensor(QStringLiteral("x"), DataType::Int8, { 1, 4, 4, 1 }); // 16 B
    const int a1 = b.addTensor(QStringLiteral("a1"), DataType::Int8, { 1, 40, 40, 1 }); // 1600 B
    const int b1 = b.addTensor(QStringLiteral("b1"), DataType::Int8, { 1, 40, 40, 1 }); // 1600 B
    const int a2 = b.addTensor(QStringLiteral("a2"), DataType::Int8, { 1, 4, 4, 1 }); // 16 B
    const int b2 = b.addTensor(QStringLiteral("b2"), DataType::Int8, { 1, 4, 4, 1 }); // 16 B
    const int y = b.addTensor(QStringLiteral("y"), DataType::Int8, { 1, 4, 4, 1 }); // 16 B
    const int size = b.addConstant(QStringLiteral("size"), DataType::Int32, { 2 }, QByteArray(8, '\0'));
    TfliteBuilder::Pool2DOptions pool;
    pool.filterW = 10;
    pool.filterH = 10;
    pool.strideW = 10;
    pool.strideH = 10;
    const int resize = builtinOperatorCode(QStringLiteral("RESIZE_NEAREST_NEIGHBOR"));
    if (goodOrder) {
        b.addBuiltin(resize, { x, size }, { a1 });
        b.addMaxPool2D({ a1 }, { a2 }, pool);
        b.addBuiltin(resize, { x, size }, { b1 });
        b.addMaxPool2D({ b1 }, { b2 }, pool);
    } else {
        b.addBuiltin(resize, { x, size }, { a1 });
        b.addBuiltin(resize, { x, size }, { b1 });
        b.addMaxPool2D({ a1 }, { a2 }, pool);
        b.addMaxPool2D({ b1 }, { b2 }, pool);
    }
    b.addAdd({ a2, b2 }, { y });
    b.setInputs({ x });
    b.setOutputs({ y });
    return b.finish();
}

} // namespace

class TestMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tflmHead_data();
    void tflmHead();
    void everySharedModel_data();
    void everySharedModel();
    void chainPlans();
    void greedyTieOrder();
    void offlineBuffers();
    void smallProblemReachesBound();
    void residualLifetimes();
    void reorderTwoBranches();
    void controlFlowAndUncalledSubgraphs();
    void scratchBuffers();
    void timelineOfKws();
    void persistentEstimate();
    void bestMatchesBruteForce();
    void reorderMatchesBruteForce();
    void indexedPlannersMatchPairwise_data();
    void indexedPlannersMatchPairwise();
};

void TestMemory::tflmHead_data()
{
    // Head sizes TensorFlow Lite Micro itself computes (reference kernels, 16-byte alignment). keyword_scrambled's
    // 672 is the figure of TFLM's own memory_arena_threshold_test and includes SVDF scratch buffers.
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("head");
    QTest::addRow("kws ds-cnn") << "mlperf_tiny_kws_ds_cnn_int8.tflite" << qint64(16000);
    QTest::addRow("resnet8") << "mlperf_tiny_ic_resnet8_int8.tflite" << qint64(49152);
    QTest::addRow("vww mobilenet") << "mlperf_tiny_vww_mobilenet_v1_025_int8.tflite" << qint64(73728);
    QTest::addRow("ad01 autoencoder") << "mlperf_tiny_ad01_fc_autoencoder_int8.tflite" << qint64(768);
    QTest::addRow("person detect") << "tflm_person_detect_int8.tflite" << qint64(55296);
    QTest::addRow("hello world") << "tflm_hello_world_int8.tflite" << qint64(32);
    QTest::addRow("micro speech") << "tflm_micro_speech_int8.tflite" << qint64(5968);
    QTest::addRow("keyword scrambled (SVDF scratch)") << "tflm_keyword_scrambled_int16.tflite" << qint64(672);
}

void TestMemory::tflmHead()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, file);
    QFETCH(qint64, head);
    const Model model = loadShared(dir, file);
    const MemoryProblem problem = buildTflmProblem(model);
    const MemoryPlan plan = planTflmGreedy(problem);
    QCOMPARE(plan.arenaBytes, head);
    QString conflict;
    QVERIFY2(planIsValid(problem, plan, &conflict), qPrintable(conflict));
    QVERIFY(problem.warnings.isEmpty());
}

void TestMemory::everySharedModel_data()
{
    QTest::addColumn<QString>("path");
    for (const QString& f : TestHelpers::sharedTfliteModels())
        QTest::addRow("%s", qPrintable(QFileInfo(f).fileName())) << f;
}

void TestMemory::everySharedModel()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, path);
    const auto loaded = loadTfliteFile(path);
    QVERIFY(loaded.ok());
    const Model& model = loaded.value();
    MemoryOptions options;
    options.reorder.timeBudgetMs = 500; // keep the suite quick; the result only gets less good, never invalid
    const MemoryReport r = analyzeMemory(model, options);

    QVERIFY(r.lowerBound <= r.best.arenaBytes);
    QVERIFY(r.best.arenaBytes <= r.tflm.arenaBytes);
    QVERIFY(r.reorderedBest.arenaBytes <= r.best.arenaBytes);
    QVERIFY(r.reorder.reorderedPeak <= r.reorder.originalPeak);
    QString conflict;
    QVERIFY2(planIsValid(r.problem, r.tflm, &conflict), qPrintable(conflict));
    QVERIFY2(planIsValid(r.problem, r.best, &conflict), qPrintable(conflict));
    QVERIFY2(planIsValid(r.reorderedProblem, r.reorderedBest, &conflict), qPrintable(conflict));
    QVERIFY2(planIsValid(r.reorderedProblem, r.reorderedTflm, &conflict), qPrintable(conflict));
    QVERIFY(orderRespectsData(model.subgraphs[0], r.reorder.order));
    // The reordering search and the planner's lifetimes agree on what the new order costs.
    QCOMPARE(peakLiveBytes(model, 0, r.reorder.order), r.reorder.reorderedPeak);
    // Every buffer appears in the timeline at each step of its lifetime, and the peak is the largest step.
    std::int64_t largest = 0;
    for (const TimelineStep& s : r.timeline.steps)
        largest = std::max(largest, s.liveBytes);
    QCOMPARE(r.timeline.peakBytes, largest);
    QVERIFY(r.timeline.peakBytes <= r.lowerBound);
}

void TestMemory::chainPlans()
{
    // a -> b -> c -> d, each alive for two steps: the peak is the largest neighbouring pair, 48 + 64.
    const MemoryProblem p
        = problemOf({ memoryBuffer(16, 0, 1), memoryBuffer(32, 1, 2), memoryBuffer(48, 2, 3), memoryBuffer(64, 3, 4) });
    QCOMPARE(memoryLowerBound(p), std::int64_t(112));
    const MemoryPlan tflm = planTflmGreedy(p);
    // largest first: 64 at 0; 48 above it; 32 fits under 48 at 0; 16 above 32
    QCOMPARE(tflm.offsets, (std::vector<std::int64_t> { 32, 0, 64, 0 }));
    QCOMPARE(tflm.arenaBytes, std::int64_t(112));
    const MemoryPlan best = planBest(p);
    QCOMPARE(best.arenaBytes, std::int64_t(112));
    QVERIFY(best.provenOptimal);
}

void TestMemory::greedyTieOrder()
{
    // The shape of MLPerf VWW's first layers: input I (27648, steps 0-1), A (18432, 1-2), B (18432, 2-3),
    // C (36864, 3-4), added in that order. TFLM takes equal sizes in reverse order of addition, so B goes before A:
    // C at 0, I at 0, B at 36864, and A no longer fits between I and B (9216 bytes free) and lands at 55296.
    const MemoryProblem p = problemOf(
        { memoryBuffer(27648, 0, 1), memoryBuffer(18432, 1, 2), memoryBuffer(18432, 2, 3), memoryBuffer(36864, 3, 4) });
    const MemoryPlan tflm = planTflmGreedy(p);
    QCOMPARE(tflm.offsets, (std::vector<std::int64_t> { 0, 55296, 36864, 0 }));
    QCOMPARE(tflm.arenaBytes, std::int64_t(73728));
    // Steps 3-4 need B + C = 55296 at once, and a plan reaching that exists.
    QCOMPARE(memoryLowerBound(p), std::int64_t(55296));
    const MemoryPlan best = planBest(p);
    QCOMPARE(best.arenaBytes, std::int64_t(55296));
    QVERIFY(best.provenOptimal);
    QVERIFY(planIsValid(p, best));
}

void TestMemory::offlineBuffers()
{
    // Two offline buffers share offset 0 on purpose; a free 32-byte buffer alive with them goes above both.
    const MemoryProblem p = problemOf({ memoryBuffer(64, 0, 2, 0), memoryBuffer(48, 0, 2, 0), memoryBuffer(32, 1, 1) });
    QCOMPARE(memoryLowerBound(p), std::int64_t(96));
    const MemoryPlan tflm = planTflmGreedy(p);
    QCOMPARE(tflm.offsets, (std::vector<std::int64_t> { 0, 0, 64 }));
    QCOMPARE(tflm.arenaBytes, std::int64_t(96));
    QVERIFY(planIsValid(p, tflm));
    QCOMPARE(planBest(p).arenaBytes, std::int64_t(96));
    // An offline buffer high up leaves room below it, which the free buffer takes.
    const MemoryProblem q = problemOf({ memoryBuffer(16, 0, 1, 64), memoryBuffer(48, 0, 1) });
    QCOMPARE(planTflmGreedy(q).offsets, (std::vector<std::int64_t> { 64, 0 }));
    QCOMPARE(memoryLowerBound(q), std::int64_t(80));
}

void TestMemory::smallProblemReachesBound()
{
    // Every size is 16 * k. Steps: A 0-1 (3), B 1-2 (2), C 2-3 (3), D 0-0 (2), E 3-3 (2), F 1-1 (1), G 2-2 (1).
    // Live sums per step: 0: A+D = 5, 1: A+B+F = 6, 2: B+C+G = 6, 3: C+E = 5 -> lower bound 6 (96 bytes).
    // A plan of 96: A 0, B 48, F 80? F alive at 1 with A(0-48) and B(48-80): F at 80 -> 96. C must avoid B
    // (48-80) and G: C at 0 (A ended at 1), G at 80, D at 48 (step 0: A only), E at 48.
    const MemoryProblem p = problemOf({ memoryBuffer(48, 0, 1), memoryBuffer(32, 1, 2), memoryBuffer(48, 2, 3),
        memoryBuffer(32, 0, 0), memoryBuffer(32, 3, 3), memoryBuffer(16, 1, 1), memoryBuffer(16, 2, 2) });
    QCOMPARE(memoryLowerBound(p), std::int64_t(96));
    const MemoryPlan best = planBest(p);
    QCOMPARE(best.arenaBytes, std::int64_t(96));
    QVERIFY(best.provenOptimal);
    QVERIFY(planIsValid(p, best));
    QVERIFY(planTflmGreedy(p).arenaBytes >= best.arenaBytes);
}

void TestMemory::residualLifetimes()
{
    // x -> conv1 -> conv2 -> add(x, .) -> conv3: x stays alive across the block.
    TfliteBuilder b;
    const int x = b.addTensor(QStringLiteral("x"), DataType::Int8, { 1, 8, 8, 16 }); // 1024 B
    const int w = b.addConstant(QStringLiteral("w"), DataType::Int8, { 16, 1, 1, 16 }, QByteArray(256, '\1'));
    const int t1 = b.addTensor(QStringLiteral("t1"), DataType::Int8, { 1, 8, 8, 16 });
    const int t2 = b.addTensor(QStringLiteral("t2"), DataType::Int8, { 1, 8, 8, 16 });
    const int t3 = b.addTensor(QStringLiteral("t3"), DataType::Int8, { 1, 8, 8, 16 });
    const int t4 = b.addTensor(QStringLiteral("t4"), DataType::Int8, { 1, 8, 8, 16 });
    b.addConv2D({ x, w, -1 }, { t1 });
    b.addConv2D({ t1, w, -1 }, { t2 });
    b.addAdd({ x, t2 }, { t3 });
    b.addConv2D({ t3, w, -1 }, { t4 });
    b.setInputs({ x });
    b.setOutputs({ t4 });
    const Model model = loadBytes(b.finish());
    const MemoryProblem p = buildTflmProblem(model);
    QCOMPARE(p.buffers.size(), std::size_t(5)); // the weights are not in the arena
    // (tensor, first, last): inputs from step 0; operator k's outputs from step k + 1; outputs to the end
    const std::vector<std::array<int, 3>> expected { { x, 0, 3 }, { t1, 1, 2 }, { t2, 2, 3 }, { t3, 3, 4 },
        { t4, 4, 4 } };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(p.buffers[i].tensor, expected[i][0]);
        QCOMPARE(p.buffers[i].first, expected[i][1]);
        QCOMPARE(p.buffers[i].last, expected[i][2]);
        QCOMPARE(p.buffers[i].size, std::int64_t(1024));
    }
    QCOMPARE(p.steps.size(), std::size_t(5)); // entry + 4 operators
    QCOMPARE(memoryLowerBound(p), std::int64_t(3072));
    const MemoryPlan tflm = planTflmGreedy(p);
    QCOMPARE(tflm.arenaBytes, std::int64_t(3072));
    // equal sizes go in reverse order: t4 at 0, t3 above, t2 at 0, t1 at 1024, x above everything
    QCOMPARE(tflm.offsets, (std::vector<std::int64_t> { 2048, 1024, 0, 1024, 0 }));
    const ReorderResult r = reorderOperators(model, 0);
    QCOMPARE(r.originalPeak, std::int64_t(3072));
    QCOMPARE(r.reorderedPeak, std::int64_t(3072)); // a chain has only one order
    QVERIFY(r.exact);
}

void TestMemory::reorderTwoBranches()
{
    const Model bad = loadBytes(twoBranchModel(false));
    const ReorderResult r = reorderOperators(bad, 0);
    // File order: both 1600-byte tensors alive with x: 16 + 1600 + 1600.
    QCOMPARE(r.originalPeak, std::int64_t(3216));
    // Finish one branch first: x, a1 and a2 (or x, a2, b1) are the most alive at once: 16 + 1600 + 16.
    QCOMPARE(r.reorderedPeak, std::int64_t(1632));
    QVERIFY(r.exact);
    QCOMPARE(r.order, (std::vector<int> { 0, 2, 1, 3, 4 }));
    QVERIFY(orderRespectsData(bad.subgraphs[0], r.order));

    const MemoryReport report = analyzeMemory(bad);
    QCOMPARE(report.tflm.arenaBytes, std::int64_t(3216));
    QCOMPARE(report.reorderedBest.arenaBytes, std::int64_t(1632));
    // TFLM would get the same from a file stored in the new order...
    QCOMPARE(report.reorderedTflm.arenaBytes, std::int64_t(1632));
    // ...which is exactly what the well-ordered file gives.
    const Model good = loadBytes(twoBranchModel(true));
    QCOMPARE(planTflmGreedy(buildTflmProblem(good)).arenaBytes, std::int64_t(1632));
    const ReorderResult already = reorderOperators(good, 0);
    QCOMPARE(already.originalPeak, already.reorderedPeak);
}

void TestMemory::controlFlowAndUncalledSubgraphs()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    {
        // Subgraph 1 belongs to another signature and never runs from subgraph 0: TFLM still places its tensors,
        // with no lifetime (-1), sharing space with each other only.
        const Model model = loadShared(dir, QStringLiteral("litert_multi_signatures.tflite"));
        const MemoryProblem p = buildTflmProblem(model);
        int uncalled = 0;
        for (const MemoryBuffer& b : p.buffers) {
            if (b.subgraph == 1) {
                QCOMPARE(b.first, -1);
                QCOMPARE(b.last, -1);
                ++uncalled;
            }
        }
        QCOMPARE(uncalled, 2);
        QCOMPARE(planTflmGreedy(p).arenaBytes, std::int64_t(32));
    }
    {
        // CALL_ONCE runs its init subgraph inside its own step window: the callee's tensors get steps after the
        // CALL_ONCE's step.
        const Model model = loadShared(dir, QStringLiteral("litert_call_once_resource_vars.tflite"));
        const MemoryProblem p = buildTflmProblem(model);
        bool sawCallee = false;
        for (const MemoryBuffer& b : p.buffers) {
            if (b.subgraph == 1 && b.kind == MemoryBuffer::Kind::Tensor) {
                QVERIFY(b.first >= 2);
                sawCallee = true;
            }
        }
        QVERIFY(sawCallee);
        QCOMPARE(p.steps[1].op, 0); // step 1: CALL_ONCE
        QCOMPARE(p.steps[2].subgraph, 1); // step 2: entering the init subgraph
        QCOMPARE(p.steps[2].op, -1);
    }
}

void TestMemory::scratchBuffers()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    {
        // The LSTM reference kernel asks for four gate buffers: batch 1 x 20 cells x int16.
        const Model model = loadShared(dir, QStringLiteral("tflm_mnist_lstm_int8.tflite"));
        const MemoryProblem p = buildTflmProblem(model);
        int scratch = 0;
        for (const MemoryBuffer& b : p.buffers) {
            if (b.kind != MemoryBuffer::Kind::Scratch)
                continue;
            ++scratch;
            QCOMPARE(b.bytes, std::int64_t(1 * 20 * 2));
            QCOMPARE(b.size, std::int64_t(48));
            QCOMPARE(b.first, 1); // the LSTM is operator 0: step 1
            QCOMPARE(b.last, 1);
        }
        QCOMPARE(scratch, 4);
    }
    {
        const Model model = loadShared(dir, QStringLiteral("tflm_keyword_scrambled_int16.tflite"));
        int scratch = 0;
        for (const MemoryBuffer& b : buildTflmProblem(model).buffers)
            scratch += b.kind == MemoryBuffer::Kind::Scratch ? 1 : 0;
        QCOMPARE(scratch, 14); // seven int8 SVDF layers, two buffers each
    }
}

void TestMemory::timelineOfKws()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Model model = loadShared(dir, QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite"));
    const MemoryProblem p = buildTflmProblem(model);
    const MemoryPlan plan = planTflmGreedy(p);
    const MemoryTimeline t = buildTimeline(p, &plan);
    QCOMPARE(t.steps.size(), std::size_t(14)); // entry + 13 operators
    // step 0: the 490-byte input (496 after alignment) alone
    QCOMPARE(t.steps[0].liveBytes, std::int64_t(496));
    // step 1 (the first CONV_2D): input + its 8000-byte output
    QCOMPARE(t.steps[1].liveBytes, std::int64_t(496 + 8000));
    QCOMPARE(t.steps[1].op, 0);
    QCOMPARE(t.peakBytes, std::int64_t(16000));
    QCOMPARE(t.peakStep, 2); // the first depthwise layer reads one 8000-byte tensor and writes another
    QCOMPARE(t.peakBuffers.size(), std::size_t(2));
    for (int b : t.peakBuffers)
        QCOMPARE(p.buffers[static_cast<std::size_t>(b)].size, std::int64_t(8000));
    for (const TimelineStep& s : t.steps)
        QVERIFY(s.planTop <= plan.arenaBytes && s.liveBytes <= s.planTop);
}

void TestMemory::persistentEstimate()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Model model = loadShared(dir, QStringLiteral("tflm_hello_world_int8.tflite"));
    const PersistentEstimate e = estimatePersistentBytes(model);
    std::int64_t sum = 0;
    for (const auto& part : e.parts)
        sum += part.bytes;
    QCOMPARE(sum, e.totalBytes);
    // 10 tensors x 12 B and 3 operators x 32 B are part of it
    bool tensors = false, ops = false;
    for (const auto& part : e.parts) {
        tensors = tensors || (part.what.startsWith(QLatin1String("tensor structs")) && part.bytes == 120);
        ops = ops || (part.what.startsWith(QLatin1String("operator structs")) && part.bytes == 96);
    }
    QVERIFY(tensors && ops);
}

void TestMemory::bestMatchesBruteForce()
{
    // Small random problems, solved by trying every offset (multiples of 16) for every buffer.
    QRandomGenerator rng(4242);
    for (int round = 0; round < 40; ++round) {
        std::vector<MemoryBuffer> buffers;
        const int n = 3 + static_cast<int>(rng.bounded(3)); // 3..5 buffers
        for (int i = 0; i < n; ++i) {
            const int first = static_cast<int>(rng.bounded(4));
            buffers.push_back(memoryBuffer(
                16 * (1 + static_cast<int>(rng.bounded(4))), first, first + static_cast<int>(rng.bounded(3))));
        }
        const MemoryProblem p = problemOf(buffers);
        std::int64_t sum = 0;
        for (const auto& b : buffers)
            sum += b.size;
        std::int64_t optimum = sum;
        std::vector<std::int64_t> offsets(buffers.size(), 0);
        std::function<void(std::size_t, std::int64_t)> tryAll = [&](std::size_t i, std::int64_t top) {
            if (top >= optimum)
                return;
            if (i == buffers.size()) {
                optimum = top;
                return;
            }
            for (std::int64_t o = 0; o + buffers[i].size <= sum; o += 16) {
                bool clash = false;
                for (std::size_t j = 0; j < i && !clash; ++j) {
                    clash = buffers[i].overlapsInTime(buffers[j]) && o < offsets[j] + buffers[j].size
                        && offsets[j] < o + buffers[i].size;
                }
                if (clash)
                    continue;
                offsets[i] = o;
                tryAll(i + 1, std::max(top, o + buffers[i].size));
            }
        };
        tryAll(0, 0);
        const MemoryPlan best = planBest(p);
        QVERIFY(planIsValid(p, best));
        QCOMPARE(best.arenaBytes, optimum);
        QVERIFY(best.provenOptimal);
        QVERIFY(memoryLowerBound(p) <= optimum);
        QVERIFY(planTflmGreedy(p).arenaBytes >= optimum);
    }
}

void TestMemory::reorderMatchesBruteForce()
{
    // Random DAG-shaped models of 7 operators; every valid order is tried.
    QRandomGenerator rng(777);
    for (int round = 0; round < 25; ++round) {
        TfliteBuilder b;
        std::vector<int> tensors { b.addTensor(QStringLiteral("in"), DataType::Int8, { 1, 16 }) };
        for (int k = 0; k < 7; ++k) {
            const int width = 16 * (1 + static_cast<int>(rng.bounded(8)));
            const int out = b.addTensor(QStringLiteral("t%1").arg(k), DataType::Int8, { 1, width });
            const int a = tensors[rng.bounded(static_cast<quint32>(tensors.size()))];
            const int c = tensors[rng.bounded(static_cast<quint32>(tensors.size()))];
            if (a == c)
                b.addBuiltin(builtinOperatorCode(QStringLiteral("RELU")), { a }, { out });
            else
                b.addAdd({ a, c }, { out });
            tensors.push_back(out);
        }
        b.setInputs({ tensors.front() });
        b.setOutputs({ tensors.back() });
        const Model model = loadBytes(b.finish());
        const Subgraph& sg = model.subgraphs[0];

        std::int64_t optimum = std::numeric_limits<std::int64_t>::max();
        std::vector<int> order;
        std::vector<bool> done(sg.operators.size(), false);
        std::function<void()> enumerate = [&] {
            if (order.size() == sg.operators.size()) {
                optimum = std::min(optimum, peakLiveBytes(model, 0, order));
                return;
            }
            for (std::size_t k = 0; k < sg.operators.size(); ++k) {
                if (done[k])
                    continue;
                bool ready = true; // every producer of its inputs has run
                for (int t : sg.operators[k].inputs) {
                    for (std::size_t p = 0; p < sg.operators.size(); ++p) {
                        const auto& outs = sg.operators[p].outputs;
                        if (std::find(outs.begin(), outs.end(), t) != outs.end() && !done[p])
                            ready = false;
                    }
                }
                if (!ready)
                    continue;
                order.push_back(static_cast<int>(k));
                done[k] = true;
                enumerate();
                done[k] = false;
                order.pop_back();
            }
        };
        enumerate();
        const ReorderResult r = reorderOperators(model, 0);
        QVERIFY(r.exact);
        QCOMPARE(r.reorderedPeak, optimum);
        QVERIFY(orderRespectsData(sg, r.order));
    }
}

void TestMemory::indexedPlannersMatchPairwise_data()
{
    QTest::addColumn<int>("buffers");
    QTest::addColumn<int>("steps");
    QTest::addColumn<int>("maxLength");
    QTest::addColumn<int>("fixedPercent");
    QTest::addColumn<int>("zeroPercent");
    QTest::addColumn<bool>("reversed");
    QTest::addColumn<quint32>("seed");
    QTest::addRow("chain-like, short lifetimes") << 300 << 300 << 3 << 0 << 0 << false << 1u;
    QTest::addRow("long lifetimes, many alive at once") << 200 << 40 << 40 << 0 << 0 << false << 2u;
    QTest::addRow("equal sizes (tie order)") << 150 << 60 << 8 << 0 << 0 << false << 3u;
    QTest::addRow("offline-planned and empty buffers") << 200 << 80 << 10 << 20 << 10 << false << 4u;
    QTest::addRow("uncalled subgraphs (first step -1)") << 120 << 30 << 6 << 5 << 5 << false << 5u;
    QTest::addRow("reversed lifetimes (pairwise path)") << 120 << 30 << 6 << 10 << 5 << true << 6u;
    QTest::addRow("one step") << 50 << 1 << 1 << 10 << 10 << false << 7u;
}

void TestMemory::indexedPlannersMatchPairwise()
{
    // Random problems of every shape the planners meet: the lifetime index must give the pairwise planners' offsets,
    // bound and validity verdicts exactly, for TFLM's order and for random orders (with repeated indices) under both
    // fit rules.
    QFETCH(int, buffers);
    QFETCH(int, steps);
    QFETCH(int, maxLength);
    QFETCH(int, fixedPercent);
    QFETCH(int, zeroPercent);
    QFETCH(bool, reversed);
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    auto below = [&](int n) { return static_cast<int>(rng.bounded(static_cast<quint32>(n))); };
    for (int round = 0; round < 5; ++round) {
        std::vector<MemoryBuffer> list;
        for (int i = 0; i < buffers; ++i) {
            const bool uncalled = below(100) < 5;
            const int first = uncalled ? -1 : below(steps);
            int last = uncalled ? -1 : std::min(steps - 1, first + below(maxLength));
            if (reversed && below(100) < 10)
                last = first - 1 - below(3);
            const bool sameSize = below(100) < 50;
            std::int64_t size = sameSize ? 64 : 16 * (1 + below(12));
            if (below(100) < zeroPercent)
                size = 0;
            const std::int64_t fixed = below(100) < fixedPercent ? 16 * below(40) : -1;
            list.push_back(memoryBuffer(size, first, last, fixed));
        }
        MemoryProblem p = problemOf(list);
        p.steps.resize(static_cast<std::size_t>(steps));

        const MemoryPlan tflm = planTflmGreedy(p);
        std::vector<int> tflmOrder(list.size());
        std::iota(tflmOrder.rbegin(), tflmOrder.rend(), 0);
        std::stable_sort(tflmOrder.begin(), tflmOrder.end(), [&](int a, int b) {
            return list[static_cast<std::size_t>(a)].size > list[static_cast<std::size_t>(b)].size;
        });
        QCOMPARE(tflm.offsets, pairwisePlacement(p, tflmOrder, FitRule::FirstFit));
        QCOMPARE(planIsValid(p, tflm), pairwiseValid(p, tflm.offsets));

        std::vector<int> order(list.size());
        for (int& k : order)
            k = below(buffers); // repeats and gaps: unplaced buffers stay at -1
        for (FitRule rule : { FitRule::FirstFit, FitRule::BestFit }) {
            const std::vector<std::int64_t> offsets = placeInOrder(p, order, rule);
            QCOMPARE(offsets, pairwisePlacement(p, order, rule));
            MemoryPlan plan;
            plan.offsets = offsets;
            QCOMPARE(planIsValid(p, plan), pairwiseValid(p, offsets));
        }

        const std::int64_t lower = memoryLowerBound(p);
        QCOMPARE(lower, stepByStepLowerBound(p));
        const MemoryPlan best = planBest(p);
        QCOMPARE(planBest(p, {}, tflm, lower).offsets, best.offsets);
        QVERIFY(best.arenaBytes <= tflm.arenaBytes);
        QVERIFY(best.arenaBytes >= lower || reversed);

        // A plan with one buffer moved onto another that is alive at the same time must be found invalid.
        MemoryPlan broken = best;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].fixedOffset >= 0 || list[i].size == 0)
                continue;
            for (std::size_t j = 0; j < list.size(); ++j) {
                if (j != i && list[j].size > 0 && list[j].overlapsInTime(list[i])) {
                    broken.offsets[i] = broken.offsets[j];
                    break;
                }
            }
            if (broken.offsets[i] != best.offsets[i])
                break;
        }
        QCOMPARE(planIsValid(p, broken), pairwiseValid(p, broken.offsets));
        if (!reversed && broken.offsets != best.offsets) {
            QVERIFY(planIsValid(p, best));
            QVERIFY(!planIsValid(p, broken));
        }
    }
}

QTEST_GUILESS_MAIN(TestMemory)
#include "tst_memory.moc"
