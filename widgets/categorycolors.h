// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/opinfo.h"

#include <QColor>

namespace Widgets {

/** Fill colour of an operator category, readable with dark text on a light palette and light text on a dark one. */
QColor categoryColor(Profiler::OpCategory category, bool darkPalette = false);

/** Human name of a category: "Convolution", "Fully connected", ... */
QString categoryLabel(Profiler::OpCategory category);

/** True when the application palette is dark (window background darker than its text). */
bool paletteIsDark();

/** Heat colour for a share 0..1 (cool to hot), for measured latencies and memory pressure: heatScaleColor(). */
QColor heatColor(double share);

} // namespace Widgets
