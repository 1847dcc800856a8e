// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphscene.h"

#include "categorycolors.h"
#include "graphitems.h"

#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QGraphicsSceneHelpEvent>
#include <QGraphicsView>
#include <QGuiApplication>
#include <QHash>
#include <QLocale>
#include <QPainter>
#include <QPalette>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace Widgets {

using Profiler::ModelGraphNode;

namespace {

constexpr double kSceneMargin = 40;
// The overview draws the selection and search matches at least this many pixels wide and tall.
constexpr double kOverviewMarkPixels = 5;
// An edge whose bounds are smaller than this many pixels only darkens the nodes it joins (as in GraphEdgeItem).
constexpr double kOverviewMinEdgePixels = 2.5;

template <typename T> const T* at(const std::vector<T>& v, int i)
{
    return i >= 0 && static_cast<std::size_t>(i) < v.size() ? &v[static_cast<std::size_t>(i)] : nullptr;
}

QString prettyShape(const Profiler::Tensor& tensor)
{
    QString s = Profiler::shapeToString(tensor);
    s.replace(QLatin1Char('x'), QChar(0x00D7));
    return s;
}

QString formatCount(std::int64_t n)
{
    return QLocale().toString(static_cast<qlonglong>(n));
}

QString formatBytes(std::int64_t bytes)
{
    if (bytes < 0)
        return QStringLiteral("unknown size");
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    return QStringLiteral("%1 (%2 bytes)").arg(QLocale().formattedDataSize(bytes), formatCount(bytes));
}

/** A tensor or layer name as HTML that may wrap after ';' and '/': converters fuse long names such as
 *  "model/conv/Relu;model/bn/FusedBatchNormV3;..." that would otherwise make a tooltip as wide as the screen. */
QString nameHtml(const QString& name)
{
    QString html = name.toHtmlEscaped();
    html.replace(QLatin1Char(';'), QStringLiteral(";&#8203;"));
    html.replace(QLatin1Char('/'), QStringLiteral("/&#8203;"));
    return QStringLiteral("<b>%1</b>").arg(html);
}

QString row(const QString& key, const QString& value)
{
    return QStringLiteral("<tr><td style='color:gray; padding-right:10px'>%1</td><td>%2</td></tr>").arg(key, value);
}

QString tensorRows(const Profiler::Tensor& tensor)
{
    return row(QStringLiteral("Shape"), prettyShape(tensor).toHtmlEscaped())
        + row(QStringLiteral("Type"), Profiler::dataTypeName(tensor.type))
        + row(QStringLiteral("Size"), formatBytes(tensor.bytes));
}

} // namespace

struct GraphScene::OverviewScratch
{
    std::vector<quint32>
        edgeSeen; ///< stamp of the frame that drew each edge, so that an edge in two bands is drawn once
    quint32 stamp = 0;
    std::vector<QLineF> lines;
    std::vector<QLineF> strongLines;
    std::vector<std::pair<QRgb, std::vector<QRect>>> groups; ///< node boxes by colour; the first `usedGroups` are live
    std::size_t usedGroups = 0;
    std::size_t lastGroup = 0;
    QHash<QRgb, std::size_t> groupOf;
    std::vector<const GraphNodeItem*> marked;
};

GraphScene::GraphScene(QObject* parent)
    : QGraphicsScene(parent)
    , m_style(std::make_unique<GraphStyle>(QGuiApplication::palette(), paletteIsDark()))
    , m_scratch(std::make_unique<OverviewScratch>())
{
    setBackgroundBrush(m_style->background);
}

GraphScene::~GraphScene()
{
    // Items point at m_style: delete them first.
    removeAllItems();
}

const Profiler::ModelGraph* GraphScene::graph() const
{
    if (!m_document)
        return nullptr;
    const Profiler::ModelGraph* g = at(m_document->graphs, m_subgraph);
    if (!g || !at(m_document->model.subgraphs, m_subgraph) || g->layout.nodes.size() != g->nodes.size()
        || g->layout.edges.size() != g->edges.size() || g->graph.edges.size() != g->edges.size())
        return nullptr;
    return g;
}

void GraphScene::setGraph(Profiler::ModelDocumentPtr document, int subgraph)
{
    m_document = std::move(document);
    m_subgraph = subgraph;
    rebuild();
}

void GraphScene::removeAllItems()
{
    m_nodesByTop.clear();
    m_nodeTops.clear();
    m_edgeBoxes.clear();
    m_edgeBands.clear();
    m_maxNodeHeight = 0;
    m_current.clear();
    m_currentEdges.clear();
    m_matched.clear();
    m_nodes.clear();
    m_edges.clear();
    // Taking every item out of the BSP tree one by one costs as much as building the scene: drop the tree first.
    // A pending update of the whole scene makes the scene skip the per-item repaint bookkeeping (see rebuild()).
    setItemIndexMethod(NoIndex);
    update();
    clear();
}

void GraphScene::setPalette(const QPalette& palette, bool dark)
{
    removeAllItems();
    m_style = std::make_unique<GraphStyle>(palette, dark);
    setBackgroundBrush(m_style->background);
    rebuild();
}

void GraphScene::rebuild()
{
    QElapsedTimer timer;
    timer.start();
    removeAllItems();
    m_bounds = QRectF();

    const Profiler::ModelGraph* g = graph();
    if (!g) {
        setSceneRect(QRectF(0, 0, 1, 1));
        m_buildMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        return;
    }
    const Profiler::Subgraph& sg = m_document->model.subgraphs[static_cast<std::size_t>(m_subgraph)];
    const Profiler::ModelAnalysis* analysis = at(m_document->analyses, m_subgraph);

    // Indexing every insertion is slower than building the BSP tree once at the end.
    setItemIndexMethod(NoIndex);
    // Ask for a repaint of the whole scene before adding anything: while that is pending, QGraphicsScene does not
    // track each new item as dirty, which otherwise leaves a small hash of painted rectangles in every item (about
    // 1 KB each: 150 MB for 50,000 operators) and a pass over all of them before the first frame.
    update();
    GraphLabelCache labels(*m_style);
    m_nodes.reserve(g->nodes.size());
    for (std::size_t i = 0; i < g->nodes.size(); ++i) {
        const ModelGraphNode& node = g->nodes[i];
        const Profiler::LayoutNode& ln = g->layout.nodes[i];
        GraphNodeItem::Label label;
        if (node.kind == ModelGraphNode::Kind::Operator) {
            const Profiler::Operator* op = at(sg.operators, node.index);
            const Profiler::LayerInfo* layer = analysis ? at(analysis->layers, node.index) : nullptr;
            if (layer) {
                label.title = layer->type;
                label.category = layer->category;
                label.unsupported = layer->support.status == Profiler::SupportStatus::Unsupported;
            } else if (op) {
                label.title = op->type;
                label.category = Profiler::opCategory(op->type, op->isCustom);
            }
            if (op && !op->outputs.empty()) {
                if (const Profiler::Tensor* out = at(sg.tensors, op->outputs.front()))
                    label.subtitle = prettyShape(*out);
                if (op->outputs.size() > 1)
                    label.subtitle += QStringLiteral(" +%1").arg(op->outputs.size() - 1);
            }
        } else if (const Profiler::Tensor* t = at(sg.tensors, node.index)) {
            label.title = t->displayName(node.index);
            label.subtitle = prettyShape(*t) + QStringLiteral("  ") + Profiler::dataTypeName(t->type);
        }
        auto* item
            = new GraphNodeItem(m_style.get(), static_cast<int>(i), node, QSizeF(ln.width, ln.height), label, labels);
        item->setPos(ln.x, ln.y);
        addItem(item);
        m_nodes.push_back(item);
        m_bounds = m_bounds.united(QRectF(ln.x, ln.y, ln.width, ln.height));
    }
    m_edges.reserve(g->edges.size());
    for (std::size_t e = 0; e < g->edges.size(); ++e) {
        const auto& ends = g->graph.edges[e];
        auto* item = new GraphEdgeItem(
            m_style.get(), static_cast<int>(e), g->edges[e].tensor, ends.first, ends.second, g->layout.edges[e].points);
        addItem(item);
        m_edges.push_back(item);
        m_bounds = m_bounds.united(item->points().boundingRect());
    }
    setItemIndexMethod(BspTreeIndex);
    setSceneRect(m_bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));
    buildOverviewIndex();
    applyLatency();
    m_buildMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void GraphScene::buildOverviewIndex()
{
    const Profiler::ModelGraph* g = graph();
    if (!g)
        return;
    const auto box = [](const QRectF& r, std::size_t index) {
        return OverviewBox { static_cast<float>(r.x()), static_cast<float>(r.y()), static_cast<float>(r.width()),
            static_cast<float>(r.height()), static_cast<int>(index) };
    };
    m_nodesByTop.clear();
    m_nodesByTop.reserve(m_nodes.size());
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        const Profiler::LayoutNode& n = g->layout.nodes[i];
        m_nodesByTop.push_back(box(QRectF(n.x, n.y, n.width, n.height), i));
        m_maxNodeHeight = std::max(m_maxNodeHeight, n.height);
    }
    std::stable_sort(
        m_nodesByTop.begin(), m_nodesByTop.end(), [](const OverviewBox& a, const OverviewBox& b) { return a.y < b.y; });
    m_nodeTops.clear();
    m_nodeTops.reserve(m_nodesByTop.size());
    for (const OverviewBox& b : m_nodesByTop)
        m_nodeTops.push_back(static_cast<double>(b.y));

    // Bands a few ranks high, at most a few thousand of them: an edge is listed in every band it crosses.
    m_bandTop = m_bounds.top();
    m_bandHeight = std::max(256.0, m_bounds.height() / 2048);
    const auto bands = static_cast<std::size_t>(std::floor(m_bounds.height() / m_bandHeight)) + 1;
    m_edgeBands.assign(bands, {});
    m_edgeBoxes.clear();
    m_edgeBoxes.reserve(m_edges.size());
    for (std::size_t e = 0; e < m_edges.size(); ++e) {
        const QRectF b = m_edges[e]->boundingRect(); // edges sit at the scene's origin
        m_edgeBoxes.push_back(box(b, e));
        const std::size_t last = bandAt(b.bottom());
        for (std::size_t band = bandAt(b.top()); band <= last; ++band)
            m_edgeBands[band].push_back(static_cast<int>(e));
    }
}

std::size_t GraphScene::bandAt(double y) const
{
    if (m_edgeBands.empty())
        return 0;
    const double band = std::floor((y - m_bandTop) / m_bandHeight);
    return static_cast<std::size_t>(std::clamp(band, 0.0, static_cast<double>(m_edgeBands.size() - 1)));
}

GraphDetail GraphScene::detailForScale(double scale) const
{
    if (m_maxNodeHeight > 0 && m_maxNodeHeight * scale < kGraphOverviewNodePixels)
        return GraphDetail::Overview;
    return graphDetailForScale(scale);
}

void GraphScene::paintOverview(QPainter* painter, const QTransform& transform, const QRectF& exposed) const
{
    const double sx = transform.m11();
    const double sy = transform.m22();
    const double dx = transform.dx();
    const double dy = transform.dy();
    const auto map = [=](const QPointF& p) { return QPointF(p.x() * sx + dx, p.y() * sy + dy); };
    painter->setWorldTransform(QTransform());
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->fillRect(transform.mapRect(exposed), backgroundBrush());
    if (m_nodes.empty() || m_nodeTops.size() != m_nodes.size())
        return;
    OverviewScratch& scratch = *m_scratch;

    // Edges first, under the nodes, as the items stack them.
    scratch.lines.clear();
    scratch.strongLines.clear();
    if (scratch.edgeSeen.size() != m_edges.size())
        scratch.edgeSeen.assign(m_edges.size(), 0);
    if (++scratch.stamp == 0) {
        std::fill(scratch.edgeSeen.begin(), scratch.edgeSeen.end(), 0);
        scratch.stamp = 1;
    }
    const auto polyline = [&map](const GraphEdgeItem* edge, std::vector<QLineF>& out) {
        const QPolygonF& points = edge->points();
        for (qsizetype k = 1; k < points.size(); ++k)
            out.emplace_back(map(points[k - 1]), map(points[k]));
    };
    const std::size_t lastBand = bandAt(exposed.bottom());
    for (std::size_t band = bandAt(exposed.top()); band <= lastBand && band < m_edgeBands.size(); ++band) {
        for (int e : m_edgeBands[band]) {
            quint32& seen = scratch.edgeSeen[static_cast<std::size_t>(e)];
            if (seen == scratch.stamp)
                continue;
            seen = scratch.stamp;
            const OverviewBox& b = m_edgeBoxes[static_cast<std::size_t>(e)];
            if (std::max(static_cast<double>(b.width) * sx, static_cast<double>(b.height) * sy) < kOverviewMinEdgePixels
                || !QRectF(static_cast<double>(b.x), static_cast<double>(b.y), static_cast<double>(b.width),
                    static_cast<double>(b.height))
                        .intersects(exposed))
                continue;
            const GraphEdgeItem* edge = m_edges[static_cast<std::size_t>(e)];
            if (!edge->isHighlighted())
                polyline(edge, scratch.lines);
        }
    }
    // The edges of the selection, however short.
    for (const GraphEdgeItem* edge : m_currentEdges) {
        if (edge->boundingRect().intersects(exposed))
            polyline(edge, scratch.strongLines);
    }
    painter->setBrush(Qt::NoBrush);
    if (!scratch.lines.empty()) {
        painter->setPen(m_style->edgeThinPen);
        painter->drawLines(scratch.lines.data(), static_cast<int>(scratch.lines.size()));
    }
    if (!scratch.strongLines.empty()) {
        painter->setPen(m_style->edgeThinHighlightPen);
        painter->drawLines(scratch.strongLines.data(), static_cast<int>(scratch.strongLines.size()));
    }

    // Nodes, batched by colour: a model has a dozen categories.
    for (std::size_t i = 0; i < scratch.usedGroups; ++i)
        scratch.groups[i].second.clear();
    scratch.usedGroups = 0;
    scratch.groupOf.clear();
    scratch.marked.clear();
    const auto first = std::lower_bound(m_nodeTops.begin(), m_nodeTops.end(), exposed.top() - m_maxNodeHeight);
    for (auto i = static_cast<std::size_t>(first - m_nodeTops.begin());
         i < m_nodeTops.size() && m_nodeTops[i] <= exposed.bottom(); ++i) {
        const OverviewBox& box = m_nodesByTop[i];
        const double left = static_cast<double>(box.x);
        const double width = static_cast<double>(box.width);
        if (left + width < exposed.left() || left > exposed.right())
            continue;
        const GraphNodeItem* item = m_nodes[static_cast<std::size_t>(box.index)];
        if (item->isCurrent() || item->isMatch()) {
            scratch.marked.push_back(item);
            continue;
        }
        const QPointF a = map(QPointF(left, m_nodeTops[i]));
        const QPointF b = map(QPointF(left + width, m_nodeTops[i] + static_cast<double>(box.height)));
        const int x0 = static_cast<int>(std::floor(a.x()));
        const int y0 = static_cast<int>(std::floor(a.y()));
        const int x1 = std::max(x0 + 1, static_cast<int>(std::floor(b.x())));
        const int y1 = std::max(y0 + 1, static_cast<int>(std::floor(b.y())));
        const QRgb rgb = item->dotColor().rgba();
        std::size_t group = 0;
        if (scratch.usedGroups > 0 && scratch.groups[scratch.lastGroup].first == rgb) {
            group = scratch.lastGroup; // neighbours are often of one category
        } else if (const auto found = scratch.groupOf.constFind(rgb); found != scratch.groupOf.constEnd()) {
            group = *found;
        } else {
            group = scratch.usedGroups++;
            if (scratch.groups.size() < scratch.usedGroups)
                scratch.groups.emplace_back();
            scratch.groups[group].first = rgb;
            scratch.groupOf.insert(rgb, group);
        }
        scratch.lastGroup = group;
        scratch.groups[group].second.emplace_back(x0, y0, x1 - x0, y1 - y0);
    }
    painter->setPen(Qt::NoPen);
    for (std::size_t i = 0; i < scratch.usedGroups; ++i) {
        const auto& [rgb, rects] = scratch.groups[i];
        painter->setBrush(QColor::fromRgba(rgb));
        painter->drawRects(rects.data(), static_cast<int>(rects.size()));
    }

    // The selection and the search matches on top, big enough to find: the current node last.
    std::stable_sort(scratch.marked.begin(), scratch.marked.end(),
        [](const GraphNodeItem* a, const GraphNodeItem* b) { return !a->isCurrent() && b->isCurrent(); });
    for (const GraphNodeItem* item : scratch.marked) {
        QRectF box(map(item->pos()), QSizeF(item->rect().width() * sx, item->rect().height() * sy));
        const QPointF centre = box.center();
        box.setWidth(std::max(box.width(), kOverviewMarkPixels));
        box.setHeight(std::max(box.height(), kOverviewMarkPixels));
        box.moveCenter(centre);
        painter->fillRect(box.toAlignedRect(), item->dotColor());
    }
}

void GraphScene::setLatency(Profiler::LatencyProfilePtr latency)
{
    m_latency = std::move(latency);
    applyLatency();
}

bool GraphScene::showsLatency() const
{
    const Profiler::LatencyProfile* latency = m_latency.get();
    return latency && latency->subgraph == m_subgraph && graph();
}

HeatLegend GraphScene::heatLegend() const
{
    const Profiler::LatencyProfile* latency = m_latency.get();
    return latency ? heatLegendFor(*latency) : HeatLegend();
}

void GraphScene::applyLatency()
{
    if (!showsLatency()) {
        for (GraphNodeItem* item : m_nodes)
            item->setHeat(nullptr);
        return;
    }
    const Profiler::LatencyProfile& latency = *m_latency;
    const double maxShare = maximumShare(latency);
    const QFontMetricsF metrics(m_style->heatFont);
    const double lineHeight = metrics.height();
    const QString separator = QStringLiteral(" \u00b7 ");
    for (GraphNodeItem* item : m_nodes) {
        if (!item->isOperator())
            continue;
        const Profiler::LayerLatency* layer = at(latency.layers, item->operatorIndex());
        GraphNodeItem::Heat heat;
        heat.lineHeight = lineHeight;
        if (layer && layer->measured()) {
            heat.measured = true;
            heat.fill = heatScaleColor(heatPosition(layer->share, maxShare));
            heat.line = formatLatency(latency, layer->medianTicks) + separator + formatShare(layer->share);
        } else {
            heat.line = tr("not measured");
        }
        const double maxWidth = std::max(0.0, item->rect().width() - 12);
        heat.lineWidth = metrics.horizontalAdvance(heat.line);
        if (heat.lineWidth > maxWidth) {
            // Drop the share first (the legend and tooltip have it), then elide.
            if (layer && layer->measured())
                heat.line = formatLatency(latency, layer->medianTicks);
            heat.line = metrics.elidedText(heat.line, Qt::ElideRight, maxWidth);
            heat.lineWidth = metrics.horizontalAdvance(heat.line);
        }
        item->setHeat(&heat);
    }
}

GraphNodeItem* GraphScene::nodeForOperator(int op) const
{
    const Profiler::ModelGraph* g = graph();
    if (!g)
        return nullptr;
    const int* node = at(g->nodeOfOperator, op);
    if (!node || !at(m_nodes, *node))
        return nullptr;
    GraphNodeItem* item = m_nodes[static_cast<std::size_t>(*node)];
    return item->operatorIndex() == op ? item : nullptr;
}

std::vector<GraphNodeItem*> GraphScene::nodesForTensor(int tensor) const
{
    std::vector<GraphNodeItem*> out;
    for (GraphNodeItem* item : m_nodes) {
        if (!item->isOperator() && item->tensorIndex() == tensor)
            out.push_back(item);
    }
    return out;
}

QGraphicsItem* GraphScene::graphItemAt(const QPointF& scenePos, const QTransform& deviceTransform) const
{
    const QList<QGraphicsItem*> hits = items(scenePos, Qt::IntersectsItemShape, Qt::DescendingOrder, deviceTransform);
    for (QGraphicsItem* item : hits) {
        if (item->type() == GraphNodeItem::Type || item->type() == GraphEdgeItem::Type)
            return item;
    }
    return nullptr;
}

void GraphScene::clearCurrent()
{
    for (GraphNodeItem* item : m_current)
        item->setCurrent(false);
    for (GraphEdgeItem* item : m_currentEdges)
        item->setHighlighted(false);
    m_current.clear();
    m_currentEdges.clear();
}

GraphNodeItem* GraphScene::setCurrentOperator(int op)
{
    clearCurrent();
    GraphNodeItem* item = nodeForOperator(op);
    if (!item)
        return nullptr;
    item->setCurrent(true);
    m_current.push_back(item);
    for (GraphEdgeItem* edge : m_edges) {
        if (edge->fromNode() == item->node() || edge->toNode() == item->node()) {
            edge->setHighlighted(true);
            m_currentEdges.push_back(edge);
        }
    }
    return item;
}

QRectF GraphScene::setCurrentTensor(int tensor)
{
    clearCurrent();
    if (tensor < 0)
        return {};
    QRectF region;
    for (GraphNodeItem* item : nodesForTensor(tensor)) {
        item->setCurrent(true);
        m_current.push_back(item);
        region = region.united(item->sceneBoundingRect());
    }
    for (GraphEdgeItem* edge : m_edges) {
        if (edge->tensorIndex() == tensor) {
            edge->setHighlighted(true);
            m_currentEdges.push_back(edge);
            if (m_current.empty())
                region = region.united(edge->sceneBoundingRect());
        }
    }
    return region;
}

std::vector<int> GraphScene::findOperators(const QString& text) const
{
    std::vector<int> out;
    const QString needle = text.trimmed();
    if (needle.isEmpty() || !graph())
        return out;
    const Profiler::Subgraph& sg = m_document->model.subgraphs[static_cast<std::size_t>(m_subgraph)];
    const Profiler::ModelAnalysis* analysis = at(m_document->analyses, m_subgraph);
    for (const Profiler::Operator& op : sg.operators) {
        const Profiler::LayerInfo* layer = analysis ? at(analysis->layers, op.index) : nullptr;
        const QString name = layer ? layer->name : QString();
        if (op.type.contains(needle, Qt::CaseInsensitive) || name.contains(needle, Qt::CaseInsensitive))
            out.push_back(op.index);
    }
    return out;
}

void GraphScene::setMatches(const std::vector<int>& ops)
{
    for (GraphNodeItem* item : m_matched)
        item->setMatch(false);
    m_matched.clear();
    for (int op : ops) {
        if (GraphNodeItem* item = nodeForOperator(op)) {
            item->setMatch(true);
            m_matched.push_back(item);
        }
    }
}

QString GraphScene::toolTipFor(const QGraphicsItem* item) const
{
    if (!item || item->scene() != this || !graph())
        return {};
    if (item->type() == GraphNodeItem::Type)
        return nodeToolTip(static_cast<const GraphNodeItem*>(item));
    if (item->type() == GraphEdgeItem::Type)
        return edgeToolTip(static_cast<const GraphEdgeItem*>(item));
    return {};
}

QString GraphScene::nodeToolTip(const GraphNodeItem* node) const
{
    const Profiler::Subgraph& sg = m_document->model.subgraphs[static_cast<std::size_t>(m_subgraph)];
    if (!node->isOperator()) {
        const Profiler::Tensor* t = at(sg.tensors, node->tensorIndex());
        if (!t)
            return {};
        const QString role = node->kind() == ModelGraphNode::Kind::Input ? QStringLiteral("Subgraph input")
                                                                         : QStringLiteral("Subgraph output");
        return nameHtml(t->displayName(node->tensorIndex())) + QStringLiteral("<table>")
            + row(QStringLiteral("Role"), role)
            + row(QStringLiteral("Tensor"), QStringLiteral("#%1").arg(node->tensorIndex())) + tensorRows(*t)
            + QStringLiteral("</table>");
    }
    const int index = node->operatorIndex();
    const Profiler::Operator* op = at(sg.operators, index);
    const Profiler::ModelAnalysis* analysis = at(m_document->analyses, m_subgraph);
    const Profiler::LayerInfo* layer = analysis ? at(analysis->layers, index) : nullptr;
    if (!op)
        return {};
    const QString name = layer && !layer->name.isEmpty() ? layer->name : QStringLiteral("operator %1").arg(index);
    const Profiler::OpCategory category = layer ? layer->category : Profiler::opCategory(op->type, op->isCustom);
    QString text = nameHtml(name) + QStringLiteral("<table>")
        + row(QStringLiteral("Type"), op->type.toHtmlEscaped() + QStringLiteral(" (%1)").arg(categoryLabel(category)))
        + row(QStringLiteral("Step"), QStringLiteral("#%1").arg(index));
    if (layer) {
        text += row(QStringLiteral("Params"), formatCount(layer->params));
        text += row(QStringLiteral("MACs"), formatCount(layer->macs));
        text += row(QStringLiteral("Output"), formatBytes(layer->outputBytes));
    }
    if (!op->outputs.empty()) {
        if (const Profiler::Tensor* out = at(sg.tensors, op->outputs.front())) {
            text += row(QStringLiteral("Output shape"),
                prettyShape(*out).toHtmlEscaped() + QStringLiteral(" ") + Profiler::dataTypeName(out->type));
        }
    }
    if (showsLatency()) {
        const Profiler::LatencyProfile& latency = *m_latency;
        const Profiler::LayerLatency* measured = at(latency.layers, index);
        if (measured && measured->measured()) {
            text += row(QStringLiteral("Latency"),
                QStringLiteral("<b>%1</b> median (%2 samples)")
                    .arg(formatLatency(latency, measured->medianTicks))
                    .arg(measured->samples));
            text += row(QStringLiteral("Range"),
                QStringLiteral("%1 to %2")
                    .arg(formatLatency(latency, measured->minTicks), formatLatency(latency, measured->maxTicks)));
            text += row(QStringLiteral("Share"), formatShare(measured->share));
        } else {
            text += row(QStringLiteral("Latency"), QStringLiteral("not measured"));
        }
    }
    if (layer && layer->support.status == Profiler::SupportStatus::Unsupported) {
        text += row(QStringLiteral("TFLM"),
            QStringLiteral("<span style='color:#d32f2f'>unsupported: %1</span>")
                .arg(layer->support.reason.toHtmlEscaped()));
    }
    return text + QStringLiteral("</table>");
}

QString GraphScene::edgeToolTip(const GraphEdgeItem* edge) const
{
    const Profiler::Subgraph& sg = m_document->model.subgraphs[static_cast<std::size_t>(m_subgraph)];
    const Profiler::Tensor* t = at(sg.tensors, edge->tensorIndex());
    if (!t)
        return {};
    const auto endName = [this](int node) {
        const GraphNodeItem* item = at(m_nodes, node) ? m_nodes[static_cast<std::size_t>(node)] : nullptr;
        if (!item)
            return QString();
        if (!item->isOperator())
            return item->kind() == ModelGraphNode::Kind::Input ? QStringLiteral("input") : QStringLiteral("output");
        return QStringLiteral("%1 #%2").arg(item->title(), QString::number(item->operatorIndex()));
    };
    return nameHtml(t->displayName(edge->tensorIndex())) + QStringLiteral("<table>")
        + row(QStringLiteral("Tensor"), QStringLiteral("#%1").arg(edge->tensorIndex())) + tensorRows(*t)
        + row(QStringLiteral("From"), endName(edge->fromNode()).toHtmlEscaped())
        + row(QStringLiteral("To"), endName(edge->toNode()).toHtmlEscaped()) + QStringLiteral("</table>");
}

void GraphScene::helpEvent(QGraphicsSceneHelpEvent* event)
{
    QWidget* viewport = event->widget();
    const auto* view = viewport ? qobject_cast<const QGraphicsView*>(viewport->parentWidget()) : nullptr;
    const QString text = toolTipFor(graphItemAt(event->scenePos(), view ? view->viewportTransform() : QTransform()));
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
        return;
    }
    QToolTip::showText(event->screenPos(), text, viewport);
    event->accept();
}

void GraphScene::renderGraph(QPainter* painter, const QRectF& target, const QRectF& source)
{
    render(painter, target, source.isNull() ? sceneRect() : source, Qt::KeepAspectRatio);
    if (!showsLatency())
        return;
    QRectF area = target;
    if (area.isNull() && painter->device())
        area = QRectF(0, 0, painter->device()->width(), painter->device()->height());
    const HeatLegend legend = heatLegend();
    const QFont font = QGuiApplication::font();
    const QSizeF size = heatLegendSize(legend, font);
    if (area.width() < size.width() + 20 || area.height() < size.height() + 20)
        return; // a thumbnail: the legend would cover the graph
    const QColor background = m_style->background;
    const QColor text = m_style->dark ? QColor(0xf2, 0xf4, 0xf7) : QColor(0x1d, 0x23, 0x2b);
    paintHeatLegend(painter, QRectF(area.topLeft() + QPointF(10, 10), size), legend, font, text, background);
}

} // namespace Widgets
