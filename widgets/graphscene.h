// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "graphitems.h"
#include "heatscale.h"
#include "latency/latency.h"

#include <QGraphicsScene>

#include <memory>
#include <vector>

class QPalette;

namespace Widgets {

/** The items of one subgraph of a document: one node item per ModelGraph node at its layout position, one edge item
 *  per edge. Usable without a view, e.g. to render the graph to an image or SVG with renderGraph(). */
class GraphScene : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    /** Replaces the items with those of `subgraph` of `document` (nothing for a null document or a bad index). */
    void setGraph(Profiler::ModelDocumentPtr document, int subgraph);
    /** Colours follow `palette`; `dark` as paletteIsDark() answers it. Rebuilds the items. */
    void setPalette(const QPalette& palette, bool dark);

    Profiler::ModelDocumentPtr document() const { return m_document; }
    int subgraph() const { return m_subgraph; }
    const Profiler::ModelGraph* graph() const; ///< null when there is nothing to show
    QRectF graphBounds() const { return m_bounds; } ///< the layout's bounds

    const std::vector<GraphNodeItem*>& nodeItems() const { return m_nodes; } ///< parallel to ModelGraph::nodes
    const std::vector<GraphEdgeItem*>& edgeItems() const { return m_edges; } ///< parallel to ModelGraph::edges
    GraphNodeItem* nodeForOperator(int op) const;
    /** The input and output nodes that show tensor `tensor`. */
    std::vector<GraphNodeItem*> nodesForTensor(int tensor) const;
    /** The topmost node or edge at `scenePos`, or null. */
    QGraphicsItem* graphItemAt(const QPointF& scenePos, const QTransform& deviceTransform) const;

    /** Marks operator `op` (-1: none) as the selected node and highlights its edges; returns its item. */
    GraphNodeItem* setCurrentOperator(int op);
    /** Marks the input/output nodes and the edges of tensor `tensor` (-1: none); returns the region to show. */
    QRectF setCurrentTensor(int tensor);
    void clearCurrent();

    /** Operators whose name or type contains `text` (case-insensitive), in execution order. */
    std::vector<int> findOperators(const QString& text) const;
    /** Marks the search matches (operator indices). */
    void setMatches(const std::vector<int>& ops);

    /** Paints measured latency on the operators: fill by share of the measured time on the heat scale, unmeasured
     *  operators grey, the median latency as a line on each node, and a legend in renderGraph(). nullptr brings the
     *  category colours back. Only a profile of the shown subgraph is painted. Items are updated in place, so this
     *  can follow every new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);
    Profiler::LatencyProfilePtr latency() const { return m_latency; }
    /** True while the shown subgraph is painted with measured latency. */
    bool showsLatency() const;
    /** What the legend shows for the current latency. */
    HeatLegend heatLegend() const;

    /** Rich-text tooltip of a node or edge item of this scene; empty for anything else. */
    QString toolTipFor(const QGraphicsItem* item) const;

    /** Renders `source` (default: the whole graph with a margin) into `target` of `painter` (default: the painter's
     *  whole device), with the background, keeping the aspect ratio; with latency shown, the heat legend in the
     *  top-left corner of `target`. */
    void renderGraph(QPainter* painter, const QRectF& target = {}, const QRectF& source = {});

    double buildMilliseconds() const { return m_buildMs; } ///< time the last rebuild took

    /** What a view at `scale` (device pixels per scene unit) draws: Overview once even the tallest node is under
     *  kGraphOverviewNodePixels, else graphDetailForScale(). */
    GraphDetail detailForScale(double scale) const;
    /** Draws the part `exposed` (scene coordinates) of the graph as an overview, from a compact copy of the layout
     *  rather than item by item: a graph of 50,000 nodes seen whole would otherwise spend most of a frame finding and
     *  visiting items that are one pixel each. Nodes are boxes of at least one pixel in GraphNodeItem::dotColor(),
     *  edges longer than a few pixels thin lines; the selected and matched nodes are drawn last at a size that stays
     *  visible. `transform` maps scene to device coordinates (scale and translation only); the painter draws in
     *  device coordinates and is left without a transform. */
    void paintOverview(QPainter* painter, const QTransform& transform, const QRectF& exposed) const;

protected:
    void helpEvent(QGraphicsSceneHelpEvent* event) override;

private:
    void rebuild();
    void buildOverviewIndex();
    std::size_t bandAt(double y) const; ///< the edge band of scene y, clamped to the bands there are
    void applyLatency();
    /** Deletes every item, and first forgets the lists of them (current, matched, all nodes and edges). */
    void removeAllItems();
    QString nodeToolTip(const GraphNodeItem* node) const;
    QString edgeToolTip(const GraphEdgeItem* edge) const;

    Profiler::ModelDocumentPtr m_document;
    int m_subgraph = 0;
    std::unique_ptr<GraphStyle> m_style;
    std::vector<GraphNodeItem*> m_nodes;
    std::vector<GraphEdgeItem*> m_edges;
    std::vector<GraphNodeItem*> m_current;
    std::vector<GraphEdgeItem*> m_currentEdges;
    std::vector<GraphNodeItem*> m_matched;
    QRectF m_bounds;
    double m_buildMs = 0;
    double m_maxNodeHeight = 0;

    // The overview's index: node boxes by their top, and edges in horizontal bands of the scene, with their bounds
    // copied so that a frame reads memory in order and touches an item only to ask its colour.
    struct OverviewBox
    {
        float x, y, width, height;
        int index; ///< into m_nodes or m_edges
    };
    std::vector<OverviewBox> m_nodesByTop;
    std::vector<double> m_nodeTops; ///< parallel to m_nodesByTop, ascending
    std::vector<OverviewBox> m_edgeBoxes; ///< parallel to m_edges
    double m_bandTop = 0;
    double m_bandHeight = 1;
    std::vector<std::vector<int>> m_edgeBands;
    // Reused by paintOverview() so that a frame allocates nothing once warm.
    struct OverviewScratch;
    std::unique_ptr<OverviewScratch> m_scratch;
    Profiler::LatencyProfilePtr m_latency;
};

} // namespace Widgets
