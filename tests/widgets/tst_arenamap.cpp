// SPDX-License-Identifier: GPL-3.0-or-later
// The arena map widget: one rectangle per buffer at the plan's offsets, the arena top, the plan selector, clicks
// into the SelectionHub and the hub's selection as highlights. Saves PNGs for people to look at.
#include "arenamap.h"
#include "document/modeldocument.h"
#include "documents.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QComboBox>
#include <QDir>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace Profiler;
using namespace Widgets;
using TestHelpers::openSharedDocument;

namespace {

const QString kVww = QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
const QString kFastestDet = QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite");

/** `buffers` chained tensors in `buffers` steps, planned in four lanes: a map with thousands of rectangles. */
ModelDocumentPtr manyBuffersDocument(int buffers)
{
    auto doc = std::make_shared<ModelDocument>();
    Subgraph sg;
    for (int t = 0; t < buffers; ++t) {
        Tensor tensor;
        tensor.name = QStringLiteral("t%1").arg(t);
        sg.tensors.push_back(tensor);
    }
    for (int k = 0; k + 1 < buffers; ++k) {
        Operator op;
        op.index = k;
        op.type = k % 2 ? QStringLiteral("CONV_2D") : QStringLiteral("RELU");
        op.inputs = { k };
        op.outputs = { k + 1 };
        sg.operators.push_back(op);
    }
    doc->model.subgraphs.push_back(sg);
    MemoryReport& r = doc->memory;
    r.problem.steps.push_back({ 0, -1 });
    for (int k = 0; k + 1 < buffers; ++k)
        r.problem.steps.push_back({ 0, k });
    for (int t = 0; t < buffers; ++t) {
        MemoryBuffer b;
        b.tensor = t;
        b.size = b.bytes = 256 + 16 * (t % 7);
        b.first = t;
        b.last = std::min(buffers - 1, t + 3);
        r.problem.buffers.push_back(b);
        r.tflm.offsets.push_back((t % 4) * 512);
    }
    r.tflm.arenaBytes = 4 * 512;
    r.best = r.tflm;
    r.reorderedProblem = r.problem;
    r.reorderedTflm = r.reorderedBest = r.tflm;
    return doc;
}

QPoint centerOf(const ArenaMap& w, const ArenaRect& r)
{
    return QPoint(qRound(w.plot()->xAxis->coordToPixel((r.x0 + r.x1) / 2)),
        qRound(w.plot()->yAxis->coordToPixel(static_cast<double>(r.offset) + static_cast<double>(r.size) / 2)));
}

int largestBuffer(const ArenaMap& w)
{
    const auto& rects = w.rects();
    return static_cast<int>(std::max_element(rects.begin(), rects.end(), [](const ArenaRect& a, const ArenaRect& b) {
        return a.size * (a.x1 - a.x0) < b.size * (b.x1 - b.x0);
    }) - rects.begin());
}

QString outPath(const QString& name)
{
    return QDir::current().absoluteFilePath(name);
}

} // namespace

class TestArenaMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void empty();
    void rectanglesFollowThePlan();
    void clickSelectsTensor();
    void hubHighlights();
    void scratchSelectsItsOperator();
    void neverRunColumn();
    void thousandsOfBuffers();
    void savePictures_data();
    void savePictures();
};

void TestArenaMap::empty()
{
    ArenaMap w;
    w.resize(800, 360);
    QVERIFY(w.rects().empty());
    QCOMPARE(w.arenaTopBytes(), -1.0);
    QCOMPARE(w.bufferAt(QPoint(100, 100)), -1);
    QVERIFY(w.highlightedBuffers().empty());
    w.selectBuffer(3);
    w.setDocument(nullptr);
    QCOMPARE(w.plot()->plottableCount(), 0);
}

void TestArenaMap::rectanglesFollowThePlan()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    const MemoryReport& r = doc->memory;
    ArenaMap w;
    QSignalSpy spy(&w, &ArenaMap::planChanged);
    w.setDocument(doc);
    QCOMPARE(w.rects().size(), r.problem.buffers.size());
    for (std::size_t i = 0; i < w.rects().size(); ++i) {
        QCOMPARE(w.rects()[i].offset, r.tflm.offsets[i]);
        QCOMPARE(w.rects()[i].size, r.problem.buffers[i].size);
    }
    QCOMPARE(w.arenaTopBytes(), 73728.0);
    // TFLM leaves 18 432 B above the live peak of 55 296 B unused at the peak.
    QVERIFY2(
        w.summaryText().contains(QStringLiteral("18 432 B (25%) above the live peak")), qPrintable(w.summaryText()));
    // One plottable per colour group, each in the legend.
    QVERIFY(w.plot()->plottableCount() >= 2);
    QCOMPARE(w.plot()->legend->itemCount(), w.plot()->plottableCount());
    QVERIFY(w.plot()->yAxis->range().contains(73728));

    w.setPlan(PlanKind::Best);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(w.arenaTopBytes(), 55296.0);
    QVERIFY(w.summaryText().contains(QStringLiteral("no gaps at the peak")));
    QCOMPARE(w.planSelector()->currentIndex(), 1);
    for (std::size_t i = 0; i < w.rects().size(); ++i)
        QCOMPARE(w.rects()[i].offset, r.best.offsets[i]);

    w.planSelector()->setCurrentIndex(2);
    QCOMPARE(w.plan(), PlanKind::Reordered);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(w.rects().size(), r.reorderedProblem.buffers.size());
    QCOMPARE(w.arenaTopBytes(), static_cast<double>(r.reorderedBest.arenaBytes));
}

void TestArenaMap::clickSelectsTensor()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    SelectionHub hub;
    ArenaMap w;
    w.setSelectionHub(&hub);
    w.setDocument(doc);
    w.resize(1000, 460);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.plot()->replot();

    const int buffer = largestBuffer(w);
    const ArenaRect& rect = w.rects()[static_cast<std::size_t>(buffer)];
    QVERIFY(!rect.scratch);
    const QPoint pos = centerOf(w, rect);
    QCOMPARE(w.bufferAt(pos), buffer);
    QVERIFY(w.toolTipForBuffer(buffer).startsWith(rect.label + QStringLiteral("\nSize: ")));

    QSignalSpy spy(&hub, &SelectionHub::tensorSelected);
    QTest::mouseClick(w.plot(), Qt::LeftButton, {}, pos);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(hub.subgraph(), rect.subgraph);
    QCOMPARE(hub.tensor(), rect.tensor);
    QCOMPARE(w.highlightedBuffers(), std::vector<int> { buffer });

    // Empty space above the arena top clears the selection.
    const QPoint above(pos.x(), qRound(w.plot()->yAxis->coordToPixel(73728 * 1.04)));
    QCOMPARE(w.bufferAt(above), -1);
    QTest::mouseClick(w.plot(), Qt::LeftButton, {}, above);
    QCOMPARE(hub.tensor(), -1);
    QVERIFY(w.highlightedBuffers().empty());
}

void TestArenaMap::hubHighlights()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    const MemoryReport& r = doc->memory;
    SelectionHub hub;
    ArenaMap w;
    w.setDocument(doc);
    w.setSelectionHub(&hub);

    // A tensor: its rectangle.
    const MemoryBuffer& b = r.problem.buffers[3];
    hub.selectTensor(b.subgraph, b.tensor);
    QCOMPARE(w.highlightedBuffers(), std::vector<int> { 3 });
    QCOMPARE(w.highlightedStep(), -1);

    // An operator: its step, and exactly the buffers alive at that step.
    hub.selectOperator(0, 10);
    const int step = stepsOfOperator(r.problem, 0, 10).front();
    QCOMPARE(w.highlightedStep(), step);
    std::vector<int> alive = r.timeline.steps[static_cast<std::size_t>(step)].liveBuffers;
    std::sort(alive.begin(), alive.end());
    QCOMPARE(w.highlightedBuffers(), alive);

    // Switching plans keeps the selection.
    w.setPlan(PlanKind::Best);
    QCOMPARE(w.highlightedStep(), step);
    QCOMPARE(w.highlightedBuffers(), alive);

    hub.clear();
    QCOMPARE(w.highlightedStep(), -1);
    QVERIFY(w.highlightedBuffers().empty());
}

void TestArenaMap::scratchSelectsItsOperator()
{
    // SVDF asks for scratch buffers: a click on one selects the SVDF operator.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, QStringLiteral("tflm_keyword_scrambled_int16.tflite"));
    SelectionHub hub;
    ArenaMap w;
    w.setSelectionHub(&hub);
    w.setDocument(doc);
    const auto it = std::find_if(w.rects().begin(), w.rects().end(), [](const ArenaRect& r) { return r.scratch; });
    QVERIFY(it != w.rects().end());
    w.selectBuffer(it->buffer);
    QCOMPARE(hub.op(), it->producer);
    QCOMPARE(hub.tensor(), -1);
    QCOMPARE(w.highlightedStep(), stepsOfOperator(doc->memory.problem, it->subgraph, it->producer).front());
    QVERIFY(std::find(w.highlightedBuffers().begin(), w.highlightedBuffers().end(), it->buffer)
        != w.highlightedBuffers().end());
}

void TestArenaMap::neverRunColumn()
{
    // A second signature's subgraph never runs from subgraph 0: its buffers sit in a column left of step 0.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    ArenaMap w;
    w.setDocument(openSharedDocument(dir, QStringLiteral("litert_multi_signatures.tflite")));
    QVERIFY(std::any_of(w.rects().begin(), w.rects().end(), [](const ArenaRect& r) { return r.neverRuns; }));
    QCOMPARE(w.plot()->xAxis->range().lower, -1.5);
    w.resize(900, 400);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.grab().save(outPath(QStringLiteral("arenamap_multisig.png"))));
}

void TestArenaMap::thousandsOfBuffers()
{
    const ModelDocumentPtr doc = manyBuffersDocument(5000);
    SelectionHub hub;
    ArenaMap w;
    w.setSelectionHub(&hub);
    w.setDocument(doc);
    QCOMPARE(w.rects().size(), std::size_t(5000));
    // Two colour groups (CONV_2D and RELU producers) and the model input: three plottables, no item per buffer.
    QCOMPARE(w.plot()->plottableCount(), 3);
    QCOMPARE(w.plot()->itemCount(), 3); // step band, arena top line, its label
    w.resize(1100, 460);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    hub.selectOperator(0, 2500);
    QCOMPARE(w.highlightedBuffers().size(), std::size_t(4));
    QVERIFY(w.grab().save(outPath(QStringLiteral("arenamap_many.png"))));
}

void TestArenaMap::savePictures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("png");
    QTest::addColumn<int>("plan");
    QTest::addColumn<int>("selectOp");
    QTest::addRow("VWW, TFLM") << kVww << QStringLiteral("arenamap_vww.png") << 0 << -1;
    QTest::addRow("VWW, best, op 5 selected") << kVww << QStringLiteral("arenamap_vww_best.png") << 1 << 5;
    QTest::addRow("FastestDet, TFLM") << kFastestDet << QStringLiteral("arenamap_fastestdet.png") << 0 << -1;
}

void TestArenaMap::savePictures()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, file);
    QFETCH(QString, png);
    QFETCH(int, plan);
    QFETCH(int, selectOp);
    SelectionHub hub;
    ArenaMap w;
    w.setSelectionHub(&hub);
    w.setDocument(openSharedDocument(dir, file));
    w.setPlan(static_cast<PlanKind>(plan));
    if (selectOp >= 0)
        hub.selectOperator(0, selectOp);
    w.resize(1100, 520);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.grab().save(outPath(png)));
}

QTEST_MAIN(TestArenaMap)
#include "tst_arenamap.moc"
