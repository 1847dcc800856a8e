// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphminimap.h"

#include "graphscene.h"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace Widgets {

namespace {

constexpr int kPadding = 4;
constexpr int kMinSide = 36;

} // namespace

GraphMinimap::GraphMinimap(QGraphicsView* view, QWidget* parent)
    : QWidget(parent)
    , m_view(view)
{
    setObjectName(QStringLiteral("graphMinimap"));
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the view"));
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

QSize GraphMinimap::sizeFor(const QSizeF& sceneSize, const QSize& maximum)
{
    if (sceneSize.isEmpty() || maximum.isEmpty())
        return { kMinSide, kMinSide };
    const QSizeF inner(maximum.width() - 2 * kPadding, maximum.height() - 2 * kPadding);
    const QSizeF fitted = sceneSize.scaled(inner, Qt::KeepAspectRatio);
    return { std::max(kMinSide, static_cast<int>(fitted.width()) + 2 * kPadding),
        std::max(kMinSide, static_cast<int>(fitted.height()) + 2 * kPadding) };
}

QRectF GraphMinimap::imageRect() const
{
    // sizeFor() keeps the scene's aspect ratio unless the scene is extremely tall or wide; then the overview is
    // stretched across the shorter side rather than shrunk to a hairline.
    return QRectF(rect()).adjusted(kPadding, kPadding, -kPadding, -kPadding);
}

void GraphMinimap::refresh()
{
    QGraphicsScene* scene = m_view ? m_view->scene() : nullptr;
    m_sceneRect = scene ? scene->sceneRect() : QRectF();
    m_stale = true;
    update();
}

void GraphMinimap::renderOverview()
{
    m_stale = false;
    QGraphicsScene* scene = m_view ? m_view->scene() : nullptr;
    m_image = QImage();
    const QRectF target = imageRect();
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (target.size() * dpr).toSize();
    if (scene && !pixels.isEmpty() && !m_sceneRect.isEmpty()) {
        m_image = QImage(pixels, QImage::Format_ARGB32_Premultiplied);
        m_image.fill(Qt::transparent);
        const double sx = pixels.width() / m_sceneRect.width();
        const double sy = pixels.height() / m_sceneRect.height();
        const auto* graphScene = qobject_cast<const GraphScene*>(scene);
        {
            QPainter painter(&m_image);
            if (graphScene && graphScene->detailForScale(std::min(sx, sy)) == GraphDetail::Overview) {
                // A large graph: its boxes straight from the overview index, not item by item.
                const QTransform toImage = QTransform::fromTranslate(-m_sceneRect.left(), -m_sceneRect.top())
                    * QTransform::fromScale(sx, sy);
                graphScene->paintOverview(&painter, toImage, m_sceneRect);
            } else {
                scene->render(&painter, QRectF(QPointF(0, 0), QSizeF(pixels)), m_sceneRect, Qt::IgnoreAspectRatio);
            }
        }
        m_image.setDevicePixelRatio(dpr);
    }
}

QPointF GraphMinimap::mapToScene(const QPointF& pos) const
{
    const QRectF image = imageRect();
    if (image.isEmpty() || m_sceneRect.isEmpty())
        return m_sceneRect.center();
    const double sx = m_sceneRect.width() / image.width();
    const double sy = m_sceneRect.height() / image.height();
    return { m_sceneRect.left() + (pos.x() - image.left()) * sx, m_sceneRect.top() + (pos.y() - image.top()) * sy };
}

QRectF GraphMinimap::viewportFrame() const
{
    const QRectF image = imageRect();
    if (!m_view || image.isEmpty() || m_sceneRect.isEmpty())
        return {};
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    const double sx = image.width() / m_sceneRect.width();
    const double sy = image.height() / m_sceneRect.height();
    const QRectF frame(image.left() + (visible.left() - m_sceneRect.left()) * sx,
        image.top() + (visible.top() - m_sceneRect.top()) * sy, visible.width() * sx, visible.height() * sy);
    return frame.intersected(image);
}

void GraphMinimap::paintEvent(QPaintEvent*)
{
    if (m_stale)
        renderOverview();
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    QColor background = palette().color(QPalette::Base);
    background.setAlpha(235);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(background);
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    if (!m_image.isNull())
        painter.drawImage(imageRect().topLeft(), m_image);

    const QRectF frame = viewportFrame();
    if (!frame.isEmpty()) {
        QColor accent = palette().color(QPalette::Highlight);
        painter.setPen(QPen(accent, 1.5));
        accent.setAlpha(40);
        painter.setBrush(accent);
        painter.drawRect(frame.adjusted(0.75, 0.75, -0.75, -0.75));
    }
}

void GraphMinimap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    refresh();
}

void GraphMinimap::moveViewTo(const QPointF& pos)
{
    if (!m_view)
        return;
    m_view->centerOn(mapToScene(pos));
    update();
    Q_EMIT navigated();
}

void GraphMinimap::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_dragging = true;
    moveViewTo(event->position());
    event->accept();
}

void GraphMinimap::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragging)
        moveViewTo(event->position());
    event->accept();
}

void GraphMinimap::mouseReleaseEvent(QMouseEvent* event)
{
    m_dragging = false;
    event->accept();
}

} // namespace Widgets
