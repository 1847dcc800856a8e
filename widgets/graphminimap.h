// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QWidget>

class QGraphicsView;

namespace Widgets {

/** A small overview of the whole scene in a corner of a graph view, with the visible part framed. Clicking or
 *  dragging on it centres the view there. The overview is rendered once per scene (refresh()), not per frame. */
class GraphMinimap : public QWidget
{
    Q_OBJECT

public:
    explicit GraphMinimap(QGraphicsView* view, QWidget* parent = nullptr);

    /** Marks the overview out of date; call after the scene changed. It is rendered on the next paint. */
    void refresh();
    /** The widget size for a scene of `sceneSize` within `maximum`, keeping the aspect ratio (within limits). */
    static QSize sizeFor(const QSizeF& sceneSize, const QSize& maximum);

    /** Scene point under minimap position `pos`. */
    QPointF mapToScene(const QPointF& pos) const;
    /** Where the view's visible scene area is drawn, in widget coordinates. */
    QRectF viewportFrame() const;

Q_SIGNALS:
    void navigated(); ///< the user moved the view with the minimap

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRectF imageRect() const; // where the scene sits inside the widget
    void moveViewTo(const QPointF& pos);
    void renderOverview();

    QGraphicsView* m_view;
    QImage m_image;
    QRectF m_sceneRect;
    bool m_dragging = false;
    bool m_stale = true;
};

} // namespace Widgets
