// SPDX-License-Identifier: GPL-3.0-or-later
// Measured latency in the views: heat colours and the legend on the graph (also when rendered at overview scale and
// exported), the latency columns of the layer table, the measured-time axis of the memory timeline, the properties
// panel and the comparison of two sessions. Every expected value is read from the computed profile, and repeated
// setLatency() calls (new runs arriving) must keep zoom, scrolling, sorting and selection.
#include "categorycolors.h"
#include "documents.h"
#include "fixtures.h"
#include "graphitems.h"
#include "graphscene.h"
#include "graphview.h"
#include "heatscale.h"
#include "latency/latency.h"
#include "latencycomparisonview.h"
#include "layertablemodel.h"
#include "layertableview.h"
#include "memorytimeline.h"
#include "propertiespanel.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QGraphicsView>
#include <QHeaderView>
#include <QPainter>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTreeWidget>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace Profiler;
using namespace Widgets;

namespace {

QString outPath(const QString& name)
{
    return QDir::current().absoluteFilePath(name);
}

constexpr int kUnmeasured = 2; // an operator the synthetic board never reports

/** `runs` runs of a made-up board on `doc`: latency grows with the MACs, with a little run-to-run jitter; the first
 *  run is slow (caches cold) and operator kUnmeasured never ends. */
MeasuredSession syntheticSession(const ModelDocument& doc, int runs, double tickHz = 1e6)
{
    const auto& layers = doc.analyses[0].layers;
    MeasuredSession s;
    s.source = QStringLiteral("synthetic");
    s.boardName = QStringLiteral("Test board");
    s.tickHz = tickHz;
    s.cpuHz = 8e7;
    for (int r = 0; r < runs; ++r) {
        MeasuredRun run;
        run.runIndex = r;
        for (std::size_t i = 0; i < layers.size(); ++i) {
            if (static_cast<int>(i) == kUnmeasured) {
                run.ticks.emplace_back(0xFFFFFFFFu);
                continue;
            }
            const double base = 200.0 + static_cast<double>(layers[i].macs) / 40.0;
            const double jitter = 1.0 + 0.01 * ((r * 7 + static_cast<int>(i) * 3) % 5);
            run.ticks.emplace_back(static_cast<quint32>(base * jitter * (r == 0 ? 3.0 : 1.0)));
        }
        s.runs.push_back(run);
    }
    return s;
}

LatencyProfilePtr profileOf(const ModelDocument& doc, const MeasuredSession& session)
{
    std::vector<qint64> macs;
    for (const LayerInfo& l : doc.analyses[0].layers)
        macs.push_back(l.macs);
    return std::make_shared<const LatencyProfile>(
        computeLatency(session, static_cast<int>(doc.analyses[0].layers.size()), macs));
}

int hottestOperator(const LatencyProfile& p)
{
    int best = -1;
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
        if (p.layers[i].measured() && (best < 0 || p.layers[i].share > p.layers[static_cast<std::size_t>(best)].share))
            best = static_cast<int>(i);
    }
    return best;
}

/** CIE-like lightness proxy: relative luminance. */
double luminance(const QColor& c)
{
    const auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

} // namespace

class TestLatencyViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void heatScaleIsOrdered();
    void graphHeatColours();
    void graphKeepsViewState();
    void graphOverviewAndExport();
    void tableColumns();
    void tableKeepsSortAndSelection();
    void timelineMeasuredAxis();
    void propertiesPanel();
    void comparisonView();
    void realModel();

private:
    ModelDocumentPtr m_doc;
    LatencyProfilePtr m_profile;
};

void TestLatencyViews::initTestCase()
{
    QVERIFY2(QFileInfo::exists(TestHelpers::exampleModelPath()), qPrintable(TestHelpers::exampleModelPath()));
    m_doc = TestHelpers::openDocument(TestHelpers::exampleModelPath());
    QVERIFY(m_doc->analyses[0].layers.size() > static_cast<std::size_t>(kUnmeasured) + 2);
    m_profile = profileOf(*m_doc, syntheticSession(*m_doc, 12));
    QCOMPARE(m_profile->runsUsed, 11);
    QVERIFY(!m_profile->layers[kUnmeasured].measured());
    QVERIFY(m_profile->measuredLayers() > 2);
}

void TestLatencyViews::heatScaleIsOrdered()
{
    // Luminance falls all the way along the scale: the order reads in grey too.
    double previous = 2;
    for (int i = 0; i <= 100; ++i) {
        const double l = luminance(heatScaleColor(i / 100.0));
        QVERIFY2(l < previous, qPrintable(QStringLiteral("at %1").arg(i)));
        previous = l;
    }
    QCOMPARE(heatPosition(0.2, 0.4), 0.5);
    QCOMPARE(heatPosition(0.4, 0.4), 1.0);
    QCOMPARE(heatPosition(0.1, 0), 0.0);
    // Dark text on the cool end, white on the hot end.
    QVERIFY(heatTextColor(heatScaleColor(0)).lightness() < 100);
    QVERIFY(heatTextColor(heatScaleColor(1)).lightness() > 200);
}

void TestLatencyViews::graphHeatColours()
{
    GraphView view;
    view.resize(1000, 800);
    view.setDocument(m_doc);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.heatLegend()->isVisible());

    view.setLatency(m_profile);
    const LatencyProfile& p = *m_profile;
    const double maxShare = maximumShare(p);
    const int hottest = hottestOperator(p);
    QVERIFY(view.heatLegend()->isVisible());
    QVERIFY(view.graphScene()->showsLatency());
    QCOMPARE(view.graphScene()->heatLegend().maxShare, maxShare);

    std::vector<std::pair<double, QColor>> byShare;
    for (std::size_t op = 0; op < p.layers.size(); ++op) {
        const GraphNodeItem* item = view.graphScene()->nodeForOperator(static_cast<int>(op));
        QVERIFY(item);
        QVERIFY(item->hasHeat());
        const LayerLatency& l = p.layers[op];
        if (!l.measured()) {
            QCOMPARE(item->fillColor(), unmeasuredColor(paletteIsDark()));
            continue;
        }
        QCOMPARE(item->fillColor(), heatScaleColor(heatPosition(l.share, maxShare)));
        QVERIFY2(item->heatLine().startsWith(formatLatency(p, l.medianTicks)), qPrintable(item->heatLine()));
        byShare.emplace_back(l.share, item->fillColor());
    }
    // Hotter layers are darker; the hottest has the hottest colour of the scale.
    std::sort(byShare.begin(), byShare.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 1; i < byShare.size(); ++i)
        QVERIFY(luminance(byShare[i].second) <= luminance(byShare[i - 1].second) + 1e-9);
    QCOMPARE(view.graphScene()->nodeForOperator(hottest)->fillColor(), heatScaleColor(1.0));
    // The tooltip tells the numbers.
    const QString tip = view.graphScene()->toolTipFor(view.graphScene()->nodeForOperator(hottest));
    QVERIFY2(tip.contains(formatLatency(p, p.layers[static_cast<std::size_t>(hottest)].medianTicks)), qPrintable(tip));

    // Cleared: the category colours are back, the legend is gone.
    view.setLatency(nullptr);
    QVERIFY(!view.heatLegend()->isVisible());
    for (std::size_t op = 0; op < p.layers.size(); ++op) {
        const GraphNodeItem* item = view.graphScene()->nodeForOperator(static_cast<int>(op));
        QVERIFY(!item->hasHeat());
        QCOMPARE(item->fillColor(), categoryColor(m_doc->analyses[0].layers[op].category, paletteIsDark()));
    }
}

void TestLatencyViews::graphKeepsViewState()
{
    SelectionHub hub;
    GraphView view;
    view.setSelectionHub(&hub);
    view.resize(700, 500);
    view.setDocument(m_doc);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setZoom(1.6);
    hub.selectOperator(0, 4);
    QCOMPARE(view.currentOperator(), 4);
    view.canvas()->horizontalScrollBar()->setValue(view.canvas()->horizontalScrollBar()->value() + 30);
    view.canvas()->verticalScrollBar()->setValue(view.canvas()->verticalScrollBar()->value() + 40);
    const int h = view.canvas()->horizontalScrollBar()->value();
    const int v = view.canvas()->verticalScrollBar()->value();
    // Runs keep arriving: 3, 4, ... 12.
    for (int runs = 3; runs <= 12; ++runs) {
        view.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, runs)));
        QCOMPARE(view.zoom(), 1.6);
        QCOMPARE(view.canvas()->horizontalScrollBar()->value(), h);
        QCOMPARE(view.canvas()->verticalScrollBar()->value(), v);
        QCOMPARE(view.currentOperator(), 4);
        QVERIFY(view.graphScene()->nodeForOperator(4)->isCurrent());
    }
    QVERIFY(view.heatLegend()->isVisible());
}

void TestLatencyViews::graphOverviewAndExport()
{
    GraphScene scene;
    scene.setGraph(m_doc, 0);
    scene.setLatency(m_profile);
    const int hottest = hottestOperator(*m_profile);
    const GraphNodeItem* item = scene.nodeForOperator(hottest);

    // At overview scale (plain boxes) the heat colour is what fills a node: check the pixel at its centre.
    const QRectF source = scene.sceneRect();
    const double scale = 0.3;
    QVERIFY(graphDetailForScale(scale) == GraphDetail::Boxes);
    QImage small(QSize(static_cast<int>(source.width() * scale), static_cast<int>(source.height() * scale)),
        QImage::Format_ARGB32);
    small.fill(Qt::white);
    {
        QPainter painter(&small);
        scene.render(&painter, QRectF(QPointF(0, 0), QSizeF(source.size() * scale)), source, Qt::IgnoreAspectRatio);
    }
    const QPointF centre = (item->mapRectToScene(item->rect()).center() - source.topLeft()) * scale;
    QCOMPARE(small.pixelColor(centre.toPoint()).rgb(), heatScaleColor(1.0).rgb());

    // The export with its legend: saved for a person to look at.
    const QSize size(1000, static_cast<int>(1000 * source.height() / source.width()));
    QImage image(size, QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        scene.renderGraph(&painter);
    }
    QVERIFY(image.save(outPath(QStringLiteral("latency_graph_heat.png"))));
    // The legend's frame sits in the top-left corner: the background there is no longer plain.
    // The legend in the top-left corner: its colour bar is the only deep red there.
    bool legendDrawn = false;
    for (int y = 12; y < 100 && !legendDrawn; ++y) {
        for (int x = 12; x < 200 && !legendDrawn; ++x) {
            const QColor c = image.pixelColor(x, y);
            legendDrawn = c.red() > 150 && c.green() < 100;
        }
    }
    QVERIFY(legendDrawn);
}

void TestLatencyViews::tableColumns()
{
    LayerTableView view;
    view.setDocument(m_doc);
    QTableView* table = view.tableView();
    for (int c = LayerTableModel::LatencyMsColumn; c <= LayerTableModel::CyclesPerMacColumn; ++c)
        QVERIFY(table->isColumnHidden(c));
    QVERIFY(!table->isColumnHidden(LayerTableModel::MacsColumn));

    view.setLatency(m_profile);
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int c = LayerTableModel::LatencyMsColumn; c <= LayerTableModel::CyclesPerMacColumn; ++c)
        QVERIFY(!table->isColumnHidden(c));
    const LatencyProfile& p = *m_profile;
    const LayerTableModel* model = view.model();
    for (int op = 0; op < model->operatorCount(); ++op) {
        const LayerLatency& l = p.layers[static_cast<std::size_t>(op)];
        const auto cell = [&](int column, int role) { return model->index(op, column).data(role); };
        if (!l.measured()) {
            QCOMPARE(cell(LayerTableModel::LatencyMsColumn, Qt::DisplayRole).toString(), QString());
            QCOMPARE(cell(LayerTableModel::LatencyTicksColumn, LayerTableModel::ExportRole).toString(), QString());
            continue;
        }
        QCOMPARE(cell(LayerTableModel::LatencyTicksColumn, LayerTableModel::SortRole).toDouble(), l.medianTicks);
        QCOMPARE(
            cell(LayerTableModel::LatencyMsColumn, LayerTableModel::SortRole).toDouble(), p.ticksToMs(l.medianTicks));
        QCOMPARE(cell(LayerTableModel::LatencyShareColumn, LayerTableModel::SortRole).toDouble(), l.share);
        QCOMPARE(cell(LayerTableModel::LatencyMsColumn, Qt::DisplayRole).toString(),
            formatMilliseconds(p.ticksToMs(l.medianTicks)));
        QCOMPARE(cell(LayerTableModel::LatencyShareColumn, Qt::DisplayRole).toString(), formatShare(l.share));
        // Export: plain numbers that read back as the values.
        QCOMPARE(cell(LayerTableModel::LatencyTicksColumn, LayerTableModel::ExportRole).toString().toDouble(),
            l.medianTicks);
        QVERIFY(std::abs(cell(LayerTableModel::LatencyMsColumn, LayerTableModel::ExportRole).toString().toDouble()
                    - p.ticksToMs(l.medianTicks))
            < 1e-6);
        if (std::isnan(l.cyclesPerMac))
            QCOMPARE(cell(LayerTableModel::CyclesPerMacColumn, Qt::DisplayRole).toString(), QString());
        else
            QCOMPARE(cell(LayerTableModel::CyclesPerMacColumn, LayerTableModel::SortRole).toDouble(), l.cyclesPerMac);
        const QString tip = cell(LayerTableModel::LatencyMsColumn, Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("%1 samples").arg(l.samples)), qPrintable(tip));
        QVERIFY2(tip.contains(formatLatency(p, l.maxTicks)), qPrintable(tip));
    }
    const int totals = model->totalsRow();
    QCOMPARE(model->index(totals, LayerTableModel::LatencyTicksColumn).data(LayerTableModel::SortRole).toDouble(),
        p.totalMedianTicks);
    QCOMPARE(model->index(totals, LayerTableModel::LatencyMsColumn).data(LayerTableModel::SortRole).toDouble(),
        p.ticksToMs(p.totalMedianTicks));
    QVERIFY(
        std::abs(
            model->index(totals, LayerTableModel::LatencyShareColumn).data(LayerTableModel::SortRole).toDouble() - 1.0)
        < 1e-12);

    // A column the user hid stays hidden through new runs; clearing hides them all, and they come back.
    view.setColumnHiddenByUser(LayerTableModel::LatencyTicksColumn, true);
    view.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, 13)));
    QVERIFY(table->isColumnHidden(LayerTableModel::LatencyTicksColumn));
    QVERIFY(!table->isColumnHidden(LayerTableModel::LatencyMsColumn));
    view.setLatency(nullptr);
    for (int c = LayerTableModel::LatencyMsColumn; c <= LayerTableModel::CyclesPerMacColumn; ++c)
        QVERIFY(table->isColumnHidden(c));
    QCOMPARE(model->index(0, LayerTableModel::LatencyMsColumn).data().toString(), QString());
    // Without a tick rate: ticks and shares, no milliseconds and no cycles per MAC.
    view.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, 5, 0)));
    QVERIFY(table->isColumnHidden(LayerTableModel::LatencyMsColumn));
    QVERIFY(table->isColumnHidden(LayerTableModel::CyclesPerMacColumn));
    QVERIFY(table->isColumnHidden(LayerTableModel::LatencyTicksColumn)); // still the user's choice
    QVERIFY(!table->isColumnHidden(LayerTableModel::LatencyShareColumn));
}

void TestLatencyViews::tableKeepsSortAndSelection()
{
    SelectionHub hub;
    LayerTableView view;
    view.setSelectionHub(&hub);
    view.setDocument(m_doc);
    view.resize(900, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setLatency(m_profile);
    QTableView* table = view.tableView();
    table->sortByColumn(LayerTableModel::LatencyMsColumn, Qt::DescendingOrder);
    // Descending by latency: the hottest operator first, the totals row last.
    QCOMPARE(view.proxy()->index(0, 0).data(LayerTableModel::OperatorRole).toInt(), hottestOperator(*m_profile));
    QVERIFY(view.proxy()->index(view.proxy()->rowCount() - 1, 0).data(LayerTableModel::TotalsRowRole).toBool());
    hub.selectOperator(0, 5);
    for (int runs = 3; runs <= 8; ++runs) {
        view.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, runs)));
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(LayerTableModel::LatencyMsColumn));
        QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        const QModelIndexList rows = table->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().data(LayerTableModel::OperatorRole).toInt(), 5);
        QCOMPARE(hub.op(), 5);
    }
}

void TestLatencyViews::timelineMeasuredAxis()
{
    SelectionHub hub;
    Widgets::MemoryTimeline w;
    w.setSelectionHub(&hub);
    w.resize(1000, 420);
    w.setDocument(m_doc);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(!w.timeAxisSwitch()->isEnabled());
    w.setTimeAxis(TimelineAxis::MeasuredTime);
    QCOMPARE(w.timeAxis(), TimelineAxis::Steps); // no latency yet
    const int steps = w.data().stepCount;
    QCOMPARE(w.plot()->xAxis->range().lower, -0.5);
    QCOMPARE(w.plot()->xAxis->range().upper, steps - 0.5);

    w.setLatency(m_profile);
    QVERIFY(w.timeAxisSwitch()->isEnabled());
    QVERIFY(w.timeAxisSwitch()->isChecked());
    QCOMPARE(w.timeAxis(), TimelineAxis::MeasuredTime);
    const LatencyProfile& p = *m_profile;
    const double totalMs = p.ticksToMs(p.totalMedianTicks);
    const QCPRange range = w.plot()->xAxis->range();
    QVERIFY(std::abs(range.lower) < 1e-12);
    QVERIFY2(std::abs(range.upper - totalMs) < 1e-9 * totalMs,
        qPrintable(QStringLiteral("%1 vs %2").arg(range.upper).arg(totalMs)));
    QVERIFY(w.plot()->xAxis->label().contains(QStringLiteral("ms")));

    // Step of operator op is op + 1 (step 0 is the entry); its width is the operator's median.
    const int op = hottestOperator(p);
    const double width = w.stepRight(op + 1) - w.stepLeft(op + 1);
    QVERIFY(std::abs(width - p.ticksToMs(p.layers[static_cast<std::size_t>(op)].medianTicks)) < 1e-12);
    QCOMPARE(w.stepRight(kUnmeasured + 1) - w.stepLeft(kUnmeasured + 1), 0.0);
    // A click in the middle of that step selects the operator; the cursor follows.
    const double mid = (w.stepLeft(op + 1) + w.stepRight(op + 1)) / 2;
    const QPoint pos(static_cast<int>(std::lround(w.plot()->xAxis->coordToPixel(mid))),
        static_cast<int>(w.plot()->axisRect()->center().y()));
    QCOMPARE(w.stepAt(pos), op + 1);
    w.selectStep(w.stepAt(pos));
    QCOMPARE(hub.op(), op);
    QCOMPARE(w.cursorStep(), op + 1);
    QVERIFY(w.toolTipForStep(op + 1).contains(formatLatency(p, p.layers[static_cast<std::size_t>(op)].medianTicks)));

    QVERIFY(w.grab().save(outPath(QStringLiteral("latency_timeline.png"))));

    // Zoom into some operators; new runs keep those operators in view.
    w.plot()->xAxis->setRange(w.stepLeft(3), w.stepRight(6));
    for (int runs = 4; runs <= 9; ++runs) {
        w.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, runs)));
        const QCPRange r = w.plot()->xAxis->range();
        QVERIFY(std::abs(r.lower - w.stepLeft(3)) < 1e-9);
        QVERIFY(std::abs(r.upper - w.stepRight(6)) < 1e-9);
        QCOMPARE(w.cursorStep(), op + 1);
    }
    QVERIFY(w.grab().save(outPath(QStringLiteral("latency_timeline_zoomed.png"))));

    // Back to steps, and without latency the axis is steps whatever was asked.
    w.setTimeAxis(TimelineAxis::Steps);
    QCOMPARE(w.plot()->xAxis->range().upper, steps - 0.5);
    w.setTimeAxis(TimelineAxis::MeasuredTime);
    w.setLatency(nullptr);
    QCOMPARE(w.timeAxis(), TimelineAxis::Steps);
    QVERIFY(!w.timeAxisSwitch()->isEnabled());
}

void TestLatencyViews::propertiesPanel()
{
    SelectionHub hub;
    PropertiesPanel panel;
    panel.setSelectionHub(&hub);
    panel.setDocument(m_doc);
    QVERIFY(panel.isShowingEmptyState());
    panel.setLatency(m_profile);
    // Nothing selected: the session summary.
    QVERIFY(!panel.isShowingEmptyState());
    QVERIFY(panel.title().startsWith(QStringLiteral("Measured session")));
    const auto findRow = [&panel](const QString& section, const QString& key) -> QString {
        QTreeWidget* tree = panel.tree();
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* s = tree->topLevelItem(i);
            if (s->text(0) != section)
                continue;
            for (int c = 0; c < s->childCount(); ++c) {
                if (s->child(c)->text(0) == key)
                    return s->child(c)->text(1);
            }
        }
        return QStringLiteral("<missing>");
    };
    const LatencyProfile& p = *m_profile;
    QCOMPARE(findRow(QStringLiteral("Measured session"), QStringLiteral("Runs")),
        QStringLiteral("%1 received, %2 used").arg(p.runsTotal).arg(p.runsUsed));
    QCOMPARE(findRow(QStringLiteral("Measured session"), QStringLiteral("Sum of medians")),
        formatLatency(p, p.totalMedianTicks));

    const int op = hottestOperator(p);
    const LayerLatency& l = p.layers[static_cast<std::size_t>(op)];
    hub.selectOperator(0, op);
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Median")), formatLatency(p, l.medianTicks));
    QCOMPARE(
        findRow(QStringLiteral("Measured latency"), QStringLiteral("Std. deviation")), formatLatency(p, l.stddevTicks));
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Samples")), QString::number(l.samples));
    QCOMPARE(
        findRow(QStringLiteral("Measured latency"), QStringLiteral("Warm-up run")), formatLatency(p, *l.warmupTicks));
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Cycles per MAC")),
        formatCyclesPerMac(l.cyclesPerMac));

    // A collapsed section stays collapsed when runs arrive.
    QTreeWidget* tree = panel.tree();
    QTreeWidgetItem* options = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == QStringLiteral("Analysis"))
            options = tree->topLevelItem(i);
    }
    QVERIFY(options);
    options->setExpanded(false);
    panel.setLatency(profileOf(*m_doc, syntheticSession(*m_doc, 6)));
    bool collapsed = false;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == QStringLiteral("Analysis"))
            collapsed = !tree->topLevelItem(i)->isExpanded();
    }
    QVERIFY(collapsed);
    QVERIFY(panel.title().startsWith(QStringLiteral("Operator %1").arg(op)));

    const LatencyProfilePtr six = profileOf(*m_doc, syntheticSession(*m_doc, 6));
    panel.setLatency(six);
    hub.selectOperator(0, kUnmeasured);
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Median")), QStringLiteral("not measured"));
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Rejected")),
        QString::number(six->layers[kUnmeasured].rejected));
    panel.setLatency(nullptr);
    QCOMPARE(findRow(QStringLiteral("Measured latency"), QStringLiteral("Median")), QStringLiteral("<missing>"));
    hub.clear();
    QVERIFY(panel.isShowingEmptyState());
}

void TestLatencyViews::comparisonView()
{
    // B: the same board, every layer 20 % faster except operator 1, which is 50 % slower.
    MeasuredSession a = syntheticSession(*m_doc, 6);
    MeasuredSession b = a;
    b.boardName = QStringLiteral("Other board");
    for (MeasuredRun& run : b.runs) {
        for (std::size_t i = 0; i < run.ticks.size(); ++i) {
            if (run.ticks[i] && *run.ticks[i] != 0xFFFFFFFFu)
                run.ticks[i] = static_cast<quint32>(*run.ticks[i] * (i == 1 ? 1.5 : 0.8));
        }
    }
    const LatencyComparison c = compareLatency(*profileOf(*m_doc, a), *profileOf(*m_doc, b));
    LatencyComparisonView view;
    view.setComparison(c, m_doc, 0, QStringLiteral("before"), QStringLiteral("after"));
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QAbstractItemModel* model = view.model();
    QCOMPARE(model->rowCount(), static_cast<int>(c.layers.size()) + 1);
    QCOMPARE(
        model->headerData(LatencyComparisonView::AColumn, Qt::Horizontal).toString(), QStringLiteral("before (ms)"));
    for (int r = 0; r < static_cast<int>(c.layers.size()); ++r) {
        const LayerLatencyDelta& d = c.layers[static_cast<std::size_t>(r)];
        const auto value
            = [&](int column) { return model->index(r, column).data(LatencyComparisonView::SortRole).toDouble(); };
        QCOMPARE(model->index(r, LatencyComparisonView::TypeColumn).data().toString(),
            m_doc->model.subgraphs[0].operators[static_cast<std::size_t>(r)].type);
        if (std::isnan(d.medianA)) {
            QVERIFY(std::isnan(value(LatencyComparisonView::AColumn)));
            continue;
        }
        QCOMPARE(value(LatencyComparisonView::AColumn), d.medianA);
        QCOMPARE(value(LatencyComparisonView::BColumn), d.medianB);
        QCOMPARE(value(LatencyComparisonView::DeltaColumn), d.delta);
        QCOMPARE(value(LatencyComparisonView::RatioColumn), d.ratio);
    }
    // Faster and slower rows are coloured differently, and signed.
    const QColor faster
        = model->index(0, LatencyComparisonView::DeltaColumn).data(Qt::ForegroundRole).value<QBrush>().color();
    const QColor slower
        = model->index(1, LatencyComparisonView::DeltaColumn).data(Qt::ForegroundRole).value<QBrush>().color();
    QVERIFY(faster.isValid() && slower.isValid() && faster != slower);
    QVERIFY(model->index(1, LatencyComparisonView::DeltaColumn).data().toString().startsWith(QLatin1Char('+')));
    QVERIFY(model->index(0, LatencyComparisonView::DeltaColumn).data().toString().startsWith(QChar(0x2212)));
    const int totals = model->rowCount() - 1;
    QCOMPARE(model->index(totals, LatencyComparisonView::AColumn).data(LatencyComparisonView::SortRole).toDouble(),
        c.totalA);
    QCOMPARE(model->index(totals, LatencyComparisonView::BColumn).data(LatencyComparisonView::SortRole).toDouble(),
        c.totalB);
    // Sorted by the difference, largest first: the slower layer leads, the totals stay last.
    view.tableView()->sortByColumn(LatencyComparisonView::DeltaColumn, Qt::DescendingOrder);
    QCOMPARE(view.proxy()->index(0, 0).data(LatencyComparisonView::OperatorRole).toInt(), 1);
    QVERIFY(view.proxy()->index(view.proxy()->rowCount() - 1, 0).data(LatencyComparisonView::TotalsRowRole).toBool());
    // The comparison's warnings are shown.
    for (const QString& w : c.warnings)
        QVERIFY2(view.warningsText().contains(w), qPrintable(view.warningsText()));
    QVERIFY(view.warningsText().contains(QStringLiteral("Different boards")));
}

void TestLatencyViews::realModel()
{
    // A real network in the view at its opening zoom, for a person to look at, and what a new run costs (printed).
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc
        = TestHelpers::openSharedDocument(dir, QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite"));
    GraphView view;
    view.resize(1100, 750);
    view.setDocument(doc);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QElapsedTimer timer;
    const int calls = 20;
    qint64 total = 0;
    for (int runs = 2; runs < 2 + calls; ++runs) {
        const LatencyProfilePtr profile = profileOf(*doc, syntheticSession(*doc, runs));
        timer.start();
        view.setLatency(profile);
        total += timer.nsecsElapsed();
    }
    qInfo("GraphView::setLatency on %d operators: %.3f ms per call (mean of %d)",
        static_cast<int>(doc->analyses[0].layers.size()), static_cast<double>(total) / 1e6 / calls, calls);
    QVERIFY(view.heatLegend()->isVisible());
    QVERIFY(view.grab().save(outPath(QStringLiteral("latency_graph_vww.png"))));
}

QTEST_MAIN(TestLatencyViews)
#include "tst_latencyviews.moc"
