// SPDX-License-Identifier: GPL-3.0-or-later
// Image exports, read back: PNGs load with the planned size, SVGs parse with the drawing's size, PDFs are PDF files
// with one page; latency paints heat colours; very large graphs are capped before any pixel is allocated.
#include "arenamap.h"
#include "documents.h"
#include "graphscene.h"
#include "heatscale.h"
#include "imageexport.h"
#include "memorytimeline.h"
#include "qcustomplotinclude.h"

#ifdef TINYSCOPE_HAVE_DNNGEN
#include "dnngenerator.h"
#include "layout/graphlayout.h"
#include "tflite/tfliteloader.h"
#endif

#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QtTest>

#include <cmath>

using namespace Profiler;
using namespace Widgets;

namespace {

/** Two runs of every operator of `document`'s main graph at 1 MHz; operator i takes 100 * (i + 1) ticks, so the last
 *  operator is the hottest. The first run is the warm-up. */
LatencyProfilePtr rampLatency(const ModelDocument& document)
{
    const auto n = document.model.subgraphs[0].operators.size();
    MeasuredSession session;
    session.source = QStringLiteral("test");
    session.tickHz = 1e6;
    for (int r = 0; r < 3; ++r) {
        MeasuredRun run;
        run.runIndex = r;
        for (std::size_t i = 0; i < n; ++i)
            run.ticks.emplace_back(static_cast<quint32>(100 * (i + 1)));
        session.runs.push_back(run);
    }
    std::vector<qint64> macs;
    for (const LayerInfo& layer : document.analyses[0].layers)
        macs.push_back(layer.macs);
    return std::make_shared<const LatencyProfile>(computeLatency(session, static_cast<int>(n), macs));
}

/** Pixels of `image` that are exactly `color` (ignoring alpha). */
qint64 countColor(const QImage& image, const QColor& color)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    const QRgb wanted = color.rgb() & 0xffffff;
    qint64 count = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            count += (line[x] & 0xffffff) == wanted ? 1 : 0;
    }
    return count;
}

/** Pages in a PDF: "/Type /Page" objects (not "/Pages"). */
int pdfPageCount(const QByteArray& pdf)
{
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![s\\w])"));
    return static_cast<int>(QString::fromLatin1(pdf).count(page));
}

/** The width and height attributes of an SVG's root element in CSS pixels (96 per inch, as browsers show it; Qt's
 *  own renderer counts 90 per inch, so its defaultSize() differs for sizes in mm). */
QSize svgCssPixels(const QByteArray& svg)
{
    static const QRegularExpression attr(
        QStringLiteral("<svg[^>]*\\swidth=\"([\\d.]+)(mm|px)?\"[^>]*\\sheight=\"([\\d.]+)(mm|px)?\""));
    const QRegularExpressionMatch m = attr.match(QString::fromUtf8(svg));
    if (!m.hasMatch())
        return {};
    const auto px = [](const QString& number, const QString& unit) {
        const double v = number.toDouble();
        return static_cast<int>(std::lround(unit == QLatin1String("mm") ? v * 96.0 / 25.4 : v));
    };
    return QSize(px(m.captured(1), m.captured(2)), px(m.captured(3), m.captured(4)));
}

/** VmHWM of this process in KiB (peak resident memory), 0 where /proc is missing. */
qint64 peakResidentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return 0;
}

} // namespace

class TestImageExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void formatNames();
    void planGraphImage_data();
    void planGraphImage();
    void graphPngHasPlannedSize_data();
    void graphPngHasPlannedSize();
    void graphSvgParsesWithSceneSize();
    void graphLatencyHeatColours();
    void graphPdfAndEmptySceneFail();
    void memoryPlots_data();
    void memoryPlots();
    void timelineHeatStrip();
    void visibleWidgetKeepsItsLayout();
    void largeGraphIsCapped();

private:
    ModelDocumentPtr m_doc;
};

void TestImageExport::initTestCase()
{
    m_doc = TestHelpers::openDocument(TestHelpers::exampleModelPath());
    QVERIFY(m_doc && !m_doc->graphs.empty());
}

void TestImageExport::formatNames()
{
    QCOMPARE(imageFormatFromName(QStringLiteral("PNG")), std::optional(ImageFormat::Png));
    QCOMPARE(imageFormatFromName(QStringLiteral("out/dir.x/graph.svg")), std::optional(ImageFormat::Svg));
    QCOMPARE(imageFormatFromName(QStringLiteral("timeline.PDF")), std::optional(ImageFormat::Pdf));
    QVERIFY(!imageFormatFromName(QStringLiteral("jpeg")).has_value());
    QVERIFY(!imageFormatFromName(QString()).has_value());
    for (const ImageFormat f : { ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf })
        QCOMPARE(imageFormatFromName(imageFormatName(f)), std::optional(f));
}

void TestImageExport::planGraphImage_data()
{
    QTest::addColumn<QSizeF>("scene");
    QTest::addColumn<double>("scale");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("reduced");
    // 300 x 2000 at 2x = 600 x 4000 = 2.4 MP: fits.
    QTest::addRow("fits at 2x") << QSizeF(300, 2000) << 2.0 << qint64(48'000'000) << QSize(600, 4000) << false;
    QTest::addRow("half scale") << QSizeF(301, 2001) << 0.5 << qint64(48'000'000) << QSize(150, 1000) << false;
    // 4000 x 4000 at 4x = 256 MP > 16 MP: scale 4 * sqrt(16/256) = 1, 4000 x 4000.
    QTest::addRow("pixel limit") << QSizeF(4000, 4000) << 4.0 << qint64(16'000'000) << QSize(4000, 4000) << true;
    // 500 x 600000 (a tall chain): the side limit, 32767 / 600000 = 0.0546..., gives 27 x 32767.
    QTest::addRow("side limit") << QSizeF(500, 600000) << 1.0 << qint64(48'000'000) << QSize(27, 32767) << true;
    // Scales are clamped to 0.05 .. 8: 100 x 100 at 100x is 800 x 800.
    QTest::addRow("clamped scale") << QSizeF(100, 100) << 100.0 << qint64(48'000'000) << QSize(800, 800) << false;
}

void TestImageExport::planGraphImage()
{
    QFETCH(QSizeF, scene);
    QFETCH(double, scale);
    QFETCH(qint64, maxPixels);
    QFETCH(QSize, size);
    QFETCH(bool, reduced);
    const GraphImagePlan plan = Widgets::planGraphImage(scene, scale, maxPixels);
    QCOMPARE(plan.size, size);
    QCOMPARE(plan.reduced, reduced);
    QVERIFY(qint64(plan.size.width()) * plan.size.height() <= maxPixels);
    QVERIFY(plan.size.width() <= kMaxImageSide && plan.size.height() <= kMaxImageSide);
    // The scale drawn at gives the size (rounded down).
    QCOMPARE(plan.size.width(), std::max(1, static_cast<int>(std::floor(scene.width() * plan.scale))));
}

void TestImageExport::graphPngHasPlannedSize_data()
{
    QTest::addColumn<double>("scale");
    for (const double s : kGraphScales)
        QTest::addRow("%gx", s) << s;
}

void TestImageExport::graphPngHasPlannedSize()
{
    QFETCH(double, scale);
    GraphScene scene;
    scene.setGraph(m_doc, 0);
    const GraphImagePlan plan = Widgets::planGraphImage(scene.sceneRect().size(), scale);
    QVERIFY(!plan.reduced);
    const ExportedImage image = graphToPng(scene, scale);
    QVERIFY2(image.ok(), qPrintable(image.error));
    QVERIFY(image.note.isEmpty());
    QCOMPARE(image.size, plan.size);
    const QImage back = QImage::fromData(image.data, "PNG");
    QVERIFY(!back.isNull());
    QCOMPARE(back.size(), plan.size);
    // Drawn, not blank: the scene's background and at least one other colour (the operator boxes).
    QVERIFY(countColor(back, scene.backgroundBrush().color()) > 0);
    QVERIFY(countColor(back, scene.backgroundBrush().color()) < qint64(back.width()) * back.height());
}

void TestImageExport::graphSvgParsesWithSceneSize()
{
    GraphScene scene;
    scene.setGraph(m_doc, 0);
    const ExportedImage svg = graphToSvg(scene, QStringLiteral("example"));
    QVERIFY2(svg.ok(), qPrintable(svg.error));
    QSvgRenderer renderer(svg.data);
    QVERIFY(renderer.isValid());
    const QSize expected(static_cast<int>(std::ceil(scene.sceneRect().width())),
        static_cast<int>(std::ceil(scene.sceneRect().height())));
    QCOMPARE(renderer.viewBoxF(), QRectF(QPointF(0, 0), QSizeF(expected)));
    QCOMPARE(svgCssPixels(svg.data), expected);
    QCOMPARE(svg.size, expected);
    // Text stays text: every operator type appears in the SVG.
    for (const Operator& op : m_doc->model.subgraphs[0].operators)
        QVERIFY2(svg.data.contains(op.type.toUtf8()), qPrintable(op.type));
    // It renders back to pixels.
    QImage raster(expected, QImage::Format_ARGB32);
    raster.fill(Qt::transparent);
    QPainter painter(&raster);
    renderer.render(&painter);
    painter.end();
    QVERIFY(countColor(raster, scene.backgroundBrush().color()) > 0);
}

void TestImageExport::graphLatencyHeatColours()
{
    const LatencyProfilePtr latency = rampLatency(*m_doc);
    const double maxShare = maximumShare(*latency);
    QVERIFY(maxShare > 0);
    // The hottest layer's fill: the top of the heat scale.
    const QColor hottest = heatScaleColor(heatPosition(maxShare, maxShare));
    GraphScene plain;
    plain.setGraph(m_doc, 0);
    const QImage without = QImage::fromData(graphToPng(plain, 1.0).data, "PNG");
    GraphScene heated;
    heated.setGraph(m_doc, 0);
    heated.setLatency(latency);
    QVERIFY(heated.showsLatency());
    const ExportedImage image = graphToPng(heated, 1.0);
    QVERIFY2(image.ok(), qPrintable(image.error));
    const QImage with = QImage::fromData(image.data, "PNG");
    QCOMPARE(with.size(), without.size());
    QCOMPARE(countColor(without, hottest), qint64(0));
    QVERIFY2(countColor(with, hottest) > 100, "the hottest operator is painted in the top heat colour");
    // The SVG carries the same colour.
    const ExportedImage svg = graphToSvg(heated);
    QVERIFY(svg.ok());
    QVERIFY(svg.data.contains(hottest.name().toLatin1()));
}

void TestImageExport::graphPdfAndEmptySceneFail()
{
    GraphScene scene;
    scene.setGraph(m_doc, 0);
    const ExportedImage pdf = graphToImage(scene, ImageFormat::Pdf);
    QVERIFY(!pdf.ok());
    QVERIFY(pdf.error.contains(QLatin1String("PNG or SVG")));
    GraphScene empty;
    const ExportedImage none = graphToPng(empty, 1.0);
    QVERIFY(!none.ok());
    QVERIFY(!none.error.isEmpty());
    QVERIFY(none.data.isEmpty());
    const ExportedImage noGraph = renderGraphImage(m_doc, 5, nullptr, ImageFormat::Png);
    QVERIFY(!noGraph.ok());
    QVERIFY(noGraph.error.contains(QLatin1String("5")));
}

void TestImageExport::memoryPlots_data()
{
    QTest::addColumn<bool>("timeline");
    QTest::addColumn<ImageFormat>("format");
    QTest::addColumn<bool>("withLatency");
    for (const bool timeline : { true, false }) {
        for (const ImageFormat f : { ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf }) {
            for (const bool latency : { false, true }) {
                QTest::addRow("%s %s%s", timeline ? "timeline" : "arena map", qPrintable(imageFormatName(f)),
                    latency ? " with latency" : "")
                    << timeline << f << latency;
            }
        }
    }
}

void TestImageExport::memoryPlots()
{
    QFETCH(bool, timeline);
    QFETCH(ImageFormat, format);
    QFETCH(bool, withLatency);
    PlotImageOptions options;
    options.size = QSize(900, 480);
    options.pixelRatio = 1.5;
    if (withLatency)
        options.latency = rampLatency(*m_doc);
    const ExportedImage image = timeline ? renderTimelineImage(m_doc, PlanKind::Tflm, format, options)
                                         : renderArenaMapImage(m_doc, PlanKind::Best, format, options);
    QVERIFY2(image.ok(), qPrintable(image.error));
    QCOMPARE(image.format, format);
    switch (format) {
    case ImageFormat::Png: {
        const QImage back = QImage::fromData(image.data, "PNG");
        QCOMPARE(back.size(), QSize(1350, 720));
        QCOMPARE(image.size, back.size());
        break;
    }
    case ImageFormat::Svg: {
        QSvgRenderer renderer(image.data);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBoxF(), QRectF(QPointF(0, 0), QSizeF(options.size)));
        QCOMPARE(svgCssPixels(image.data), options.size);
        // The header names the plot; the summary line is the widget's.
        QVERIFY(image.data.contains(timeline ? "Memory timeline" : "Arena map"));
        break;
    }
    case ImageFormat::Pdf: {
        QVERIFY(image.data.startsWith("%PDF-"));
        QCOMPARE(pdfPageCount(image.data), 1);
        QVERIFY(image.data.trimmed().endsWith("%%EOF"));
        // One page of the drawing's size in points (72 per inch, the drawing at 96 px per inch).
        static const QRegularExpression box(
            QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+([\\d.]+)\\s+([\\d.]+)\\s*\\]"));
        const QRegularExpressionMatch m = box.match(QString::fromLatin1(image.data));
        QVERIFY2(m.hasMatch(), "no MediaBox");
        QVERIFY2(std::abs(m.captured(1).toDouble() - 900 * 72.0 / 96) < 1.5, qPrintable(m.captured(0)));
        QVERIFY2(std::abs(m.captured(2).toDouble() - 480 * 72.0 / 96) < 1.5, qPrintable(m.captured(0)));
        break;
    }
    }
}

void TestImageExport::timelineHeatStrip()
{
    // The strip under the timeline paints each operator step in its heat colour: the hottest (last) operator's
    // colour appears only with latency.
    const LatencyProfilePtr latency = rampLatency(*m_doc);
    const double maxShare = maximumShare(*latency);
    const QColor hottest = heatScaleColor(heatPosition(maxShare, maxShare));
    PlotImageOptions options;
    options.pixelRatio = 1;
    const QImage without = QImage::fromData(renderTimelineImage(m_doc, PlanKind::Tflm, ImageFormat::Png, options).data);
    options.latency = latency;
    const QImage with = QImage::fromData(renderTimelineImage(m_doc, PlanKind::Tflm, ImageFormat::Png, options).data);
    QVERIFY(!without.isNull() && !with.isNull());
    QCOMPARE(countColor(without, hottest), qint64(0));
    QVERIFY(countColor(with, hottest) > 20);
    // The arena map gets the same strip.
    const QImage map = QImage::fromData(renderArenaMapImage(m_doc, PlanKind::Tflm, ImageFormat::Png, options).data);
    QVERIFY(countColor(map, hottest) > 20);
}

void TestImageExport::visibleWidgetKeepsItsLayout()
{
    // Exporting from a widget on screen draws at the export's size and leaves the widget's own layout alone.
    Widgets::MemoryTimeline timeline;
    timeline.resize(640, 360);
    timeline.setDocument(m_doc);
    timeline.show();
    QVERIFY(QTest::qWaitForWindowExposed(&timeline));
    const QString before = timeline.summaryText();
    const QSize plotSize = timeline.plot()->size();
    const QPoint probe = timeline.plot()->axisRect()->rect().center();
    const int stepBefore = timeline.stepAt(probe);
    QVERIFY(stepBefore >= 0);
    PlotImageOptions options;
    options.size = QSize(1600, 900);
    options.pixelRatio = 1;
    const ExportedImage image = memoryPlotToImage(timeline, ImageFormat::Png, options);
    QVERIFY2(image.ok(), qPrintable(image.error));
    QCOMPARE(QImage::fromData(image.data).size(), QSize(1600, 900));
    QCOMPARE(timeline.plot()->size(), plotSize);
    QCOMPARE(timeline.summaryText(), before);
    // The step under a point of the widget is still computed on the widget's own axis.
    QCOMPARE(timeline.stepAt(probe), stepBefore);
}

void TestImageExport::largeGraphIsCapped()
{
#ifndef TINYSCOPE_HAVE_DNNGEN
    QSKIP("the DNN generator of bench/ is not built");
#else
    constexpr int kOperators = 10000;
    auto loaded = loadTfliteData(Bench::generateDnnModel(kOperators, 7), QStringLiteral("generated"));
    QVERIFY(loaded.ok());
    auto built = std::make_shared<ModelDocument>();
    built->model = std::move(loaded).value();
    built->analyses.push_back(analyzeModel(built->model, 0));
    built->graphs.push_back(layoutModelGraph(built->model, 0));
    const ModelDocumentPtr doc = built;
    GraphScene scene;
    scene.setGraph(doc, 0);
    const QSizeF sceneSize = scene.sceneRect().size();
    // At 4x the graph is far beyond the limits: the plan says so before anything is drawn.
    const GraphImagePlan plan = Widgets::planGraphImage(sceneSize, 4.0);
    QVERIFY(plan.reduced);
    const qint64 peakBefore = peakResidentKiB();
    QElapsedTimer timer;
    timer.start();
    const ExportedImage image = graphToPng(scene, 4.0);
    const qint64 ms = timer.elapsed();
    QVERIFY2(image.ok(), qPrintable(image.error));
    QVERIFY(image.note.contains(QLatin1String("SVG")));
    QCOMPARE(image.size, plan.size);
    QVERIFY(qint64(image.size.width()) * image.size.height() <= kMaxGraphPixels);
    QVERIFY(image.size.width() <= kMaxImageSide && image.size.height() <= kMaxImageSide);
    const QImage back = QImage::fromData(image.data, "PNG");
    QCOMPARE(back.size(), plan.size);
    // Figures for docs/reports.md, printed and never asserted.
    qInfo("10k-operator graph: scene %.0f x %.0f units; PNG at 4x capped to %.3gx = %d x %d px (%.1f MP), %lld KiB "
          "file, %lld ms, peak resident %lld MiB (before %lld MiB)",
        sceneSize.width(), sceneSize.height(), image.scale, image.size.width(), image.size.height(),
        image.size.width() * double(image.size.height()) / 1e6, static_cast<long long>(image.data.size() / 1024),
        static_cast<long long>(ms), static_cast<long long>(peakResidentKiB() / 1024),
        static_cast<long long>(peakBefore / 1024));
    timer.restart();
    const ExportedImage svg = graphToSvg(scene);
    QVERIFY2(svg.ok(), qPrintable(svg.error));
    qInfo("10k-operator graph: SVG %lld KiB, %lld ms", static_cast<long long>(svg.data.size() / 1024),
        static_cast<long long>(timer.elapsed()));
#endif
}

QTEST_MAIN(TestImageExport)
#include "tst_imageexport.moc"
