// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/opinfo.h"
#include "layout/graphlayout.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QHash>
#include <QPainterPath>
#include <QPen>
#include <QPolygonF>
#include <QStaticText>

#include <array>
#include <vector>

class QPalette;

namespace Widgets {

/** How much of the graph to draw at a given scale (device pixels per scene unit). */
enum class GraphDetail {
    Overview, ///< every node a few pixels tall: the view draws the graph from GraphScene::paintOverview(), not items
    Boxes, ///< plain coloured boxes and thin straight edges: the overview of a large graph
    Full, ///< rounded nodes with their labels, smooth edges with arrow heads
};

/** Below this scale labels would be smaller than about 5 pixels: nodes are drawn as boxes without text. */
constexpr double kGraphLabelMinScale = 0.45;

/** Below this many device pixels of node height a node is only a coloured dot: a view whose tallest node is that
 *  small draws the whole graph as an overview (GraphDetail::Overview). */
constexpr double kGraphOverviewNodePixels = 4;

/** The detail an item draws at `scale`, as QStyleOptionGraphicsItem::levelOfDetailFromTransform() reports it: Boxes
 *  or Full (whether a view draws items at all is GraphScene::detailForScale()). */
GraphDetail graphDetailForScale(double scale);

/** Pens, brushes and fonts shared by every item of one graph scene, so that painting allocates nothing. */
struct GraphStyle
{
    explicit GraphStyle(const QPalette& palette, bool dark);

    bool dark = false;
    QColor background;
    QColor nodeText;
    QColor accent; ///< selection
    QColor unsupported;
    QColor match; ///< search matches

    static constexpr int kCategoryCount = static_cast<int>(Profiler::OpCategory::Other) + 1;
    std::array<QBrush, kCategoryCount> categoryBrush;
    std::array<QPen, kCategoryCount> categoryPen; ///< node border, a darker shade of the fill
    std::array<QPen, kCategoryCount> categoryBoxPen; ///< cosmetic border of the overview boxes

    QBrush ioBrush;
    QPen ioPen;
    QPen ioBoxPen;

    QPen titlePen;
    QPen subtitlePen;
    QPen ioTitlePen;
    QPen ioSubtitlePen;
    QBrush badgeBrush;
    QPen badgeMarkPen;

    QPen unsupportedPen;
    QPen selectedPen;
    QPen selectedHaloPen;
    QPen matchPen;
    QPen hoverPen;
    QPen boxAccentPen; ///< cosmetic outlines of nodes drawn as boxes
    QPen boxUnsupportedPen;
    QPen boxMatchPen;
    QBrush accentBrush;

    QPen edgePen;
    QPen edgeHighlightPen;
    QPen edgeThinPen; ///< cosmetic, for the overview
    QPen edgeThinHighlightPen;
    QBrush edgeBrush;
    QBrush edgeHighlightBrush;

    QFont heatFont; ///< the latency line of a node painted with measured latency
    QColor unmeasuredFill; ///< operators without a measurement while latency is shown
    QColor unmeasuredBorder;
    QColor unmeasuredText;

    /** Label fonts, largest first: a label too wide for its node takes the next smaller one, then is elided. Pixel
     *  sizes are scene units, so labels scale with the zoom like the boxes around them. */
    static constexpr int kFontSteps = 3;
    std::array<QFont, kFontSteps> titleFonts;
    std::array<QFont, kFontSteps> subtitleFonts;
};

/** A label laid out once: its text as drawn, its size and the font step it fits with. */
struct GraphText
{
    QStaticText text;
    double width = 0;
    double height = 0;
    int font = 0; ///< index into GraphStyle::titleFonts or subtitleFonts
};

/** Fits labels into node widths once per distinct (text, width): a model has few distinct operator types and shapes,
 *  and copies of a QStaticText share their layout. */
class GraphLabelCache
{
public:
    explicit GraphLabelCache(const GraphStyle& style);

    GraphText title(const QString& text, double maxWidth, Qt::TextElideMode elide);
    GraphText subtitle(const QString& text, double maxWidth);
    /** The outline of a node of `size` at the origin: a rounded box, or a pill; shared by nodes of one size. */
    QPainterPath outline(const QSizeF& size, bool pill);

private:
    GraphText fit(const QString& text, double maxWidth, Qt::TextElideMode elide, bool title);

    std::vector<QFontMetricsF> m_titleMetrics;
    std::vector<QFontMetricsF> m_subtitleMetrics;
    QHash<QString, GraphText> m_cache;
    struct Outline
    {
        QSizeF size;
        bool pill = false;
        QPainterPath path;
    };
    std::vector<Outline> m_outlines;
};

/** One node of the graph: an operator (rounded box in its category colour) or a subgraph input or output (pill).
 *  Positioned at the layout's top-left corner; rect() is the layout's size. Labels are laid out once. */
class GraphNodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 101 };

    struct Label
    {
        QString title; ///< operator type, or the tensor name of an input/output
        QString subtitle; ///< output shape
        Profiler::OpCategory category = Profiler::OpCategory::Other;
        bool unsupported = false;
    };

    GraphNodeItem(const GraphStyle* style, int node, const Profiler::ModelGraphNode& graphNode, const QSizeF& size,
        const Label& label, GraphLabelCache& labels);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    int node() const { return m_node; } ///< index into ModelGraph::nodes
    Profiler::ModelGraphNode::Kind kind() const { return m_kind; }
    bool isOperator() const { return m_kind == Profiler::ModelGraphNode::Kind::Operator; }
    int operatorIndex() const { return isOperator() ? m_index : -1; }
    int tensorIndex() const { return isOperator() ? -1 : m_index; } ///< of an input or output node
    QRectF rect() const { return m_rect; }
    QString title() const { return m_title.text(); } ///< as drawn (elided to the node's width)
    QString subtitle() const { return m_subtitle.text(); }
    bool isUnsupported() const { return m_unsupported; }

    bool isCurrent() const { return m_current; }
    void setCurrent(bool current); ///< the selected node

    /** Measured latency painted on an operator node. */
    struct Heat
    {
        bool measured = false; ///< false: greyed out as unmeasured
        QColor fill; ///< heat scale colour of its share (measured nodes)
        QString line; ///< "1.23 ms · 12.5 %", drawn under the labels (already fitted to the node's width)
        double lineWidth = 0; ///< width of `line` in GraphStyle::heatFont
        double lineHeight = 0;
    };
    /** Paints `heat` instead of the category colour; nullptr brings the category colour back. */
    void setHeat(const Heat* heat);
    bool hasHeat() const { return m_heat; }
    /** The fill as painted now: heat colour, unmeasured grey, category or input/output colour. */
    QColor fillColor() const;
    /** The one colour of the node drawn a few pixels tall: its border colour (which shows on the background), or the
     *  selection, match or unsupported colour that marks it. */
    QColor dotColor() const;
    QString heatLine() const { return m_heat ? m_heatText.text() : QString(); }
    bool isMatch() const { return m_match; }
    void setMatch(bool match); ///< a search match

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    void paintFull(QPainter* painter) const;
    void paintBox(QPainter* painter, double scale) const;

    const GraphStyle* m_style;
    QRectF m_rect;
    QPainterPath m_outline;
    QStaticText m_title;
    QStaticText m_subtitle;
    QPointF m_titlePos;
    QPointF m_subtitlePos;
    // With heat: the labels move up to make room for the latency line.
    QStaticText m_heatText;
    QColor m_heatFill;
    QColor m_heatBorder;
    QColor m_heatTextColor;
    QPointF m_heatTitlePos;
    QPointF m_heatSubtitlePos;
    QPointF m_heatLinePos;
    float m_titleHeight = 0;
    float m_subtitleHeight = 0;
    int m_node;
    int m_index;
    Profiler::ModelGraphNode::Kind m_kind;
    std::uint8_t m_category;
    std::uint8_t m_titleFont;
    std::uint8_t m_subtitleFont;
    bool m_unsupported;
    bool m_current = false;
    bool m_match = false;
    bool m_hovered = false;
    bool m_heat = false;
};

/** One edge: the tensor from its producer to one consumer, drawn as a smooth path through the layout's points with
 *  an arrow head at the consumer. Hovering it highlights it. */
class GraphEdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 102 };

    GraphEdgeItem(
        const GraphStyle* style, int edge, int tensor, int fromNode, int toNode, const std::vector<QPointF>& points);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    int edge() const { return m_edge; } ///< index into ModelGraph::edges
    int tensorIndex() const { return m_tensor; }
    int fromNode() const { return m_from; }
    int toNode() const { return m_to; }
    const QPolygonF& points() const { return m_points; } ///< the layout's polyline, in scene coordinates
    /** The smooth curve as drawn (ends at the arrow's base). Built on first use: most edges of a large graph are
     *  never seen close enough to need it. */
    const QPainterPath& path() const;
    /** Whether path() has been built (the curve and its arrow head), for tests of the lazy construction. */
    bool hasPath() const { return m_pathBuilt; }

    bool isHighlighted() const { return m_highlighted; }
    void setHighlighted(bool highlighted); ///< an edge of the selected node or tensor
    bool isHovered() const { return m_hovered; }

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    void updateZ();
    void buildPath() const;

    const GraphStyle* m_style;
    QPolygonF m_points;
    mutable QPainterPath m_path;
    mutable QPolygonF m_arrow;
    QRectF m_bounds;
    mutable QPainterPath m_hitShape; // built on the first hit test: most edges are never hovered
    int m_edge;
    int m_tensor;
    int m_from;
    int m_to;
    bool m_highlighted = false;
    bool m_hovered = false;
    mutable bool m_pathBuilt = false;
};

/** The curve drawn for a layout polyline: straight for two points, else one vertical S-curve per segment so that the
 *  path leaves and enters every bend vertically. `arrowLength` is cut off the end for the arrow head, whose tip (the
 *  last point) and unit direction are returned. */
QPainterPath graphEdgePath(
    const QPolygonF& points, double arrowLength, QPointF* tip = nullptr, QPointF* direction = nullptr);

} // namespace Widgets
