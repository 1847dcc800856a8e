// SPDX-License-Identifier: GPL-3.0-or-later
// The loader and the analysis on the real models of ../shared/models. Expected structure comes from two
// sources that share no code with the loader: MANIFEST.md (operator counts, sizes, hashes) and
// tests/data/shared_models_census.tsv, written by tests/tools/tflite_census.py, a hand-rolled flatbuffer walker.
#include "analysis/layeranalysis.h"
#include "sharedmodels.h"
#include "tflite/tfliteloader.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QtTest>

#include <map>

using namespace Profiler;

namespace {

struct CensusRow
{
    int subgraphs = 0;
    QList<int> operators; // per subgraph
    QList<int> tensors; // per subgraph
    int buffers = 0;
    std::map<QString, int> types; // operator type -> count, subgraph 0
};

QList<int> toInts(const QString& s)
{
    QList<int> out;
    for (const QString& part : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out << part.toInt();
    return out;
}

std::map<QString, CensusRow> readCensus()
{
    std::map<QString, CensusRow> rows;
    QFile file(QStringLiteral(TINYSCOPE_TEST_DATA "/shared_models_census.tsv"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    QTextStream in(&file);
    in.readLine(); // header
    while (!in.atEnd()) {
        const QStringList cells = in.readLine().split(QLatin1Char('\t'));
        if (cells.size() < 6)
            continue;
        CensusRow row;
        row.subgraphs = cells[1].toInt();
        row.operators = toInts(cells[2]);
        row.tensors = toInts(cells[3]);
        row.buffers = cells[4].toInt();
        for (const QString& kv : cells[5].split(QLatin1Char(' '), Qt::SkipEmptyParts))
            row.types[kv.section(QLatin1Char(':'), 0, -2)] = kv.section(QLatin1Char(':'), -1).toInt();
        rows[cells[0]] = row;
    }
    return rows;
}

Model loadShared(const QString& dir, const QString& name)
{
    auto result = loadTfliteFile(dir + QLatin1Char('/') + name);
    if (!result.ok())
        qFatal("%s", qPrintable(result.error().userMessage));
    return std::move(result).value();
}

} // namespace

class TestSharedModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsEveryModel_data();
    void loadsEveryModel();
    void mlperfMacs_data();
    void mlperfMacs();
    void controlFlowAndResources();
    void signatures();
    void customOperatorsAndOfflinePlan();
    void oddTensorTypes();
    void optionsWithDefaults();
    void truncatedRealModel();
    void cancelAndProgress();
    void onnxModelsAreNamed();
};

void TestSharedModels::loadsEveryModel_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = TestHelpers::sharedTfliteModels();
    for (const QString& f : files)
        QTest::addRow("%s", qPrintable(QFileInfo(f).fileName())) << f;
}

void TestSharedModels::loadsEveryModel()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, path);
    const QString name = QFileInfo(path).fileName();
    const auto manifest = TestHelpers::readManifest();
    const auto census = readCensus();
    QVERIFY2(manifest.count(name), "model missing from MANIFEST.md");
    QVERIFY2(census.count(name), "model missing from tests/data/shared_models_census.tsv");
    const auto& m = manifest.at(name);
    const auto& c = census.at(name);

    // Make sure we test the files the manifest describes.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QCOMPARE(bytes.size(), m.bytes);
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()), m.sha256);

    const auto result = loadTfliteFile(path);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().userMessage));
    const Model& model = result.value();

    QCOMPARE(static_cast<int>(model.operatorCount()), m.operators);
    QCOMPARE(static_cast<int>(model.subgraphs.size()), c.subgraphs);
    QCOMPARE(static_cast<int>(model.buffers.size()), c.buffers);
    for (int s = 0; s < c.subgraphs; ++s) {
        QCOMPARE(static_cast<int>(model.subgraphs[s].operators.size()), c.operators[s]);
        QCOMPARE(static_cast<int>(model.subgraphs[s].tensors.size()), c.tensors[s]);
    }
    std::map<QString, int> types;
    for (const Operator& op : model.subgraphs[0].operators)
        ++types[op.type];
    QCOMPARE(types, c.types);

    // The analysis runs on every model and its totals agree with its rows.
    const ModelAnalysis a = analyzeModel(model, 0);
    QCOMPARE(a.layers.size(), model.subgraphs[0].operators.size());
    std::int64_t macs = 0;
    for (const LayerInfo& layer : a.layers) {
        QVERIFY(layer.params >= 0 && layer.macs >= 0 && layer.outputBytes >= 0);
        macs += layer.macs;
    }
    QCOMPARE(a.summary.macs, macs);
    QVERIFY(a.summary.weightBytes <= model.fileSize);
}

void TestSharedModels::mlperfMacs_data()
{
    // Published MLPerf Tiny reference figures; the MAC convention is in docs/analysis.md.
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("macs");
    QTest::addColumn<qint64>("params");
    QTest::addRow("ad01 FC autoencoder") << "mlperf_tiny_ad01_fc_autoencoder_int8.tflite" << qint64(264192)
                                         << qint64(265864);
    QTest::addRow("ResNet-8") << "mlperf_tiny_ic_resnet8_int8.tflite" << qint64(12501632) << qint64(77708);
    QTest::addRow("DS-CNN") << "mlperf_tiny_kws_ds_cnn_int8.tflite" << qint64(2656768) << qint64(22606);
    QTest::addRow("VWW MobileNetV1 0.25")
        << "mlperf_tiny_vww_mobilenet_v1_025_int8.tflite" << qint64(7489664) << qint64(210852);
    // float32 twins have the same structure, so the same MACs
    QTest::addRow("DS-CNN fp32") << "mlperf_tiny_kws_ds_cnn_fp32.tflite" << qint64(2656768) << qint64(22606);
    QTest::addRow("ResNet-8 fp32") << "mlperf_tiny_ic_resnet8_fp32.tflite" << qint64(12501632) << qint64(77708);
}

void TestSharedModels::mlperfMacs()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFETCH(QString, file);
    QFETCH(qint64, macs);
    QFETCH(qint64, params);
    const Model model = loadShared(dir, file);
    const ModelAnalysis a = analyzeModel(model);
    QCOMPARE(a.summary.macs, macs);
    QCOMPARE(a.summary.params, params);
}

void TestSharedModels::controlFlowAndResources()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Model model = loadShared(dir, QStringLiteral("litert_call_once_resource_vars.tflite"));
    QCOMPARE(model.subgraphs.size(), std::size_t(2));
    QCOMPARE(model.subgraphs[1].name, QStringLiteral("NoOp"));
    const Operator& callOnce = model.subgraphs[0].operators[0];
    QCOMPARE(callOnce.type, QStringLiteral("CALL_ONCE"));
    QCOMPARE(callOnce.builtinCode, 129); // above 127: only readable from the new builtin_code field
    QCOMPARE(callOnce.calledSubgraphs, std::vector<int> { 1 });
    QCOMPARE(callOnce.option(QStringLiteral("init_subgraph_index")).toInt(), 1);
    const Operator& varHandle = model.subgraphs[0].operators[1];
    QCOMPARE(varHandle.option(QStringLiteral("shared_name")).toString(), QStringLiteral("Variable"));
    const Tensor& resource = model.subgraphs[0].tensors[1];
    QCOMPARE(resource.type, DataType::Resource);
    QCOMPARE(resource.bytes, std::int64_t(-1)); // a handle has no fixed data size
    const Tensor& scalar = model.subgraphs[0].tensors[0];
    QVERIFY(scalar.shape.empty());
    QCOMPARE(scalar.elements, std::int64_t(1));
    QCOMPARE(shapeToString(scalar), QStringLiteral("scalar"));
}

void TestSharedModels::signatures()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Model model = loadShared(dir, QStringLiteral("litert_multi_signatures.tflite"));
    QCOMPARE(model.signatures.size(), std::size_t(2));
    QCOMPARE(model.signatures[0].key, QStringLiteral("add"));
    QCOMPARE(model.signatures[0].subgraph, 0);
    QCOMPARE(model.signatures[1].key, QStringLiteral("sub"));
    QCOMPARE(model.signatures[1].subgraph, 1);
    QCOMPARE(model.signatures[1].inputs.size(), std::size_t(1));
    // the input has a dynamic first dimension
    const Tensor& in = model.subgraphs[0].tensors[static_cast<std::size_t>(model.subgraphs[0].inputs[0])];
    QVERIFY(in.isDynamic());
    QCOMPARE(shapeToString(in), QStringLiteral("?"));
}

void TestSharedModels::customOperatorsAndOfflinePlan()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    {
        const Model model = loadShared(dir, QStringLiteral("tflm_person_detect_vela_ethosu.tflite"));
        const Operator& op = model.subgraphs[0].operators[0];
        QVERIFY(op.isCustom);
        QCOMPARE(op.type, QStringLiteral("ethos-u"));
        QVERIFY(model.offlinePlan.has_value());
        // Vela places input, scratch and output itself and leaves the command stream and weights to the runtime.
        QCOMPARE(model.offlinePlan->offsets, (std::vector<std::int32_t> { 0, -1, -1, 0, 0, 0 }));
        QCOMPARE(model.offlinePlan->subgraphCount, 1);
        QVERIFY(model.warnings.isEmpty());
    }
    {
        const Model model = loadShared(dir, QStringLiteral("coral_mobilenet_v1_025_128_edgetpu.tflite"));
        QCOMPARE(model.subgraphs[0].operators[0].type, QStringLiteral("edgetpu-custom-op"));
        QVERIFY(model.subgraphs[0].operators[0].customOptionsBytes > 0);
    }
    {
        const Model model = loadShared(dir, QStringLiteral("coral_unknown_custom_op.tflite"));
        const Operator& op = model.subgraphs[0].operators[0];
        QVERIFY(op.isCustom);
        QCOMPARE(op.type, QStringLiteral("fake-op-double"));
        QVERIFY(model.subgraphs[0].tensors[0].name.isEmpty());
        QCOMPARE(model.subgraphs[0].tensors[0].displayName(0), QStringLiteral("tensor 0"));
        const ModelAnalysis a = analyzeModel(model);
        QCOMPARE(a.layers[0].category, OpCategory::Custom);
        QCOMPARE(a.layers[0].macs, std::int64_t(0));
    }
}

void TestSharedModels::oddTensorTypes()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    {
        const Model model = loadShared(dir, QStringLiteral("litert_fc_int4_blockwise.tflite"));
        const Tensor& w = model.subgraphs[0].tensors[1];
        QCOMPARE(w.type, DataType::Int4);
        QCOMPARE(w.bytes, std::int64_t(1024 * 1024 / 2)); // two int4 values per byte
        QCOMPARE(w.quantization.scheme, Quantization::Scheme::Blockwise);
        QCOMPARE(w.quantization.blockSize, 32);
        QCOMPARE(w.quantization.blockScalesTensor, 3);
        QCOMPARE(model.subgraphs[0].tensors[3].type, DataType::Float16);
        // weights (512 KiB of int4) plus their float16 block scales (1024 x 32 x 2 bytes) are the layer's flash
        const ModelAnalysis a = analyzeModel(model);
        QCOMPARE(a.layers[0].weightBytes, std::int64_t(524288 + 65536));
        QCOMPARE(a.layers[0].macs, std::int64_t(1024 * 1024));
    }
    {
        const Model model = loadShared(dir, QStringLiteral("tfs_yamnet_audio_classifier.tflite"));
        bool complex = false;
        for (const Tensor& t : model.subgraphs[0].tensors)
            complex = complex || t.type == DataType::Complex64;
        QVERIFY(complex);
    }
    {
        const Model model = loadShared(dir, QStringLiteral("tflm_keyword_scrambled_int16.tflite"));
        const Tensor& in = model.subgraphs[0].tensors[static_cast<std::size_t>(model.subgraphs[0].inputs[0])];
        QCOMPARE(in.type, DataType::Int16);
        bool variable = false;
        for (const Tensor& t : model.subgraphs[0].tensors)
            variable = variable || t.isVariable;
        QVERIFY(variable); // SVDF state
    }
    {
        const Model model = loadShared(dir, QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite"));
        const Operator& conv = model.subgraphs[0].operators[0];
        const Tensor& filter = model.subgraphs[0].tensors[static_cast<std::size_t>(conv.inputs[1])];
        QCOMPARE(filter.quantization.scheme, Quantization::Scheme::PerChannel);
        QCOMPARE(filter.quantization.scales.size(), std::size_t(filter.shape[0]));
    }
}

void TestSharedModels::optionsWithDefaults()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const Model model = loadShared(dir, QStringLiteral("mlperf_tiny_kws_ds_cnn_int8.tflite"));
    const Operator& conv = model.subgraphs[0].operators[0];
    QCOMPARE(conv.type, QStringLiteral("CONV_2D"));
    QCOMPARE(conv.option(QStringLiteral("padding")).toString(), QStringLiteral("SAME"));
    QCOMPARE(conv.option(QStringLiteral("stride_w")).toInt(), 2);
    QCOMPARE(conv.option(QStringLiteral("stride_h")).toInt(), 2);
    QCOMPARE(conv.option(QStringLiteral("fused_activation_function")).toString(), QStringLiteral("RELU"));
    // converters leave out fields that hold their default; the default of dilation is 1, not 0
    QCOMPARE(conv.option(QStringLiteral("dilation_w_factor")).toInt(), 1);
    QCOMPARE(conv.option(QStringLiteral("dilation_h_factor")).toInt(), 1);

    const Model speech = loadShared(dir, QStringLiteral("tflm_micro_speech_int8.tflite"));
    const auto& ops = speech.subgraphs[0].operators;
    const auto it
        = std::find_if(ops.begin(), ops.end(), [](const Operator& op) { return op.type == QLatin1String("RESHAPE"); });
    QVERIFY(it != ops.end());
    const Operator& reshape = *it;
    const QVariantList newShape = reshape.option(QStringLiteral("new_shape")).toList();
    QVERIFY(!newShape.isEmpty());
}

void TestSharedModels::truncatedRealModel()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    QFile file(dir + QStringLiteral("/tflm_hello_world_int8.tflite"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray full = file.readAll();
    // Every prefix of the file is rejected with a message naming the file; none crashes.
    for (int len = 0; len < full.size(); ++len) {
        const auto r = loadTfliteData(full.left(len), QStringLiteral("hello.tflite"));
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("prefix of %1 bytes was accepted").arg(len)));
        QVERIFY(r.error().userMessage.startsWith(QLatin1String("hello.tflite: ")));
        QCOMPARE(r.error().kind, ErrorKind::InvalidInput);
    }
    QVERIFY(loadTfliteData(full, QStringLiteral("hello.tflite")).ok());

    // Data that does not start on an 8-byte boundary (a model compiled into Qt resources, a slice of a larger
    // blob) loads the same; under UBSan this also checks that nothing reads a misaligned 8-byte scalar.
    const QByteArray padded = QByteArray(3, '\0') + full;
    const QByteArray shifted = QByteArray::fromRawData(padded.constData() + 3, full.size());
    QVERIFY(reinterpret_cast<quintptr>(shifted.constData()) % 8 != 0);
    const auto r = loadTfliteData(shifted, QStringLiteral("hello.tflite"));
    QVERIFY(r.ok());
    QCOMPARE(r.value().operatorCount(), std::size_t(3));
    QCOMPARE(r.value().buffers.size(), loadTfliteData(full, QStringLiteral("hello.tflite")).value().buffers.size());
}

void TestSharedModels::cancelAndProgress()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const QString path = dir + QStringLiteral("/mltk_kws_on_off_v3_int8.tflite");
    Progress cancelled;
    cancelled.isCancelled = [] { return true; };
    const auto r = loadTfliteFile(path, cancelled);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, ErrorKind::Cancelled);

    QList<int> reported;
    Progress progress;
    progress.report = [&](int permille) { reported << permille; };
    QVERIFY(loadTfliteFile(path, progress).ok());
    QVERIFY(reported.size() >= 2);
    QCOMPARE(reported.first(), 0);
    QCOMPARE(reported.last(), 1000);
    QVERIFY(std::is_sorted(reported.begin(), reported.end()));
}

void TestSharedModels::onnxModelsAreNamed()
{
    // The two ONNX models of the shared set: a user who opens one learns what it is and what to do, not only that a
    // four-byte identifier is missing.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const struct {
        const char* file;
        const char* what;
    } cases[] = {
        { "onnx/mnist8_cntk.onnx", "this is an ONNX model (IR version 3, made by \"CNTK\")" },
        { "onnx/tflm_hello_world_keras2onnx.onnx", "this is an ONNX model (IR version 4, made by \"keras2onnx\")" },
    };
    for (const auto& c : cases) {
        const QString path = QDir(dir).filePath(QLatin1String(c.file));
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        const auto result = loadTfliteFile(path);
        QVERIFY(!result.ok());
        const QString message = result.error().userMessage;
        QVERIFY2(message.startsWith(path + QLatin1String(": ")), qPrintable(message)); // the file, named
        QVERIFY2(message.contains(QLatin1String(c.what)), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("convert it to TensorFlow Lite first")), qPrintable(message));
    }
}

QTEST_GUILESS_MAIN(TestSharedModels)
#include "tst_sharedmodels.moc"
