// SPDX-License-Identifier: GPL-3.0-or-later
// The simulated board's cost model: hand-computed cycles for one-operator models, the fixtures' hand-counted MACs
// coming through, and monotonicity in every constant and in the size of a layer.
#include "fixtures.h"
#include "latency/costmodel.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include <QtTest>

#include <numeric>

using namespace Profiler;

namespace {

ModelDocumentPtr documentOf(const QByteArray& bytes, const QString& name)
{
    auto model = loadTfliteData(bytes, name);
    if (!model)
        qFatal("%s", qPrintable(model.error().userMessage));
    return buildModelDocument(std::move(model).value());
}

/** One FULLY_CONNECTED layer, `inFeatures` -> `outFeatures`, with the given activation and weight types. */
QByteArray fullyConnected(int inFeatures, int outFeatures, DataType activation, DataType weights, DataType bias)
{
    TfliteBuilder b;
    const int in = b.addTensor(QStringLiteral("input"), activation, { 1, inFeatures });
    const int w = b.addConstant(QStringLiteral("weights"), weights, { outFeatures, inFeatures },
        QByteArray(int(dataTypeBytes(weights, std::int64_t(inFeatures) * outFeatures)), '\1'));
    const int bi = b.addConstant(
        QStringLiteral("bias"), bias, { outFeatures }, QByteArray(int(dataTypeBytes(bias, outFeatures)), '\0'));
    const int out = b.addTensor(QStringLiteral("output"), activation, { 1, outFeatures });
    b.setInputs({ in });
    b.setOutputs({ out });
    b.addFullyConnected({ in, w, bi }, { out });
    return b.finish();
}

/** One elementwise ADD of two int8 tensors of shape 1x10x10x4 (no MACs). */
QByteArray int8Add()
{
    TfliteBuilder b;
    const int a = b.addTensor(QStringLiteral("a"), DataType::Int8, { 1, 10, 10, 4 });
    const int c = b.addTensor(QStringLiteral("b"), DataType::Int8, { 1, 10, 10, 4 });
    const int out = b.addTensor(QStringLiteral("sum"), DataType::Int8, { 1, 10, 10, 4 });
    b.setInputs({ a, c });
    b.setOutputs({ out });
    b.addAdd({ a, c }, { out });
    return b.finish();
}

double total(const std::vector<double>& cycles)
{
    return std::accumulate(cycles.begin(), cycles.end(), 0.0);
}

} // namespace

class TestCostModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handComputedCycles_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<int>("rateClass");
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<double>("cycles");
        // Default constants: 1500 fixed, 0.9 (int8) / 4.0 (float32) / 3.0 (other) per MAC, 0.6 per byte.
        // FULLY_CONNECTED 16 -> 8 is 128 MACs.
        // int8: input 16 B + weights 128 B + bias (int32) 32 B + output 8 B = 184 B; 1500 + 115.2 + 110.4.
        QTest::addRow("int8 fully connected 16->8")
            << fullyConnected(16, 8, DataType::Int8, DataType::Int8, DataType::Int32) << int(CostDataType::Int8)
            << qint64(184) << 1725.6;
        // float32: 64 + 512 + 32 + 32 = 640 B; 1500 + 512 + 384.
        QTest::addRow("float32 fully connected 16->8")
            << fullyConnected(16, 8, DataType::Float32, DataType::Float32, DataType::Float32)
            << int(CostDataType::Float32) << qint64(640) << 2396.0;
        // hybrid (float input, int8 weights): 64 + 128 + 32 + 32 = 256 B; 1500 + 384 + 153.6.
        QTest::addRow("hybrid fully connected 16->8")
            << fullyConnected(16, 8, DataType::Float32, DataType::Int8, DataType::Float32) << int(CostDataType::Other)
            << qint64(256) << 2037.6;
        // int16 activations (16x8): 32 + 128 + 64 (int64 bias) + 16 = 240 B; 1500 + 384 + 144.
        QTest::addRow("int16x8 fully connected 16->8")
            << fullyConnected(16, 8, DataType::Int16, DataType::Int8, DataType::Int64) << int(CostDataType::Other)
            << qint64(240) << 2028.0;
        // ADD: no MACs; 400 + 400 read, 400 written = 1200 B; 1500 + 720.
        QTest::addRow("int8 add 1x10x10x4") << int8Add() << int(CostDataType::Int8) << qint64(1200) << 2220.0;
    }
    void handComputedCycles()
    {
        QFETCH(QByteArray, model);
        QFETCH(int, rateClass);
        QFETCH(qint64, bytes);
        QFETCH(double, cycles);
        const ModelDocumentPtr doc = documentOf(model, QStringLiteral("fixture.tflite"));
        const Subgraph& graph = doc->model.subgraphs.at(0);
        QCOMPARE(graph.operators.size(), std::size_t(1));
        QCOMPARE(int(costDataType(graph.operators[0], graph)), rateClass);
        QCOMPARE(qint64(costBytesMoved(graph.operators[0], graph)), bytes);
        const std::vector<double> estimate = estimateOperatorCycles(*doc);
        QCOMPARE(estimate.size(), std::size_t(1));
        QVERIFY2(std::abs(estimate[0] - cycles) < 1e-9, qPrintable(QString::number(estimate[0], 'f', 6)));
    }

    void fixtureMacsComeThrough()
    {
        // With only a per-MAC cost of 1 cycle, the estimate of each operator is its hand-counted MACs.
        CostModelParams macsOnly;
        macsOnly.fixedCycles = 0;
        macsOnly.int8CyclesPerMac = 1;
        macsOnly.floatCyclesPerMac = 1;
        macsOnly.otherCyclesPerMac = 1;
        macsOnly.cyclesPerByte = 0;
        int checked = 0;
        for (const TestHelpers::Fixture& fixture : TestHelpers::allFixtures()) {
            const ModelDocumentPtr doc = documentOf(fixture.bytes, fixture.name);
            for (std::size_t s = 0; s < fixture.subgraphs.size(); ++s) {
                const auto& expected = fixture.subgraphs[s].operators;
                const std::vector<double> cycles = estimateOperatorCycles(*doc, int(s), macsOnly);
                QCOMPARE(cycles.size(), expected.size());
                for (std::size_t i = 0; i < expected.size(); ++i) {
                    QVERIFY2(cycles[i] == double(expected[i].macs),
                        qPrintable(QStringLiteral("%1, subgraph %2, operator %3 (%4): %5 cycles, %6 MACs")
                                       .arg(fixture.name)
                                       .arg(s)
                                       .arg(i)
                                       .arg(expected[i].type)
                                       .arg(cycles[i])
                                       .arg(expected[i].macs)));
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 10);
    }

    void exampleModelTotals()
    {
        const TestHelpers::Fixture example = TestHelpers::exampleModelFixture();
        if (example.bytes.isEmpty())
            QFAIL("the example model was not built (tinyscope_examples)");
        const ModelDocumentPtr doc = documentOf(example.bytes, example.name);
        CostModelParams macsOnly;
        macsOnly.fixedCycles = 0;
        macsOnly.int8CyclesPerMac = 1;
        macsOnly.floatCyclesPerMac = 1;
        macsOnly.otherCyclesPerMac = 1;
        macsOnly.cyclesPerByte = 0;
        QCOMPARE(total(estimateOperatorCycles(*doc, 0, macsOnly)), double(example.subgraphs.at(0).macs));
        // Only the fixed cost: operators x fixed.
        CostModelParams fixedOnly = macsOnly;
        fixedOnly.int8CyclesPerMac = fixedOnly.floatCyclesPerMac = fixedOnly.otherCyclesPerMac = 0;
        fixedOnly.fixedCycles = 100;
        QCOMPARE(total(estimateOperatorCycles(*doc, 0, fixedOnly)),
            100.0 * double(example.subgraphs.at(0).operators.size()));
        const std::vector<double> defaults = estimateOperatorCycles(*doc);
        QCOMPARE(defaults.size(), doc->model.subgraphs.at(0).operators.size());
        for (double c : defaults)
            QVERIFY(c >= CostModelParams {}.fixedCycles);
        qInfo("example model: %.0f cycles per run with the default constants (%.2f ms at 25 MHz)", total(defaults),
            total(defaults) / 25e3);
    }

    void monotonicInLayerSize()
    {
        double previous = 0;
        for (int features : { 8, 16, 32, 64, 128, 256 }) {
            const ModelDocumentPtr doc
                = documentOf(fullyConnected(features, features / 2, DataType::Int8, DataType::Int8, DataType::Int32),
                    QStringLiteral("fc.tflite"));
            const double cycles = total(estimateOperatorCycles(*doc));
            QVERIFY2(cycles > previous,
                qPrintable(QStringLiteral("%1 features: %2 <= %3").arg(features).arg(cycles).arg(previous)));
            previous = cycles;
        }
        // The same layer costs more in float32 than in int8.
        const auto int8 = documentOf(
            fullyConnected(64, 32, DataType::Int8, DataType::Int8, DataType::Int32), QStringLiteral("int8.tflite"));
        const auto float32 = documentOf(fullyConnected(64, 32, DataType::Float32, DataType::Float32, DataType::Float32),
            QStringLiteral("float.tflite"));
        QVERIFY(total(estimateOperatorCycles(*float32)) > total(estimateOperatorCycles(*int8)));
    }

    void monotonicInEveryConstant_data()
    {
        QTest::addColumn<int>("which");
        QTest::addRow("fixed cycles") << 0;
        QTest::addRow("int8 cycles per MAC") << 1;
        QTest::addRow("float cycles per MAC") << 2;
        QTest::addRow("other cycles per MAC") << 3;
        QTest::addRow("cycles per byte") << 4;
    }
    void monotonicInEveryConstant()
    {
        QFETCH(int, which);
        // A model with all three rate classes and an elementwise op: every constant matters somewhere.
        std::vector<ModelDocumentPtr> docs = {
            documentOf(fullyConnected(32, 16, DataType::Int8, DataType::Int8, DataType::Int32), QStringLiteral("a")),
            documentOf(
                fullyConnected(32, 16, DataType::Float32, DataType::Float32, DataType::Float32), QStringLiteral("b")),
            documentOf(
                fullyConnected(32, 16, DataType::Float32, DataType::Int8, DataType::Float32), QStringLiteral("c")),
            documentOf(int8Add(), QStringLiteral("d")),
        };
        CostModelParams base;
        CostModelParams more = base;
        double* fields[] = { &more.fixedCycles, &more.int8CyclesPerMac, &more.floatCyclesPerMac,
            &more.otherCyclesPerMac, &more.cyclesPerByte };
        *fields[which] *= 2;
        double baseTotal = 0;
        double moreTotal = 0;
        for (const ModelDocumentPtr& doc : docs) {
            const double b = total(estimateOperatorCycles(*doc, 0, base));
            const double m = total(estimateOperatorCycles(*doc, 0, more));
            QVERIFY(m >= b); // never cheaper
            baseTotal += b;
            moreTotal += m;
        }
        QVERIFY(moreTotal > baseTotal); // and dearer somewhere
    }

    void missingSubgraphGivesNothing()
    {
        const ModelDocumentPtr doc = documentOf(int8Add(), QStringLiteral("add.tflite"));
        QVERIFY(estimateOperatorCycles(*doc, 1).empty());
        QVERIFY(estimateOperatorCycles(*doc, -1).empty());
    }
};

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
