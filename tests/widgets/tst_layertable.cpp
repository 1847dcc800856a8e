// SPDX-License-Identifier: GPL-3.0-or-later
// The layer table: model and proxy checked by QAbstractItemModelTester, numbers against the analysis and the memory
// timeline, sorting with the totals row last, filtering, selection through a SelectionHub, TSV copy.
#include "document/modeldocument.h"
#include "documents.h"
#include "fixtures.h"
#include "layertablemodel.h"
#include "layertableview.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QLineEdit>
#include <QTableView>
#include <QtTest>

using namespace Profiler;
using TestHelpers::openDocument;
using TestHelpers::openSharedDocument;
using Widgets::LayerTableModel;
using Widgets::LayerTableProxy;
using Widgets::LayerTableView;
using Widgets::SelectionHub;

namespace {

/** Every row of the proxy but the last, as operator indices. */
QList<int> proxyOperators(const QAbstractItemModel& proxy)
{
    QList<int> ops;
    for (int r = 0; r < proxy.rowCount(); ++r)
        ops << proxy.index(r, 0).data(LayerTableModel::OperatorRole).toInt();
    return ops;
}

void exerciseProxy(LayerTableProxy& proxy)
{
    for (int c = 0; c < LayerTableModel::ColumnCount; ++c) {
        proxy.sort(c, Qt::AscendingOrder);
        proxy.sort(c, Qt::DescendingOrder);
    }
    proxy.setFilterText(QStringLiteral("conv"));
    proxy.setUnsupportedOnly(true);
    proxy.setFilterText(QString());
    proxy.setUnsupportedOnly(false);
    proxy.sort(-1);
}

} // namespace

class TestLayerTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelTester_data();
    void modelTester();
    void exampleModelNumbers();
    void dsCnnNumbers();
    void liveBytesFollowTimeline_data();
    void liveBytesFollowTimeline();
    void sortKeepsTotalsLast_data();
    void sortKeepsTotalsLast();
    void filter();
    void unsupportedOnly();
    void otherSubgraph();
    void selectionLinking();
    void copyAsTsv();
    void screenshot();
};

void TestLayerTable::initTestCase()
{
    // Expected texts below use "2,656,768"; the model groups digits in whatever locale is the default.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY2(QFileInfo::exists(TestHelpers::exampleModelPath()), qPrintable(TestHelpers::exampleModelPath()));
}

void TestLayerTable::modelTester_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("subgraph");
    QTest::addRow("example DS-CNN") << QString() << 0;
    QTest::addRow("MLPerf DS-CNN int8") << QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite") << 0;
    QTest::addRow("unknown custom op") << QStringLiteral("coral_unknown_custom_op.tflite") << 0;
    QTest::addRow("CALL_ONCE init subgraph") << QStringLiteral("litert_call_once_resource_vars.tflite") << 1;
    QTest::addRow("SSD with LSTM state") << QStringLiteral("coral_ssd_lstm_traffic_uint8.tflite") << 0;
}

void TestLayerTable::modelTester()
{
    QFETCH(QString, file);
    QFETCH(int, subgraph);
    TINYSCOPE_EXAMPLE_OR_SHARED_MODEL(path, file);
    const ModelDocumentPtr doc = openDocument(path);

    LayerTableModel model;
    LayerTableProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setDocument(doc, subgraph);
    const int ops = static_cast<int>(doc->model.subgraphs[static_cast<std::size_t>(subgraph)].operators.size());
    QCOMPARE(model.rowCount(), ops + 1);
    QCOMPARE(proxy.rowCount(), ops + 1);
    QCOMPARE(model.columnCount(), int(LayerTableModel::ColumnCount));
    exerciseProxy(proxy);
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < model.columnCount(); ++c) {
            for (int role : { int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole),
                     int(Qt::ForegroundRole), int(Qt::TextAlignmentRole), int(Qt::FontRole),
                     int(LayerTableModel::SortRole), int(LayerTableModel::ExportRole) })
                model.index(r, c).data(role);
        }
    }

    model.setDocument(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
    model.setDocument(doc, 99);
    QCOMPARE(model.rowCount(), 0);
    model.setDocument(doc, subgraph);
    QCOMPARE(proxy.rowCount(), ops + 1);
}

void TestLayerTable::exampleModelNumbers()
{
    const ModelDocumentPtr doc = openDocument(TestHelpers::exampleModelPath());
    const TestHelpers::Fixture fixture = TestHelpers::exampleModelFixture();
    QVERIFY(!fixture.subgraphs.empty());
    const TestHelpers::ExpectedSubgraph& expected = fixture.subgraphs.front();

    LayerTableModel model;
    model.setDocument(doc, 0);
    QCOMPARE(model.rowCount(), static_cast<int>(expected.operators.size()) + 1);
    for (std::size_t i = 0; i < expected.operators.size(); ++i) {
        const int r = static_cast<int>(i);
        const TestHelpers::ExpectedOperator& e = expected.operators[i];
        QCOMPARE(model.index(r, LayerTableModel::TypeColumn).data().toString(), e.type);
        QCOMPARE(model.index(r, LayerTableModel::NameColumn).data().toString(), e.name);
        QCOMPARE(model.index(r, LayerTableModel::ParamsColumn).data(LayerTableModel::SortRole).toLongLong(), e.params);
        QCOMPARE(model.index(r, LayerTableModel::MacsColumn).data(LayerTableModel::SortRole).toLongLong(), e.macs);
        QCOMPARE(model.index(r, LayerTableModel::WeightBytesColumn).data(LayerTableModel::SortRole).toLongLong(),
            e.weightBytes);
        QCOMPARE(model.index(r, LayerTableModel::OutputBytesColumn).data(LayerTableModel::SortRole).toLongLong(),
            e.outputBytes);
        QCOMPARE(model.index(r, LayerTableModel::MacsColumn).data().toString(), Widgets::formatCount(e.macs));
    }
    const int totals = model.totalsRow();
    QVERIFY(model.index(totals, 0).data(LayerTableModel::TotalsRowRole).toBool());
    QCOMPARE(
        model.index(totals, LayerTableModel::MacsColumn).data(LayerTableModel::SortRole).toLongLong(), expected.macs);
    QCOMPARE(model.index(totals, LayerTableModel::ParamsColumn).data(LayerTableModel::SortRole).toLongLong(),
        expected.params);
    QCOMPARE(model.index(totals, LayerTableModel::WeightBytesColumn).data(LayerTableModel::SortRole).toLongLong(),
        expected.weightBytes);
}

void TestLayerTable::dsCnnNumbers()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const ModelAnalysis& analysis = doc->analyses[0];
    LayerTableModel model;
    model.setDocument(doc, 0);
    QCOMPARE(model.rowCount(), 13 + 1);

    for (int r = 0; r < 13; ++r) {
        const LayerInfo& l = analysis.layers[static_cast<std::size_t>(r)];
        QCOMPARE(model.index(r, LayerTableModel::IndexColumn).data().toString(), QString::number(r));
        QCOMPARE(model.index(r, LayerTableModel::TypeColumn).data().toString(), l.type);
        QCOMPARE(
            model.index(r, LayerTableModel::ParamsColumn).data(LayerTableModel::SortRole), QVariant(qint64(l.params)));
        QCOMPARE(model.index(r, LayerTableModel::MacsColumn).data(LayerTableModel::SortRole), QVariant(qint64(l.macs)));
        QCOMPARE(model.index(r, LayerTableModel::SupportColumn).data().toString(), QStringLiteral("supported"));
        QCOMPARE(model.index(r, 0).data(LayerTableModel::OperatorRole).toInt(), r);
        QVERIFY(model.index(r, LayerTableModel::TypeColumn).data(Qt::BackgroundRole).value<QBrush>().color().isValid());
    }
    QCOMPARE(model.index(0, LayerTableModel::OutputShapeColumn).data().toString(), QStringLiteral("?x25x5x64"));
    QCOMPARE(model.index(0, LayerTableModel::MacsColumn).data().toString(), QStringLiteral("320,000"));
    QCOMPARE(model.index(0, LayerTableModel::ParamsColumn).data().toString(), QStringLiteral("2,624"));

    const int t = model.totalsRow();
    QCOMPARE(t, 13);
    QCOMPARE(model.index(t, LayerTableModel::MacsColumn).data().toString(), QStringLiteral("2,656,768"));
    QCOMPARE(model.index(t, LayerTableModel::MacsColumn).data(LayerTableModel::SortRole), QVariant(qint64(2656768)));
    QCOMPARE(model.index(t, LayerTableModel::MacsColumn).data(LayerTableModel::ExportRole).toString(),
        QStringLiteral("2656768"));
    QCOMPARE(model.index(t, LayerTableModel::ParamsColumn).data().toString(), QStringLiteral("22,606"));
    QCOMPARE(model.index(t, LayerTableModel::WeightBytesColumn).data().toString(), QStringLiteral("24,376"));
    QCOMPARE(model.index(t, LayerTableModel::LiveBytesColumn).data().toString(), QStringLiteral("16,000"));
    QCOMPARE(model.index(t, LayerTableModel::PeakShareColumn).data().toString(), QStringLiteral("100.0 %"));
    QCOMPARE(model.index(t, LayerTableModel::NameColumn).data().toString(), QStringLiteral("Total"));
    QCOMPARE(model.index(t, LayerTableModel::TypeColumn).data().toString(), QStringLiteral("13 operators"));
    QCOMPARE(model.index(t, LayerTableModel::SupportColumn).data().toString(), QStringLiteral("all supported"));
    QCOMPARE(model.index(t, 0).data(LayerTableModel::OperatorRole).toInt(), -1);
    QCOMPARE(model.index(t, 0).data(Qt::FontRole).value<QFont>().bold(), true);
}

void TestLayerTable::liveBytesFollowTimeline_data()
{
    QTest::addColumn<QString>("file");
    QTest::addRow("example DS-CNN") << QString();
    QTest::addRow("MLPerf DS-CNN int8") << QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite");
    QTest::addRow("MobileNetV2 (PyTorch)") << QStringLiteral("tflm_mobilenet_v2_pytorch_int8.tflite");
    QTest::addRow("CALL_ONCE") << QStringLiteral("litert_call_once_resource_vars.tflite");
}

void TestLayerTable::liveBytesFollowTimeline()
{
    QFETCH(QString, file);
    TINYSCOPE_EXAMPLE_OR_SHARED_MODEL(path, file);
    const ModelDocumentPtr doc = openDocument(path);
    const MemoryTimeline& timeline = doc->memory.timeline;
    for (int s = 0; s < static_cast<int>(doc->model.subgraphs.size()); ++s) {
        LayerTableModel model;
        model.setDocument(doc, s);
        std::map<int, std::int64_t> expected; // op -> largest live bytes over its steps
        for (const TimelineStep& step : timeline.steps) {
            if (step.subgraph == s && step.op >= 0)
                expected[step.op] = std::max(expected.count(step.op) ? expected[step.op] : -1, step.liveBytes);
        }
        if (s == 0)
            QCOMPARE(static_cast<int>(expected.size()), model.operatorCount()); // every main operator runs
        std::int64_t max = -1;
        for (int op = 0; op < model.operatorCount(); ++op) {
            const QModelIndex live = model.index(op, LayerTableModel::LiveBytesColumn);
            const QModelIndex share = model.index(op, LayerTableModel::PeakShareColumn);
            if (!expected.count(op)) {
                QCOMPARE(model.liveBytes(op), qint64(-1));
                QCOMPARE(live.data(LayerTableModel::ExportRole).toString(), QString());
                continue;
            }
            const std::int64_t bytes = expected[op];
            max = std::max(max, bytes);
            QCOMPARE(model.liveBytes(op), qint64(bytes));
            QCOMPARE(live.data(LayerTableModel::SortRole).toLongLong(), qint64(bytes));
            QCOMPARE(live.data().toString(), Widgets::formatCount(bytes));
            QCOMPARE(share.data(LayerTableModel::SortRole).toDouble(),
                static_cast<double>(bytes) / static_cast<double>(timeline.peakBytes));
            const int step = model.liveStep(op);
            QVERIFY(step >= 0 && step < static_cast<int>(timeline.steps.size()));
            QCOMPARE(timeline.steps[static_cast<std::size_t>(step)].subgraph, s);
            QCOMPARE(timeline.steps[static_cast<std::size_t>(step)].op, op);
        }
        QCOMPARE(model.index(model.totalsRow(), LayerTableModel::LiveBytesColumn)
                     .data(LayerTableModel::SortRole)
                     .toLongLong(),
            qint64(max));
        if (s == 0 && timeline.peakStep >= 0 && timeline.steps[static_cast<std::size_t>(timeline.peakStep)].op >= 0
            && timeline.steps[static_cast<std::size_t>(timeline.peakStep)].subgraph == 0) {
            const int peakOp = timeline.steps[static_cast<std::size_t>(timeline.peakStep)].op;
            QCOMPARE(
                model.index(peakOp, LayerTableModel::PeakShareColumn).data().toString(), QStringLiteral("100.0 %"));
        }
    }
}

void TestLayerTable::sortKeepsTotalsLast_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    for (int c = 0; c < LayerTableModel::ColumnCount; ++c) {
        QTest::addRow("column %d ascending", c) << c << Qt::AscendingOrder;
        QTest::addRow("column %d descending", c) << c << Qt::DescendingOrder;
    }
}

void TestLayerTable::sortKeepsTotalsLast()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    LayerTableModel model;
    LayerTableProxy proxy;
    proxy.setSourceModel(&model);
    model.setDocument(doc, 0);
    proxy.sort(column, order);

    const int rows = proxy.rowCount();
    QCOMPARE(rows, 14);
    QVERIFY(proxy.index(rows - 1, 0).data(LayerTableModel::TotalsRowRole).toBool());
    for (int r = 0; r + 1 < rows - 1; ++r) {
        const QVariant a = proxy.index(r, column).data(LayerTableModel::SortRole);
        const QVariant b = proxy.index(r + 1, column).data(LayerTableModel::SortRole);
        if (a.typeId() == QMetaType::QString) {
            const int c = QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive);
            QVERIFY2(order == Qt::AscendingOrder ? c <= 0 : c >= 0,
                qPrintable(QString(a.toString() + QStringLiteral(" / ") + b.toString())));
        } else {
            const QPartialOrdering c = QVariant::compare(a, b);
            QVERIFY2(order == Qt::AscendingOrder ? c != QPartialOrdering::Greater : c != QPartialOrdering::Less,
                qPrintable(QString(a.toString() + QStringLiteral(" / ") + b.toString())));
        }
    }
    if (column == LayerTableModel::MacsColumn) {
        // Numeric, not text, order: 512,000 before 72,000 when descending.
        const QList<int> ops = proxyOperators(proxy);
        if (order == Qt::DescendingOrder)
            QCOMPARE(ops.mid(0, 5), (QList<int> { 2, 4, 6, 8, 0 }));
        else
            QCOMPARE(ops.mid(0, 4), (QList<int> { 9, 10, 12, 11 }));
        QCOMPARE(ops.last(), -1);
    }
}

void TestLayerTable::filter()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    LayerTableModel model;
    LayerTableProxy proxy;
    proxy.setSourceModel(&model);
    model.setDocument(doc, 0);

    proxy.setFilterText(QStringLiteral("depthwise_CONV"));
    QCOMPARE(proxyOperators(proxy), (QList<int> { 1, 3, 5, 7, -1 }));
    proxy.setFilterText(QStringLiteral("conv_2d")); // type CONV_2D and DEPTHWISE_CONV_2D
    QCOMPARE(proxy.rowCount(), 9 + 1);
    proxy.setFilterText(QStringLiteral("flatten")); // by name: functional_1/flatten/Reshape
    QCOMPARE(proxyOperators(proxy), (QList<int> { 10, -1 }));
    proxy.setFilterText(QStringLiteral("  IDENTITY ")); // the softmax's output name, trimmed, any case
    QCOMPARE(proxyOperators(proxy), (QList<int> { 12, -1 }));
    proxy.setFilterText(QStringLiteral("no such layer"));
    QCOMPARE(proxyOperators(proxy), (QList<int> { -1 }));
    proxy.setFilterText(QString());
    QCOMPARE(proxy.rowCount(), 14);

    proxy.sort(LayerTableModel::MacsColumn, Qt::DescendingOrder);
    proxy.setFilterText(QStringLiteral("pool"));
    QCOMPARE(proxyOperators(proxy), (QList<int> { 9, -1 }));
}

void TestLayerTable::unsupportedOnly()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    LayerTableModel model;
    LayerTableProxy proxy;
    proxy.setSourceModel(&model);
    model.setDocument(openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite"), 0);
    proxy.setUnsupportedOnly(true);
    QCOMPARE(proxyOperators(proxy), (QList<int> { -1 }));

    const ModelDocumentPtr custom = openSharedDocument(dir, "coral_unknown_custom_op.tflite");
    model.setDocument(custom, 0);
    QCOMPARE(proxyOperators(proxy), (QList<int> { 0, -1 }));
    const QModelIndex support = model.index(0, LayerTableModel::SupportColumn);
    QCOMPARE(support.data().toString(), QStringLiteral("unsupported"));
    QCOMPARE(support.data(Qt::ToolTipRole).toString(), custom->analyses[0].layers[0].support.reason);
    QVERIFY(!support.data(Qt::ToolTipRole).toString().isEmpty());
    const QColor red = support.data(Qt::ForegroundRole).value<QBrush>().color();
    QVERIFY2(red.red() > 2 * red.green() && red.red() > 2 * red.blue(), qPrintable(red.name()));
    QCOMPARE(model.index(1, LayerTableModel::SupportColumn).data().toString(), QStringLiteral("1 unsupported"));
    proxy.setFilterText(QStringLiteral("fake-op"));
    QCOMPARE(proxyOperators(proxy), (QList<int> { 0, -1 }));
    proxy.setFilterText(QStringLiteral("add"));
    QCOMPARE(proxyOperators(proxy), (QList<int> { -1 }));
}

void TestLayerTable::otherSubgraph()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "litert_call_once_resource_vars.tflite");
    QCOMPARE(doc->model.subgraphs.size(), std::size_t(2));

    LayerTableView view;
    SelectionHub hub;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    QCOMPARE(view.model()->subgraph(), 0);
    QCOMPARE(view.proxy()->rowCount(), 5 + 1);

    hub.selectSubgraph(1);
    QCOMPARE(view.model()->subgraph(), 1);
    QCOMPARE(view.proxy()->rowCount(), 2 + 1);
    hub.selectOperator(1, 1);
    QCOMPARE(view.tableView()->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(view.tableView()->selectionModel()->selectedRows().first().data(LayerTableModel::OperatorRole).toInt(), 1);
    // An operator selected in another subgraph switches the table too.
    hub.selectOperator(0, 3);
    QCOMPARE(view.model()->subgraph(), 0);
    QCOMPARE(view.tableView()->selectionModel()->selectedRows().first().data(LayerTableModel::OperatorRole).toInt(), 3);
}

void TestLayerTable::selectionLinking()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    LayerTableView view;
    SelectionHub hub;
    view.setSelectionHub(&hub);
    view.setDocument(doc);
    view.resize(900, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTableView* table = view.tableView();
    QSignalSpy opSpy(&hub, &SelectionHub::operatorSelected);

    // Table -> hub, through a real click, in a sorted table.
    table->sortByColumn(LayerTableModel::MacsColumn, Qt::DescendingOrder);
    const QModelIndex first = view.proxy()->index(0, LayerTableModel::NameColumn);
    QCOMPARE(first.data(LayerTableModel::OperatorRole).toInt(), 2);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(first).center());
    QCOMPARE(hub.op(), 2);
    QCOMPARE(hub.subgraph(), 0);
    QCOMPARE(opSpy.size(), 1);

    // Hub -> table: selects the row and scrolls to it, without echoing back.
    hub.selectOperator(0, 11);
    QCOMPARE(opSpy.size(), 2);
    const QModelIndexList selected = table->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(LayerTableModel::OperatorRole).toInt(), 11);
    QCOMPARE(table->currentIndex().data(LayerTableModel::OperatorRole).toInt(), 11);
    QVERIFY(table->viewport()->rect().intersects(table->visualRect(table->currentIndex())));
    QCOMPARE(hub.op(), 11);

    // The totals row is no operator: clicking it leaves the hub alone.
    const QModelIndex totals = view.proxy()->index(view.proxy()->rowCount() - 1, LayerTableModel::NameColumn);
    table->scrollTo(totals);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(totals).center());
    QCOMPARE(hub.op(), 11);

    // Filtering the selected row away is no new selection; it comes back selected.
    hub.selectOperator(0, 5);
    view.filterEdit()->setText(QStringLiteral("softmax"));
    QCOMPARE(hub.op(), 5);
    QVERIFY(table->selectionModel()->selectedRows().isEmpty());
    view.filterEdit()->clear();
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().first().data(LayerTableModel::OperatorRole).toInt(), 5);

    // A tensor selection clears the row but not the hub's tensor.
    hub.selectTensor(0, 3);
    QVERIFY(table->selectionModel()->selectedRows().isEmpty());
    QCOMPARE(hub.tensor(), 3);

    // Clearing the hub clears the table.
    hub.selectOperator(0, 4);
    hub.clear();
    QVERIFY(table->selectionModel()->selectedRows().isEmpty());
    QCOMPARE(hub.op(), -1);

    // The "unsupported only" box filters.
    view.unsupportedOnlyBox()->setChecked(true);
    QCOMPARE(view.proxy()->rowCount(), 1);
    view.unsupportedOnlyBox()->setChecked(false);
    QCOMPARE(view.proxy()->rowCount(), 14);
}

void TestLayerTable::copyAsTsv()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    LayerTableView view;
    view.setDocument(doc);
    view.resize(900, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTableView* table = view.tableView();
    QVERIFY(!view.copyAction()->isEnabled());

    const auto select = [&](int proxyRow, QItemSelectionModel::SelectionFlags flags) {
        table->selectionModel()->select(view.proxy()->index(proxyRow, 0), flags | QItemSelectionModel::Rows);
    };
    select(11, QItemSelectionModel::ClearAndSelect);
    select(0, QItemSelectionModel::Select);
    select(13, QItemSelectionModel::Select); // totals
    QVERIFY(view.copyAction()->isEnabled());

    QGuiApplication::clipboard()->clear();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    const QString text = QGuiApplication::clipboard()->text();
    QStringList lines = text.split(QLatin1Char('\n'));
    QCOMPARE(lines.takeLast(), QString()); // ends with a newline
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0],
        QStringLiteral("#\tName\tType\tOutput shape\tParams\tMACs\tWeight bytes\tOutput bytes\tLive bytes\t% of "
                       "peak\tTFLM"));
    const QStringList op0 = lines[1].split(QLatin1Char('\t'));
    // Without latency its columns are hidden, and the copy holds the visible columns only.
    QCOMPARE(op0.size(), int(LayerTableModel::SupportColumn) + 1);
    QCOMPARE(op0[LayerTableModel::IndexColumn], QStringLiteral("0"));
    QCOMPARE(op0[LayerTableModel::NameColumn], doc->analyses[0].layers[0].name);
    QCOMPARE(op0[LayerTableModel::TypeColumn], QStringLiteral("CONV_2D"));
    QCOMPARE(op0[LayerTableModel::OutputShapeColumn], QStringLiteral("?x25x5x64"));
    QCOMPARE(op0[LayerTableModel::ParamsColumn], QStringLiteral("2624"));
    QCOMPARE(op0[LayerTableModel::MacsColumn], QStringLiteral("320000"));
    QCOMPARE(op0[LayerTableModel::OutputBytesColumn], QStringLiteral("8000"));
    QCOMPARE(op0[LayerTableModel::LiveBytesColumn], QString::number(view.model()->liveBytes(0)));
    QCOMPARE(op0[LayerTableModel::SupportColumn], QStringLiteral("supported"));
    const QStringList fc = lines[2].split(QLatin1Char('\t'));
    QCOMPARE(fc[LayerTableModel::TypeColumn], QStringLiteral("FULLY_CONNECTED"));
    QCOMPARE(fc[LayerTableModel::MacsColumn], QStringLiteral("768"));
    const QStringList totals = lines[3].split(QLatin1Char('\t'));
    QCOMPARE(totals[LayerTableModel::NameColumn], QStringLiteral("Total"));
    QCOMPARE(totals[LayerTableModel::MacsColumn], QStringLiteral("2656768"));
    QCOMPARE(totals[LayerTableModel::ParamsColumn], QStringLiteral("22606"));
    QCOMPARE(totals[LayerTableModel::LiveBytesColumn], QStringLiteral("16000"));
    QCOMPARE(totals[LayerTableModel::PeakShareColumn], QStringLiteral("100.0"));
    QVERIFY(!text.contains(QStringLiteral("2,656,768")));

    // The context menu's action copies the same, in the table's sorted order.
    table->sortByColumn(LayerTableModel::MacsColumn, Qt::AscendingOrder);
    QGuiApplication::clipboard()->clear();
    view.copyAction()->trigger();
    lines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[1].section(QLatin1Char('\t'), 2, 2), QStringLiteral("FULLY_CONNECTED"));
    QCOMPARE(lines[2].section(QLatin1Char('\t'), 2, 2), QStringLiteral("CONV_2D"));
    QCOMPARE(lines[3].section(QLatin1Char('\t'), 1, 1), QStringLiteral("Total"));
    QVERIFY(table->actions().contains(view.copyAction()));
    QCOMPARE(table->contextMenuPolicy(), Qt::ActionsContextMenu);
}

void TestLayerTable::screenshot()
{
    QString path = TestHelpers::exampleModelPath();
    const QString dir = TestHelpers::sharedModelsDir();
    if (!dir.isEmpty())
        path = TestHelpers::sharedModelPath(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    LayerTableView view;
    SelectionHub hub;
    view.setSelectionHub(&hub);
    view.setDocument(openDocument(path));
    view.resize(1100, 420);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    hub.selectOperator(0, 2);
    QVERIFY(view.grab().save(QStringLiteral("layertable.png")));

    if (!dir.isEmpty()) {
        view.setDocument(openSharedDocument(dir, "tflm_audio_preprocessor_int8.tflite"));
        QVERIFY(view.grab().save(QStringLiteral("layertable_unsupported.png")));
    }
}

QTEST_MAIN(TestLayerTable)
#include "tst_layertable.moc"
