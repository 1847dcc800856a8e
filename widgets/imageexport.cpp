// SPDX-License-Identifier: GPL-3.0-or-later
#include "imageexport.h"

#include "arenamap.h"
#include "graphscene.h"
#include "heatscale.h"
#include "memorytimeline.h"
#include "qcustomplotinclude.h"

#include <QBuffer>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <functional>

namespace Widgets {

namespace {

constexpr double kMinGraphScale = 0.05;
constexpr double kMaxGraphScale = 8.0;
constexpr int kHeaderPadding = 8;
constexpr int kStripHeight = 12;
constexpr int kStripGap = 6;

ExportedImage failure(ImageFormat format, const QString& error)
{
    ExportedImage out;
    out.format = format;
    out.error = error;
    return out;
}

QString scaleText(double scale)
{
    return QString::number(scale, 'g', 3) + QLatin1Char('x');
}

QByteArray encodePng(const QImage& image, QString* error)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        *error = QStringLiteral("the PNG encoder failed");
        return {};
    }
    return bytes;
}

/** Renders `paint` (which draws into a logical `size`) as PNG (size x pixelRatio), SVG or one PDF page. */
ExportedImage renderVector(ImageFormat format, const QSize& size, double pixelRatio, const QString& title,
    const std::function<void(QPainter&)>& paint)
{
    ExportedImage out;
    out.format = format;
    out.size = size;
    if (size.isEmpty())
        return failure(format, QStringLiteral("the image would be empty"));
    switch (format) {
    case ImageFormat::Png: {
        const double ratio = std::clamp(pixelRatio, 0.25, 8.0);
        const QSize pixels(
            static_cast<int>(std::lround(size.width() * ratio)), static_cast<int>(std::lround(size.height() * ratio)));
        QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            return failure(format,
                QStringLiteral("cannot allocate a %1 x %2 pixel image").arg(pixels.width()).arg(pixels.height()));
        image.fill(Qt::white);
        {
            QCPPainter painter(&image);
            painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
            painter.scale(ratio, ratio);
            paint(painter);
        }
        out.size = pixels;
        out.data = encodePng(image, &out.error);
        break;
    }
    case ImageFormat::Svg: {
        QBuffer buffer(&out.data);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setResolution(96); // one SVG user unit per CSS pixel
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(title);
        generator.setDescription(QStringLiteral("Exported by TinyScope"));
        QCPPainter painter;
        if (!painter.begin(&generator))
            return failure(format, QStringLiteral("the SVG generator could not start"));
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        paint(painter);
        painter.end();
        break;
    }
    case ImageFormat::Pdf: {
        QBuffer buffer(&out.data);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter writer(&buffer);
        writer.setCreator(QStringLiteral("TinyScope"));
        writer.setTitle(title);
        writer.setResolution(96);
        // One page exactly the drawing's size: 96 logical pixels per inch, 72 points per inch.
        writer.setPageLayout(
            QPageLayout(QPageSize(QSizeF(size.width() * 72.0 / 96.0, size.height() * 72.0 / 96.0), QPageSize::Point),
                QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        QCPPainter painter;
        if (!painter.begin(&writer))
            return failure(format, QStringLiteral("the PDF writer could not start"));
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        // The page's device pixels are 1/96 inch: logical pixels map 1:1.
        paint(painter);
        painter.end();
        break;
    }
    }
    if (out.data.isEmpty() && out.error.isEmpty())
        out.error = QStringLiteral("nothing was written");
    return out;
}

/** The x range [left, right) of each step on the plot's x axis, and the operator it runs. */
struct StepSpan
{
    double left = 0;
    double right = 0;
    int subgraph = 0;
    int op = -1;
};

std::vector<StepSpan> stepSpans(MemoryPlotWidget& widget)
{
    std::vector<StepSpan> spans;
    const Profiler::ModelDocumentPtr document = widget.document();
    if (!document)
        return spans;
    const Profiler::MemoryProblem* problem = planOf(document->memory, widget.plan()).problem;
    if (!problem)
        return spans;
    const auto* timeline = qobject_cast<MemoryTimeline*>(&widget);
    const int steps = static_cast<int>(problem->steps.size());
    spans.reserve(problem->steps.size());
    for (int s = 0; s < steps; ++s) {
        StepSpan span;
        if (timeline) {
            span.left = timeline->stepLeft(s);
            span.right = timeline->stepRight(s);
        } else {
            span.left = s - 0.5; // the arena map: a step is one unit wide, centred on its index
            span.right = s + 0.5;
        }
        const Profiler::MemoryStep& step = problem->steps[static_cast<std::size_t>(s)];
        span.subgraph = step.subgraph;
        span.op = step.op;
        spans.push_back(span);
    }
    return spans;
}

/** One cell per operator step, under the plot, in the heat colour of the operator's share of the measured time. */
void paintHeatStrip(QPainter& painter, QCustomPlot& plot, const std::vector<StepSpan>& spans,
    const Profiler::LatencyProfile& latency, const QRectF& strip, const QFont& font)
{
    const QRect axisRect = plot.axisRect()->rect();
    const double left = strip.left() + axisRect.left();
    const double right = strip.left() + axisRect.right();
    painter.save();
    painter.setFont(font);
    painter.setPen(QColor(0x1d, 0x23, 0x2b));
    painter.drawText(QRectF(strip.left(), strip.top() - 4, axisRect.left() - 6, strip.height() + 8),
        Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("latency"));
    painter.setPen(Qt::NoPen);
    painter.setBrush(unmeasuredColor(false));
    painter.drawRect(QRectF(left, strip.top(), right - left, strip.height()));
    const double maxShare = maximumShare(latency);
    for (const StepSpan& span : spans) {
        if (span.op < 0 || span.subgraph != latency.subgraph
            || static_cast<std::size_t>(span.op) >= latency.layers.size())
            continue;
        const Profiler::LayerLatency& layer = latency.layers[static_cast<std::size_t>(span.op)];
        if (!layer.measured())
            continue;
        double x0 = strip.left() + plot.xAxis->coordToPixel(span.left);
        double x1 = strip.left() + plot.xAxis->coordToPixel(span.right);
        x0 = std::clamp(x0, left, right);
        x1 = std::clamp(x1, left, right);
        if (x1 <= x0)
            continue;
        painter.setBrush(heatScaleColor(heatPosition(layer.share, maxShare)));
        // At least a hairline, so that a fast layer on a long axis still shows.
        painter.drawRect(QRectF(x0, strip.top(), std::max(x1 - x0, 0.75), strip.height()));
    }
    painter.restore();
}

/** Lays `widget` out at about `size` without putting it on any screen, so that what depends on its size (tick
 *  spacing, label elision) is computed as for a window of that size. */
void showOffscreen(QWidget& widget, const QSize& size)
{
    widget.setAttribute(Qt::WA_DontShowOnScreen);
    widget.resize(size);
    widget.show();
}

} // namespace

QString imageFormatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

QString imageMimeType(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("image/png");
    case ImageFormat::Svg:
        return QStringLiteral("image/svg+xml");
    case ImageFormat::Pdf:
        return QStringLiteral("application/pdf");
    }
    return {};
}

std::optional<ImageFormat> imageFormatFromName(const QString& nameOrPath)
{
    QString name = nameOrPath.trimmed().toLower();
    if (name.contains(QLatin1Char('.')) || name.contains(QLatin1Char('/')))
        name = QFileInfo(name).suffix();
    for (const ImageFormat f : { ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf }) {
        if (name == imageFormatName(f))
            return f;
    }
    return std::nullopt;
}

GraphImagePlan planGraphImage(const QSizeF& sceneSize, double scale, qint64 maxPixels, int maxSide)
{
    GraphImagePlan plan;
    const double asked = std::isfinite(scale) ? std::clamp(scale, kMinGraphScale, kMaxGraphScale) : 1.0;
    const double w = std::max(sceneSize.width(), 1.0);
    const double h = std::max(sceneSize.height(), 1.0);
    double s = asked;
    const double pixels = w * s * h * s;
    if (maxPixels > 0 && pixels > static_cast<double>(maxPixels))
        s *= std::sqrt(static_cast<double>(maxPixels) / pixels);
    if (maxSide > 0) {
        s = std::min(s, maxSide / w);
        s = std::min(s, maxSide / h);
    }
    // Whole pixels, rounded down, so that both limits hold; at least one pixel a side.
    plan.size
        = QSize(std::max(1, static_cast<int>(std::floor(w * s))), std::max(1, static_cast<int>(std::floor(h * s))));
    plan.scale = s;
    plan.reduced = s < asked;
    return plan;
}

ExportedImage graphToPng(GraphScene& scene, double scale, qint64 maxPixels)
{
    const QRectF source = scene.sceneRect();
    if (!scene.graph() || source.width() <= 1 || source.height() <= 1)
        return failure(ImageFormat::Png, QStringLiteral("there is no graph to draw"));
    const GraphImagePlan plan = planGraphImage(source.size(), scale, maxPixels);
    ExportedImage out;
    out.format = ImageFormat::Png;
    out.size = plan.size;
    out.scale = plan.scale;
    if (plan.reduced) {
        out.note = QStringLiteral("The graph is %1 x %2 units: at %3 the PNG would exceed the limit of %4 megapixels "
                                  "(or %5 pixels a side), so it was drawn at %6 (%7 x %8 pixels). Export SVG for every "
                                  "detail at any size.")
                       .arg(std::lround(source.width()))
                       .arg(std::lround(source.height()))
                       .arg(scaleText(std::clamp(scale, kMinGraphScale, kMaxGraphScale)))
                       .arg(static_cast<double>(maxPixels) / 1e6, 0, 'g', 3)
                       .arg(kMaxImageSide)
                       .arg(scaleText(plan.scale))
                       .arg(plan.size.width())
                       .arg(plan.size.height());
    }
    QImage image(plan.size, QImage::Format_RGB32);
    if (image.isNull())
        return failure(ImageFormat::Png,
            QStringLiteral("cannot allocate a %1 x %2 pixel image").arg(plan.size.width()).arg(plan.size.height()));
    image.fill(scene.backgroundBrush().color());
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
        scene.renderGraph(&painter, QRectF(QPointF(0, 0), QSizeF(plan.size)), source);
    }
    out.data = encodePng(image, &out.error);
    return out;
}

ExportedImage graphToSvg(GraphScene& scene, const QString& title)
{
    const QRectF source = scene.sceneRect();
    if (!scene.graph() || source.width() <= 1 || source.height() <= 1)
        return failure(ImageFormat::Svg, QStringLiteral("there is no graph to draw"));
    const QSize size(static_cast<int>(std::ceil(source.width())), static_cast<int>(std::ceil(source.height())));
    const QColor background = scene.backgroundBrush().color();
    return renderVector(ImageFormat::Svg, size, 1, title, [&](QPainter& painter) {
        painter.fillRect(QRect(QPoint(0, 0), size), background);
        scene.renderGraph(&painter, QRectF(QPointF(0, 0), QSizeF(size)), source);
    });
}

ExportedImage graphToImage(GraphScene& scene, ImageFormat format, double scale, qint64 maxPixels)
{
    switch (format) {
    case ImageFormat::Png:
        return graphToPng(scene, scale, maxPixels);
    case ImageFormat::Svg:
        return graphToSvg(scene);
    case ImageFormat::Pdf:
        break;
    }
    return failure(format, QStringLiteral("the graph is exported as PNG or SVG, not PDF"));
}

ExportedImage memoryPlotToImage(MemoryPlotWidget& widget, ImageFormat format, const PlotImageOptions& options)
{
    QCustomPlot* plot = widget.plot();
    if (!plot || !widget.document())
        return failure(format, QStringLiteral("there is no model to draw"));
    const bool isTimeline = qobject_cast<MemoryTimeline*>(&widget) != nullptr;
    const QString title = !options.title.isEmpty() ? options.title
        : isTimeline                               ? QStringLiteral("Memory timeline")
                                                   : QStringLiteral("Arena map");
    const QString summary = widget.summaryText();
    const Profiler::LatencyProfile* latency = options.latency.get();
    const std::vector<StepSpan> spans = latency ? stepSpans(widget) : std::vector<StepSpan>();

    QFont font = QGuiApplication::font();
    QFont titleFont = font;
    titleFont.setBold(true);
    if (font.pointSizeF() > 0)
        titleFont.setPointSizeF(font.pointSizeF() * 1.15);
    const QFontMetricsF titleMetrics(titleFont);
    const QFontMetricsF metrics(font);
    HeatLegend legend;
    QSizeF legendSize;
    if (latency) {
        legend = heatLegendFor(*latency);
        legendSize = heatLegendSize(legend, font);
    }
    const QSize size = options.size;
    const double textHeight = titleMetrics.height() + 2 + metrics.height();
    const int header = static_cast<int>(std::ceil(std::max(textHeight, legendSize.height()) + 2 * kHeaderPadding));
    const int strip = latency ? kStripHeight + 2 * kStripGap : 0;
    const QSize plotSize(size.width(), size.height() - header - strip);
    if (plotSize.width() < 120 || plotSize.height() < 80)
        return failure(
            format, QStringLiteral("%1 x %2 is too small for the plot").arg(size.width()).arg(size.height()));

    ExportedImage out = renderVector(format, size, options.pixelRatio, title, [&](QPainter& painter) {
        painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
        painter.setPen(QColor(0x1d, 0x23, 0x2b));
        painter.setFont(titleFont);
        const double textWidth = size.width() - 2 * kHeaderPadding - (latency ? legendSize.width() + 12 : 0);
        painter.drawText(QRectF(kHeaderPadding, kHeaderPadding, textWidth, titleMetrics.height()),
            Qt::AlignLeft | Qt::AlignVCenter, titleMetrics.elidedText(title, Qt::ElideRight, textWidth));
        painter.setFont(font);
        painter.setPen(QColor(0x4a, 0x55, 0x63));
        painter.drawText(
            QRectF(kHeaderPadding, kHeaderPadding + titleMetrics.height() + 2, textWidth, metrics.height()),
            Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(summary, Qt::ElideRight, textWidth));
        if (latency) {
            paintHeatLegend(&painter,
                QRectF(QPointF(size.width() - kHeaderPadding - legendSize.width(), kHeaderPadding), legendSize), legend,
                font, QColor(0x1d, 0x23, 0x2b), Qt::white);
        }
        painter.save();
        painter.translate(0, header);
        // toPainter draws at the given size without touching the widget's own size; the layout it computes stays
        // until the next replot, so the axis mapping below is the exported one.
        plot->toPainter(static_cast<QCPPainter*>(&painter), plotSize.width(), plotSize.height());
        painter.restore();
        if (latency) {
            paintHeatStrip(painter, *plot, spans, *latency,
                QRectF(0, header + plotSize.height() + kStripGap, size.width(), kStripHeight), font);
        }
    });
    plot->replot(); // back to the widget's own layout
    return out;
}

ExportedImage renderGraphImage(const Profiler::ModelDocumentPtr& document, int subgraph,
    const Profiler::LatencyProfilePtr& latency, ImageFormat format, double scale, qint64 maxPixels)
{
    if (!document || subgraph < 0 || static_cast<std::size_t>(subgraph) >= document->graphs.size())
        return failure(format, QStringLiteral("the model has no laid-out graph %1").arg(subgraph));
    GraphScene scene;
    scene.setGraph(document, subgraph);
    if (latency)
        scene.setLatency(latency);
    return graphToImage(scene, format, scale, maxPixels);
}

ExportedImage renderTimelineImage(
    const Profiler::ModelDocumentPtr& document, PlanKind plan, ImageFormat format, const PlotImageOptions& options)
{
    MemoryTimeline timeline;
    showOffscreen(timeline, options.size);
    timeline.setDocument(document);
    timeline.setPlan(plan);
    if (options.latency) {
        timeline.setLatency(options.latency);
        timeline.setTimeAxis(TimelineAxis::MeasuredTime);
    }
    return memoryPlotToImage(timeline, format, options);
}

ExportedImage renderArenaMapImage(
    const Profiler::ModelDocumentPtr& document, PlanKind plan, ImageFormat format, const PlotImageOptions& options)
{
    ArenaMap map;
    showOffscreen(map, options.size);
    map.setDocument(document);
    map.setPlan(plan);
    return memoryPlotToImage(map, format, options);
}

} // namespace Widgets
