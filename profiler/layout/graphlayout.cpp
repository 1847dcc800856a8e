// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER being replaced by the layered layout engine (same API).
#include "graphlayout.h"

#include "analysis/opinfo.h"

#include <QElapsedTimer>

#include <algorithm>

namespace Profiler {

GraphLayout layoutGraph(const LayoutGraph& graph, const LayoutOptions& options, const Progress&)
{
    QElapsedTimer timer;
    timer.start();
    GraphLayout out;
    const std::size_t n = graph.nodeSizes.size();
    std::vector<int> rank(n, 0);
    std::vector<std::vector<int>> succ(n);
    std::vector<int> indeg(n, 0);
    for (const auto& e : graph.edges) {
        succ[static_cast<std::size_t>(e.first)].push_back(e.second);
        ++indeg[static_cast<std::size_t>(e.second)];
    }
    std::vector<int> queue;
    for (std::size_t i = 0; i < n; ++i)
        if (indeg[i] == 0)
            queue.push_back(static_cast<int>(i));
    for (std::size_t q = 0; q < queue.size(); ++q) {
        const int v = queue[q];
        for (int w : succ[static_cast<std::size_t>(v)]) {
            rank[static_cast<std::size_t>(w)] = std::max(rank[static_cast<std::size_t>(w)], rank[static_cast<std::size_t>(v)] + 1);
            if (--indeg[static_cast<std::size_t>(w)] == 0)
                queue.push_back(w);
        }
    }
    const int ranks = n ? *std::max_element(rank.begin(), rank.end()) + 1 : 0;
    std::vector<double> x(static_cast<std::size_t>(ranks), 0);
    out.nodes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        LayoutNode& node = out.nodes[i];
        node.rank = rank[i];
        node.width = graph.nodeSizes[i].width();
        node.height = graph.nodeSizes[i].height();
        node.x = x[static_cast<std::size_t>(rank[i])];
        node.y = rank[i] * (node.height + options.rankGap);
        x[static_cast<std::size_t>(rank[i])] += node.width + options.nodeGap;
        out.bounds = out.bounds.united(QRectF(node.x, node.y, node.width, node.height));
    }
    for (const auto& e : graph.edges) {
        LayoutEdge edge;
        edge.from = e.first;
        edge.to = e.second;
        const LayoutNode& a = out.nodes[static_cast<std::size_t>(e.first)];
        const LayoutNode& b = out.nodes[static_cast<std::size_t>(e.second)];
        edge.points = { QPointF(a.x + a.width / 2, a.y + a.height), QPointF(b.x + b.width / 2, b.y) };
        out.edges.push_back(edge);
    }
    out.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return out;
}

ModelGraph layoutModelGraph(const Model& model, int subgraph, const LayoutOptions& options, const Progress& progress)
{
    ModelGraph g;
    g.subgraph = subgraph;
    const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(subgraph)];
    std::vector<int> producer(sg.tensors.size(), -1);
    for (int t : sg.inputs) {
        producer[static_cast<std::size_t>(t)] = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ ModelGraphNode::Kind::Input, t });
    }
    for (const Operator& op : sg.operators) {
        g.nodeOfOperator.push_back(static_cast<int>(g.nodes.size()));
        g.nodes.push_back({ ModelGraphNode::Kind::Operator, op.index });
    }
    for (const Operator& op : sg.operators)
        for (int t : op.outputs)
            producer[static_cast<std::size_t>(t)] = g.nodeOfOperator[static_cast<std::size_t>(op.index)];
    for (const Operator& op : sg.operators)
        for (int t : op.inputs)
            if (t >= 0 && producer[static_cast<std::size_t>(t)] >= 0 && !sg.tensors[static_cast<std::size_t>(t)].isConstant) {
                g.graph.edges.emplace_back(producer[static_cast<std::size_t>(t)], g.nodeOfOperator[static_cast<std::size_t>(op.index)]);
                g.edges.push_back({ t });
            }
    for (int t : sg.outputs) {
        const int node = static_cast<int>(g.nodes.size());
        g.nodes.push_back({ ModelGraphNode::Kind::Output, t });
        if (producer[static_cast<std::size_t>(t)] >= 0) {
            g.graph.edges.emplace_back(producer[static_cast<std::size_t>(t)], node);
            g.edges.push_back({ t });
        }
    }
    g.graph.nodeSizes.assign(g.nodes.size(), QSizeF(160, 44));
    g.layout = layoutGraph(g.graph, options, progress);
    return g;
}

} // namespace Profiler
