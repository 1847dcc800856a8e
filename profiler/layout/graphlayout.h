// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/progress.h"
#include "model/model.h"

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace Profiler {

/** A directed graph to lay out: node sizes and edges (from, to) between node indices. */
struct LayoutGraph
{
    std::vector<QSizeF> nodeSizes;
    std::vector<std::pair<int, int>> edges;
};

struct LayoutOptions
{
    double rankGap = 48;   ///< vertical space between two ranks
    double nodeGap = 24;   ///< horizontal space between two nodes of a rank
    int orderingSweeps = 4; ///< barycenter sweeps (down and up) to reduce crossings
};

/** A laid-out node: its top-left corner and size, and its rank (0 = top). */
struct LayoutNode
{
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    int rank = 0;
    QPointF center() const { return { x + width / 2, y + height / 2 }; }
};

/** A laid-out edge: a polyline from the bottom of its source to the top of its target. */
struct LayoutEdge
{
    int from = 0;
    int to = 0;
    std::vector<QPointF> points;
};

/** Positions for every node and a route for every edge; plain data, safe to compute off the GUI thread. */
struct GraphLayout
{
    std::vector<LayoutNode> nodes;  ///< parallel to LayoutGraph::nodeSizes
    std::vector<LayoutEdge> edges;  ///< parallel to LayoutGraph::edges
    QRectF bounds;
    std::int64_t crossings = 0;     ///< edge crossings between neighbouring ranks (dummy nodes included)
    double milliseconds = 0;        ///< time the layout took
};

/** Layered top-to-bottom layout: every edge points down; ranks respect dependencies; nodes do not overlap. */
GraphLayout layoutGraph(const LayoutGraph& graph, const LayoutOptions& options = {}, const Progress& progress = {});

/** What a node of a model graph stands for. */
struct ModelGraphNode
{
    enum class Kind { Operator, Input, Output };
    Kind kind = Kind::Operator;
    int index = 0; ///< operator index for Operator, tensor index for Input and Output
};

/** An edge of a model graph carries one tensor. */
struct ModelGraphEdge
{
    int tensor = 0;
};

/** A subgraph as a graph to draw: one node per operator, one per subgraph input and output tensor, one edge per
 *  tensor from its producer (or input node) to each consumer (or output node). Constant tensors are not edges. */
struct ModelGraph
{
    int subgraph = 0;
    std::vector<ModelGraphNode> nodes;
    std::vector<ModelGraphEdge> edges; ///< parallel to graph.edges
    LayoutGraph graph;
    GraphLayout layout;
    std::vector<int> nodeOfOperator; ///< operator index -> node index
};

/** Builds and lays out the graph of `subgraph`, with node sizes fit for a label of type and shape. */
ModelGraph layoutModelGraph(const Model& model, int subgraph, const LayoutOptions& options = {},
    const Progress& progress = {});

} // namespace Profiler
