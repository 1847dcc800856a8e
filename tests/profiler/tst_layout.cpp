// SPDX-License-Identifier: GPL-3.0-or-later
// The layered graph layout: geometry checked on hand-made graphs, random graphs and every shared model (no overlaps,
// edges point down from bottom centre to top centre, ranks respect the edges, routes avoid nodes), crossings checked
// against a brute-force count of the drawn routes, and the model graph's nodes and edges.
#include "layout/graphlayout.h"
#include "report/layoutjson.h"
#include "sharedmodels.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

using namespace Profiler;

Q_DECLARE_METATYPE(Profiler::LayoutGraph)

namespace {

constexpr double kEps = 1e-6;

using Edges = std::vector<std::pair<int, int>>;

LayoutGraph makeGraph(int nodes, Edges edges, QSizeF size = { 120, 44 })
{
    LayoutGraph g;
    g.nodeSizes.assign(static_cast<std::size_t>(nodes), size);
    g.edges = std::move(edges);
    return g;
}

/** Node sizes that differ, so that centring and separation are tested with more than one width. */
LayoutGraph withMixedSizes(LayoutGraph g)
{
    for (std::size_t i = 0; i < g.nodeSizes.size(); ++i)
        g.nodeSizes[i] = QSizeF(90 + 37 * static_cast<double>(i % 4), i % 3 == 0 ? 28 : 44);
    return g;
}

LayoutGraph chain(int n)
{
    Edges e;
    for (int i = 0; i + 1 < n; ++i)
        e.emplace_back(i, i + 1);
    return makeGraph(n, e);
}

/** A tree with every edge pointing away from the root (or towards it). */
LayoutGraph randomTree(int n, quint32 seed, bool towardsRoot)
{
    QRandomGenerator rng(seed);
    Edges e;
    for (int i = 1; i < n; ++i) {
        const int parent = static_cast<int>(rng.bounded(static_cast<quint32>(i)));
        e.emplace_back(towardsRoot ? i : parent, towardsRoot ? parent : i);
    }
    return withMixedSizes(makeGraph(n, e));
}

/** A DAG: edges go from lower to higher index, some spanning far. */
LayoutGraph randomDag(int n, int edges, quint32 seed)
{
    QRandomGenerator rng(seed);
    Edges e;
    for (int k = 0; k < edges; ++k) {
        const int a = static_cast<int>(rng.bounded(static_cast<quint32>(n - 1)));
        const int span = rng.bounded(4u) == 0
            ? 1 + static_cast<int>(rng.bounded(static_cast<quint32>(n - a - 1)))
            : 1 + static_cast<int>(rng.bounded(std::min(3u, static_cast<quint32>(n - a - 1))));
        e.emplace_back(a, a + span);
    }
    return withMixedSizes(makeGraph(n, e));
}

QPointF bottomCentre(const LayoutNode& n)
{
    return { n.x + n.width / 2, n.y + n.height };
}

QPointF topCentre(const LayoutNode& n)
{
    return { n.x + n.width / 2, n.y };
}

bool near(QPointF a, QPointF b)
{
    return std::abs(a.x() - b.x()) < kEps && std::abs(a.y() - b.y()) < kEps;
}

QString pointText(QPointF p)
{
    return QStringLiteral("(%1, %2)").arg(p.x()).arg(p.y());
}

bool overlaps(const LayoutNode& a, const LayoutNode& b)
{
    return a.x < b.x + b.width - kEps && b.x < a.x + a.width - kEps && a.y < b.y + b.height - kEps
        && b.y < a.y + a.height - kEps;
}

/** Whether the open segment pq passes through the inside of the node's box (touching the border is fine). */
bool segmentEntersBox(QPointF p, QPointF q, const LayoutNode& n)
{
    // Clip the segment to the slightly shrunk box (Liang-Barsky).
    const double x0 = n.x + kEps, x1 = n.x + n.width - kEps, y0 = n.y + kEps, y1 = n.y + n.height - kEps;
    if (x0 >= x1 || y0 >= y1)
        return false;
    double t0 = 0, t1 = 1;
    const double dx = q.x() - p.x(), dy = q.y() - p.y();
    const double ps[4] = { -dx, dx, -dy, dy };
    const double qs[4] = { p.x() - x0, x1 - p.x(), p.y() - y0, y1 - p.y() };
    for (int i = 0; i < 4; ++i) {
        if (ps[i] == 0) {
            if (qs[i] < 0)
                return false;
            continue;
        }
        const double t = qs[i] / ps[i];
        if (ps[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
    }
    return t0 < t1;
}

double orientation(QPointF a, QPointF b, QPointF c)
{
    return (b.x() - a.x()) * (c.y() - a.y()) - (b.y() - a.y()) * (c.x() - a.x());
}

int sign(double v)
{
    return v > 1e-9 ? 1 : (v < -1e-9 ? -1 : 0);
}

/** Proper crossing: each segment has the ends of the other strictly on both sides. */
bool segmentsCross(QPointF a, QPointF b, QPointF c, QPointF d)
{
    const int o1 = sign(orientation(a, b, c)), o2 = sign(orientation(a, b, d));
    const int o3 = sign(orientation(c, d, a)), o4 = sign(orientation(c, d, b));
    return o1 * o2 < 0 && o3 * o4 < 0;
}

/** Crossing points between the routes of every pair of edges, by brute force over the drawn polylines. */
std::int64_t bruteForceCrossings(const GraphLayout& layout)
{
    std::int64_t total = 0;
    for (std::size_t i = 0; i < layout.edges.size(); ++i) {
        const auto& p = layout.edges[i].points;
        for (std::size_t j = i + 1; j < layout.edges.size(); ++j) {
            const auto& q = layout.edges[j].points;
            for (std::size_t a = 0; a + 1 < p.size(); ++a) {
                for (std::size_t b = 0; b + 1 < q.size(); ++b)
                    total += segmentsCross(p[a], p[a + 1], q[b], q[b + 1]) ? 1 : 0;
            }
        }
    }
    return total;
}

/** Everything a layout of `graph` must satisfy. Edges turned round to break cycles are allowed to point up. */
QString layoutProblem(const LayoutGraph& graph, const GraphLayout& layout, bool checkRoutesAgainstNodes = true)
{
    const std::size_t n = graph.nodeSizes.size();
    if (layout.nodes.size() != n)
        return QStringLiteral("%1 nodes laid out, expected %2").arg(layout.nodes.size()).arg(n);
    if (layout.edges.size() != graph.edges.size())
        return QStringLiteral("%1 edges laid out, expected %2").arg(layout.edges.size()).arg(graph.edges.size());
    for (std::size_t i = 0; i < n; ++i) {
        const LayoutNode& node = layout.nodes[i];
        if (!std::isfinite(node.x) || !std::isfinite(node.y))
            return QStringLiteral("node %1 has no finite position").arg(i);
        if (std::abs(node.width - graph.nodeSizes[i].width()) > kEps
            || std::abs(node.height - graph.nodeSizes[i].height()) > kEps)
            return QStringLiteral("node %1 changed size").arg(i);
        if (node.rank < 0 || node.rank >= std::max(1, layout.rankCount))
            return QStringLiteral("node %1 has rank %2 of %3").arg(i).arg(node.rank).arg(layout.rankCount);
        if (!layout.bounds.adjusted(-kEps, -kEps, kEps, kEps).contains(QRectF(node.x, node.y, node.width, node.height)))
            return QStringLiteral("node %1 is outside the bounds").arg(i);
    }

    // No overlaps: every pair for small graphs; by rank otherwise (ranks are bands that do not overlap).
    if (n <= 2500) {
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (overlaps(layout.nodes[i], layout.nodes[j]))
                    return QStringLiteral("nodes %1 and %2 overlap").arg(i).arg(j);
            }
        }
    } else {
        std::map<int, std::vector<std::size_t>> byRank;
        for (std::size_t i = 0; i < n; ++i)
            byRank[layout.nodes[i].rank].push_back(i);
        double previousBottom = -std::numeric_limits<double>::infinity();
        for (auto& [rank, nodes] : byRank) {
            std::sort(nodes.begin(), nodes.end(),
                [&](std::size_t a, std::size_t b) { return layout.nodes[a].x < layout.nodes[b].x; });
            double top = std::numeric_limits<double>::infinity(), bottom = -top;
            for (std::size_t k = 0; k < nodes.size(); ++k) {
                const LayoutNode& node = layout.nodes[nodes[k]];
                top = std::min(top, node.y);
                bottom = std::max(bottom, node.y + node.height);
                if (k > 0) {
                    const LayoutNode& left = layout.nodes[nodes[k - 1]];
                    if (node.x < left.x + left.width - kEps)
                        return QStringLiteral("nodes %1 and %2 overlap").arg(nodes[k - 1]).arg(nodes[k]);
                }
            }
            if (top < previousBottom - kEps)
                return QStringLiteral("rank %1 overlaps the rank above").arg(rank);
            previousBottom = bottom;
        }
    }

    int upward = 0;
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        const auto [from, to] = graph.edges[e];
        const LayoutEdge& edge = layout.edges[e];
        if (edge.from != from || edge.to != to)
            return QStringLiteral("edge %1 has the wrong ends").arg(e);
        if (from < 0 || to < 0 || static_cast<std::size_t>(from) >= n || static_cast<std::size_t>(to) >= n) {
            if (!edge.points.empty())
                return QStringLiteral("edge %1 names a missing node but has a route").arg(e);
            continue;
        }
        if (from == to)
            continue;
        const LayoutNode& a = layout.nodes[static_cast<std::size_t>(from)];
        const LayoutNode& b = layout.nodes[static_cast<std::size_t>(to)];
        const auto& pts = edge.points;
        if (pts.size() < 2)
            return QStringLiteral("edge %1 has %2 points").arg(e).arg(pts.size());
        const bool down = b.rank > a.rank;
        if (!down) {
            ++upward;
            if (b.rank >= a.rank)
                return QStringLiteral("edge %1 joins two nodes of rank %2").arg(e).arg(a.rank);
        }
        const QPointF start = down ? bottomCentre(a) : topCentre(a);
        const QPointF end = down ? topCentre(b) : bottomCentre(b);
        if (!near(pts.front(), start))
            return QStringLiteral("edge %1 (%2 -> %3) starts at %4, not at %5")
                .arg(e)
                .arg(from)
                .arg(to)
                .arg(pointText(pts.front()), pointText(start));
        if (!near(pts.back(), end))
            return QStringLiteral("edge %1 (%2 -> %3) ends at %4, not at %5")
                .arg(e)
                .arg(from)
                .arg(to)
                .arg(pointText(pts.back()), pointText(end));
        if (down && !(b.y > a.y + a.height))
            return QStringLiteral("edge %1: the target's top is not below the source's bottom").arg(e);
        for (std::size_t k = 0; k + 1 < pts.size(); ++k) {
            const double dy = pts[k + 1].y() - pts[k].y();
            if (down ? dy < -kEps : dy > kEps)
                return QStringLiteral("edge %1 turns back at point %2").arg(e).arg(k + 1);
            if (!layout.bounds.adjusted(-kEps, -kEps, kEps, kEps).contains(pts[k]))
                return QStringLiteral("edge %1 leaves the bounds").arg(e);
        }
        if (checkRoutesAgainstNodes) {
            for (std::size_t k = 0; k + 1 < pts.size(); ++k) {
                for (std::size_t v = 0; v < n; ++v) {
                    if (segmentEntersBox(pts[k], pts[k + 1], layout.nodes[v]))
                        return QStringLiteral("edge %1 (%2 -> %3) runs through node %4")
                            .arg(e)
                            .arg(from)
                            .arg(to)
                            .arg(v);
                }
            }
        }
    }
    if (upward != layout.reversedEdges)
        return QStringLiteral("%1 edges point up, the layout says %2").arg(upward).arg(layout.reversedEdges);
    return {};
}

LayoutGraph residualBlock()
{
    // 0 input -> 1 conv -> 2 conv -> 3 add -> 4 output, and the skip 0 -> 3.
    return makeGraph(5, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 0, 3 }, { 3, 4 } });
}

LayoutGraph inception()
{
    // 0 -> {1 | 2 -> 3 | 4 -> 5 | 6 -> 7} -> 8 concat -> 9
    return makeGraph(10,
        { { 0, 1 }, { 0, 2 }, { 2, 3 }, { 0, 4 }, { 4, 5 }, { 0, 6 }, { 6, 7 }, { 1, 8 }, { 3, 8 }, { 5, 8 }, { 7, 8 },
            { 8, 9 } });
}

Model loadBytes(const QByteArray& bytes)
{
    auto r = loadTfliteData(bytes, QStringLiteral("fixture.tflite"));
    if (!r.ok())
        qFatal("%s", qPrintable(r.error().userMessage));
    return std::move(r).value();
}

} // namespace

class TestLayout : public QObject
{
    Q_OBJECT

private slots:
    void handMadeGraphs_data();
    void handMadeGraphs();
    void emptyGraph();
    void singleNode();
    void chainIsStraight();
    void residualMainPathIsStraight();
    void parentsCentred();
    void treesHaveNoCrossings_data();
    void treesHaveNoCrossings();
    void crossingsMatchBruteForce_data();
    void crossingsMatchBruteForce();
    void cycles_data();
    void cycles();
    void malformedInput();
    void disconnectedParts();
    void longEdgesShareDummies();
    void sizesAndGaps();
    void progressAndCancel();
    void modelGraphSemantics();
    void layoutJson();
    void everySharedModel_data();
    void everySharedModel();
};

void TestLayout::handMadeGraphs_data()
{
    QTest::addColumn<LayoutGraph>("graph");
    QTest::addColumn<int>("crossings");
    QTest::addRow("chain") << chain(7) << 0;
    QTest::addRow("diamond") << makeGraph(4, { { 0, 1 }, { 0, 2 }, { 1, 3 }, { 2, 3 } }) << 0;
    QTest::addRow("residual block") << residualBlock() << 0;
    QTest::addRow("residual block, mixed sizes") << withMixedSizes(residualBlock()) << 0;
    QTest::addRow("inception 4-way + concat") << inception() << 0;
    QTest::addRow("inception, mixed sizes") << withMixedSizes(inception()) << 0;
    QTest::addRow("two residual blocks in a row")
        << makeGraph(8, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 0, 3 }, { 3, 4 }, { 4, 5 }, { 5, 6 }, { 3, 6 }, { 6, 7 } })
        << 0;
    QTest::addRow("U-Net skips") << makeGraph(9,
        { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 }, { 5, 6 }, { 6, 7 }, { 7, 8 }, { 1, 7 }, { 2, 6 },
            { 3, 5 } }) << 0;
    QTest::addRow("K2,2 between ranks (one crossing is unavoidable)")
        << makeGraph(6, { { 0, 2 }, { 0, 3 }, { 1, 2 }, { 1, 3 }, { 4, 0 }, { 4, 1 }, { 2, 5 }, { 3, 5 } }) << -1;
    QTest::addRow("fan-out to many ranks") << makeGraph(
        8, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 }, { 5, 6 }, { 0, 3 }, { 0, 5 }, { 0, 6 }, { 0, 7 } })
                                           << 0;
}

void TestLayout::handMadeGraphs()
{
    QFETCH(LayoutGraph, graph);
    QFETCH(int, crossings);
    const GraphLayout layout = layoutGraph(graph);
    const QString problem = layoutProblem(graph, layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(layout.reversedEdges, 0);
    QCOMPARE(layout.crossings, bruteForceCrossings(layout));
    if (crossings >= 0)
        QCOMPARE(layout.crossings, std::int64_t(crossings));
    QVERIFY(!layout.cancelled);
    QVERIFY(layout.milliseconds >= 0);
}

void TestLayout::emptyGraph()
{
    const GraphLayout layout = layoutGraph(LayoutGraph {});
    QVERIFY(layout.nodes.empty());
    QVERIFY(layout.edges.empty());
    QCOMPARE(layout.crossings, std::int64_t(0));
    QCOMPARE(layout.rankCount, 0);
    QVERIFY(layout.bounds.isEmpty());
}

void TestLayout::singleNode()
{
    const LayoutGraph graph = makeGraph(1, {}, QSizeF(130, 44));
    const GraphLayout layout = layoutGraph(graph);
    QCOMPARE(layout.nodes.size(), std::size_t(1));
    QCOMPARE(layout.nodes[0].rank, 0);
    QCOMPARE(layout.nodes[0].width, 130.0);
    QCOMPARE(layout.bounds, QRectF(layout.nodes[0].x, layout.nodes[0].y, 130, 44));
    QCOMPARE(layout.rankCount, 1);
}

void TestLayout::chainIsStraight()
{
    for (int n : { 2, 3, 10, 500 }) {
        LayoutGraph graph = chain(n);
        graph = withMixedSizes(graph);
        const GraphLayout layout = layoutGraph(graph);
        const QString problem = layoutProblem(graph, layout, n <= 100);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (int i = 0; i < n; ++i) {
            QCOMPARE(layout.nodes[static_cast<std::size_t>(i)].rank, i);
            QVERIFY2(
                std::abs(layout.nodes[static_cast<std::size_t>(i)].center().x() - layout.nodes[0].center().x()) < kEps,
                qPrintable(QStringLiteral("chain of %1: node %2 is off the line").arg(n).arg(i)));
        }
        for (const LayoutEdge& e : layout.edges)
            QCOMPARE(e.points.size(), std::size_t(2)); // straight down
    }
}

void TestLayout::residualMainPathIsStraight()
{
    // The skip edge bends round the convolutions; the main path stays one vertical line.
    const LayoutGraph graph = withMixedSizes(
        makeGraph(8, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 0, 3 }, { 3, 4 }, { 4, 5 }, { 5, 6 }, { 3, 6 }, { 6, 7 } }));
    const GraphLayout layout = layoutGraph(graph);
    QCOMPARE(layout.dummyCount, 4);
    for (std::size_t i = 1; i < 8; ++i)
        QCOMPARE(layout.nodes[i].center().x(), layout.nodes[0].center().x());
}

void TestLayout::parentsCentred()
{
    // A parent over two children (and a child under two parents) sits between them.
    const LayoutGraph graph = makeGraph(4, { { 0, 1 }, { 0, 2 }, { 1, 3 }, { 2, 3 } });
    const GraphLayout layout = layoutGraph(graph);
    const double left = std::min(layout.nodes[1].center().x(), layout.nodes[2].center().x());
    const double right = std::max(layout.nodes[1].center().x(), layout.nodes[2].center().x());
    QVERIFY(left < right);
    for (std::size_t v : { 0, 3 }) {
        QVERIFY(layout.nodes[v].center().x() >= left - kEps);
        QVERIFY(layout.nodes[v].center().x() <= right + kEps);
    }
}

void TestLayout::treesHaveNoCrossings_data()
{
    QTest::addColumn<LayoutGraph>("graph");
    for (quint32 seed = 1; seed <= 6; ++seed) {
        QTest::addRow("out-tree, 60 nodes, seed %u", seed) << randomTree(60, seed, false);
        QTest::addRow("in-tree, 60 nodes, seed %u", seed) << randomTree(60, seed, true);
    }
    QTest::addRow("out-tree, 3000 nodes") << randomTree(3000, 99, false);
    QTest::addRow("in-tree, 3000 nodes") << randomTree(3000, 99, true);
}

void TestLayout::treesHaveNoCrossings()
{
    QFETCH(LayoutGraph, graph);
    const GraphLayout layout = layoutGraph(graph);
    const QString problem = layoutProblem(graph, layout, graph.nodeSizes.size() <= 100);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(layout.crossings, std::int64_t(0));
    if (graph.nodeSizes.size() <= 100)
        QCOMPARE(bruteForceCrossings(layout), std::int64_t(0));
}

void TestLayout::crossingsMatchBruteForce_data()
{
    QTest::addColumn<LayoutGraph>("graph");
    QTest::addColumn<int>("sweeps");
    for (quint32 seed = 1; seed <= 12; ++seed) {
        const int n = 8 + static_cast<int>(seed) * 3;
        QTest::addRow("random DAG %d nodes, seed %u", n, seed) << randomDag(n, n * 2, seed) << 4;
    }
    QTest::addRow("dense DAG, no sweeps") << randomDag(20, 70, 77) << 0;
    QTest::addRow("dense DAG, 1 sweep") << randomDag(20, 70, 77) << 1;
    QTest::addRow("dense DAG, 10 sweeps") << randomDag(20, 70, 77) << 10;
    QTest::addRow("parallel edges") << makeGraph(
        5, { { 0, 1 }, { 0, 1 }, { 0, 2 }, { 1, 3 }, { 2, 3 }, { 0, 3 }, { 0, 3 }, { 4, 1 }, { 4, 3 } })
                                    << 4;
}

void TestLayout::crossingsMatchBruteForce()
{
    QFETCH(LayoutGraph, graph);
    QFETCH(int, sweeps);
    LayoutOptions options;
    options.orderingSweeps = sweeps;
    const GraphLayout layout = layoutGraph(graph, options);
    const QString problem = layoutProblem(graph, layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(layout.crossings, bruteForceCrossings(layout));

    // Sweeps only ever keep a better order.
    LayoutOptions none;
    none.orderingSweeps = 0;
    QVERIFY(layout.crossings <= layoutGraph(graph, none).crossings);
}

void TestLayout::cycles_data()
{
    QTest::addColumn<LayoutGraph>("graph");
    QTest::addColumn<int>("reversed");
    QTest::addRow("two-node cycle") << makeGraph(2, { { 0, 1 }, { 1, 0 } }) << 1;
    QTest::addRow("triangle with a tail") << makeGraph(4, { { 0, 1 }, { 1, 2 }, { 2, 0 }, { 2, 3 } }) << 1;
    QTest::addRow("cycle fed from outside") << makeGraph(5, { { 4, 1 }, { 1, 2 }, { 2, 3 }, { 3, 1 }, { 3, 0 } }) << 1;
    QTest::addRow("LSTM-like loop in a chain")
        << makeGraph(6, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 1 }, { 4, 5 } }) << 1;
    QTest::addRow("every node in one cycle, all ways")
        << makeGraph(4, { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 0 }, { 0, 2 }, { 2, 0 }, { 1, 3 }, { 3, 1 } }) << -1;
}

void TestLayout::cycles()
{
    QFETCH(LayoutGraph, graph);
    QFETCH(int, reversed);
    const GraphLayout layout = layoutGraph(graph);
    const QString problem = layoutProblem(graph, layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (reversed >= 0)
        QCOMPARE(layout.reversedEdges, reversed);
    QVERIFY(layout.reversedEdges > 0);
    QCOMPARE(layout.crossings, bruteForceCrossings(layout));
}

void TestLayout::malformedInput()
{
    LayoutGraph graph = makeGraph(5, { { 0, 1 }, { 1, 1 }, { -1, 2 }, { 2, 7 }, { 0, 1 }, { 1, 2 }, { 3, 4 } });
    graph.nodeSizes[3] = QSizeF(-5, std::numeric_limits<double>::quiet_NaN());
    graph.nodeSizes[4] = QSizeF(0, 0);
    const GraphLayout layout = layoutGraph(graph);
    QCOMPARE(layout.nodes.size(), std::size_t(5));
    QCOMPARE(layout.edges.size(), graph.edges.size());
    QVERIFY(layout.edges[2].points.empty());
    QVERIFY(layout.edges[3].points.empty());
    // The self-loop leaves the bottom and comes back at the top of its node.
    const LayoutEdge& loop = layout.edges[1];
    QVERIFY(loop.points.size() >= 2);
    QVERIFY(near(loop.points.front(), bottomCentre(layout.nodes[1])));
    QVERIFY(near(loop.points.back(), topCentre(layout.nodes[1])));
    for (const LayoutNode& n : layout.nodes) {
        QVERIFY(std::isfinite(n.x) && std::isfinite(n.y) && std::isfinite(n.width) && std::isfinite(n.height));
    }
    QVERIFY(layout.bounds.isValid());
    LayoutOptions odd;
    odd.nodeGap = -3;
    odd.rankGap = std::numeric_limits<double>::infinity();
    odd.orderingSweeps = -2;
    const GraphLayout oddLayout = layoutGraph(chain(4), odd);
    const QString problem = layoutProblem(chain(4), oddLayout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLayout::disconnectedParts()
{
    // A chain, a diamond and a lone node: side by side, each in its own columns, in the order of their lowest node.
    const LayoutGraph graph
        = withMixedSizes(makeGraph(9, { { 0, 1 }, { 1, 2 }, { 3, 4 }, { 3, 5 }, { 4, 6 }, { 5, 6 } }));
    const GraphLayout layout = layoutGraph(graph);
    const QString problem = layoutProblem(graph, layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto span = [&](std::initializer_list<std::size_t> nodes) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t v : nodes) {
            lo = std::min(lo, layout.nodes[v].x);
            hi = std::max(hi, layout.nodes[v].x + layout.nodes[v].width);
        }
        return std::make_pair(lo, hi);
    };
    const auto a = span({ 0, 1, 2 }), b = span({ 3, 4, 5, 6 }), c = span({ 7 }), d = span({ 8 });
    QVERIFY(a.second < b.first);
    QVERIFY(b.second < c.first);
    QVERIFY(c.second < d.first);
    for (std::size_t v : { 0, 3, 7, 8 })
        QCOMPARE(layout.nodes[v].rank, 0);
    QCOMPARE(layout.crossings, std::int64_t(0));
}

void TestLayout::longEdgesShareDummies()
{
    // One tensor read at every 10th step of a 2000-node chain: its edges share one column of bend points.
    const int n = 2000;
    LayoutGraph graph = chain(n);
    graph.nodeSizes.emplace_back(100, 28);
    for (int i = 10; i < n; i += 10)
        graph.edges.emplace_back(n, i);
    const GraphLayout layout = layoutGraph(graph);
    const QString problem = layoutProblem(graph, layout, false);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(layout.dummyCount < n, qPrintable(QString::number(layout.dummyCount)));
    QCOMPARE(layout.crossings, std::int64_t(0));
    // The source is pulled down next to its first reader instead of staying at the top.
    QCOMPARE(layout.nodes[static_cast<std::size_t>(n)].rank, 9);
}

void TestLayout::sizesAndGaps()
{
    LayoutOptions options;
    options.nodeGap = 40;
    options.rankGap = 70;
    const LayoutGraph graph = withMixedSizes(inception());
    const GraphLayout layout = layoutGraph(graph, options);
    const QString problem = layoutProblem(graph, layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
        for (std::size_t j = 0; j < layout.nodes.size(); ++j) {
            const LayoutNode& a = layout.nodes[i];
            const LayoutNode& b = layout.nodes[j];
            if (a.rank == b.rank && a.x < b.x)
                QVERIFY(b.x - (a.x + a.width) >= 40 - kEps);
            if (b.rank == a.rank + 1)
                QVERIFY(b.y - (a.y + a.height) >= 70 - kEps);
        }
    }
}

void TestLayout::progressAndCancel()
{
    const LayoutGraph graph = randomDag(150, 330, 5);
    std::vector<int> seen;
    Progress progress;
    progress.report = [&](int permille) { seen.push_back(permille); };
    const GraphLayout full = layoutGraph(graph, {}, progress);
    QVERIFY(!seen.empty());
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.back(), 1000);
    QVERIFY(!full.cancelled);

    // Cancelled at once, and cancelled half-way: still a valid layout, quickly.
    for (int after : { 0, 3, 8 }) {
        int calls = 0;
        Progress cancel;
        cancel.isCancelled = [&]() { return ++calls > after; };
        const GraphLayout layout = layoutGraph(graph, {}, cancel);
        QVERIFY(layout.cancelled);
        const QString problem = layoutProblem(graph, layout, false);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(layout.crossings, bruteForceCrossings(layout));
    }
}

void TestLayout::modelGraphSemantics()
{
    // in -> CONV(w, b) -> t1 -> MUL(t1, t1) -> t2 -> ADD(t2, in) -> out; also t1 is a second subgraph output.
    TfliteBuilder b;
    const int in = b.addTensor(QStringLiteral("input"), DataType::Int8, { 1, 49, 10, 1 });
    const int w = b.addConstant(QStringLiteral("w"), DataType::Int8, { 8, 3, 3, 1 }, QByteArray(72, '\1'));
    const int bias = b.addConstant(QStringLiteral("b"), DataType::Int32, { 8 }, QByteArray(32, '\0'));
    const int t1 = b.addTensor(QStringLiteral("t1"), DataType::Int8, { 1, 49, 10, 8 });
    const int t2 = b.addTensor(QStringLiteral("t2"), DataType::Int8, { 1, 49, 10, 8 });
    const int out = b.addTensor(QStringLiteral("out"), DataType::Int8, { 1, 49, 10, 8 });
    b.addConv2D({ in, w, bias }, { t1 });
    b.addMul({ t1, t1 }, { t2 });
    b.addAdd({ t2, in }, { out });
    b.setInputs({ in });
    b.setOutputs({ out, t1 });
    const Model model = loadBytes(b.finish());

    const ModelGraph g = layoutModelGraph(model, 0);
    // Nodes: input, 3 operators, 2 outputs.
    QCOMPARE(g.nodes.size(), std::size_t(6));
    QCOMPARE(int(g.nodes[0].kind), int(ModelGraphNode::Kind::Input));
    QCOMPARE(g.nodes[0].index, in);
    QCOMPARE(g.nodeOfOperator, (std::vector<int> { 1, 2, 3 }));
    for (int op = 0; op < 3; ++op) {
        QCOMPARE(int(g.nodes[static_cast<std::size_t>(g.nodeOfOperator[static_cast<std::size_t>(op)])].kind),
            int(ModelGraphNode::Kind::Operator));
        QCOMPARE(g.nodes[static_cast<std::size_t>(g.nodeOfOperator[static_cast<std::size_t>(op)])].index, op);
    }
    QCOMPARE(int(g.nodes[4].kind), int(ModelGraphNode::Kind::Output));
    QCOMPARE(g.nodes[4].index, out);
    QCOMPARE(g.nodes[5].index, t1);
    // Edges: in->conv, conv->mul (once, though MUL reads t1 twice), mul->add, in->add, add->out, conv->out(t1).
    const std::vector<std::pair<int, int>> expected { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 0, 3 }, { 3, 4 }, { 1, 5 } };
    QCOMPARE(g.graph.edges, expected);
    const std::vector<int> tensors { in, t1, t2, in, out, t1 };
    QCOMPARE(g.edges.size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i)
        QCOMPARE(g.edges[i].tensor, tensors[i]);

    // Sizes: operators fit "TYPE" and "1x49x10x8" at 7 px a character (at least 110 x 44); pills are smaller.
    for (int op = 0; op < 3; ++op) {
        const QSizeF s = g.graph.nodeSizes[static_cast<std::size_t>(g.nodeOfOperator[static_cast<std::size_t>(op)])];
        QCOMPARE(s.height(), 44.0);
        QVERIFY(s.width() >= 110);
        QVERIFY(s.width() >= 7 * 9);
    }
    QCOMPARE(modelGraphNodeLabel(model, g, 1), QStringLiteral("CONV_2D\n1x49x10x8"));
    QCOMPARE(modelGraphNodeLabel(model, g, 0), QStringLiteral("input\n1x49x10x1  ") + dataTypeName(DataType::Int8));
    QVERIFY(g.graph.nodeSizes[0].height() < 44);
    QVERIFY(g.graph.nodeSizes[0].width() >= 90);
    const QString problem = layoutProblem(g.graph, g.layout);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(g.layout.nodes[4].rank, 4);

    // A subgraph that does not exist gives an empty graph.
    const ModelGraph none = layoutModelGraph(model, 3);
    QVERIFY(none.nodes.empty());
    QVERIFY(none.layout.nodes.empty());
}

void TestLayout::layoutJson()
{
    TfliteBuilder b;
    const int in = b.addTensor(QStringLiteral("x"), DataType::Int8, { 1, 4 });
    const int mid = b.addTensor(QStringLiteral("y"), DataType::Int8, { 1, 4 });
    const int out = b.addTensor(QStringLiteral("z"), DataType::Int8, { 1, 4 });
    b.addSoftmax({ in }, { mid });
    b.addAdd({ mid, in }, { out });
    b.setInputs({ in });
    b.setOutputs({ out });
    const Model model = loadBytes(b.finish());
    const ModelGraph g = layoutModelGraph(model, 0);
    const QJsonObject json = layoutToJson(model, g);
    const QJsonArray nodes = json[QStringLiteral("nodes")].toArray();
    const QJsonArray edges = json[QStringLiteral("edges")].toArray();
    QCOMPARE(nodes.size(), 4);
    QCOMPARE(edges.size(), 4);
    QCOMPARE(nodes[0].toObject()[QStringLiteral("kind")].toString(), QStringLiteral("input"));
    QCOMPARE(nodes[0].toObject()[QStringLiteral("tensor")].toInt(), in);
    QCOMPARE(nodes[1].toObject()[QStringLiteral("kind")].toString(), QStringLiteral("operator"));
    QCOMPARE(nodes[1].toObject()[QStringLiteral("operator")].toInt(), 0);
    QCOMPARE(nodes[1].toObject()[QStringLiteral("label")].toString(), QStringLiteral("SOFTMAX\n1x4"));
    QCOMPARE(nodes[3].toObject()[QStringLiteral("kind")].toString(), QStringLiteral("output"));
    for (const auto& key : { "rank", "x", "y", "width", "height" })
        QVERIFY2(nodes[2].toObject().contains(QLatin1String(key)), key);
    const QJsonObject e = edges[0].toObject();
    QCOMPARE(e[QStringLiteral("from")].toInt(), 0);
    QCOMPARE(e[QStringLiteral("to")].toInt(), 1);
    QCOMPARE(e[QStringLiteral("tensor")].toInt(), in);
    QVERIFY(e[QStringLiteral("points")].toArray().size() >= 2);
    QCOMPARE(e[QStringLiteral("points")].toArray()[0].toArray()[1].toDouble(),
        g.layout.nodes[0].y + g.layout.nodes[0].height);
    QVERIFY(json.contains(QStringLiteral("bounds")));
    QCOMPARE(json[QStringLiteral("crossings")].toInt(), 0);
    QVERIFY(json.contains(QStringLiteral("milliseconds")));
    QCOMPARE(json[QStringLiteral("bounds")].toObject()[QStringLiteral("width")].toDouble(),
        std::round(g.layout.bounds.width() * 100) / 100);
    Q_UNUSED(mid)
    Q_UNUSED(out)
}

void TestLayout::everySharedModel_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = TestHelpers::sharedTfliteModels();
    for (const QString& f : files)
        QTest::addRow("%s", qPrintable(QFileInfo(f).fileName())) << f;
    if (files.isEmpty())
        QTest::addRow("no shared models") << QString();
}

void TestLayout::everySharedModel()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, path);
    QVERIFY(!path.isEmpty());
    const auto loaded = loadTfliteFile(path);
    QVERIFY2(loaded.ok(), qPrintable(path));
    const Model& model = loaded.value();
    for (int s = 0; s < static_cast<int>(model.subgraphs.size()); ++s) {
        const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(s)];
        const ModelGraph g = layoutModelGraph(model, s);
        QCOMPARE(g.nodes.size(), sg.inputs.size() + sg.operators.size() + sg.outputs.size());
        QCOMPARE(g.nodeOfOperator.size(), sg.operators.size());
        QCOMPARE(g.edges.size(), g.graph.edges.size());
        const QString problem = layoutProblem(g.graph, g.layout, g.nodes.size() <= 400);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("subgraph %1: %2").arg(s).arg(problem)));
        QCOMPARE(g.layout.reversedEdges, 0); // TFLite graphs are acyclic
        if (g.graph.edges.size() <= 400)
            QCOMPARE(g.layout.crossings, bruteForceCrossings(g.layout));
        // A chain of operators comes out as one vertical line.
        bool isChain = sg.inputs.size() == 1 && sg.outputs.size() == 1;
        for (const auto& [from, to] : g.graph.edges)
            isChain = isChain && to == from + 1;
        isChain = isChain && g.graph.edges.size() + 1 == g.nodes.size();
        if (isChain) {
            for (const LayoutNode& n : g.layout.nodes)
                QCOMPARE(n.center().x(), g.layout.nodes[0].center().x());
        }
    }
}

QTEST_GUILESS_MAIN(TestLayout)
#include "tst_layout.moc"
