// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "heatscale.h"
#include "latency/latency.h"

#include <QGraphicsScene>

#include <memory>
#include <vector>

class QPalette;

namespace Widgets {

class GraphEdgeItem;
class GraphNodeItem;
struct GraphStyle;

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

protected:
    void helpEvent(QGraphicsSceneHelpEvent* event) override;

private:
    void rebuild();
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
    Profiler::LatencyProfilePtr m_latency;
};

} // namespace Widgets
