// SPDX-License-Identifier: GPL-3.0-or-later
// The memory timeline widget on real models: what its graphs hold, the plan selector, the arena and RAM budget
// lines, clicks into the SelectionHub and the hub's selection back as a cursor. Saves PNGs for people to look at.
#include "document/modeldocument.h"
#include "documents.h"
#include "memorytimeline.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QComboBox>
#include <QDir>
#include <QSignalSpy>
#include <QtTest>

// Not `using namespace Profiler`: Profiler::MemoryTimeline (the data) would clash with the widget.
using namespace Widgets;
using Profiler::MemoryBuffer;
using Profiler::MemoryProblem;
using Profiler::MemoryReport;
using Profiler::ModelDocument;
using Profiler::ModelDocumentPtr;
using Profiler::Operator;
using Profiler::Subgraph;
using Profiler::Tensor;
using TestHelpers::openSharedDocument;

namespace {

const QString kVww = QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
const QString kFastestDet = QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite");

/** A chain of `ops` operators, each writing one 16..1024-byte tensor read by the next, planned ping-pong: enough to
 *  check that long runs are decimated and still drawn. */
ModelDocumentPtr longChainDocument(int ops)
{
    auto doc = std::make_shared<ModelDocument>();
    Subgraph sg;
    for (int t = 0; t <= ops; ++t) {
        Tensor tensor;
        tensor.name = QStringLiteral("t%1").arg(t);
        sg.tensors.push_back(tensor);
    }
    for (int k = 0; k < ops; ++k) {
        Operator op;
        op.index = k;
        op.type = k % 3 == 0 ? QStringLiteral("CONV_2D") : QStringLiteral("ADD");
        op.inputs = { k };
        op.outputs = { k + 1 };
        sg.operators.push_back(op);
    }
    doc->model.subgraphs.push_back(sg);
    MemoryReport& r = doc->memory;
    r.problem.steps.push_back({ 0, -1 });
    for (int k = 0; k < ops; ++k)
        r.problem.steps.push_back({ 0, k });
    std::int64_t arena = 0;
    for (int t = 0; t <= ops; ++t) {
        MemoryBuffer b;
        b.tensor = t;
        b.size = b.bytes = 16 * (1 + (t * 37) % 64);
        b.first = t;
        b.last = std::min(ops, t + 1);
        r.problem.buffers.push_back(b);
        r.tflm.offsets.push_back(t % 2 == 0 ? 0 : 1024);
        arena = std::max(arena, r.tflm.offsets.back() + b.size);
    }
    r.tflm.arenaBytes = arena;
    r.best = r.tflm;
    r.reorderedProblem = r.problem;
    r.reorderedTflm = r.reorderedBest = r.tflm;
    r.timeline = Profiler::buildTimeline(r.problem, &r.tflm);
    return doc;
}

/** Pixel rectangles of the plot's visible text items (peak, arena line, RAM budget line labels), by their text. */
QList<QPair<QString, QRectF>> visibleLabels(QCustomPlot* plot)
{
    QList<QPair<QString, QRectF>> labels;
    for (int i = 0; i < plot->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (text && text->visible() && !text->text().isEmpty())
            labels.append({ text->text(), QRectF(text->topLeft->pixelPosition(), text->bottomRight->pixelPosition()) });
    }
    return labels;
}

QString outPath(const QString& name)
{
    return QDir::current().absoluteFilePath(name);
}

} // namespace

class TestMemoryTimeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void empty();
    void graphsHoldTheTimeline();
    void planSwitch();
    void ramBudgetLine();
    void clickSelectsOperator();
    void hubMovesCursor();
    void reorderedPlanFollowsOperators();
    void longRunIsDecimated();
    void shortRunFillsThePlot();
    void stepLabelsTurnWhenCrowded();
    void labelsDoNotOverlap_data();
    void labelsDoNotOverlap();
    void savePictures_data();
    void savePictures();
};

void TestMemoryTimeline::initTestCase()
{
    // Without fonts every label is a box and nothing fails: make that visible.
    QVERIFY(!QFontInfo(QApplication::font()).family().isEmpty());
}

void TestMemoryTimeline::empty()
{
    MemoryTimeline w;
    w.resize(800, 360);
    QCOMPARE(w.plot()->graphCount(), 0);
    QCOMPARE(w.arenaLineBytes(), -1.0);
    QCOMPARE(w.ramBudgetLineBytes(), -1.0);
    QCOMPARE(w.cursorStep(), -1);
    QVERIFY(w.peakText().isEmpty());
    QCOMPARE(w.planSelector()->count(), 0);
    w.selectStep(3); // nothing to select: no crash
    QVERIFY(!w.plot()->xAxis->visible() && !w.plot()->yAxis->visible()); // no axes with made-up ranges
    w.setDocument(longChainDocument(3));
    QVERIFY(w.plot()->xAxis->visible() && w.plot()->yAxis->visible());
    w.setDocument(nullptr);
    QCOMPARE(w.plot()->graphCount(), 0);
    QVERIFY(!w.plot()->xAxis->visible() && !w.plot()->yAxis->visible());
}

void TestMemoryTimeline::graphsHoldTheTimeline()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    MemoryTimeline w;
    w.setDocument(doc);
    const int steps = static_cast<int>(doc->memory.problem.steps.size());
    const TimelineData& d = w.data();
    QCOMPARE(d.stepCount, steps);
    QCOMPARE(w.seriesGraphs().size(), static_cast<int>(d.series.size()));
    QVERIFY(w.seriesGraphs().size() >= 2);
    // One point per step plus the closing edge of the last step; the top of the stack is the live bytes.
    for (QCPGraph* g : w.seriesGraphs())
        QCOMPARE(g->dataCount(), steps + 1);
    QVERIFY(w.totalGraph());
    QCOMPARE(w.totalGraph()->dataCount(), steps + 1);
    QCPGraph* top = w.seriesGraphs().last();
    for (int i = 0; i < steps; ++i) {
        QCOMPARE(top->data()->at(i)->value, d.liveBytes[static_cast<std::size_t>(i)]);
        QCOMPARE(w.totalGraph()->data()->at(i)->value, d.liveBytes[static_cast<std::size_t>(i)]);
        QCOMPARE(top->data()->at(i)->key, i - 0.5);
    }
    QCOMPARE(w.plot()->legend->itemCount(), w.seriesGraphs().size());
    QCOMPARE(w.arenaLineBytes(), 73728.0);
    QVERIFY2(w.peakText().startsWith(QStringLiteral("peak 55 296 B at step 3, CONV_2D (operator 2)")),
        qPrintable(w.peakText()));
    QCOMPARE(w.peakText(), d.peakLabel);
    QVERIFY(w.toolTipForStep(d.peakStep).contains(QStringLiteral("(peak)")));
    QVERIFY(w.plot()->yAxis->range().upper > 73728);

    QCOMPARE(w.summaryText(),
        QStringLiteral("Arena 73 728 B · peak live 55 296 B · lower bound 55 296 B · %1 buffers in %2 steps")
            .arg(doc->memory.problem.buffers.size())
            .arg(steps));
    QCOMPARE(w.planSelector()->count(), 3);
    QCOMPARE(w.planSelector()->itemText(0), QStringLiteral("TFLM: 73 728 B"));
    QVERIFY(w.planSelector()->itemText(1).startsWith(QStringLiteral("Best: 55 296 B")));
    QVERIFY(w.planSelector()->itemText(2).startsWith(QStringLiteral("Reordered: ")));
}

void TestMemoryTimeline::planSwitch()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    MemoryTimeline w;
    w.setDocument(doc);
    QSignalSpy spy(&w, &MemoryTimeline::planChanged);
    QCOMPARE(w.plan(), PlanKind::Tflm);
    QCOMPARE(w.arenaLineBytes(), 73728.0);

    w.setPlan(PlanKind::Best);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(w.arenaLineBytes(), 55296.0);
    QCOMPARE(w.planSelector()->currentIndex(), 1);
    QCOMPARE(w.data().peakBytes, qint64(55296));
    w.setPlan(PlanKind::Best); // no change, no signal
    QCOMPARE(spy.count(), 1);

    // The user picks the reordered plan in the combo box.
    w.planSelector()->setCurrentIndex(2);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(w.plan(), PlanKind::Reordered);
    QCOMPARE(w.arenaLineBytes(), static_cast<double>(doc->memory.reorderedBest.arenaBytes));

    w.setPlan(PlanKind::Tflm);
    QCOMPARE(w.arenaLineBytes(), 73728.0);
    QCOMPARE(w.planSelector()->currentIndex(), 0);
}

void TestMemoryTimeline::ramBudgetLine()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MemoryTimeline w;
    w.setDocument(openSharedDocument(dir, kVww));
    QCOMPARE(w.ramBudgetLineBytes(), -1.0);
    w.setRamBudget(64 * 1024);
    QCOMPARE(w.ramBudget(), qint64(65536));
    QCOMPARE(w.ramBudgetLineBytes(), 65536.0);
    QVERIFY(w.plot()->yAxis->range().contains(65536));
    // A budget well above the arena stays in view as long as it does not squash the data.
    w.setRamBudget(256 * 1024);
    QCOMPARE(w.ramBudgetLineBytes(), 262144.0);
    QVERIFY(w.plot()->yAxis->range().contains(262144));
    // Far above: the line is off the plot, the data keeps its scale.
    w.setRamBudget(8 * 1024 * 1024);
    QCOMPARE(w.ramBudgetLineBytes(), 8.0 * 1024 * 1024);
    QVERIFY(w.plot()->yAxis->range().upper < 1024 * 1024);
    w.setRamBudget(0);
    QCOMPARE(w.ramBudgetLineBytes(), -1.0);
}

void TestMemoryTimeline::clickSelectsOperator()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    const MemoryProblem& p = doc->memory.problem;
    SelectionHub hub;
    MemoryTimeline w;
    w.setSelectionHub(&hub);
    w.setDocument(doc);
    w.resize(1000, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.plot()->replot();

    // Through the public slot.
    const int peak = w.data().peakStep;
    QSignalSpy spy(&hub, &SelectionHub::operatorSelected);
    w.selectStep(peak);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(hub.subgraph(), p.steps[static_cast<std::size_t>(peak)].subgraph);
    QCOMPARE(hub.op(), p.steps[static_cast<std::size_t>(peak)].op);
    QCOMPARE(w.cursorStep(), peak);

    // Through a real mouse click on step 5, half-way up the plot.
    QCPAxisRect* rect = w.plot()->axisRect();
    const QPoint pos(qRound(w.plot()->xAxis->coordToPixel(5)), rect->center().y());
    QCOMPARE(w.stepAt(pos), 5);
    QTest::mouseClick(w.plot(), Qt::LeftButton, {}, pos);
    QCOMPARE(hub.op(), p.steps[5].op);
    QCOMPARE(w.cursorStep(), 5);
    QVERIFY(w.toolTipForStep(5).startsWith(QStringLiteral("Step 5: operator %1, ").arg(p.steps[5].op)));

    // Outside the plot area nothing is selected.
    QCOMPARE(w.stepAt(QPoint(2, 2)), -1);

    // The entry step has no operator: the hub's operator is cleared, the cursor still marks the step.
    w.selectStep(0);
    QCOMPARE(hub.op(), -1);
    QCOMPARE(w.cursorStep(), 0);
}

void TestMemoryTimeline::hubMovesCursor()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kVww);
    SelectionHub hub;
    MemoryTimeline w;
    w.setDocument(doc);
    w.setSelectionHub(&hub);
    hub.selectOperator(0, 10);
    const std::vector<int> steps = stepsOfOperator(doc->memory.problem, 0, 10);
    QCOMPARE(steps.size(), std::size_t(1));
    QCOMPARE(w.cursorStep(), steps.front());
    hub.selectOperator(0, 3);
    QCOMPARE(w.cursorStep(), stepsOfOperator(doc->memory.problem, 0, 3).front());
    hub.selectTensor(0, doc->memory.problem.buffers.front().tensor);
    QCOMPARE(w.cursorStep(), -1);
    hub.selectOperator(0, 4);
    hub.clear();
    QCOMPARE(w.cursorStep(), -1);

    // A document set after the selection picks it up.
    hub.selectOperator(0, 7);
    MemoryTimeline late;
    late.setSelectionHub(&hub);
    late.setDocument(doc);
    QCOMPARE(late.cursorStep(), stepsOfOperator(doc->memory.problem, 0, 7).front());
}

void TestMemoryTimeline::reorderedPlanFollowsOperators()
{
    // With another operator order the same operator runs at another step: the cursor follows the operator.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, kFastestDet);
    const MemoryReport& r = doc->memory;
    SelectionHub hub;
    MemoryTimeline w;
    w.setDocument(doc);
    w.setSelectionHub(&hub);
    const int op = static_cast<int>(doc->model.subgraphs[0].operators.size()) / 2;
    hub.selectOperator(0, op);
    QCOMPARE(w.cursorStep(), stepsOfOperator(r.problem, 0, op).front());
    w.setPlan(PlanKind::Reordered);
    QCOMPARE(w.cursorStep(), stepsOfOperator(r.reorderedProblem, 0, op).front());
    QCOMPARE(w.data().stepCount, static_cast<int>(r.reorderedProblem.steps.size()));
    // A click maps the step back to the operator of the reordered run.
    const int step = w.cursorStep() == 1 ? 2 : 1;
    w.selectStep(step);
    QCOMPARE(hub.op(), r.reorderedProblem.steps[static_cast<std::size_t>(step)].op);
}

void TestMemoryTimeline::longRunIsDecimated()
{
    const ModelDocumentPtr doc = longChainDocument(6000);
    MemoryTimeline w;
    w.resize(1000, 420);
    w.setDocument(doc);
    QCOMPARE(w.data().stepCount, 6001);
    QCOMPARE(w.data().bucketSize, 4);
    QCOMPARE(w.totalGraph()->dataCount(), static_cast<int>(w.data().x.size()) + 1);
    QVERIFY(w.totalGraph()->dataCount() <= 2001);
    QVERIFY(w.plot()->xAxis->label().contains(QStringLiteral("the largest of every 4")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.grab().save(outPath(QStringLiteral("memorytimeline_long.png"))));
}

void TestMemoryTimeline::shortRunFillsThePlot()
{
    // A model of one operator (a Vela-compiled model is one ethos-u operator) has two steps, the inputs and the
    // operator: they fill the x axis, which the three-step zoom limit must not stretch to an empty third step.
    for (const int ops : { 1, 2, 5 }) {
        MemoryTimeline w;
        w.setDocument(longChainDocument(ops));
        QCOMPARE(w.data().stepCount, ops + 1);
        QCOMPARE(w.plot()->xAxis->range().lower, -0.5);
        QCOMPARE(w.plot()->xAxis->range().upper, ops + 0.5);
    }
}

void TestMemoryTimeline::stepLabelsTurnWhenCrowded()
{
    // Upright while each step has room for its label across; a quarter turn once they are crowded, and upright
    // again when zoomed in far enough.
    MemoryTimeline w;
    w.resize(900, 360);
    w.setDocument(longChainDocument(3));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.plot()->replot();
    QCOMPARE(w.plot()->xAxis->tickLabelRotation(), 0.0);
    const int uprightHeight = w.plot()->axisRect()->height();

    w.setDocument(longChainDocument(60));
    w.plot()->replot();
    QCOMPARE(w.plot()->xAxis->tickLabelRotation(), -90.0);
    QVERIFY(w.plot()->axisRect()->height() < uprightHeight);

    w.plot()->xAxis->setRange(9.5, 12.5); // three steps
    w.plot()->replot();
    QCOMPARE(w.plot()->xAxis->tickLabelRotation(), 0.0);
}

void TestMemoryTimeline::labelsDoNotOverlap_data()
{
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("budgetShare"); // RAM budget as a share of the arena, 0 for none
    for (const int height : { 200, 260, 360, 600 }) {
        for (const double share : { 0.0, 0.8, 0.97, 1.05, 1.3, 2.5, 10.0 })
            QTest::addRow("%d px, budget %.2f x arena", height, share) << height << share;
    }
}

void TestMemoryTimeline::labelsDoNotOverlap()
{
    // The peak label sits at the top with its arrow down to the peak, the arena and budget labels beside their lines;
    // the head room above the data is counted in pixels so that, at any plot height and wherever the budget falls,
    // no label covers another or leaves the axis rect.
    QFETCH(int, height);
    QFETCH(double, budgetShare);
    const ModelDocumentPtr doc = longChainDocument(40);
    MemoryTimeline w;
    w.setDocument(doc);
    const double arena = static_cast<double>(w.data().arenaBytes);
    QVERIFY(arena > 0);
    w.setRamBudget(static_cast<qint64>(budgetShare * arena));
    w.resize(900, height);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.plot()->replot();

    const QList<QPair<QString, QRectF>> labels = visibleLabels(w.plot());
    QCOMPARE(labels.size(), budgetShare > 0 ? 3 : 2); // peak, arena (and budget)
    const QRectF rect = QRectF(w.plot()->axisRect()->rect()).adjusted(-0.5, -0.5, 0.5, 0.5);
    for (int i = 0; i < labels.size(); ++i) {
        QVERIFY2(rect.contains(labels[i].second),
            qPrintable(QStringLiteral("'%1' leaves the axis rect").arg(labels[i].first)));
        for (int j = i + 1; j < labels.size(); ++j) {
            QVERIFY2(!labels[i].second.intersects(labels[j].second),
                qPrintable(QStringLiteral("'%1' overlaps '%2'").arg(labels[i].first, labels[j].first)));
        }
    }
}

void TestMemoryTimeline::savePictures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("png");
    QTest::addColumn<int>("plan");
    QTest::addColumn<qint64>("budget");
    QTest::addRow("VWW, TFLM, 64 KiB board") << kVww << QStringLiteral("memorytimeline_vww.png") << 0 << qint64(65536);
    QTest::addRow("VWW, best") << kVww << QStringLiteral("memorytimeline_vww_best.png") << 1 << qint64(0);
    QTest::addRow("FastestDet, TFLM, 512 KiB board")
        << kFastestDet << QStringLiteral("memorytimeline_fastestdet.png") << 0 << qint64(512 * 1024);
}

void TestMemoryTimeline::savePictures()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, file);
    QFETCH(QString, png);
    QFETCH(int, plan);
    QFETCH(qint64, budget);
    SelectionHub hub;
    MemoryTimeline w;
    w.setSelectionHub(&hub);
    w.setDocument(openSharedDocument(dir, file));
    w.setPlan(static_cast<PlanKind>(plan));
    w.setRamBudget(budget);
    hub.selectOperator(0, 5);
    w.resize(1100, 460);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.grab().save(outPath(png)));
}

QTEST_MAIN(TestMemoryTimeline)
#include "tst_memorytimeline.moc"
