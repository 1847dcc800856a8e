// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphicons.h"

#include <QPainter>
#include <QPixmap>

namespace Widgets {

QIcon graphIcon(GraphIcon icon, const QColor& color)
{
    // 16 x 16 logical pixels at twice the resolution, so that the icon stays sharp on high-density screens.
    QPixmap pixmap(32, 32);
    pixmap.setDevicePixelRatio(2);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing, true);
    QPen pen(color, 1.5);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    p.setPen(pen);
    switch (icon) {
    case GraphIcon::Fit: {
        const double a = 2.5;
        const double b = 13.5;
        const double l = 4;
        p.drawPolyline(QPolygonF({ QPointF(a, a + l), QPointF(a, a), QPointF(a + l, a) }));
        p.drawPolyline(QPolygonF({ QPointF(b - l, a), QPointF(b, a), QPointF(b, a + l) }));
        p.drawPolyline(QPolygonF({ QPointF(b, b - l), QPointF(b, b), QPointF(b - l, b) }));
        p.drawPolyline(QPolygonF({ QPointF(a + l, b), QPointF(a, b), QPointF(a, b - l) }));
        p.drawRoundedRect(QRectF(6, 6, 4, 4), 0.8, 0.8);
        break;
    }
    case GraphIcon::Up:
        p.drawPolyline(QPolygonF({ QPointF(3.5, 10.5), QPointF(8, 6), QPointF(12.5, 10.5) }));
        break;
    case GraphIcon::Down:
        p.drawPolyline(QPolygonF({ QPointF(3.5, 6), QPointF(8, 10.5), QPointF(12.5, 6) }));
        break;
    case GraphIcon::Close:
        p.drawLine(QPointF(4.5, 4.5), QPointF(11.5, 11.5));
        p.drawLine(QPointF(11.5, 4.5), QPointF(4.5, 11.5));
        break;
    case GraphIcon::ZoomIn:
    case GraphIcon::ZoomOut:
    case GraphIcon::Find: {
        const QPointF centre(6.8, 6.8);
        p.drawEllipse(centre, 4.6, 4.6);
        pen.setWidthF(2.2);
        p.setPen(pen);
        p.drawLine(QPointF(10.3, 10.3), QPointF(14, 14));
        pen.setWidthF(1.4);
        p.setPen(pen);
        if (icon != GraphIcon::Find)
            p.drawLine(centre - QPointF(2.4, 0), centre + QPointF(2.4, 0));
        if (icon == GraphIcon::ZoomIn)
            p.drawLine(centre - QPointF(0, 2.4), centre + QPointF(0, 2.4));
        break;
    }
    }
    return QIcon(pixmap);
}

} // namespace Widgets
