// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "latency/latency.h"

#include <QColor>
#include <QString>

class QFont;
class QPainter;
class QRectF;
class QSizeF;

namespace Widgets {

/*
 * The heat scale of measured latency and the wording of latency figures, shared by the graph, the table, the
 * timeline, the properties and the comparison so that they all read the same.
 *
 * The scale is sequential: pale yellow (cool) through orange and red to a dark crimson (hot). Its lightness falls
 * steadily from one end to the other, so the order reads without relying on hue: in grey, and for the common forms
 * of colour blindness (no red/green pair carries the meaning).
 */

/** Colour of position `t` (0 = coolest, 1 = hottest; clamped) on the heat scale. */
QColor heatScaleColor(double t);

/** Text colour readable on `fill`: dark on the light end of the scale, white on the dark end. */
QColor heatTextColor(const QColor& fill);

/** Fill of an operator that has no measurement, greyed out against the heat colours. */
QColor unmeasuredColor(bool darkPalette);

/** Position on the heat scale of a layer with `share` of the measured time when the hottest layer has `maxShare`:
 *  the scale spans 0 .. the hottest layer, so the hot spot is always the darkest colour. */
double heatPosition(double share, double maxShare);

/** The largest share of any measured layer of `profile` (0 when none is measured). */
double maximumShare(const Profiler::LatencyProfile& profile);

/** "12.3", "0.452", "1 234": milliseconds with three significant digits (no unit). */
QString formatMilliseconds(double ms);
/** "249 561": whole ticks with grouped digits (no unit). */
QString formatTicks(double ticks);
/** A tick count as the profile shows it: "1.23 ms" with a tick rate, "249 561 ticks" without. Empty for NaN. */
QString formatLatency(const Profiler::LatencyProfile& profile, double ticks);
/** The unit formatLatency() uses for `profile`: "ms" or "ticks". */
QString latencyUnit(const Profiler::LatencyProfile& profile);
/** "12.5 %" of a share 0..1. */
QString formatShare(double share);
/** "3.42": cycles per MAC. */
QString formatCyclesPerMac(double cycles);
/** "20 runs (warm-up excluded, 2 cut short)": what the statistics were computed over. */
QString runsSummary(const Profiler::LatencyProfile& profile);

/** What the heat legend shows. */
struct HeatLegend
{
    double maxShare = 0; ///< share of the hottest layer, the top of the scale
    QString runs; ///< runsSummary()
    QString source; ///< board or source, may be empty
    bool unmeasured = false; ///< some operators have no measurement: show the grey swatch
};
HeatLegend heatLegendFor(const Profiler::LatencyProfile& profile);

/** Size the legend takes with `font`. */
QSizeF heatLegendSize(const HeatLegend& legend, const QFont& font);
/** Paints the legend (a framed box with the title, the colour bar with its range, the runs) into `rect`, with
 *  `text` and `background` colours of the surrounding palette. */
void paintHeatLegend(QPainter* painter, const QRectF& rect, const HeatLegend& legend, const QFont& font,
    const QColor& text, const QColor& background);

} // namespace Widgets
