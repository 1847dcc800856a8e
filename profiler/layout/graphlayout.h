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
    double rankGap = 48; ///< vertical space between two ranks
    double nodeGap = 24; ///< horizontal space between two nodes of a rank
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
    std::vector<LayoutNode> nodes; ///< parallel to LayoutGraph::nodeSizes
    std::vector<LayoutEdge> edges; ///< parallel to LayoutGraph::edges
    QRectF bounds;
    std::int64_t crossings = 0; ///< edge crossings between neighbouring ranks (dummy nodes included)
    double milliseconds = 0; ///< time the layout took
    int rankCount = 0; ///< number of ranks (rows)
    int dummyCount = 0; ///< bend points added for edges that span several ranks
    int reversedEdges = 0; ///< edges turned round to break cycles (they point up)
    int straightEdges = 0; ///< edges beyond the dummy budget: drawn straight, not in `crossings`
    bool cancelled = false; ///< cancelled: valid, but without crossing reduction or final coordinates
};

/** Layered top-to-bottom layout: every edge points down; ranks respect dependencies; nodes do not overlap.
 *
 *  Edges that leave one node and span several ranks share their bend points (one column per source) until they
 *  branch off, so a tensor read at many depths costs as many dummies as its longest edge, not their sum.
 *  `crossings` counts pairs of edges whose routes cross between neighbouring ranks; edges that share a route never
 *  cross each other. Cycles are broken by turning edges round: their routes run from the top of the source up to
 *  the bottom of the target. Dummies are capped at about 1M + 10 (V + E) so that pathological graphs (thousands of
 *  edges each spanning thousands of ranks) cannot exhaust memory: the longest edges beyond that are drawn straight
 *  (`straightEdges`) and left out of `crossings`. Self-loops get a small loop on the right of their node; edges
 *  that name a missing node get no points. Cancelled, the result is still valid (ranks and order kept, nodes packed
 *  side by side). */
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
ModelGraph layoutModelGraph(
    const Model& model, int subgraph, const LayoutOptions& options = {}, const Progress& progress = {});

/** The label a node's size was fitted to: "TYPE\nSHAPE" (first output) for operators, "NAME\nSHAPE  TYPE" for
 *  inputs and outputs. */
QString modelGraphNodeLabel(const Model& model, const ModelGraph& graph, int node);

} // namespace Profiler
