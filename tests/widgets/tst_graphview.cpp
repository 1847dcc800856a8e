// SPDX-License-Identifier: GPL-3.0-or-later
// The graph view: one item per node and edge at the layout's positions, selection linked both ways through a
// SelectionHub, search, zoom and fit, level of detail, subgraph switching, tooltips, rendering without the view,
// screenshots of real models for a person to look at, and timings on a 10,000-operator graph (printed, not asserted).
#include "categorycolors.h"
#include "document/modeldocument.h"
#include "documents.h"
#include "fixtures.h"
#include "graphitems.h"
#include "graphminimap.h"
#include "graphscene.h"
#include "graphsearchbar.h"
#include "graphview.h"
#include "selectionhub.h"
#include "sharedmodels.h"
#include "tflite/tfliteloader.h"
#ifdef TINYSCOPE_HAVE_DNNGEN
#include "dnngenerator.h"
#endif

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGraphicsView>
#include <QLineEdit>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QToolTip>
#include <QtTest>

#include <set>

using namespace Profiler;
using TestHelpers::openDocument;
using TestHelpers::openSharedDocument;
using Widgets::GraphEdgeItem;
using Widgets::GraphNodeItem;
using Widgets::GraphScene;
using Widgets::GraphView;
using Widgets::SelectionHub;

namespace {

bool fuzzyEqual(const QRectF& a, const QRectF& b)
{
    return std::abs(a.x() - b.x()) < 1e-6 && std::abs(a.y() - b.y()) < 1e-6 && std::abs(a.width() - b.width()) < 1e-6
        && std::abs(a.height() - b.height()) < 1e-6;
}

QRectF nodeSceneRect(const GraphNodeItem* item)
{
    return item->mapRectToScene(item->rect());
}

QPoint viewportPoint(const GraphView& view, const QPointF& scenePos)
{
    return view.canvas()->mapFromScene(scenePos);
}

QRectF visibleSceneRect(const GraphView& view)
{
    return view.canvas()->mapToScene(view.canvas()->viewport()->rect()).boundingRect();
}

void showView(GraphView& view, const QSize& size = QSize(1100, 750))
{
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
}

/** A two-operator graph laid out by hand at odd positions, so that the view cannot rely on any layout engine. */
ModelDocumentPtr handBuiltDocument()
{
    Model model;
    model.filePath = QStringLiteral("hand-built");
    Subgraph sg;
    sg.name = QStringLiteral("main");
    const auto tensor = [](const char* name, std::vector<std::int32_t> shape) {
        Tensor t;
        t.name = QString::fromLatin1(name);
        t.type = DataType::Int8;
        t.shape = std::move(shape);
        t.elements = 1;
        for (auto d : t.shape)
            t.elements *= d;
        t.bytes = t.elements;
        return t;
    };
    sg.tensors = { tensor("input_x", { 1, 8 }), tensor("relu_out", { 1, 8 }), tensor("sum", { 1, 8 }) };
    Operator relu;
    relu.index = 0;
    relu.type = QStringLiteral("RELU");
    relu.inputs = { 0 };
    relu.outputs = { 1 };
    Operator add;
    add.index = 1;
    add.type = QStringLiteral("ADD");
    add.inputs = { 1, 0 };
    add.outputs = { 2 };
    sg.operators = { relu, add };
    sg.inputs = { 0 };
    sg.outputs = { 2 };
    model.subgraphs.push_back(sg);

    auto doc = std::make_shared<ModelDocument>();
    doc->model = model;
    doc->analyses.push_back(analyzeModel(doc->model, 0));

    ModelGraph g;
    g.subgraph = 0;
    using Kind = ModelGraphNode::Kind;
    g.nodes = { { Kind::Input, 0 }, { Kind::Operator, 0 }, { Kind::Operator, 1 }, { Kind::Output, 2 } };
    g.nodeOfOperator = { 1, 2 };
    g.graph.edges = { { 0, 1 }, { 0, 2 }, { 1, 2 }, { 2, 3 } };
    g.edges = { { 0 }, { 0 }, { 1 }, { 2 } };
    const std::vector<QRectF> rects
        = { QRectF(0, 0, 120, 30), QRectF(210, 100, 150, 40), QRectF(20, 230, 170, 46), QRectF(45, 360, 120, 30) };
    for (const QRectF& r : rects) {
        g.graph.nodeSizes.push_back(r.size());
        LayoutNode n;
        n.x = r.x();
        n.y = r.y();
        n.width = r.width();
        n.height = r.height();
        g.layout.nodes.push_back(n);
        g.layout.bounds = g.layout.bounds.united(r);
    }
    for (const auto& [from, to] : g.graph.edges) {
        LayoutEdge e;
        e.from = from;
        e.to = to;
        const QRectF a = rects[static_cast<std::size_t>(from)];
        const QRectF b = rects[static_cast<std::size_t>(to)];
        e.points = { QPointF(a.center().x(), a.bottom()),
            QPointF((a.center().x() + b.center().x()) / 2 + 30, (a.bottom() + b.top()) / 2),
            QPointF(b.center().x(), b.top()) };
        g.layout.edges.push_back(e);
    }
    doc->graphs.push_back(g);
    return doc;
}

/** A synthetic DNN of `operators` operators in residual blocks (conv, depthwise, conv, add, relu) with a hand-made
 *  layered layout: large enough to measure the view, independent of the layout engine. */
ModelDocumentPtr syntheticDocument(int operators)
{
    Model model;
    model.filePath = QStringLiteral("synthetic");
    Subgraph sg;
    sg.name = QStringLiteral("synthetic");
    const auto addTensor = [&sg](int channels) {
        Tensor t;
        t.name = QStringLiteral("block/t%1").arg(sg.tensors.size());
        t.type = DataType::Int8;
        t.shape = { 1, 16, 16, channels };
        t.elements = 16 * 16 * channels;
        t.bytes = t.elements;
        sg.tensors.push_back(t);
        return static_cast<int>(sg.tensors.size() - 1);
    };
    const auto addOp = [&sg](const char* type, std::vector<int> inputs, int output) {
        Operator op;
        op.index = static_cast<int>(sg.operators.size());
        op.type = QString::fromLatin1(type);
        op.inputs = std::move(inputs);
        op.outputs = { output };
        sg.operators.push_back(op);
    };
    int current = addTensor(16);
    sg.inputs = { current };
    while (static_cast<int>(sg.operators.size()) < operators) {
        const int block = current;
        const char* pattern[] = { "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "ADD", "RELU" };
        for (int k = 0; k < 5 && static_cast<int>(sg.operators.size()) < operators; ++k) {
            const int out = addTensor(16);
            if (k == 3)
                addOp(pattern[k], { current, block }, out);
            else
                addOp(pattern[k], { current }, out);
            current = out;
        }
    }
    sg.outputs = { current };
    model.subgraphs.push_back(sg);

    auto doc = std::make_shared<ModelDocument>();
    doc->model = model;
    doc->analyses.push_back(analyzeModel(doc->model, 0));

    // Graph: input node, one node per operator, output node; ranks by longest path; residual edges bend to the right.
    ModelGraph g;
    using Kind = ModelGraphNode::Kind;
    const Subgraph& s = doc->model.subgraphs[0];
    std::vector<int> producer(s.tensors.size(), -1);
    g.nodes.push_back({ Kind::Input, s.inputs[0] });
    producer[static_cast<std::size_t>(s.inputs[0])] = 0;
    for (const Operator& op : s.operators) {
        g.nodeOfOperator.push_back(static_cast<int>(g.nodes.size()));
        producer[static_cast<std::size_t>(op.outputs[0])] = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ Kind::Operator, op.index });
    }
    for (const Operator& op : s.operators) {
        for (int t : op.inputs) {
            g.graph.edges.emplace_back(
                producer[static_cast<std::size_t>(t)], g.nodeOfOperator[static_cast<std::size_t>(op.index)]);
            g.edges.push_back({ t });
        }
    }
    g.nodes.push_back({ Kind::Output, s.outputs[0] });
    g.graph.edges.emplace_back(producer[static_cast<std::size_t>(s.outputs[0])], static_cast<int>(g.nodes.size() - 1));
    g.edges.push_back({ s.outputs[0] });

    const double w = 160;
    const double h = 44;
    g.layout.nodes.resize(g.nodes.size());
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        LayoutNode& n = g.layout.nodes[i];
        n.rank = static_cast<int>(i);
        n.x = (i % 7 == 3) ? 90 : 0; // a little zig-zag, as real layouts have
        n.y = static_cast<double>(i) * (h + 48);
        n.width = w;
        n.height = h;
        g.layout.bounds = g.layout.bounds.united(QRectF(n.x, n.y, w, h));
    }
    for (const auto& [from, to] : g.graph.edges) {
        const LayoutNode& a = g.layout.nodes[static_cast<std::size_t>(from)];
        const LayoutNode& b = g.layout.nodes[static_cast<std::size_t>(to)];
        LayoutEdge e;
        e.from = from;
        e.to = to;
        e.points.emplace_back(a.x + w / 2, a.y + h);
        if (to - from > 1)
            e.points.emplace_back(a.x + w + 40, (a.y + h + b.y) / 2);
        e.points.emplace_back(b.x + w / 2, b.y);
        g.layout.edges.push_back(e);
    }
    doc->graphs.push_back(g);
    return doc;
}

/** A tooltip without the line-break opportunities inserted into long names. */
QString withoutBreaks(QString html)
{
    html.remove(QStringLiteral("&#8203;"));
    html.remove(QChar(0x200B));
    return html;
}

double msSince(const QElapsedTimer& timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

} // namespace

class TestGraphView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detailThreshold();
    void edgePathEndsAtArrow();
    void handBuiltGraph();
    void itemsFollowLayout_data();
    void itemsFollowLayout();
    void selectionLinksBothWays();
    void searchDepthwise();
    void searchBarKeys();
    void zoomAndFit();
    void subgraphSwitching();
    void toolTipsAndHover();
    void renderWithoutView();
    void minimapNavigates();
    void screenshots_data();
    void screenshots();
    void largeGraphTimings_data();
    void largeGraphTimings();
};

void TestGraphView::detailThreshold()
{
    using Widgets::GraphDetail;
    QCOMPARE(Widgets::graphDetailForScale(1.0), GraphDetail::Full);
    QCOMPARE(Widgets::graphDetailForScale(4.0), GraphDetail::Full);
    QCOMPARE(Widgets::graphDetailForScale(Widgets::kGraphLabelMinScale), GraphDetail::Full);
    QCOMPARE(Widgets::graphDetailForScale(Widgets::kGraphLabelMinScale * 0.99), GraphDetail::Boxes);
    QCOMPARE(Widgets::graphDetailForScale(0.05), GraphDetail::Boxes);
    QCOMPARE(Widgets::graphDetailForScale(0.0), GraphDetail::Boxes);

    // The scale an item sees is what QStyleOptionGraphicsItem derives from the view's transform.
    GraphView view;
    view.setDocument(handBuiltDocument());
    showView(view);
    view.setZoom(1.0);
    QCOMPARE(Widgets::graphDetailForScale(
                 QStyleOptionGraphicsItem::levelOfDetailFromTransform(view.canvas()->viewportTransform())),
        GraphDetail::Full);
    view.setZoom(0.2);
    QCOMPARE(Widgets::graphDetailForScale(
                 QStyleOptionGraphicsItem::levelOfDetailFromTransform(view.canvas()->viewportTransform())),
        GraphDetail::Boxes);
}

void TestGraphView::edgePathEndsAtArrow()
{
    const QPolygonF points({ QPointF(10, 0), QPointF(60, 50), QPointF(20, 120) });
    QPointF tip;
    QPointF dir;
    const QPainterPath path = Widgets::graphEdgePath(points, 8, &tip, &dir);
    QCOMPARE(tip, QPointF(20, 120));
    QCOMPARE(dir, QPointF(0, 1)); // enters the target from above
    QCOMPARE(path.pointAtPercent(0), QPointF(10, 0));
    const QPointF end = path.pointAtPercent(1);
    QVERIFY(std::abs(end.x() - 20) < 1e-6);
    QVERIFY(end.y() < 120 && end.y() > 110);
    QVERIFY(Widgets::graphEdgePath(QPolygonF({ QPointF(1, 1) }), 8).isEmpty());
}

void TestGraphView::handBuiltGraph()
{
    const ModelDocumentPtr doc = handBuiltDocument();
    GraphScene scene;
    scene.setGraph(doc, 0);
    const ModelGraph& g = doc->graphs[0];
    QCOMPARE(scene.nodeItems().size(), g.nodes.size());
    QCOMPARE(scene.edgeItems().size(), g.edges.size());
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const LayoutNode& n = g.layout.nodes[i];
        QVERIFY(fuzzyEqual(nodeSceneRect(scene.nodeItems()[i]), QRectF(n.x, n.y, n.width, n.height)));
    }
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const GraphEdgeItem* item = scene.edgeItems()[e];
        QCOMPARE(item->tensorIndex(), g.edges[e].tensor);
        QCOMPARE(item->fromNode(), g.graph.edges[e].first);
        QCOMPARE(item->toNode(), g.graph.edges[e].second);
        QCOMPARE(item->points().size(), static_cast<qsizetype>(g.layout.edges[e].points.size()));
        for (std::size_t p = 0; p < g.layout.edges[e].points.size(); ++p)
            QCOMPARE(item->mapToScene(item->points()[static_cast<qsizetype>(p)]), g.layout.edges[e].points[p]);
    }
    QCOMPARE(scene.nodeItems()[1]->title(), QStringLiteral("RELU"));
    QCOMPARE(scene.nodeItems()[1]->subtitle(), QStringLiteral("1") + QChar(0x00D7) + QStringLiteral("8"));
    QCOMPARE(scene.nodeItems()[0]->title(), QStringLiteral("input_x"));
    QVERIFY(scene.nodeItems()[0]->subtitle().contains(QStringLiteral("int8")));
    QCOMPARE(scene.nodeForOperator(1), scene.nodeItems()[2]);
    QCOMPARE(scene.nodeForOperator(7), nullptr);
    QCOMPARE(scene.nodesForTensor(2).size(), std::size_t(1));
    QVERIFY(scene.sceneRect().contains(g.layout.bounds));

    // Nothing to show: no items, no crash.
    scene.setGraph(nullptr, 0);
    QVERIFY(scene.nodeItems().empty());
    scene.setGraph(doc, 5);
    QVERIFY(scene.nodeItems().empty());
}

void TestGraphView::itemsFollowLayout_data()
{
    QTest::addColumn<QString>("file"); // empty: the generated example model
    QTest::addRow("generated DS-CNN example") << QString();
    QTest::addRow("MLPerf DS-CNN int8") << QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite");
    QTest::addRow("MLPerf VWW int8") << QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
    QTest::addRow("NXP FastestDet") << QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite");
    QTest::addRow("CALL_ONCE, 2 subgraphs") << QStringLiteral("litert_call_once_resource_vars.tflite");
    QTest::addRow("Coral custom op") << QStringLiteral("coral_unknown_custom_op.tflite");
}

void TestGraphView::itemsFollowLayout()
{
    QFETCH(QString, file);
    TINYSCOPE_EXAMPLE_OR_SHARED_MODEL(path, file);
    const ModelDocumentPtr doc = openDocument(path);
    GraphView view;
    view.setDocument(doc);
    for (int s = 0; s < static_cast<int>(doc->graphs.size()); ++s) {
        view.showSubgraph(s);
        QCOMPARE(view.subgraph(), s);
        const ModelGraph& g = doc->graphs[static_cast<std::size_t>(s)];
        const GraphScene* scene = view.graphScene();
        QCOMPARE(scene->nodeItems().size(), g.nodes.size());
        QCOMPARE(scene->edgeItems().size(), g.edges.size());
        int nodeItems = 0;
        int edgeItems = 0;
        const auto all = view.scene()->items();
        for (const QGraphicsItem* item : all) {
            nodeItems += item->type() == GraphNodeItem::Type;
            edgeItems += item->type() == GraphEdgeItem::Type;
        }
        QCOMPARE(nodeItems, static_cast<int>(g.nodes.size()));
        QCOMPARE(edgeItems, static_cast<int>(g.edges.size()));
        const std::size_t operators = doc->model.subgraphs[static_cast<std::size_t>(s)].operators.size();
        const std::size_t io = doc->model.subgraphs[static_cast<std::size_t>(s)].inputs.size()
            + doc->model.subgraphs[static_cast<std::size_t>(s)].outputs.size();
        QCOMPARE(g.nodes.size(), operators + io);
        for (std::size_t i = 0; i < g.nodes.size(); ++i) {
            const GraphNodeItem* item = scene->nodeItems()[i];
            const LayoutNode& n = g.layout.nodes[i];
            QVERIFY2(
                fuzzyEqual(nodeSceneRect(item), QRectF(n.x, n.y, n.width, n.height)), qPrintable(QString::number(i)));
            QCOMPARE(item->kind(), g.nodes[i].kind);
            if (item->isOperator()) {
                QCOMPARE(item->operatorIndex(), g.nodes[i].index);
                QCOMPARE(scene->nodeForOperator(item->operatorIndex()), item);
                const LayerInfo& layer = doc->analyses[static_cast<std::size_t>(s)]
                                             .layers[static_cast<std::size_t>(item->operatorIndex())];
                QCOMPARE(item->isUnsupported(), layer.support.status == SupportStatus::Unsupported);
            } else {
                QCOMPARE(item->tensorIndex(), g.nodes[i].index);
            }
        }
        for (std::size_t e = 0; e < g.edges.size(); ++e)
            QCOMPARE(scene->edgeItems()[e]->tensorIndex(), g.edges[e].tensor);
    }
}

void TestGraphView::selectionLinksBothWays()
{
    const ModelDocumentPtr doc = openDocument(TestHelpers::exampleModelPath());
    SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    showView(view);
    const GraphScene* scene = view.graphScene();
    const int ops = static_cast<int>(doc->model.subgraphs[0].operators.size());
    QVERIFY(ops >= 6);

    // View -> hub: a click on an operator node.
    GraphNodeItem* node = scene->nodeForOperator(2);
    QVERIFY(node);
    QVERIFY(visibleSceneRect(view).contains(nodeSceneRect(node)));
    QTest::mouseClick(view.canvas()->viewport(), Qt::LeftButton, {}, viewportPoint(view, nodeSceneRect(node).center()));
    QCOMPARE(hub.op(), 2);
    QCOMPARE(view.currentOperator(), 2);
    QVERIFY(node->isCurrent());
    // Its edges are highlighted.
    int highlighted = 0;
    for (const GraphEdgeItem* e : scene->edgeItems())
        highlighted += e->isHighlighted();
    QVERIFY(highlighted >= 2);

    // Hub -> view.
    hub.selectOperator(0, 4);
    QVERIFY(scene->nodeForOperator(4)->isCurrent());
    QVERIFY(!node->isCurrent());
    QCOMPARE(view.currentOperator(), 4);

    // A selection off-screen is brought into view.
    view.setZoom(2.0);
    GraphNodeItem* first = scene->nodeForOperator(0);
    GraphNodeItem* last = scene->nodeForOperator(ops - 1);
    view.canvas()->centerOn(nodeSceneRect(first).center());
    QVERIFY(!visibleSceneRect(view).contains(nodeSceneRect(last)));
    hub.selectOperator(0, ops - 1);
    QVERIFY(last->isCurrent());
    QVERIFY(visibleSceneRect(view).contains(nodeSceneRect(last)));

    // A click on an input pill selects its tensor.
    view.fitToView();
    const int inputTensor = doc->model.subgraphs[0].inputs[0];
    const std::vector<GraphNodeItem*> pills = scene->nodesForTensor(inputTensor);
    QCOMPARE(pills.size(), std::size_t(1));
    QTest::mouseClick(
        view.canvas()->viewport(), Qt::LeftButton, {}, viewportPoint(view, nodeSceneRect(pills[0]).center()));
    QCOMPARE(hub.tensor(), inputTensor);
    QCOMPARE(hub.op(), -1);
    QVERIFY(pills[0]->isCurrent());
    QVERIFY(!last->isCurrent());

    // A tensor selected elsewhere highlights its edges.
    const int edgeTensor = scene->edgeItems()[3]->tensorIndex();
    hub.selectTensor(0, edgeTensor);
    QVERIFY(scene->edgeItems()[3]->isHighlighted());
    QCOMPARE(view.currentTensor(), edgeTensor);

    // A click on the background clears; a drag does not.
    hub.selectOperator(0, 1);
    const QPointF corner = view.scene()->sceneRect().topLeft() + QPointF(6, 6);
    QVERIFY(visibleSceneRect(view).contains(corner));
    QVERIFY(!scene->graphItemAt(corner, view.canvas()->viewportTransform()));
    const QPoint background = viewportPoint(view, corner);
    QTest::mousePress(view.canvas()->viewport(), Qt::LeftButton, {}, background);
    QTest::mouseMove(view.canvas()->viewport(), background + QPoint(40, 30));
    QTest::mouseRelease(view.canvas()->viewport(), Qt::LeftButton, {}, background + QPoint(40, 30));
    QCOMPARE(hub.op(), 1);
    QTest::mouseClick(view.canvas()->viewport(), Qt::LeftButton, {}, background);
    QCOMPARE(hub.op(), -1);
    QCOMPARE(hub.tensor(), -1);
    QCOMPARE(view.currentOperator(), -1);
    QVERIFY(!scene->nodeForOperator(1)->isCurrent());
}

void TestGraphView::searchDepthwise()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    showView(view);
    view.setZoom(1.5); // so that centring has something to do

    QList<int> visited;
    for (int i = 0; i < 4; ++i) {
        const int op = view.findNext(QStringLiteral("DEPTHWISE"));
        QCOMPARE(view.searchMatchCount(), 4);
        QCOMPARE(view.currentSearchMatch(), i);
        QVERIFY(op >= 0);
        QCOMPARE(
            doc->model.subgraphs[0].operators[static_cast<std::size_t>(op)].type, QStringLiteral("DEPTHWISE_CONV_2D"));
        QCOMPARE(hub.op(), op);
        const GraphNodeItem* node = view.graphScene()->nodeForOperator(op);
        QVERIFY(node->isCurrent());
        QVERIFY(node->isMatch());
        const QRectF visible = visibleSceneRect(view);
        QVERIFY(visible.contains(nodeSceneRect(node)));
        QVERIFY(std::abs(visible.center().y() - nodeSceneRect(node).center().y()) < 2);
        visited << op;
    }
    QCOMPARE(std::set<int>(visited.begin(), visited.end()).size(), std::size_t(4));
    QVERIFY(std::is_sorted(visited.begin(), visited.end()));
    QCOMPARE(view.findNext(QStringLiteral("DEPTHWISE")), visited[0]); // wraps around
    QCOMPARE(view.findPrevious(QStringLiteral("DEPTHWISE")), visited[3]);
    QCOMPARE(view.findPrevious(QStringLiteral("DEPTHWISE")), visited[2]);

    // Case-insensitive; a new text starts again; previous on a new text starts at the end.
    QCOMPARE(view.findNext(QStringLiteral("depthwise")), visited[0]);
    QCOMPARE(view.findPrevious(QStringLiteral("Depthwise_Conv")), visited[3]);
    QCOMPARE(view.findNext(QStringLiteral("no such operator")), -1);
    QCOMPARE(view.searchMatchCount(), 0);
    QCOMPARE(hub.op(), visited[3]); // a failed search keeps the selection

    // Names are searched too: the first operator's name (its output tensor).
    const QString name = doc->analyses[0].layers[0].name;
    QVERIFY(!name.isEmpty());
    view.findNext(name);
    QVERIFY(view.searchMatchCount() >= 1);
    QVERIFY(std::find(view.searchMatches().begin(), view.searchMatches().end(), 0) != view.searchMatches().end());
}

void TestGraphView::searchBarKeys()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    showView(view);
    view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    view.canvas()->setFocus();

    Widgets::GraphSearchBar* bar = view.searchBar();
    QVERIFY(!bar->isVisible());
    QTest::keyClick(view.canvas(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(bar->isVisible());
    QTRY_VERIFY(bar->lineEdit()->hasFocus());
    QTest::keyClicks(bar->lineEdit(), QStringLiteral("depthwise"));
    QCOMPARE(view.searchMatchCount(), 4);
    QCOMPARE(bar->resultText(), QStringLiteral("1 of 4")); // typing goes to the first match
    const int first = hub.op();
    QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
    QCOMPARE(bar->resultText(), QStringLiteral("2 of 4"));
    QVERIFY(hub.op() != first);
    QTest::keyClick(bar->lineEdit(), Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(bar->resultText(), QStringLiteral("1 of 4"));
    QCOMPARE(hub.op(), first);
    QTest::keyClick(bar->lineEdit(), Qt::Key_F3);
    QCOMPARE(bar->resultText(), QStringLiteral("2 of 4"));
    QTest::keyClick(bar->lineEdit(), Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(bar->resultText(), QStringLiteral("1 of 4"));
    QTest::keyClick(bar->lineEdit(), Qt::Key_Escape);
    QVERIFY(!bar->isVisible());
    for (const GraphNodeItem* node : view.graphScene()->nodeItems())
        QVERIFY(!node->isMatch());
    QCOMPARE(hub.op(), first); // closing keeps the selection
}

void TestGraphView::zoomAndFit()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
    GraphView view;
    view.setDocument(doc);
    showView(view);
    QSignalSpy zoomSpy(&view, &GraphView::zoomChanged);

    // On load: fitted when the labels stay readable; a taller graph opens at its top at a readable zoom.
    if (view.fitZoom() >= Widgets::kGraphLabelMinScale) {
        QCOMPARE(view.zoom(), view.fitZoom());
    } else {
        QVERIFY(view.zoom() >= Widgets::kGraphLabelMinScale);
        const QRectF first = view.graphScene()->nodeForOperator(0)->sceneBoundingRect();
        QVERIFY(visibleSceneRect(view).contains(first));
        view.fitToView();
    }
    // Fit shows the whole graph and never enlarges beyond 100 %.
    const double fit = view.zoom();
    QVERIFY(fit > 0 && fit <= 1.0);
    QCOMPARE(fit, view.fitZoom());
    QVERIFY(visibleSceneRect(view).contains(view.graphScene()->graphBounds()));
    const QTransform fitted = view.canvas()->transform();

    view.zoomIn();
    QVERIFY(view.zoom() > fit * 1.2);
    QVERIFY(view.canvas()->transform() != fitted);
    QVERIFY(!zoomSpy.isEmpty());
    view.zoomOut();
    QVERIFY(std::abs(view.zoom() - fit) < 1e-9);

    view.setZoom(1.0);
    QCOMPARE(view.zoom(), 1.0);
    view.fitToView();
    QCOMPARE(view.canvas()->transform(), fitted);

    // Keys.
    view.canvas()->setFocus();
    QTest::keyClick(view.canvas(), Qt::Key_Plus);
    QVERIFY(view.zoom() > fit);
    QTest::keyClick(view.canvas(), Qt::Key_Minus);
    QVERIFY(std::abs(view.zoom() - fit) < 1e-9);

    // Ctrl+wheel zooms to the cursor: the scene point under it stays there.
    view.setZoom(0.5);
    QWidget* viewport = view.canvas()->viewport();
    const QPoint cursor(viewport->width() / 4, viewport->height() / 3);
    const QPointF under = view.canvas()->mapToScene(cursor);
    QWheelEvent wheel(QPointF(cursor), QPointF(viewport->mapToGlobal(cursor)), QPoint(), QPoint(0, 120), Qt::NoButton,
        Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(viewport, &wheel);
    QVERIFY(view.zoom() > 0.55);
    const QPointF after = view.canvas()->mapToScene(cursor);
    QVERIFY2(QLineF(under, after).length() * view.zoom() < 2.0,
        qPrintable(QStringLiteral("moved %1 px").arg(QLineF(under, after).length() * view.zoom())));

    // A plain wheel scrolls without zooming.
    const double z = view.zoom();
    const int scroll = view.canvas()->verticalScrollBar()->value();
    QWheelEvent plain(QPointF(cursor), QPointF(viewport->mapToGlobal(cursor)), QPoint(), QPoint(0, -120), Qt::NoButton,
        Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(viewport, &plain);
    QCOMPARE(view.zoom(), z);
    QVERIFY(view.canvas()->verticalScrollBar()->value() > scroll);

    // Limits.
    view.setZoom(100);
    QCOMPARE(view.zoom(), view.maximumZoom());
    view.setZoom(0.000001);
    QCOMPARE(view.zoom(), view.minimumZoom());

    // Fit follows resizes until the user zooms.
    view.fitToView();
    view.resize(view.width(), view.height() / 2);
    QTRY_VERIFY(std::abs(view.zoom() - view.fitZoom()) < 1e-9);
    QVERIFY(view.zoom() < fit);
}

void TestGraphView::subgraphSwitching()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "litert_call_once_resource_vars.tflite");
    QCOMPARE(doc->graphs.size(), std::size_t(2));
    SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    showView(view);
    QSignalSpy shown(&view, &GraphView::subgraphShown);

    QComboBox* box = view.subgraphSelector();
    QCOMPARE(box->count(), 2);
    QVERIFY(box->isEnabled());
    QVERIFY(box->itemText(0).contains(QStringLiteral("5 operators")));
    QVERIFY(box->itemText(1).contains(QStringLiteral("2 operators")));
    QCOMPARE(view.subgraph(), 0);
    QCOMPARE(view.graphScene()->nodeItems().size(), doc->graphs[0].nodes.size());

    // The user picks subgraph 1 in the combo box: the hub follows, the scene is rebuilt.
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Down);
    QCOMPARE(hub.subgraph(), 1);
    QCOMPARE(view.subgraph(), 1);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(view.graphScene()->nodeItems().size(), doc->graphs[1].nodes.size());
    QCOMPARE(view.graphScene()->edgeItems().size(), doc->graphs[1].edges.size());

    // The hub switches back.
    hub.selectSubgraph(0);
    QCOMPARE(view.subgraph(), 0);
    QCOMPARE(box->currentIndex(), 0);
    QCOMPARE(view.graphScene()->nodeItems().size(), doc->graphs[0].nodes.size());

    // Selecting an operator of another subgraph switches to it.
    hub.selectOperator(1, 1);
    QCOMPARE(view.subgraph(), 1);
    QCOMPARE(box->currentIndex(), 1);
    QVERIFY(view.graphScene()->nodeForOperator(1)->isCurrent());

    // A new document with fewer subgraphs: the view and the hub go back to subgraph 0.
    view.setDocument(handBuiltDocument());
    QCOMPARE(view.subgraph(), 0);
    QCOMPARE(hub.subgraph(), 0);
    QCOMPARE(box->count(), 1);
    QVERIFY(!box->isEnabled());

    // No document at all.
    view.setDocument(nullptr);
    QVERIFY(view.graphScene()->nodeItems().empty());
    QCOMPARE(box->count(), 0);
    view.fitToView();
    view.zoomIn();
    QCOMPARE(view.findNext(QStringLiteral("CONV")), -1);
}

void TestGraphView::toolTipsAndHover()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    GraphView view;
    view.setDocument(doc);
    showView(view);
    const GraphScene* scene = view.graphScene();
    const Subgraph& sg = doc->model.subgraphs[0];

    const GraphNodeItem* conv = scene->nodeForOperator(0);
    const QString nodeTip = withoutBreaks(scene->toolTipFor(conv));
    QVERIFY2(nodeTip.contains(QStringLiteral("CONV_2D")), qPrintable(nodeTip));
    QVERIFY(nodeTip.contains(QStringLiteral("MACs")));
    QVERIFY(nodeTip.contains(QStringLiteral("Params")));
    QVERIFY(nodeTip.contains(doc->analyses[0].layers[0].name.toHtmlEscaped()));
    QVERIFY(nodeTip.contains(QLocale().toString(static_cast<qlonglong>(doc->analyses[0].layers[0].macs))));

    const GraphEdgeItem* edge = scene->edgeItems().front();
    const Tensor& t = sg.tensors[static_cast<std::size_t>(edge->tensorIndex())];
    const QString edgeTip = withoutBreaks(scene->toolTipFor(edge));
    QVERIFY2(edgeTip.contains(t.displayName(edge->tensorIndex()).toHtmlEscaped()), qPrintable(edgeTip));
    QVERIFY(edgeTip.contains(QStringLiteral("int8")));
    QVERIFY(edgeTip.contains(QString::number(t.shape.back())));
    QVERIFY(edgeTip.contains(QStringLiteral("bytes")));

    const GraphNodeItem* input = scene->nodesForTensor(sg.inputs[0]).front();
    QVERIFY(scene->toolTipFor(input).contains(QStringLiteral("input")));
    QVERIFY(scene->toolTipFor(nullptr).isEmpty());

    // Hovering an edge highlights it and its tooltip shows up.
    view.setZoom(1.0);
    const GraphEdgeItem* target = scene->edgeItems()[2];
    const QPointF onEdge = target->mapToScene(target->path().pointAtPercent(0.5));
    view.canvas()->centerOn(onEdge);
    QCOMPARE(scene->graphItemAt(onEdge, view.canvas()->viewportTransform()), target);
    QWidget* viewport = view.canvas()->viewport();
    const QPoint pos = viewportPoint(view, onEdge);
    QTest::mouseMove(viewport, pos + QPoint(0, 40));
    QTest::mouseMove(viewport, pos);
    QTRY_VERIFY(target->isHovered());
    QHelpEvent help(QEvent::ToolTip, pos, viewport->mapToGlobal(pos));
    QApplication::sendEvent(viewport, &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(withoutBreaks(QToolTip::text())
                .contains(sg.tensors[static_cast<std::size_t>(target->tensorIndex())]
                              .displayName(target->tensorIndex())
                              .toHtmlEscaped()));
    QToolTip::hideText();
}

void TestGraphView::renderWithoutView()
{
    const ModelDocumentPtr doc = openDocument(TestHelpers::exampleModelPath());
    GraphScene scene;
    scene.setGraph(doc, 0);
    const QRectF source = scene.sceneRect();
    QImage image((source.size() * 0.5).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        scene.renderGraph(&painter);
    }
    QVERIFY(!image.isNull());
    QVERIFY(image.save(QStringLiteral("graph_example_render.png")));

    GraphView view;
    view.setDocument(doc);
    QImage part(400, 300, QImage::Format_ARGB32_Premultiplied);
    part.fill(Qt::white);
    QPainter painter(&part);
    const GraphNodeItem* node = view.graphScene()->nodeForOperator(1);
    view.renderTo(&painter, QRectF(0, 0, 400, 300), nodeSceneRect(node).adjusted(-100, -60, 100, 60));
}

void TestGraphView::minimapNavigates()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "nxp_fastestdet_shufflenetv2_person_int8.tflite");
    GraphView view;
    view.setDocument(doc);
    showView(view);
    Widgets::GraphMinimap* minimap = view.minimap();
    QVERIFY(minimap->isVisible()); // this tall graph opens at its top: most of it is out of sight
    view.fitToView();
    QVERIFY(!minimap->isVisible()); // the whole graph is in sight
    view.setZoom(1.0);
    QVERIFY(minimap->isVisible());
    QVERIFY(!minimap->viewportFrame().isEmpty());

    // A click on the minimap centres the view on that scene point.
    const QPoint click(minimap->width() / 2, minimap->height() * 3 / 4);
    const QPointF target = minimap->mapToScene(click);
    QTest::mouseClick(minimap, Qt::LeftButton, {}, click);
    const QRectF visible = visibleSceneRect(view);
    QVERIFY(std::abs(visible.center().x() - target.x()) < 2);
    QVERIFY(std::abs(visible.center().y() - target.y()) < 2);
    QVERIFY(QSizeF(minimap->size()).width() <= 200 && minimap->height() <= 160);
}

void TestGraphView::screenshots_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("dark");
    QTest::addRow("VWW") << QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite") << QStringLiteral("vww")
                         << false;
    QTest::addRow("FastestDet") << QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite")
                                << QStringLiteral("fastestdet") << false;
    QTest::addRow("FastestDet, dark") << QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite")
                                      << QStringLiteral("fastestdet_dark") << true;
}

void TestGraphView::screenshots()
{
    // For a person to look at (written to the working directory); nothing here asserts pixels.
    QFETCH(QString, file);
    QFETCH(QString, tag);
    QFETCH(bool, dark);
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, file);
    const QPalette original = QApplication::palette();
    if (dark) {
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
        p.setColor(QPalette::Mid, QColor(0x55, 0x57, 0x5b));
        QApplication::setPalette(p);
    }
    {
        SelectionHub hub;
        GraphView view;
        view.setSelectionHub(&hub);
        view.setDocument(doc);
        showView(view, QSize(1280, 800));
        QVERIFY(view.grab().save(QStringLiteral("graph_%1_fit.png").arg(tag)));

        // Zoomed in on an operator in the middle, selected, with the search bar open on its type.
        const auto& ops = doc->model.subgraphs[0].operators;
        int op = static_cast<int>(ops.size()) / 2;
        for (int i = op; i < static_cast<int>(ops.size()); ++i) {
            if (ops[static_cast<std::size_t>(i)].type == QLatin1String("CONV_2D")) {
                op = i;
                break;
            }
        }
        view.setZoom(1.0);
        hub.selectOperator(0, op);
        view.centerOnOperator(op);
        QVERIFY(view.grab().save(QStringLiteral("graph_%1_node.png").arg(tag)));

        view.showSearchBar();
        QTest::keyClicks(view.searchBar()->lineEdit(), QStringLiteral("depthwise"));
        view.setZoom(0.6);
        QVERIFY(view.grab().save(QStringLiteral("graph_%1_search.png").arg(tag)));
        view.setZoom(0.3);
        QVERIFY(view.grab().save(QStringLiteral("graph_%1_boxes.png").arg(tag)));
    }
    if (dark)
        QApplication::setPalette(original);
}

void TestGraphView::largeGraphTimings_data()
{
    QTest::addColumn<bool>("generated");
    QTest::addRow("synthetic residual chain, hand layout") << false;
#ifdef TINYSCOPE_HAVE_DNNGEN
    QTest::addRow("generated DNN, layout engine") << true;
#endif
}

void TestGraphView::largeGraphTimings()
{
    // Figures only: printed for the record, never asserted (machines differ).
    QFETCH(bool, generated);
    constexpr int kOperators = 10000;
    QElapsedTimer timer;
    timer.start();
    ModelDocumentPtr doc;
    double layoutMs = 0;
    if (!generated) {
        doc = syntheticDocument(kOperators);
    } else {
#ifdef TINYSCOPE_HAVE_DNNGEN
        auto loaded = loadTfliteData(Bench::generateDnnModel(kOperators, 7), QStringLiteral("generated"));
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().userMessage));
        auto built = std::make_shared<ModelDocument>();
        built->model = std::move(loaded).value();
        built->analyses.push_back(analyzeModel(built->model, 0));
        QElapsedTimer layoutTimer;
        layoutTimer.start();
        built->graphs.push_back(layoutModelGraph(built->model, 0));
        layoutMs = msSince(layoutTimer);
        doc = built;
#endif
    }
    const double makeMs = msSince(timer);
    QCOMPARE(doc->model.subgraphs[0].operators.size(), std::size_t(kOperators));

    GraphView view;
    showView(view, QSize(1280, 800));
    timer.restart();
    view.setDocument(doc);
    const double setDocumentMs = msSince(timer);
    QCOMPARE(view.graphScene()->nodeItems().size(), doc->graphs[0].nodes.size());

    const auto frame = [&view] {
        QElapsedTimer t;
        t.start();
        const QPixmap pixmap = view.canvas()->viewport()->grab();
        Q_UNUSED(pixmap);
        return msSince(t);
    };
    frame(); // warm-up: glyph caches, BSP tree
    const double fitMs = frame();
    const double fitZoom = view.zoom();
    view.setZoom(0.25);
    view.centerOnOperator(kOperators / 2);
    frame();
    const double quarterMs = frame();
    view.setZoom(1.0);
    view.centerOnOperator(kOperators / 2);
    frame();
    const double fullMs = frame();
    const QString tag = generated ? QStringLiteral("generated") : QStringLiteral("synthetic");
    view.grab().save(QStringLiteral("graph_10k_%1_100.png").arg(tag));
    view.setZoom(0.25);
    view.grab().save(QStringLiteral("graph_10k_%1_25.png").arg(tag));
    view.fitToView();
    view.grab().save(QStringLiteral("graph_10k_%1_fit.png").arg(tag));

    timer.restart();
    SelectionHub hub;
    view.setSelectionHub(&hub);
    hub.selectOperator(0, kOperators - 10);
    const double selectMs = msSince(timer);
    timer.restart();
    const int found = view.findNext(QStringLiteral("conv"));
    const double searchMs = msSince(timer);
    QVERIFY(found >= 0);

    const QRectF bounds = view.graphScene()->graphBounds();
    qInfo().noquote() << QStringLiteral("10k graph (%1): %2 nodes, %3 edges, %4 x %5 scene units")
                             .arg(tag)
                             .arg(doc->graphs[0].nodes.size())
                             .arg(doc->graphs[0].edges.size())
                             .arg(bounds.width(), 0, 'f', 0)
                             .arg(bounds.height(), 0, 'f', 0);
    qInfo().noquote() << QStringLiteral("  document (load + analysis + layout): %1 ms, of which layout %2 ms")
                             .arg(makeMs, 0, 'f', 1)
                             .arg(layoutMs, 0, 'f', 1);
    qInfo().noquote() << QStringLiteral("  setDocument (scene build + fit): %1 ms (items: %2 ms)")
                             .arg(setDocumentMs, 0, 'f', 1)
                             .arg(view.graphScene()->buildMilliseconds(), 0, 'f', 1);
    qInfo().noquote()
        << QStringLiteral("  frame at fit (zoom %1 %): %2 ms").arg(fitZoom * 100, 0, 'f', 2).arg(fitMs, 0, 'f', 1);
    qInfo().noquote() << QStringLiteral("  frame at 25 % (boxes): %1 ms").arg(quarterMs, 0, 'f', 1);
    qInfo().noquote() << QStringLiteral("  frame at 100 %: %1 ms").arg(fullMs, 0, 'f', 1);
    qInfo().noquote() << QStringLiteral("  select + centre via hub: %1 ms; search all names: %2 ms")
                             .arg(selectMs, 0, 'f', 1)
                             .arg(searchMs, 0, 'f', 1);
}

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
