// SPDX-License-Identifier: GPL-3.0-or-later
// The properties panel: operator and tensor details against the model and the memory report, links through a
// SelectionHub, the empty state.
#include "document/modeldocument.h"
#include "documents.h"
#include "fixtures.h"
#include "layertablemodel.h"
#include "propertiespanel.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QTreeWidget>
#include <QtTest>

using namespace Profiler;
using TestHelpers::openDocument;
using TestHelpers::openSharedDocument;
using Widgets::PropertiesPanel;
using Widgets::SelectionHub;

namespace {

/** A label matches a path component exactly, or with a " (count)" suffix ("Inputs" matches "Inputs (3)"). */
bool labelMatches(const QString& label, const QString& component)
{
    return label == component || label.startsWith(component + QStringLiteral(" ("));
}

QTreeWidgetItem* findChildItem(QTreeWidgetItem* parent, const QString& label)
{
    for (int i = 0; i < parent->childCount(); ++i) {
        if (labelMatches(parent->child(i)->text(0), label))
            return parent->child(i);
    }
    return nullptr;
}

/** The item at `path` of first-column labels, starting at the top level; nullptr if there is none. */
using Path = std::initializer_list<QAnyStringView>;

QTreeWidgetItem* itemAt(const PropertiesPanel& panel, Path path)
{
    QTreeWidgetItem* item = panel.tree()->invisibleRootItem();
    for (QAnyStringView component : path) {
        item = findChildItem(item, component.toString());
        if (!item)
            return nullptr;
    }
    return item;
}

QString valueAt(const PropertiesPanel& panel, Path path)
{
    if (QTreeWidgetItem* item = itemAt(panel, path))
        return item->text(1);
    QStringList parts;
    for (QAnyStringView component : path)
        parts << component.toString();
    return QStringLiteral("<missing: %1>").arg(parts.join(QLatin1Char('/')));
}

void clickItem(QTreeWidget* tree, QTreeWidgetItem* item)
{
    for (QTreeWidgetItem* p = item->parent(); p; p = p->parent())
        p->setExpanded(true);
    tree->scrollToItem(item);
    const QRect rect = tree->visualItemRect(item);
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(
        tree->viewport(), Qt::LeftButton, {}, QPoint(rect.left() + tree->columnWidth(0) + 20, rect.center().y()));
}

int bufferOf(const MemoryProblem& problem, int subgraph, int tensor)
{
    for (std::size_t b = 0; b < problem.buffers.size(); ++b) {
        const MemoryBuffer& mb = problem.buffers[b];
        if (mb.kind == MemoryBuffer::Kind::Tensor && mb.subgraph == subgraph && mb.tensor == tensor)
            return static_cast<int>(b);
    }
    return -1;
}

} // namespace

class TestPropertiesPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyState();
    void dsCnnConvolution();
    void clickInputSelectsTensor();
    void activationTensor();
    void constantTensor();
    void exampleModel();
    void customOperator();
    void blockwiseQuantization();
    void screenshots();
};

void TestPropertiesPanel::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestPropertiesPanel::emptyState()
{
    PropertiesPanel panel;
    QVERIFY(panel.isShowingEmptyState());
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(openDocument(TestHelpers::exampleModelPath()));
    QVERIFY(panel.isShowingEmptyState());
    QCOMPARE(panel.title(), QString());

    hub.selectOperator(0, 0);
    QVERIFY(!panel.isShowingEmptyState());
    QVERIFY(panel.title().startsWith(QStringLiteral("Operator 0")));
    hub.clear();
    QVERIFY(panel.isShowingEmptyState());
    hub.selectTensor(0, 0);
    QVERIFY(!panel.isShowingEmptyState());
    hub.selectSubgraph(5); // no such subgraph
    QVERIFY(panel.isShowingEmptyState());
    panel.showOperator(0, 999);
    QVERIFY(panel.isShowingEmptyState());
    panel.setDocument(nullptr);
    panel.showTensor(0, 0);
    QVERIFY(panel.isShowingEmptyState());
}

void TestPropertiesPanel::dsCnnConvolution()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const Subgraph& sg = doc->model.subgraphs[0];
    const Operator& op = sg.operators[0];
    QCOMPARE(op.type, QStringLiteral("CONV_2D"));

    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    hub.selectOperator(0, 0);

    QCOMPARE(panel.title(), QStringLiteral("Operator 0 \u00b7 CONV_2D"));
    QCOMPARE(valueAt(panel, { "Operator", "Type" }), QStringLiteral("CONV_2D"));
    QCOMPARE(valueAt(panel, { "Operator", "Category" }), QStringLiteral("Convolution"));
    QCOMPARE(valueAt(panel, { "Operator", "Index" }), QStringLiteral("0"));
    QCOMPARE(valueAt(panel, { "Operator", "Name" }), doc->analyses[0].layers[0].name);
    QCOMPARE(valueAt(panel, { "Operator", "Version" }), QString::number(op.version));
    QCOMPARE(valueAt(panel, { "Options", "stride_w" }), QStringLiteral("2"));
    QCOMPARE(valueAt(panel, { "Options", "stride_h" }), QStringLiteral("2"));
    QCOMPARE(valueAt(panel, { "Options", "padding" }), QStringLiteral("SAME"));
    QCOMPARE(valueAt(panel, { "Options", "fused_activation_function" }), QStringLiteral("RELU"));
    QCOMPARE(valueAt(panel, { "Options", "dilation_w_factor" }), QStringLiteral("1"));
    QCOMPARE(valueAt(panel, { "Analysis", "Params" }), QStringLiteral("2,624"));
    QCOMPARE(valueAt(panel, { "Analysis", "MACs" }), QStringLiteral("320,000"));
    QCOMPARE(valueAt(panel, { "Analysis", "Output bytes" }), QStringLiteral("8,000 bytes"));
    QCOMPARE(valueAt(panel, { "Analysis", "Support (TFLM)" }), QStringLiteral("supported"));
    const TimelineStep& step1 = doc->memory.timeline.steps[1];
    QCOMPARE(step1.op, 0);
    QCOMPARE(valueAt(panel, { "Analysis", "Live arena bytes" }),
        QStringLiteral("%1 bytes at step 1").arg(Widgets::formatCount(step1.liveBytes)));
    QCOMPARE(valueAt(panel, { "Analysis", "Share of peak" }),
        QStringLiteral("%1 %").arg(100.0 * static_cast<double>(step1.liveBytes) / 16000.0, 0, 'f', 1));

    QCOMPARE(op.inputs.size(), std::size_t(3));
    QVERIFY(itemAt(panel, { "Inputs" })->text(0) == QStringLiteral("Inputs (3)"));
    // input 0: the int8 activation, per-tensor
    const Tensor& in = sg.tensors[static_cast<std::size_t>(op.inputs[0])];
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Index" }), QString::number(op.inputs[0]));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Shape" }), shapeToString(in));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Type" }), QStringLiteral("int8"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Storage" }), QStringLiteral("activation (arena)"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Quantization", "Scheme" }), QStringLiteral("per-tensor"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Quantization", "Zero point" }),
        QString::number(in.quantization.zeroPoints.front()));
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Quantization", "Scale" }),
        QString::number(static_cast<double>(in.quantization.scales.front()), 'g', 6));
    QVERIFY(in.isDynamic());
    QCOMPARE(valueAt(panel, { "Inputs", "input 0", "Dynamic dimensions" }), QStringLiteral("0 (signature -1x49x10x1)"));
    // input 1: the filter, per-channel with 64 scales along axis 0, constant
    const Tensor& filter = sg.tensors[static_cast<std::size_t>(op.inputs[1])];
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Shape" }), QStringLiteral("64x10x4x1"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Storage" }), QStringLiteral("constant (in flash)"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Bytes" }), QStringLiteral("2,560 bytes"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization" }), QStringLiteral("per-channel: 64 scales, axis 0"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization", "Channels" }), QStringLiteral("64"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization", "Axis" }), QStringLiteral("0"));
    const auto [lo, hi] = std::minmax_element(filter.quantization.scales.begin(), filter.quantization.scales.end());
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization", "Scale min" }),
        QString::number(static_cast<double>(*lo), 'g', 6));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization", "Scale max" }),
        QString::number(static_cast<double>(*hi), 'g', 6));
    QCOMPARE(valueAt(panel, { "Inputs", "input 1", "Quantization", "Zero points" }), QStringLiteral("all 0"));
    // input 2: the int32 bias
    QCOMPARE(valueAt(panel, { "Inputs", "input 2", "Type" }), QStringLiteral("int32"));
    QCOMPARE(valueAt(panel, { "Inputs", "input 2", "Shape" }), QStringLiteral("64"));
    // output
    QCOMPARE(valueAt(panel, { "Outputs", "output 0", "Shape" }), QStringLiteral("?x25x5x64"));
    QCOMPARE(valueAt(panel, { "Outputs", "output 0", "Bytes" }), QStringLiteral("8,000 bytes"));
    QCOMPARE(itemAt(panel, { "Outputs", "output 0" })->data(0, PropertiesPanel::LinkIndexRole).toInt(), op.outputs[0]);
    QCOMPARE(itemAt(panel, { "Outputs", "output 0" })->data(0, PropertiesPanel::LinkKindRole).toInt(),
        int(PropertiesPanel::LinkKind::Tensor));
}

void TestPropertiesPanel::clickInputSelectsTensor()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const Subgraph& sg = doc->model.subgraphs[0];
    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    panel.resize(520, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    hub.selectOperator(0, 2);
    const int weights = sg.operators[2].inputs[1];
    clickItem(panel.tree(), itemAt(panel, { "Inputs", "input 1" }));
    QTRY_COMPARE(hub.tensor(), weights);
    QCOMPARE(hub.op(), -1);
    QVERIFY(panel.title().startsWith(QStringLiteral("Tensor %1").arg(weights)));
    QCOMPARE(valueAt(panel, { "Memory", "Placement" }), QStringLiteral("constant (in flash)"));

    // ... and the tensor's consumer leads back to the operator.
    clickItem(panel.tree(), itemAt(panel, { "Consumers", "operator 2" }));
    QTRY_COMPARE(hub.op(), 2);
    QVERIFY(panel.title().startsWith(QStringLiteral("Operator 2")));

    // A plain property line is no link.
    clickItem(panel.tree(), itemAt(panel, { "Analysis", "MACs" }));
    QTest::qWait(20);
    QCOMPARE(hub.op(), 2);
}

void TestPropertiesPanel::activationTensor()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const Subgraph& sg = doc->model.subgraphs[0];
    const int t = sg.operators[0].outputs[0]; // CONV_2D output, read by the DEPTHWISE_CONV_2D
    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    panel.resize(520, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    hub.selectTensor(0, t);

    QCOMPARE(valueAt(panel, { "Tensor", "Index" }), QString::number(t));
    QCOMPARE(valueAt(panel, { "Tensor", "Name" }), sg.tensors[static_cast<std::size_t>(t)].name);
    QCOMPARE(valueAt(panel, { "Tensor", "Shape" }), QStringLiteral("?x25x5x64"));
    QCOMPARE(valueAt(panel, { "Tensor", "Type" }), QStringLiteral("int8"));
    QCOMPARE(valueAt(panel, { "Tensor", "Bytes" }), QStringLiteral("8,000 bytes"));
    QCOMPARE(valueAt(panel, { "Tensor", "Quantization", "Scheme" }), QStringLiteral("per-tensor"));
    QCOMPARE(itemAt(panel, { "Producer" })->childCount(), 1);
    QTreeWidgetItem* producer = itemAt(panel, { "Producer", "operator 0" });
    QVERIFY(producer);
    QVERIFY(producer->text(1).startsWith(QStringLiteral("CONV_2D")));
    QCOMPARE(producer->data(0, PropertiesPanel::LinkKindRole).toInt(), int(PropertiesPanel::LinkKind::Operator));
    QCOMPARE(itemAt(panel, { "Consumers" })->text(0), QStringLiteral("Consumers (1)"));
    QVERIFY(itemAt(panel, { "Consumers", "operator 1" }));
    QVERIFY(itemAt(panel, { "Consumers", "operator 1" })->text(1).startsWith(QStringLiteral("DEPTHWISE_CONV_2D")));

    const int buffer = bufferOf(doc->memory.problem, 0, t);
    QVERIFY(buffer >= 0);
    const MemoryBuffer& mb = doc->memory.problem.buffers[static_cast<std::size_t>(buffer)];
    const std::int64_t offset = doc->memory.tflm.offsets[static_cast<std::size_t>(buffer)];
    QCOMPARE(valueAt(panel, { "Memory", "Placement" }), QStringLiteral("arena head (TFLM plan)"));
    QCOMPARE(valueAt(panel, { "Memory", "Arena offset" }), Widgets::formatCount(offset));
    QCOMPARE(valueAt(panel, { "Memory", "Lifetime" }), QStringLiteral("steps %1 to %2").arg(mb.first).arg(mb.last));
    QCOMPARE(mb.first, 1); // produced by operator 0 at step 1 ...
    QCOMPARE(mb.last, 2); // ... last read by operator 1 at step 2
    QCOMPARE(valueAt(panel, { "Memory", "First step" }), QStringLiteral("1: operator 0 CONV_2D"));
    QCOMPARE(valueAt(panel, { "Memory", "Last step" }), QStringLiteral("2: operator 1 DEPTHWISE_CONV_2D"));

    // Clicking the consumer selects that operator in the hub.
    clickItem(panel.tree(), itemAt(panel, { "Consumers", "operator 1" }));
    QTRY_COMPARE(hub.op(), 1);
    QCOMPARE(valueAt(panel, { "Operator", "Type" }), QStringLiteral("DEPTHWISE_CONV_2D"));

    // The model input has no producer, the model output no consumer.
    hub.selectTensor(0, sg.inputs[0]);
    QCOMPARE(itemAt(panel, { "Producer", "none" })->text(1), QStringLiteral("subgraph input"));
    QCOMPARE(valueAt(panel, { "Tensor", "Role" }), QStringLiteral("subgraph input"));
    QVERIFY(valueAt(panel, { "Memory", "Arena offset" }) != QStringLiteral("<missing: Memory/Arena offset>"));
    hub.selectTensor(0, sg.outputs[0]);
    QCOMPARE(itemAt(panel, { "Consumers", "none" })->text(1), QStringLiteral("subgraph output"));
}

void TestPropertiesPanel::constantTensor()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const Subgraph& sg = doc->model.subgraphs[0];
    const int filter = sg.operators[0].inputs[1];
    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    hub.selectTensor(0, filter);
    QCOMPARE(valueAt(panel, { "Tensor", "Quantization" }), QStringLiteral("per-channel: 64 scales, axis 0"));
    QCOMPARE(valueAt(panel, { "Tensor", "Storage" }), QStringLiteral("constant (in flash)"));
    QCOMPARE(valueAt(panel, { "Memory", "Placement" }), QStringLiteral("constant (in flash)"));
    QVERIFY(!itemAt(panel, { "Memory", "Arena offset" }));
    QCOMPARE(itemAt(panel, { "Producer", "none" })->text(1), QStringLiteral("constant data stored in the model"));
    QVERIFY(itemAt(panel, { "Consumers", "operator 0" }));
}

void TestPropertiesPanel::exampleModel()
{
    const ModelDocumentPtr doc = openDocument(TestHelpers::exampleModelPath());
    const TestHelpers::Fixture fixture = TestHelpers::exampleModelFixture();
    const TestHelpers::ExpectedSubgraph& expected = fixture.subgraphs.front();
    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    for (std::size_t i = 0; i < expected.operators.size(); ++i) {
        const TestHelpers::ExpectedOperator& e = expected.operators[i];
        hub.selectOperator(0, static_cast<int>(i));
        QCOMPARE(valueAt(panel, { "Operator", "Type" }), e.type);
        QCOMPARE(valueAt(panel, { "Operator", "Name" }), e.name);
        QCOMPARE(valueAt(panel, { "Analysis", "MACs" }), Widgets::formatCount(e.macs));
        QCOMPARE(valueAt(panel, { "Analysis", "Params" }), Widgets::formatCount(e.params));
        QCOMPARE(itemAt(panel, { "Inputs" })->text(0), QStringLiteral("Inputs (%1)").arg(e.inputs.size()));
        for (std::size_t k = 0; k < e.inputs.size(); ++k) {
            const QString label = QStringLiteral("input %1").arg(k);
            if (e.inputs[k] < 0)
                QCOMPARE(valueAt(panel, { "Inputs", label }), QStringLiteral("(omitted)"));
            else
                QCOMPARE(valueAt(panel, { "Inputs", label, "Index" }), QString::number(e.inputs[k]));
        }
        for (const auto& [key, value] : e.options) {
            QTreeWidgetItem* item = itemAt(panel, { "Options", key });
            QVERIFY2(item, qPrintable(key));
            if (value.typeId() == QMetaType::QString || value.typeId() == QMetaType::Int)
                QCOMPARE(item->text(1), value.toString());
        }
    }
    // Every tensor shows without trouble, and activations have an arena offset.
    for (std::size_t t = 0; t < doc->model.subgraphs[0].tensors.size(); ++t) {
        hub.selectTensor(0, static_cast<int>(t));
        QVERIFY(!panel.isShowingEmptyState());
        const Tensor& tensor = doc->model.subgraphs[0].tensors[t];
        if (!tensor.isConstant && !tensor.isVariable)
            QVERIFY2(itemAt(panel, { "Memory", "Arena offset" }), qPrintable(tensor.name));
    }
}

void TestPropertiesPanel::customOperator()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "tflm_person_detect_vela_ethosu.tflite");
    const Operator& op = doc->model.subgraphs[0].operators[0];
    QVERIFY(op.isCustom);
    PropertiesPanel panel;
    panel.setDocument(doc);
    panel.showOperator(0, 0);
    QCOMPARE(valueAt(panel, { "Operator", "Type" }), QStringLiteral("ethos-u"));
    QCOMPARE(valueAt(panel, { "Operator", "Category" }), QStringLiteral("Custom"));
    QCOMPARE(valueAt(panel, { "Operator", "Custom options" }),
        QStringLiteral("%1 bytes").arg(Widgets::formatCount(op.customOptionsBytes)));
    QCOMPARE(valueAt(panel, { "Analysis", "Support (TFLM)" }), QStringLiteral("unsupported"));
    QCOMPARE(valueAt(panel, { "Analysis", "Reason" }), doc->analyses[0].layers[0].support.reason);
    QVERIFY(!doc->analyses[0].layers[0].support.reason.isEmpty());

    // Without a hub the panel follows its own links.
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    clickItem(panel.tree(), itemAt(panel, { "Outputs", "output 0" }));
    QTRY_VERIFY(panel.title().startsWith(QStringLiteral("Tensor %1").arg(op.outputs[0])));
    QCOMPARE(valueAt(panel, { "Memory", "Placement" }), QStringLiteral("arena head, offline-planned"));
}

void TestPropertiesPanel::blockwiseQuantization()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const ModelDocumentPtr doc = openSharedDocument(dir, "litert_fc_int4_blockwise.tflite");
    const Subgraph& sg = doc->model.subgraphs[0];
    int weights = -1;
    for (std::size_t t = 0; t < sg.tensors.size(); ++t) {
        if (sg.tensors[t].quantization.scheme == Quantization::Scheme::Blockwise)
            weights = static_cast<int>(t);
    }
    QVERIFY(weights >= 0);
    const Quantization& q = sg.tensors[static_cast<std::size_t>(weights)].quantization;
    PropertiesPanel panel;
    panel.setDocument(doc);
    panel.showTensor(0, weights);
    QCOMPARE(valueAt(panel, { "Tensor", "Quantization", "Scheme" }), QStringLiteral("block-wise"));
    QCOMPARE(valueAt(panel, { "Tensor", "Quantization", "Block size" }), QString::number(q.blockSize));
    QTreeWidgetItem* scales = itemAt(panel, { "Tensor", "Quantization", "Scales tensor" });
    QVERIFY(scales);
    if (q.blockScalesTensor >= 0)
        QCOMPARE(scales->data(0, PropertiesPanel::LinkIndexRole).toInt(), q.blockScalesTensor);
}

void TestPropertiesPanel::screenshots()
{
    QString path = TestHelpers::exampleModelPath();
    const QString dir = TestHelpers::sharedModelsDir();
    if (!dir.isEmpty())
        path = TestHelpers::sharedModelPath(dir, "mlperf_tiny_kws_ds_cnn_int8.tflite");
    const ModelDocumentPtr doc = openDocument(path);
    PropertiesPanel panel;
    SelectionHub hub;
    panel.setSelectionHub(&hub);
    panel.setDocument(doc);
    panel.resize(460, 820);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.grab().save(QStringLiteral("propertiespanel_empty.png")));

    hub.selectOperator(0, 0);
    if (QTreeWidgetItem* filter = itemAt(panel, { "Inputs", "input 1" })) {
        filter->setExpanded(true);
        if (QTreeWidgetItem* q = findChildItem(filter, QStringLiteral("Quantization")))
            q->setExpanded(true);
    }
    QVERIFY(panel.grab().save(QStringLiteral("propertiespanel_operator.png")));

    hub.selectTensor(0, doc->model.subgraphs[0].operators[0].outputs[0]);
    QVERIFY(panel.grab().save(QStringLiteral("propertiespanel_tensor.png")));
}

QTEST_MAIN(TestPropertiesPanel)
#include "tst_propertiespanel.moc"
