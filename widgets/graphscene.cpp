// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphscene.h"

#include "categorycolors.h"
#include "graphitems.h"

#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QGraphicsSceneHelpEvent>
#include <QGraphicsView>
#include <QGuiApplication>
#include <QLocale>
#include <QPainter>
#include <QPalette>
#include <QToolTip>

namespace Widgets {

using Profiler::ModelGraphNode;

namespace {

constexpr double kSceneMargin = 40;

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

GraphScene::GraphScene(QObject* parent)
    : QGraphicsScene(parent)
    , m_style(std::make_unique<GraphStyle>(QGuiApplication::palette(), paletteIsDark()))
{
    setBackgroundBrush(m_style->background);
}

GraphScene::~GraphScene()
{
    // Items point at m_style: delete them first.
    clear();
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
    m_current.clear();
    m_currentEdges.clear();
    m_matched.clear();
    m_nodes.clear();
    m_edges.clear();
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
    applyLatency();
    m_buildMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
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
