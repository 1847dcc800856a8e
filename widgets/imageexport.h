// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"
#include "timelinedata.h"

#include <QByteArray>
#include <QSize>
#include <QSizeF>
#include <QString>

#include <optional>

namespace Widgets {

class GraphScene;
class MemoryPlotWidget;

/*
 * Images of the views for files, reports and the command line: the graph as PNG or SVG, the memory timeline and the
 * arena map as PNG, SVG or PDF. Everything renders into memory without showing a window (QT_QPA_PLATFORM=offscreen
 * is enough), and returns bytes: the caller writes them atomically (Report::writeFileAtomically) or embeds them.
 * With a latency profile the graph is painted in heat colours with its legend, and the memory plots get a heat strip
 * under the plot (one cell per operator step) and the heat legend in their header. Details: docs/reports.md.
 */

/** Image file formats of the exports. */
enum class ImageFormat {
    Png,
    Svg,
    Pdf,
};

/** "png", "svg", "pdf": file suffix and command-line spelling. */
QString imageFormatName(ImageFormat format);
/** "image/png", "image/svg+xml", "application/pdf". */
QString imageMimeType(ImageFormat format);
/** The format named by `nameOrPath` ("svg", "SVG", "out/graph.svg"); nullopt for anything else. */
std::optional<ImageFormat> imageFormatFromName(const QString& nameOrPath);

/** One rendered image, or why it could not be rendered. */
struct ExportedImage
{
    QByteArray data; ///< the file's bytes; empty on failure
    ImageFormat format = ImageFormat::Png;
    QSize size; ///< pixels of a PNG; for SVG and PDF the drawing's size in CSS pixels (1/96 inch)
    double scale = 1; ///< graph: pixels per layout unit actually used (smaller than asked when the image was capped)
    QString note; ///< set when the result differs from what was asked, e.g. "scaled down to 0.25x: ..."
    QString error; ///< set on failure: what could not be rendered and why

    bool ok() const { return error.isEmpty() && !data.isEmpty(); }
};

/** A graph PNG holds at most this many pixels (about 190 MiB while it is drawn); larger ones are scaled down. */
inline constexpr qint64 kMaxGraphPixels = 48'000'000;
/** Neither side of a PNG exceeds this (QPainter's raster coordinates and most image viewers stop here). */
inline constexpr int kMaxImageSide = 32'767;
/** The scales offered for graph PNGs. */
inline constexpr double kGraphScales[] = { 0.5, 1.0, 1.5, 2.0, 3.0, 4.0 };

/** Pixel size of a graph PNG and the scale it is drawn at. */
struct GraphImagePlan
{
    QSize size;
    double scale = 1; ///< pixels per layout unit
    bool reduced = false; ///< the asked scale did not fit the limits
};

/**
 * The size of a graph PNG of a scene `sceneSize` layout units large at `scale` pixels per unit (clamped to
 * 0.05 .. 8), computed before any pixel is allocated: when it would exceed `maxPixels` or `maxSide` on a side, the
 * scale is reduced until it fits (`reduced`). Pure arithmetic, for tests and for the dialog's size preview.
 */
GraphImagePlan planGraphImage(
    const QSizeF& sceneSize, double scale, qint64 maxPixels = kMaxGraphPixels, int maxSide = kMaxImageSide);

/** The graph of `scene` (all of it, with the scene's background and, with latency, the heat legend) as a PNG at
 *  `scale`, reduced to the limits of planGraphImage() with a note saying so; fails for an empty scene or when the
 *  image cannot be allocated. */
ExportedImage graphToPng(GraphScene& scene, double scale, qint64 maxPixels = kMaxGraphPixels);

/** The graph of `scene` as SVG, one SVG pixel per layout unit: text stays text, any size of graph keeps every
 *  detail. */
ExportedImage graphToSvg(GraphScene& scene, const QString& title = {});

/** graphToPng() or graphToSvg(); PDF is not offered for graphs (tall graphs exceed PDF page limits). */
ExportedImage graphToImage(GraphScene& scene, ImageFormat format, double scale = 1, qint64 maxPixels = kMaxGraphPixels);

/** Options of a memory plot image. */
struct PlotImageOptions
{
    QSize size { 1200, 560 }; ///< the drawing, in logical pixels (header and heat strip included)
    double pixelRatio = 2; ///< PNG pixels per logical pixel (2 stays sharp on high-density screens and in print)
    QString title; ///< first header line; empty: "Memory timeline" or "Arena map"
    Profiler::LatencyProfilePtr latency; ///< paints the heat strip and legend; null: none
};

/** The plot of a memory timeline or arena map (not its plan selector) with a header (title and the widget's summary)
 *  as PNG (options.size x pixelRatio pixels), SVG or PDF (one page of options.size). The widget need not be shown. */
ExportedImage memoryPlotToImage(MemoryPlotWidget& widget, ImageFormat format, const PlotImageOptions& options = {});

/** The graph of `subgraph` of `document` (which needs its layout) rendered without any view: for the command line.
 *  Needs a QGuiApplication (the offscreen platform will do). */
ExportedImage renderGraphImage(const Profiler::ModelDocumentPtr& document, int subgraph,
    const Profiler::LatencyProfilePtr& latency, ImageFormat format, double scale = 1,
    qint64 maxPixels = kMaxGraphPixels);

/** The memory timeline of `plan` rendered without showing a window (measured-time axis when `options.latency` is
 *  set); needs a QApplication. */
ExportedImage renderTimelineImage(const Profiler::ModelDocumentPtr& document, PlanKind plan, ImageFormat format,
    const PlotImageOptions& options = {});

/** The arena map of `plan`, as renderTimelineImage(). */
ExportedImage renderArenaMapImage(const Profiler::ModelDocumentPtr& document, PlanKind plan, ImageFormat format,
    const PlotImageOptions& options = {});

} // namespace Widgets
