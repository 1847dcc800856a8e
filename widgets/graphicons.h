// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QIcon>

namespace Widgets {

enum class GraphIcon { ZoomIn, ZoomOut, Fit, Find, Up, Down, Close };

/** A small monochrome icon for the graph view's buttons, drawn in `color` (no icon theme is guaranteed). */
QIcon graphIcon(GraphIcon icon, const QColor& color);

} // namespace Widgets
