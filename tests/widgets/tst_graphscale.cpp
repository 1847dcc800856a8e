// SPDX-License-Identifier: GPL-3.0-or-later
// The graph at scale: the overview level of detail (the view draws every node as a dot from the scene's overview
// index instead of item by item), the selection and search matches staying visible in it, edge curves built only once
// an edge is seen up close, and the minimap of a large graph. Behaviour only: timings are bench_gui's business.
#include "document/modeldocument.h"
#include "documents.h"
#include "graphitems.h"
#include "graphminimap.h"
#include "graphscene.h"
#include "graphview.h"
#include "selectionhub.h"
#include "tflite/tfliteloader.h"
#ifdef TINYSCOPE_HAVE_DNNGEN
#include "dnngenerator.h"
#endif

#include <QGraphicsView>
#include <QPainter>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace Profiler;
using Widgets::GraphDetail;
using Widgets::GraphEdgeItem;
using Widgets::GraphNodeItem;
using Widgets::GraphScene;
using Widgets::GraphView;

namespace {

void showView(GraphView& view, const QSize& size = QSize(1100, 750))
{
    view.resize(size);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
}

double maxNodeHeight(const GraphScene& scene)
{
    double h = 0;
    for (const GraphNodeItem* item : scene.nodeItems())
        h = std::max(h, item->rect().height());
    return h;
}

/** The viewport as painted now, in device pixels. */
QImage viewportImage(const GraphView& view)
{
    return view.canvas()->viewport()->grab().toImage().convertToFormat(QImage::Format_ARGB32);
}

/** The viewport pixel at the centre of `item`. */
QRgb pixelAtNode(const GraphView& view, const QImage& image, const GraphNodeItem* item)
{
    const QPoint p = view.canvas()->mapFromScene(item->mapRectToScene(item->rect()).center());
    return image.pixel(std::clamp(p.x(), 0, image.width() - 1), std::clamp(p.y(), 0, image.height() - 1));
}

/** A document of a generated DNN-like model of `operators` operators; null without the generator (bench/ off). */
ModelDocumentPtr largeDocument(int operators)
{
#ifdef TINYSCOPE_HAVE_DNNGEN
    auto loaded = loadTfliteData(Bench::generateDnnModel(operators, 3), QStringLiteral("generated"));
    if (!loaded.ok())
        qFatal("%s", qPrintable(loaded.error().userMessage));
    auto doc = std::make_shared<ModelDocument>();
    doc->model = std::move(loaded).value();
    doc->analyses.push_back(analyzeModel(doc->model, 0));
    doc->graphs.push_back(layoutModelGraph(doc->model, 0));
    return doc;
#else
    Q_UNUSED(operators);
    return nullptr;
#endif
}

} // namespace

#define LARGE_DOCUMENT(doc, operators)                                                                                 \
    const ModelDocumentPtr doc = largeDocument(operators);                                                             \
    if (!(doc))                                                                                                        \
    QSKIP("needs the DNN generator of bench/ (TINYSCOPE_BUILD_BENCH)")

class TestGraphScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detailLevels();
    void overviewIsWhatTheViewPaints();
    void selectionAndMatchesStayVisible();
    void edgeCurvesBuiltWhenSeen();
    void overviewAfterRebuilds();
    void minimapOfLargeGraph();
};

void TestGraphScale::detailLevels()
{
    GraphScene scene;
    // Nothing shown: no overview, whatever the scale.
    QCOMPARE(scene.detailForScale(0.001), GraphDetail::Boxes);
    QCOMPARE(scene.detailForScale(1.0), GraphDetail::Full);

    scene.setGraph(TestHelpers::openDocument(TestHelpers::exampleModelPath()), 0);
    const double h = maxNodeHeight(scene);
    QVERIFY(h > 0);
    // Overview exactly when even the tallest node is under kGraphOverviewNodePixels.
    const double edge = Widgets::kGraphOverviewNodePixels / h;
    QCOMPARE(scene.detailForScale(edge * 0.99), GraphDetail::Overview);
    QCOMPARE(scene.detailForScale(edge * 1.01), Widgets::graphDetailForScale(edge * 1.01));
    QCOMPARE(scene.detailForScale(Widgets::kGraphLabelMinScale * 0.99), GraphDetail::Boxes);
    QCOMPARE(scene.detailForScale(1.0), GraphDetail::Full);
    QVERIFY(edge < Widgets::kGraphLabelMinScale); // labels go before nodes turn into dots
}

void TestGraphScale::overviewIsWhatTheViewPaints()
{
    LARGE_DOCUMENT(doc, 2000);
    GraphView view;
    view.setDocument(doc);
    showView(view);
    view.fitToView();
    const GraphScene* scene = view.graphScene();
    QCOMPARE(scene->detailForScale(view.zoom()), GraphDetail::Overview);

    // The viewport shows exactly what paintOverview() draws for the visible part of the scene.
    const QImage shown = viewportImage(view);
    QImage expected(shown.size(), QImage::Format_ARGB32);
    expected.fill(Qt::transparent);
    {
        QPainter painter(&expected);
        const QGraphicsView* canvas = view.canvas();
        scene->paintOverview(
            &painter, canvas->viewportTransform(), canvas->mapToScene(canvas->viewport()->rect()).boundingRect());
    }
    QCOMPARE(shown, expected);

    // The background around the graph is the scene's.
    QCOMPARE(shown.pixel(1, 1), scene->backgroundBrush().color().rgba());

    // Just below the threshold nodes are a few pixels tall and apart: each shows in its dot colour.
    view.setZoom(0.9 * Widgets::kGraphOverviewNodePixels / maxNodeHeight(*scene));
    QCOMPARE(scene->detailForScale(view.zoom()), GraphDetail::Overview);
    view.centerOnOperator(static_cast<int>(doc->model.subgraphs[0].operators.size()) / 2);
    const QImage close = viewportImage(view);
    const QRect inside = view.canvas()->viewport()->rect().adjusted(2, 2, -2, -2);
    int checked = 0;
    for (const GraphNodeItem* item : scene->nodeItems()) {
        const QRect box = view.canvas()->mapFromScene(item->mapRectToScene(item->rect())).boundingRect();
        if (!inside.contains(box))
            continue;
        QCOMPARE(pixelAtNode(view, close, item), item->dotColor().rgba());
        ++checked;
    }
    QVERIFY2(checked > 10, qPrintable(QString::number(checked)));
}

void TestGraphScale::selectionAndMatchesStayVisible()
{
    LARGE_DOCUMENT(doc, 2000);
    Widgets::SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    showView(view);
    view.fitToView();
    QCOMPARE(view.graphScene()->detailForScale(view.zoom()), GraphDetail::Overview);

    const int ops = static_cast<int>(doc->model.subgraphs[0].operators.size());
    const int op = ops / 2;
    hub.selectOperator(0, op);
    const GraphNodeItem* selected = view.graphScene()->nodeForOperator(op);
    QVERIFY(selected && selected->isCurrent());
    QImage image = viewportImage(view);
    const QColor accent = selected->dotColor();
    // A mark of kOverviewMarkPixels around the centre, however small the node is at this zoom.
    const QPoint centre = view.canvas()->mapFromScene(selected->mapRectToScene(selected->rect()).center());
    for (const QPoint d : { QPoint(0, 0), QPoint(-2, -2), QPoint(2, 2), QPoint(-2, 2), QPoint(2, -2) })
        QCOMPARE(image.pixel(centre + d), accent.rgba());

    // Search matches are marked as well, in their own colour.
    const int other = op / 2;
    view.graphScene()->setMatches({ other });
    const GraphNodeItem* match = view.graphScene()->nodeForOperator(other);
    QVERIFY(match->isMatch() && !match->isCurrent());
    QVERIFY(match->dotColor() != accent);
    image = viewportImage(view);
    const QPoint matchCentre = view.canvas()->mapFromScene(match->mapRectToScene(match->rect()).center());
    for (const QPoint d : { QPoint(0, 0), QPoint(-2, -2), QPoint(2, 2) })
        QCOMPARE(image.pixel(matchCentre + d), match->dotColor().rgba());
    // ... and the selection is still there.
    QCOMPARE(image.pixel(centre), accent.rgba());
}

void TestGraphScale::edgeCurvesBuiltWhenSeen()
{
    LARGE_DOCUMENT(doc, 2000);
    GraphView view;
    view.setDocument(doc);
    view.resize(1100, 750);
    view.fitToView(); // the first frame shows the whole graph, as dots
    showView(view);
    QCOMPARE(view.graphScene()->detailForScale(view.zoom()), GraphDetail::Overview);
    (void)viewportImage(view);
    const auto& edges = view.graphScene()->edgeItems();
    QVERIFY(!edges.empty());
    QVERIFY(std::none_of(edges.begin(), edges.end(), [](const GraphEdgeItem* e) { return e->hasPath(); }));

    // Up close, the edges in sight get their curves; the others still have none.
    view.setZoom(1.0);
    view.centerOnOperator(0);
    (void)viewportImage(view);
    const QRectF visible = view.canvas()->mapToScene(view.canvas()->viewport()->rect()).boundingRect();
    int built = 0;
    for (const GraphEdgeItem* e : edges) {
        if (e->hasPath()) {
            ++built;
            QVERIFY(e->sceneBoundingRect().intersects(visible));
        }
    }
    QVERIFY(built > 0);
    QVERIFY(built < static_cast<int>(edges.size()));

    // The bounds an unbuilt edge reports contain the curve and the arrow once built.
    GraphEdgeItem* far = edges.back();
    QVERIFY(!far->hasPath());
    const QRectF bounds = far->boundingRect();
    // (united(), not contains(): a straight vertical edge has a box of no width, which nothing "contains".)
    QCOMPARE(bounds.united(far->path().boundingRect()), bounds);
    QCOMPARE(bounds.united(far->shape().boundingRect()), bounds);
    QVERIFY(far->hasPath());
}

void TestGraphScale::overviewAfterRebuilds()
{
    const ModelDocumentPtr doc = TestHelpers::openDocument(TestHelpers::exampleModelPath());
    GraphView view;
    view.setDocument(doc);
    showView(view);
    view.setZoom(view.minimumZoom());
    QCOMPARE(view.graphScene()->detailForScale(view.zoom()), GraphDetail::Overview);
    const QImage first = viewportImage(view);

    // A palette change rebuilds the items; the overview index follows.
    QPalette dark = view.palette();
    dark.setColor(QPalette::Base, QColor(20, 20, 24));
    view.setPalette(dark);
    view.setZoom(view.minimumZoom());
    const QImage second = viewportImage(view);
    QCOMPARE(second.pixel(1, 1), QColor(20, 20, 24).rgba());
    QVERIFY(first != second);

    // No document: an empty overview (the background), no crash.
    view.setDocument(nullptr);
    QCOMPARE(view.graphScene()->detailForScale(0.001), GraphDetail::Boxes);
    QImage empty(50, 50, QImage::Format_ARGB32);
    empty.fill(Qt::transparent);
    {
        QPainter painter(&empty);
        view.graphScene()->paintOverview(&painter, QTransform(), QRectF(0, 0, 50, 50));
    }
    QCOMPARE(empty.pixel(25, 25), view.graphScene()->backgroundBrush().color().rgba());
}

void TestGraphScale::minimapOfLargeGraph()
{
    LARGE_DOCUMENT(doc, 2000);
    GraphView view;
    view.setDocument(doc);
    showView(view);
    view.setZoom(1.0);
    Widgets::GraphMinimap* minimap = view.minimap();
    QVERIFY(minimap->isVisible());
    const QImage image = minimap->grab().toImage().convertToFormat(QImage::Format_ARGB32);
    // The overview shows node colours, not only the minimap's own background and frame.
    std::set<QRgb> colours;
    for (const GraphNodeItem* item : view.graphScene()->nodeItems())
        colours.insert(item->dotColor().rgb());
    int nodePixels = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            nodePixels += colours.count(image.pixel(x, y) | 0xff000000u) ? 1 : 0;
    }
    QVERIFY2(nodePixels > 10, qPrintable(QString::number(nodePixels)));
}

QTEST_MAIN(TestGraphScale)
#include "tst_graphscale.moc"
