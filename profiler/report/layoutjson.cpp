// SPDX-License-Identifier: GPL-3.0-or-later
#include "layoutjson.h"

#include <QJsonArray>

#include <cmath>

namespace Profiler {

namespace {

/** Coordinates rounded to 1/100 px: enough for drawing, and keeps the JSON of big graphs small. */
double rounded(double v)
{
    return std::round(v * 100) / 100;
}

QString kindName(ModelGraphNode::Kind kind)
{
    switch (kind) {
    case ModelGraphNode::Kind::Operator:
        return QStringLiteral("operator");
    case ModelGraphNode::Kind::Input:
        return QStringLiteral("input");
    case ModelGraphNode::Kind::Output:
        return QStringLiteral("output");
    }
    return {};
}

} // namespace

QJsonObject layoutToJson(const Model& model, const ModelGraph& graph)
{
    const GraphLayout& layout = graph.layout;
    QJsonArray nodes;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const ModelGraphNode& node = graph.nodes[i];
        QJsonObject o;
        o[QStringLiteral("id")] = static_cast<int>(i);
        o[QStringLiteral("kind")] = kindName(node.kind);
        o[node.kind == ModelGraphNode::Kind::Operator ? QStringLiteral("operator") : QStringLiteral("tensor")]
            = node.index;
        o[QStringLiteral("label")] = modelGraphNodeLabel(model, graph, static_cast<int>(i));
        if (i < layout.nodes.size()) {
            const LayoutNode& box = layout.nodes[i];
            o[QStringLiteral("rank")] = box.rank;
            o[QStringLiteral("x")] = rounded(box.x);
            o[QStringLiteral("y")] = rounded(box.y);
            o[QStringLiteral("width")] = rounded(box.width);
            o[QStringLiteral("height")] = rounded(box.height);
        }
        nodes.append(o);
    }
    QJsonArray edges;
    for (std::size_t i = 0; i < graph.graph.edges.size(); ++i) {
        QJsonObject o;
        o[QStringLiteral("from")] = graph.graph.edges[i].first;
        o[QStringLiteral("to")] = graph.graph.edges[i].second;
        if (i < graph.edges.size())
            o[QStringLiteral("tensor")] = graph.edges[i].tensor;
        QJsonArray points;
        if (i < layout.edges.size()) {
            for (const QPointF& p : layout.edges[i].points)
                points.append(QJsonArray { rounded(p.x()), rounded(p.y()) });
        }
        o[QStringLiteral("points")] = points;
        edges.append(o);
    }
    QJsonObject bounds;
    bounds[QStringLiteral("x")] = rounded(layout.bounds.x());
    bounds[QStringLiteral("y")] = rounded(layout.bounds.y());
    bounds[QStringLiteral("width")] = rounded(layout.bounds.width());
    bounds[QStringLiteral("height")] = rounded(layout.bounds.height());

    QJsonObject root;
    root[QStringLiteral("subgraph")] = graph.subgraph;
    root[QStringLiteral("nodes")] = nodes;
    root[QStringLiteral("edges")] = edges;
    root[QStringLiteral("bounds")] = bounds;
    root[QStringLiteral("crossings")] = static_cast<qint64>(layout.crossings);
    root[QStringLiteral("ranks")] = layout.rankCount;
    root[QStringLiteral("dummies")] = layout.dummyCount;
    root[QStringLiteral("reversed_edges")] = layout.reversedEdges;
    root[QStringLiteral("milliseconds")] = rounded(layout.milliseconds);
    return root;
}

} // namespace Profiler
