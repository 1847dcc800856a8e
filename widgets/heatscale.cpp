// SPDX-License-Identifier: GPL-3.0-or-later
#include "heatscale.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QStringList>

#include <algorithm>
#include <array>
#include <cmath>

namespace Widgets {

namespace {

struct Stop
{
    double at;
    QRgb color;
};

// Lightness (CIE L*) of the stops: 96, 86, 76, 62, 46, 29: evenly falling, so equal steps of share look like equal
// steps of colour, and the order survives greyscale printing.
constexpr std::array<Stop, 6> kStops { {
    { 0.0, 0xfcf4c8 },
    { 0.2, 0xfad382 },
    { 0.4, 0xf6aa5a },
    { 0.6, 0xe8733e },
    { 0.8, 0xc43c39 },
    { 1.0, 0x7d1d48 },
} };

QString tr(const char* text)
{
    return QCoreApplication::translate("Widgets::HeatScale", text);
}

constexpr double kPadding = 8;
constexpr double kBarWidth = 150;
constexpr double kBarHeight = 10;

} // namespace

QColor heatScaleColor(double t)
{
    if (std::isnan(t))
        t = 0;
    t = std::clamp(t, 0.0, 1.0);
    std::size_t i = 1;
    while (i + 1 < kStops.size() && t > kStops[i].at)
        ++i;
    const Stop& a = kStops[i - 1];
    const Stop& b = kStops[i];
    const double f = (t - a.at) / (b.at - a.at);
    const auto mix = [f](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * f)); };
    return QColor(
        mix(qRed(a.color), qRed(b.color)), mix(qGreen(a.color), qGreen(b.color)), mix(qBlue(a.color), qBlue(b.color)));
}

QColor heatTextColor(const QColor& fill)
{
    // Relative luminance in sRGB; the white/dark switch sits where both have about the same contrast.
    const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    const double y = 0.2126 * linear(fill.redF()) + 0.7152 * linear(fill.greenF()) + 0.0722 * linear(fill.blueF());
    return y > 0.2 ? QColor(0x1d, 0x23, 0x2b) : QColor(0xff, 0xff, 0xff);
}

QColor unmeasuredColor(bool darkPalette)
{
    return darkPalette ? QColor(0x3b, 0x40, 0x46) : QColor(0xd5, 0xd9, 0xde);
}

double heatPosition(double share, double maxShare)
{
    if (!(maxShare > 0) || std::isnan(share))
        return 0;
    return std::clamp(share / maxShare, 0.0, 1.0);
}

double maximumShare(const Profiler::LatencyProfile& profile)
{
    double m = 0;
    for (const Profiler::LayerLatency& l : profile.layers) {
        if (l.measured() && l.share > m)
            m = l.share;
    }
    return m;
}

QString formatMilliseconds(double ms)
{
    if (std::isnan(ms))
        return {};
    const double magnitude = std::abs(ms);
    const int decimals = magnitude <= 0 ? 0 : std::clamp(2 - static_cast<int>(std::floor(std::log10(magnitude))), 0, 5);
    return QLocale().toString(ms, 'f', decimals);
}

QString formatTicks(double ticks)
{
    if (std::isnan(ticks))
        return {};
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale.toString(static_cast<qlonglong>(std::llround(ticks)));
}

QString formatLatency(const Profiler::LatencyProfile& profile, double ticks)
{
    if (std::isnan(ticks))
        return {};
    if (profile.hasTime())
        return formatMilliseconds(profile.ticksToMs(ticks)) + QStringLiteral(" ms");
    return formatTicks(ticks) + QStringLiteral(" ticks");
}

QString latencyUnit(const Profiler::LatencyProfile& profile)
{
    return profile.hasTime() ? QStringLiteral("ms") : QStringLiteral("ticks");
}

QString formatShare(double share)
{
    if (std::isnan(share))
        return {};
    return QLocale().toString(share * 100.0, 'f', 1) + QStringLiteral(" %");
}

QString formatCyclesPerMac(double cycles)
{
    if (std::isnan(cycles))
        return {};
    return QLocale().toString(cycles, 'f', cycles >= 100 ? 0 : 2);
}

QString runsSummary(const Profiler::LatencyProfile& profile)
{
    QString text = profile.runsUsed == 1 ? tr("1 run") : tr("%1 runs").arg(profile.runsUsed);
    QStringList notes;
    if (profile.warmupRun >= 0)
        notes << tr("warm-up excluded");
    if (profile.runsIncomplete > 0)
        notes << tr("%1 cut short").arg(profile.runsIncomplete);
    if (!notes.isEmpty())
        text += QStringLiteral(" (") + notes.join(QStringLiteral(", ")) + QLatin1Char(')');
    return text;
}

HeatLegend heatLegendFor(const Profiler::LatencyProfile& profile)
{
    HeatLegend legend;
    legend.maxShare = maximumShare(profile);
    legend.runs = runsSummary(profile);
    legend.source = profile.boardName.isEmpty() ? profile.source : profile.boardName;
    legend.unmeasured = profile.measuredLayers() < static_cast<int>(profile.layers.size());
    return legend;
}

QSizeF heatLegendSize(const HeatLegend& legend, const QFont& font)
{
    const QFontMetricsF fm(font);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF bm(bold);
    double width = std::max({ kBarWidth, bm.horizontalAdvance(tr("Share of measured time")),
        fm.horizontalAdvance(legend.runs), fm.horizontalAdvance(tr("not measured")) + kBarHeight + 6 });
    if (!legend.source.isEmpty())
        width = std::max(width, std::min(fm.horizontalAdvance(legend.source), 260.0));
    int lines = 2; // runs, range labels
    if (!legend.source.isEmpty())
        ++lines;
    if (legend.unmeasured)
        ++lines;
    const double height = bm.height() + 4 + kBarHeight + 2 + lines * fm.height();
    return { std::ceil(width + 2 * kPadding), std::ceil(height + 2 * kPadding) };
}

void paintHeatLegend(QPainter* painter, const QRectF& rect, const HeatLegend& legend, const QFont& font,
    const QColor& text, const QColor& background)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor back = background;
    back.setAlpha(235);
    QColor frame = text;
    frame.setAlpha(70);
    painter->setPen(QPen(frame, 1));
    painter->setBrush(back);
    painter->drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

    const QFontMetricsF fm(font);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF bm(bold);
    const double left = rect.left() + kPadding;
    const double width = rect.width() - 2 * kPadding;
    double y = rect.top() + kPadding;

    painter->setFont(bold);
    painter->setPen(text);
    painter->drawText(
        QRectF(left, y, width, bm.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("Share of measured time"));
    y += bm.height() + 4;

    const QRectF bar(left, y, width, kBarHeight);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (const Stop& stop : kStops)
        gradient.setColorAt(stop.at, QColor(stop.color));
    painter->setPen(QPen(frame, 1));
    painter->setBrush(gradient);
    painter->drawRect(bar);
    y += kBarHeight + 2;

    QColor muted = text;
    muted.setAlpha(200);
    painter->setFont(font);
    painter->setPen(muted);
    const QRectF rangeLine(left, y, width, fm.height());
    painter->drawText(rangeLine, Qt::AlignLeft | Qt::AlignVCenter, formatShare(0));
    painter->drawText(rangeLine, Qt::AlignRight | Qt::AlignVCenter, formatShare(legend.maxShare));
    y += fm.height();
    if (legend.unmeasured) {
        const QRectF swatch(left, y + (fm.height() - kBarHeight) / 2, kBarHeight, kBarHeight);
        painter->setPen(QPen(frame, 1));
        painter->setBrush(unmeasuredColor(background.lightness() < text.lightness()));
        painter->drawRect(swatch);
        painter->setPen(muted);
        painter->drawText(QRectF(left + kBarHeight + 6, y, width - kBarHeight - 6, fm.height()),
            Qt::AlignLeft | Qt::AlignVCenter, tr("not measured"));
        y += fm.height();
    }
    painter->drawText(QRectF(left, y, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, legend.runs);
    y += fm.height();
    if (!legend.source.isEmpty()) {
        painter->drawText(QRectF(left, y, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
            fm.elidedText(legend.source, Qt::ElideMiddle, width));
    }
    painter->restore();
}

} // namespace Widgets
