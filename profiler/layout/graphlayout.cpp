// SPDX-License-Identifier: GPL-3.0-or-later
// The graph of a subgraph as nodes and edges to draw; the layout engine itself is in layeredlayout.cpp.
#include "graphlayout.h"

#include <algorithm>
#include <cmath>

namespace Profiler {

namespace {

// Sizes fit for the labels the graph view draws: about 7 px per character plus padding.
constexpr double kCharWidth = 7;
constexpr double kOperatorPadding = 24;
constexpr double kOperatorMinWidth = 110;
constexpr double kOperatorHeight = 44;
constexpr double kPillPadding = 28;
constexpr double kPillMinWidth = 90;
constexpr double kPillMaxWidth = 240;
constexpr double kPillHeight = 28;

QString tensorLabel(const Subgraph& sg, int t)
{
    const Tensor* tensor = sg.tensorAt(t);
    if (!tensor)
        return QStringLiteral("tensor %1").arg(t);
    return tensor->displayName(t) + QLatin1Char('\n') + shapeToString(*tensor) + QStringLiteral("  ")
        + dataTypeName(tensor->type);
}

QString operatorLabel(const Subgraph& sg, int op)
{
    if (op < 0 || static_cast<std::size_t>(op) >= sg.operators.size())
        return {};
    const Operator& o = sg.operators[static_cast<std::size_t>(op)];
    QString shape;
    for (int t : o.outputs) {
        if (const Tensor* tensor = sg.tensorAt(t)) {
            shape = shapeToString(*tensor);
            break;
        }
    }
    if (o.outputs.size() > 1)
        shape += QStringLiteral(" (+%1)").arg(o.outputs.size() - 1);
    return o.type + QLatin1Char('\n') + shape;
}

double widestLine(const QString& label)
{
    qsizetype widest = 0;
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = label.indexOf(QLatin1Char('\n'), start);
        widest = std::max(widest, (nl < 0 ? label.size() : nl) - start);
        if (nl < 0)
            break;
        start = nl + 1;
    }
    return kCharWidth * static_cast<double>(widest);
}

QSizeF nodeSize(const ModelGraphNode& node, const QString& label)
{
    if (node.kind == ModelGraphNode::Kind::Operator)
        return { std::max(kOperatorMinWidth, std::ceil(widestLine(label) + kOperatorPadding)), kOperatorHeight };
    return { std::clamp(std::ceil(widestLine(label) + kPillPadding), kPillMinWidth, kPillMaxWidth), kPillHeight };
}

QString labelOf(const Subgraph& sg, const ModelGraphNode& node)
{
    return node.kind == ModelGraphNode::Kind::Operator ? operatorLabel(sg, node.index) : tensorLabel(sg, node.index);
}

} // namespace

QString modelGraphNodeLabel(const Model& model, const ModelGraph& graph, int node)
{
    if (graph.subgraph < 0 || static_cast<std::size_t>(graph.subgraph) >= model.subgraphs.size() || node < 0
        || static_cast<std::size_t>(node) >= graph.nodes.size())
        return {};
    return labelOf(
        model.subgraphs[static_cast<std::size_t>(graph.subgraph)], graph.nodes[static_cast<std::size_t>(node)]);
}

ModelGraph layoutModelGraph(const Model& model, int subgraph, const LayoutOptions& options, const Progress& progress)
{
    ModelGraph g;
    g.subgraph = subgraph;
    if (subgraph < 0 || static_cast<std::size_t>(subgraph) >= model.subgraphs.size()) {
        progress.set(1000);
        return g;
    }
    const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(subgraph)];
    const std::size_t tensorCount = sg.tensors.size();
    auto validTensor = [&](int t) { return t >= 0 && static_cast<std::size_t>(t) < tensorCount; };

    std::vector<int> producer(tensorCount, -1);
    for (int t : sg.inputs) {
        if (!validTensor(t))
            continue;
        producer[static_cast<std::size_t>(t)] = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ ModelGraphNode::Kind::Input, t });
    }
    g.nodeOfOperator.resize(sg.operators.size());
    for (std::size_t k = 0; k < sg.operators.size(); ++k) {
        g.nodeOfOperator[k] = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ ModelGraphNode::Kind::Operator, static_cast<int>(k) });
    }
    for (std::size_t k = 0; k < sg.operators.size(); ++k) {
        for (int t : sg.operators[k].outputs) {
            if (validTensor(t))
                producer[static_cast<std::size_t>(t)] = g.nodeOfOperator[k];
        }
    }
    auto addEdge = [&](int from, int to, int tensor) {
        g.graph.edges.emplace_back(from, to);
        g.edges.push_back({ tensor });
    };
    std::vector<int> seen; // tensors already connected to the current consumer (an operator may read one twice)
    for (std::size_t k = 0; k < sg.operators.size(); ++k) {
        seen.clear();
        for (int t : sg.operators[k].inputs) {
            if (!validTensor(t) || sg.tensors[static_cast<std::size_t>(t)].isConstant)
                continue;
            const int from = producer[static_cast<std::size_t>(t)];
            if (from < 0 || std::find(seen.begin(), seen.end(), t) != seen.end())
                continue;
            seen.push_back(t);
            addEdge(from, g.nodeOfOperator[k], t);
        }
    }
    for (int t : sg.outputs) {
        if (!validTensor(t))
            continue;
        const int node = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ ModelGraphNode::Kind::Output, t });
        if (producer[static_cast<std::size_t>(t)] >= 0)
            addEdge(producer[static_cast<std::size_t>(t)], node, t);
    }

    g.graph.nodeSizes.reserve(g.nodes.size());
    for (const ModelGraphNode& node : g.nodes)
        g.graph.nodeSizes.push_back(nodeSize(node, labelOf(sg, node)));
    g.layout = layoutGraph(g.graph, options, progress);
    return g;
}

} // namespace Profiler
