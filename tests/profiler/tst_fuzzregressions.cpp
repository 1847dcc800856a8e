// SPDX-License-Identifier: GPL-3.0-or-later
// Inputs the libFuzzer target fuzz_model (tests/fuzz) found to crash or misbehave, kept as files in
// tests/data/fuzz-regressions/model-*.tflite. Each one goes through what fuzz_model does (load, analysis, memory
// analysis, layout, reports); the specific checks below say what each one broke.
#include "analysis/layeranalysis.h"
#include "layout/graphlayout.h"
#include "memory/memoryanalysis.h"
#include "report/analysisreport.h"
#include "report/memoryreportjson.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include "tflite_generated.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <algorithm>
#include <cstring>
#include <limits>

using namespace Profiler;

namespace {

__extension__ typedef __int128 Int128; // GCC and clang: exact products of up to two 63-bit factors

QString regressionsDir()
{
    return QStringLiteral(TINYSCOPE_TEST_DATA "/fuzz-regressions");
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestFuzzRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyModel_data();
    void everyModel();
    void misalignedZeroPoints();
    void hugeShapesSaturateMacs();
    void hugeShapesSaturateMacsGenerated();
};

void TestFuzzRegressions::everyModel_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(regressionsDir()).entryList({ QStringLiteral("model-*.tflite") }, QDir::Files);
    QVERIFY2(!files.isEmpty(), qPrintable(regressionsDir()));
    for (const QString& name : files)
        QTest::addRow("%s", qPrintable(name)) << QDir(regressionsDir()).filePath(name);
}

void TestFuzzRegressions::everyModel()
{
    QFETCH(QString, path);
    const QByteArray bytes = readFile(path);
    QVERIFY(!bytes.isEmpty());
    const Result<Model> model = loadTfliteData(bytes, QStringLiteral("regression.tflite"));
    if (!model) {
        QVERIFY2(model.error().userMessage.contains(QStringLiteral("regression.tflite")),
            qPrintable(model.error().userMessage));
        return;
    }
    for (std::size_t s = 0; s < model->subgraphs.size(); ++s) {
        const ModelAnalysis analysis = analyzeModel(model.value(), static_cast<int>(s));
        QCOMPARE(analysis.layers.size(), model->subgraphs[s].operators.size());
        QVERIFY(!analysisToCsv(model.value(), analysis).isEmpty());
    }
    if (model->subgraphs.empty())
        return;
    MemoryOptions options;
    options.reorder.maxStates = 20'000;
    const MemoryReport memory = analyzeMemory(model.value(), options);
    QVERIFY(memory.best.arenaBytes <= memory.tflm.arenaBytes);
    QVERIFY(memory.lowerBound <= memory.best.arenaBytes);
    QVERIFY(!memoryToJson(model.value(), memory).isEmpty());
    const ModelGraph graph = layoutModelGraph(model.value(), 0);
    QCOMPARE(graph.layout.nodes.size(), graph.nodes.size());
}

// The flatbuffers verifier checks that a vector's length is 4-byte aligned, not that its int64 elements are 8-byte
// aligned, so a zero_point vector at 4 mod 8 passed it and was then read with misaligned int64 loads (UBSan:
// "load of misaligned address"). The loader now copies the bytes; the values must be those stored in the file.
void TestFuzzRegressions::misalignedZeroPoints()
{
    const QByteArray bytes = readFile(regressionsDir() + QStringLiteral("/model-misaligned-zero-point.tflite"));
    QVERIFY(!bytes.isEmpty());
    // A copy at an 8-byte aligned address, so "misaligned" below is about the file's layout, not the QByteArray's.
    std::vector<std::uint64_t> storage((static_cast<std::size_t>(bytes.size()) + 7) / 8);
    std::memcpy(storage.data(), bytes.constData(), static_cast<std::size_t>(bytes.size()));
    const auto* base = reinterpret_cast<const std::uint8_t*>(storage.data());
    const tflfb::Model* file = tflfb::GetModel(base);

    const Result<Model> model = loadTfliteData(bytes, QStringLiteral("misaligned.tflite"));
    QVERIFY2(model.ok(), model.ok() ? "" : qPrintable(model.error().userMessage));
    int misaligned = 0;
    // Every flatbuffers accessor read once into a local (GCC's -Wnull-dereference cannot see through repeats).
    const auto* subgraphs = file->subgraphs();
    QVERIFY(subgraphs);
    const flatbuffers::uoffset_t subgraphCount = subgraphs->size();
    for (flatbuffers::uoffset_t s = 0; s < subgraphCount; ++s) {
        const tflfb::SubGraph* subgraph = subgraphs->Get(s);
        const auto* tensors = subgraph ? subgraph->tensors() : nullptr;
        if (!tensors)
            continue;
        const flatbuffers::uoffset_t tensorCount = tensors->size();
        for (flatbuffers::uoffset_t t = 0; t < tensorCount; ++t) {
            const tflfb::Tensor* tensor = tensors->Get(t);
            const tflfb::QuantizationParameters* q = tensor ? tensor->quantization() : nullptr;
            const flatbuffers::Vector<std::int64_t>* zp = q ? q->zero_point() : nullptr;
            if (!zp)
                continue;
            if ((zp->Data() - base) % 8 != 0)
                ++misaligned;
            std::vector<std::int64_t> stored(zp->size());
            if (!stored.empty())
                std::memcpy(stored.data(), zp->Data(), stored.size() * sizeof(std::int64_t));
            QCOMPARE(model->subgraphs.at(s).tensors.at(t).quantization.zeroPoints, stored);
        }
    }
    QVERIFY2(misaligned > 0, "the reproducer no longer has a misaligned zero_point vector");
}

// CONV_2D with shapes near the loader's 2^48-element limit: output elements x kernel height x width x input channels
// overflowed 64 bits on the way (UBSan: signed integer overflow in operatorMacs). Counts now saturate at INT64_MAX; the
// expected values (the exact product, or INT64_MAX when it does not fit) are computed here in 128 bits.
void TestFuzzRegressions::hugeShapesSaturateMacs()
{
    const QByteArray bytes = readFile(regressionsDir() + QStringLiteral("/model-macs-overflow.tflite"));
    QVERIFY(!bytes.isEmpty());
    const Result<Model> model = loadTfliteData(bytes, QStringLiteral("macs.tflite"));
    QVERIFY2(model.ok(), model.ok() ? "" : qPrintable(model.error().userMessage));
    const Subgraph& sg = model->subgraphs.at(0);
    const ModelAnalysis analysis = analyzeModel(model.value(), 0);
    const Int128 max = std::numeric_limits<std::int64_t>::max();
    int overflowed = 0;
    Int128 total = 0;
    for (std::size_t i = 0; i < sg.operators.size(); ++i) {
        const Operator& op = sg.operators[i];
        if (op.type != QLatin1String("CONV_2D") || op.isCustom) {
            total += analysis.layers[i].macs;
            continue;
        }
        const Tensor* out = sg.operandAt(op.outputs, 0);
        const Tensor* filter = sg.operandAt(op.inputs, 1);
        Int128 exact = out ? out->elements : 0;
        bool tooLarge = false;
        for (std::size_t d = 1; d <= 3; ++d) {
            const std::int64_t n = filter && d < filter->shape.size() ? filter->shape[d] : 0;
            exact *= n;
            tooLarge = tooLarge || exact > max;
            exact = std::min(exact, max + 1); // keeps the next product far below 2^127; only 0 brings it back
        }
        const std::int64_t expected = static_cast<std::int64_t>(std::min(exact, max));
        QCOMPARE(analysis.layers[i].macs, expected);
        if (tooLarge)
            ++overflowed;
        total += expected;
    }
    QVERIFY2(overflowed > 0, "the reproducer no longer exceeds 64 bits in a MAC product");
    QCOMPARE(analysis.summary.macs, static_cast<std::int64_t>(std::min(total, max)));
}

// The reproducer's product ends with a zero dimension (its exact value is 0, only the way there overflowed). A
// generated CONV_2D whose product itself exceeds 64 bits (2^48 output elements x a 4096 x 4096 x 4096 kernel, both
// within the loader's limits) must read INT64_MAX, where the old code gave a wrapped, wrong count.
void TestFuzzRegressions::hugeShapesSaturateMacsGenerated()
{
    TfliteBuilder builder;
    const int input = builder.addTensor(QStringLiteral("in"), DataType::Int8, { 1, 1, 1, 1 });
    const int filter = builder.addTensor(QStringLiteral("filter"), DataType::Int8, { 1, 4096, 4096, 4096 });
    const int output = builder.addTensor(QStringLiteral("out"), DataType::Int8, { 1, 65536, 65536, 65536 });
    builder.setInputs({ input, filter });
    builder.setOutputs({ output });
    builder.addConv2D({ input, filter }, { output });
    const Result<Model> model = loadTfliteData(builder.finish(), QStringLiteral("huge.tflite"));
    QVERIFY2(model.ok(), model.ok() ? "" : qPrintable(model.error().userMessage));
    const Subgraph& sg = model->subgraphs.at(0);
    const Tensor* out = sg.tensorAt(output);
    const Tensor* kernel = sg.tensorAt(filter);
    QVERIFY(out && kernel);
    const Int128 exact = Int128(out->elements) * kernel->shape[1] * kernel->shape[2] * kernel->shape[3];
    QVERIFY(exact > Int128(std::numeric_limits<std::int64_t>::max()));
    const ModelAnalysis analysis = analyzeModel(model.value(), 0);
    QCOMPARE(analysis.layers.at(0).macs, std::numeric_limits<std::int64_t>::max());
    QCOMPARE(analysis.summary.macs, std::numeric_limits<std::int64_t>::max());
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
