// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphitems.h"

#include "categorycolors.h"
#include "heatscale.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace Widgets {

namespace {

constexpr double kNodeRadius = 5;
constexpr double kTextPadding = 6;
constexpr double kNodeMargin = 7; // halo and the unsupported badge reach out of the node's rectangle
constexpr double kArrowLength = 8;
constexpr double kArrowHalfWidth = 3.8;
constexpr double kEdgeHitWidth = 9;

QPen makePen(const QColor& color, double width)
{
    QPen pen(color, width);
    pen.setJoinStyle(Qt::RoundJoin);
    pen.setCapStyle(Qt::RoundCap);
    return pen;
}

QPen cosmeticPen(const QColor& color, double width)
{
    QPen pen(color, width);
    pen.setCosmetic(true);
    return pen;
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

} // namespace

GraphDetail graphDetailForScale(double scale)
{
    return scale >= kGraphLabelMinScale ? GraphDetail::Full : GraphDetail::Boxes;
}

GraphStyle::GraphStyle(const QPalette& palette, bool isDark)
    : dark(isDark)
{
    background = palette.color(QPalette::Base);
    nodeText = dark ? QColor(0xf2, 0xf4, 0xf7) : QColor(0x1d, 0x23, 0x2b);
    accent = palette.color(QPalette::Highlight);
    unsupported = dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd3, 0x2f, 0x2f);
    match = dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0xe0, 0x8e, 0x00);

    for (int c = 0; c < kCategoryCount; ++c) {
        const QColor fill = categoryColor(static_cast<Profiler::OpCategory>(c), dark);
        categoryBrush[static_cast<std::size_t>(c)] = QBrush(fill);
        const QColor border = dark ? fill.lighter(150) : fill.darker(145);
        categoryPen[static_cast<std::size_t>(c)] = makePen(border, 1);
        categoryBoxPen[static_cast<std::size_t>(c)] = cosmeticPen(border, 1);
    }

    ioBrush = QBrush(dark ? QColor(0x37, 0x41, 0x4b) : QColor(0xf1, 0xf3, 0xf5));
    const QColor ioBorder = dark ? QColor(0x8a, 0x96, 0xa3) : QColor(0x8d, 0x99, 0xa6);
    ioPen = makePen(ioBorder, 1.2);
    ioBoxPen = cosmeticPen(ioBorder, 1);

    titlePen = QPen(nodeText);
    subtitlePen = QPen(withAlpha(nodeText, dark ? 200 : 190));
    ioTitlePen = QPen(dark ? QColor(0xec, 0xef, 0xf1) : QColor(0x24, 0x2c, 0x34));
    ioSubtitlePen = QPen(dark ? QColor(0xb0, 0xbb, 0xc5) : QColor(0x5f, 0x6b, 0x77));
    badgeBrush = QBrush(unsupported);
    badgeMarkPen = makePen(Qt::white, 1.6);

    unsupportedPen = makePen(unsupported, 2.2);
    selectedPen = makePen(accent, 2.2);
    selectedHaloPen = makePen(withAlpha(accent, 80), 5);
    matchPen = makePen(match, 2.2);
    hoverPen = makePen(dark ? accent.lighter(130) : accent.darker(110), 1.4);
    boxAccentPen = cosmeticPen(accent, 2);
    boxUnsupportedPen = cosmeticPen(unsupported, 2);
    boxMatchPen = cosmeticPen(match, 2);
    accentBrush = QBrush(accent);

    const QColor edge = dark ? QColor(0x9a, 0xa4, 0xae) : QColor(0x70, 0x79, 0x84);
    edgePen = makePen(edge, 1.2);
    edgeHighlightPen = makePen(accent, 2.4);
    edgeThinPen = cosmeticPen(dark ? QColor(0x6c, 0x75, 0x7e) : QColor(0xa8, 0xb0, 0xb9), 1);
    edgeThinHighlightPen = cosmeticPen(accent, 2);
    edgeBrush = QBrush(edge);
    edgeHighlightBrush = QBrush(accent);

    heatFont = QGuiApplication::font();
    heatFont.setPixelSize(10);
    heatFont.setBold(true);
    unmeasuredFill = unmeasuredColor(dark);
    unmeasuredBorder = dark ? unmeasuredFill.lighter(140) : unmeasuredFill.darker(125);
    unmeasuredText = dark ? QColor(0xa0, 0xa8, 0xb0) : QColor(0x6a, 0x73, 0x7d);

    for (int i = 0; i < kFontSteps; ++i) {
        QFont title = QGuiApplication::font();
        title.setPixelSize(12 - i);
        title.setBold(true);
        titleFonts[static_cast<std::size_t>(i)] = title;
        QFont subtitle = QGuiApplication::font();
        subtitle.setPixelSize(11 - i);
        subtitleFonts[static_cast<std::size_t>(i)] = subtitle;
    }
}

GraphLabelCache::GraphLabelCache(const GraphStyle& style)
{
    for (const QFont& font : style.titleFonts)
        m_titleMetrics.emplace_back(font);
    for (const QFont& font : style.subtitleFonts)
        m_subtitleMetrics.emplace_back(font);
}

GraphText GraphLabelCache::title(const QString& text, double maxWidth, Qt::TextElideMode elide)
{
    return fit(text, maxWidth, elide, true);
}

GraphText GraphLabelCache::subtitle(const QString& text, double maxWidth)
{
    return fit(text, maxWidth, Qt::ElideRight, false);
}

QPainterPath GraphLabelCache::outline(const QSizeF& size, bool pill)
{
    // A model has a handful of node sizes: a short list beats hashing a formatted key per node.
    for (const Outline& o : m_outlines) {
        if (o.size == size && o.pill == pill)
            return o.path;
    }
    // Half a pixel in, so that the 1-pixel border stays inside the layout's rectangle.
    const QRectF r = QRectF(QPointF(0, 0), size).adjusted(0.5, 0.5, -0.5, -0.5);
    const double radius = pill ? r.height() / 2 : kNodeRadius;
    QPainterPath path;
    path.addRoundedRect(r, radius, radius);
    if (m_outlines.size() < 64)
        m_outlines.push_back({ size, pill, path });
    return path;
}

GraphText GraphLabelCache::fit(const QString& text, double maxWidth, Qt::TextElideMode elide, bool title)
{
    const QString key = (title ? QStringLiteral("t") : QStringLiteral("s")) + QString::number(elide) + QLatin1Char('|')
        + QString::number(maxWidth) + QLatin1Char('|') + text;
    const auto found = m_cache.constFind(key);
    if (found != m_cache.constEnd())
        return *found;
    const std::vector<QFontMetricsF>& metrics = title ? m_titleMetrics : m_subtitleMetrics;
    GraphText out;
    QString shown = text;
    double width = 0;
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        out.font = static_cast<int>(i);
        width = metrics[i].horizontalAdvance(text);
        if (width <= maxWidth)
            break;
    }
    const QFontMetricsF& fm = metrics[static_cast<std::size_t>(out.font)];
    if (width > maxWidth) {
        shown = fm.elidedText(text, elide, maxWidth);
        width = fm.horizontalAdvance(shown);
    }
    out.text.setTextFormat(Qt::PlainText);
    out.text.setText(shown);
    out.width = width;
    out.height = text.isEmpty() ? 0.0 : fm.height();
    m_cache.insert(key, out);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------

GraphNodeItem::GraphNodeItem(const GraphStyle* style, int node, const Profiler::ModelGraphNode& graphNode,
    const QSizeF& size, const Label& label, GraphLabelCache& labels)
    : m_style(style)
    , m_rect(QPointF(0, 0), size)
    , m_node(node)
    , m_index(graphNode.index)
    , m_kind(graphNode.kind)
    , m_category(static_cast<std::uint8_t>(label.category))
    , m_unsupported(label.unsupported)
{
    setAcceptHoverEvents(true);
    setZValue(1);

    m_outline = labels.outline(size, !isOperator());
    const double maxWidth = std::max(0.0, size.width() - 2 * kTextPadding);
    const GraphText title = labels.title(label.title, maxWidth, isOperator() ? Qt::ElideRight : Qt::ElideMiddle);
    const GraphText subtitle = labels.subtitle(label.subtitle, maxWidth);
    m_title = title.text;
    m_subtitle = subtitle.text;
    m_titleFont = static_cast<std::uint8_t>(title.font);
    m_subtitleFont = static_cast<std::uint8_t>(subtitle.font);
    const double top = (size.height() - title.height - subtitle.height) / 2;
    m_titlePos = QPointF((size.width() - title.width) / 2, top);
    m_subtitlePos = QPointF((size.width() - subtitle.width) / 2, top + title.height);
    m_titleHeight = static_cast<float>(title.height);
    m_subtitleHeight = static_cast<float>(subtitle.height);
}

void GraphNodeItem::setHeat(const Heat* heat)
{
    if (!heat || !isOperator()) {
        if (m_heat) {
            m_heat = false;
            m_heatText = QStaticText();
            update();
        }
        return;
    }
    const bool changed = !m_heat || heat->fill != m_heatFill || heat->line != m_heatText.text()
        || heat->measured != m_heatFill.isValid();
    if (!changed)
        return;
    m_heat = true;
    m_heatFill = heat->measured ? heat->fill : QColor();
    const QColor fill = heat->measured ? heat->fill : m_style->unmeasuredFill;
    m_heatBorder = heat->measured ? (m_style->dark ? fill.lighter(130) : fill.darker(135)) : m_style->unmeasuredBorder;
    m_heatTextColor = heat->measured ? heatTextColor(fill) : m_style->unmeasuredText;
    if (heat->line != m_heatText.text()) {
        m_heatText.setTextFormat(Qt::PlainText);
        m_heatText.setText(heat->line);
    }
    // Three lines where two were: title, shape, latency, centred together.
    const double titleHeight = static_cast<double>(m_titleHeight);
    const double subtitleHeight = static_cast<double>(m_subtitleHeight);
    const double lineHeight = heat->line.isEmpty() ? 0.0 : heat->lineHeight;
    const double top = std::max(1.0, (m_rect.height() - titleHeight - subtitleHeight - lineHeight) / 2);
    m_heatTitlePos = QPointF(m_titlePos.x(), top);
    m_heatSubtitlePos = QPointF(m_subtitlePos.x(), top + titleHeight);
    m_heatLinePos = QPointF((m_rect.width() - heat->lineWidth) / 2, top + titleHeight + subtitleHeight);
    update();
}

QColor GraphNodeItem::fillColor() const
{
    if (!isOperator())
        return m_style->ioBrush.color();
    if (m_heat)
        return m_heatFill.isValid() ? m_heatFill : m_style->unmeasuredFill;
    return m_style->categoryBrush[static_cast<std::size_t>(m_category)].color();
}

QColor GraphNodeItem::dotColor() const
{
    const GraphStyle& s = *m_style;
    if (m_current)
        return s.accent;
    if (m_match)
        return s.match;
    if (m_unsupported)
        return s.unsupported;
    if (m_heat)
        return m_heatBorder;
    return isOperator() ? s.categoryBoxPen[static_cast<std::size_t>(m_category)].color() : s.ioBoxPen.color();
}

QRectF GraphNodeItem::boundingRect() const
{
    return m_rect.adjusted(-kNodeMargin, -kNodeMargin, kNodeMargin, kNodeMargin);
}

QPainterPath GraphNodeItem::shape() const
{
    QPainterPath path;
    path.addRect(m_rect);
    return path;
}

void GraphNodeItem::setCurrent(bool current)
{
    if (current == m_current)
        return;
    m_current = current;
    setZValue(current ? 2 : 1);
    update();
}

void GraphNodeItem::setMatch(bool match)
{
    if (match == m_match)
        return;
    m_match = match;
    update();
}

void GraphNodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    update();
}

void GraphNodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    update();
}

void GraphNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const double scale = option->levelOfDetailFromTransform(painter->worldTransform());
    if (graphDetailForScale(scale) == GraphDetail::Full)
        paintFull(painter);
    else
        paintBox(painter, scale);
}

void GraphNodeItem::paintFull(QPainter* painter) const
{
    const GraphStyle& s = *m_style;
    const auto c = static_cast<std::size_t>(m_category);
    painter->setRenderHint(QPainter::Antialiasing, true);
    const QRectF r = m_rect.adjusted(0.5, 0.5, -0.5, -0.5);

    if (m_current) {
        // One node at a time: building its halo here costs nothing worth caching.
        const double radius = isOperator() ? kNodeRadius : r.height() / 2;
        painter->setPen(s.selectedHaloPen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(r.adjusted(-2.5, -2.5, 2.5, 2.5), radius + 2.5, radius + 2.5);
    }
    if (m_current)
        painter->setPen(s.selectedPen);
    else if (m_match)
        painter->setPen(s.matchPen);
    else if (m_unsupported)
        painter->setPen(s.unsupportedPen);
    else if (m_hovered)
        painter->setPen(s.hoverPen);
    else if (m_heat)
        painter->setPen(QPen(m_heatBorder, 1));
    else
        painter->setPen(isOperator() ? s.categoryPen[c] : s.ioPen);
    if (m_heat)
        painter->setBrush(m_heatFill.isValid() ? m_heatFill : s.unmeasuredFill);
    else
        painter->setBrush(isOperator() ? s.categoryBrush[c] : s.ioBrush);
    painter->drawPath(m_outline);

    if (m_heat) {
        painter->setFont(s.titleFonts[m_titleFont]);
        painter->setPen(m_heatTextColor);
        painter->drawStaticText(m_heatTitlePos, m_title);
        QColor muted = m_heatTextColor;
        muted.setAlpha(205);
        if (!m_subtitle.text().isEmpty()) {
            painter->setFont(s.subtitleFonts[m_subtitleFont]);
            painter->setPen(muted);
            painter->drawStaticText(m_heatSubtitlePos, m_subtitle);
        }
        if (!m_heatText.text().isEmpty()) {
            painter->setFont(s.heatFont);
            painter->setPen(m_heatTextColor);
            painter->drawStaticText(m_heatLinePos, m_heatText);
        }
    } else {
        painter->setFont(s.titleFonts[m_titleFont]);
        painter->setPen(isOperator() ? s.titlePen : s.ioTitlePen);
        painter->drawStaticText(m_titlePos, m_title);
        if (!m_subtitle.text().isEmpty()) {
            painter->setFont(s.subtitleFonts[m_subtitleFont]);
            painter->setPen(isOperator() ? s.subtitlePen : s.ioSubtitlePen);
            painter->drawStaticText(m_subtitlePos, m_subtitle);
        }
    }

    if (m_unsupported) {
        // A badge on the corner keeps "unsupported" visible while the node is selected or matched.
        const QPointF centre(r.right() - 1, r.top() + 1);
        painter->setPen(Qt::NoPen);
        painter->setBrush(s.badgeBrush);
        painter->drawEllipse(centre, 5.5, 5.5);
        painter->setPen(s.badgeMarkPen);
        painter->drawLine(centre + QPointF(0, -2.6), centre + QPointF(0, 0.8));
        painter->drawPoint(centre + QPointF(0, 2.8));
    }
}

void GraphNodeItem::paintBox(QPainter* painter, double scale) const
{
    const GraphStyle& s = *m_style;
    const auto c = static_cast<std::size_t>(m_category);
    painter->setRenderHint(QPainter::Antialiasing, false);
    if (m_rect.height() * scale < kGraphOverviewNodePixels) {
        // A few pixels: a border would cover the fill anyway.
        painter->fillRect(m_rect, dotColor());
        return;
    }
    if (m_current)
        painter->setPen(s.boxAccentPen);
    else if (m_match)
        painter->setPen(s.boxMatchPen);
    else if (m_unsupported)
        painter->setPen(s.boxUnsupportedPen);
    else if (m_heat)
        painter->setPen(cosmeticPen(m_heatBorder, 1));
    else
        painter->setPen(isOperator() ? s.categoryBoxPen[c] : s.ioBoxPen);
    if (m_current)
        painter->setBrush(s.accentBrush);
    else if (m_heat)
        painter->setBrush(m_heatFill.isValid() ? m_heatFill : s.unmeasuredFill);
    else
        painter->setBrush(isOperator() ? s.categoryBrush[c] : s.ioBrush);
    painter->drawRect(m_rect);
}

// ---------------------------------------------------------------------------------------------------------------------

QPainterPath graphEdgePath(const QPolygonF& points, double arrowLength, QPointF* tip, QPointF* direction)
{
    QPainterPath path;
    const int n = static_cast<int>(points.size());
    if (n < 2)
        return path;
    const QPointF end = points[n - 1];
    const QPointF before = points[n - 2];
    // The S-curves below enter the last point vertically; a flat last segment enters along itself.
    QPointF dir;
    const double dy = end.y() - before.y();
    if (std::abs(dy) > 1e-6) {
        dir = QPointF(0, dy > 0 ? 1 : -1);
    } else {
        const QPointF d = end - before;
        const double len = std::hypot(d.x(), d.y());
        dir = len > 1e-9 ? d / len : QPointF(0, 1);
    }
    if (tip)
        *tip = end;
    if (direction)
        *direction = dir;

    path.moveTo(points[0]);
    for (int i = 1; i < n; ++i) {
        const QPointF a = points[i - 1];
        QPointF b = points[i];
        if (i == n - 1) {
            // Stop short of the tip, but never before the segment's start: short last segments keep their shape.
            const double segment = std::hypot(b.x() - a.x(), b.y() - a.y());
            b -= dir * std::min(arrowLength * 0.85, segment * 0.5);
        }
        const double half = (b.y() - a.y()) / 2;
        if (std::abs(half) < 1e-6)
            path.lineTo(b);
        else
            path.cubicTo(QPointF(a.x(), a.y() + half), QPointF(b.x(), b.y() - half), b);
    }
    return path;
}

GraphEdgeItem::GraphEdgeItem(
    const GraphStyle* style, int edge, int tensor, int fromNode, int toNode, const std::vector<QPointF>& points)
    : m_style(style)
    , m_points(points.begin(), points.end())
    , m_edge(edge)
    , m_tensor(tensor)
    , m_from(fromNode)
    , m_to(toNode)
{
    setAcceptHoverEvents(true);
    setZValue(0);
    // The curve stays within the box of the layout's points (each S-curve's control points lie in the box of its
    // segment's ends); the arrow head reaches out by its half width, the pen by half its width.
    const double margin = kArrowHalfWidth + 3;
    m_bounds = m_points.boundingRect().adjusted(-margin, -margin, margin, margin);
}

const QPainterPath& GraphEdgeItem::path() const
{
    if (!m_pathBuilt)
        buildPath();
    return m_path;
}

void GraphEdgeItem::buildPath() const
{
    m_pathBuilt = true;
    QPointF tip;
    QPointF dir;
    m_path = graphEdgePath(m_points, kArrowLength, &tip, &dir);
    if (m_points.size() >= 2) {
        const QPointF normal(-dir.y(), dir.x());
        const QPointF base = tip - dir * kArrowLength;
        m_arrow << tip << base + normal * kArrowHalfWidth << base - normal * kArrowHalfWidth;
    }
}

QPainterPath GraphEdgeItem::shape() const
{
    if (m_hitShape.isEmpty() && !path().isEmpty()) {
        QPainterPathStroker stroker;
        stroker.setWidth(kEdgeHitWidth);
        stroker.setCapStyle(Qt::RoundCap);
        m_hitShape = stroker.createStroke(m_path);
        m_hitShape.addPolygon(m_arrow);
        m_hitShape.closeSubpath();
    }
    return m_hitShape;
}

void GraphEdgeItem::setHighlighted(bool highlighted)
{
    if (highlighted == m_highlighted)
        return;
    m_highlighted = highlighted;
    updateZ();
    update();
}

void GraphEdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    updateZ();
    update();
}

void GraphEdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    updateZ();
    update();
}

void GraphEdgeItem::updateZ()
{
    setZValue(m_hovered || m_highlighted ? 0.5 : 0);
}

void GraphEdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const GraphStyle& s = *m_style;
    const bool strong = m_highlighted || m_hovered;
    const double scale = option->levelOfDetailFromTransform(painter->worldTransform());
    if (graphDetailForScale(scale) == GraphDetail::Boxes) {
        // Far out, an edge shorter than a couple of pixels only darkens the nodes it joins: skip it. On a 10k-node
        // graph at fit this halves the frame time.
        if (!strong && std::max(m_bounds.width(), m_bounds.height()) * scale < 2.5)
            return;
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(strong ? s.edgeThinHighlightPen : s.edgeThinPen);
        painter->drawPolyline(m_points);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setPen(strong ? s.edgeHighlightPen : s.edgePen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());
    painter->setPen(Qt::NoPen);
    painter->setBrush(strong ? s.edgeHighlightBrush : s.edgeBrush);
    painter->drawPolygon(m_arrow);
}

} // namespace Widgets
