// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture models written by TfliteBuilder, loaded by loadTfliteData() and analysed by analyzeModel(): every number
// must match the hand-computed value in tests/helpers/fixtures.cpp. Malformed files must be refused cleanly.
#include "analysis/layeranalysis.h"
#include "fixtures.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Profiler;
using namespace TestHelpers;

namespace {

QString text(std::int64_t v)
{
    return QString::number(v);
}
QString text(int v)
{
    return QString::number(v);
}
QString text(bool v)
{
    return v ? QStringLiteral("true") : QStringLiteral("false");
}
QString text(const QString& v)
{
    return QLatin1Char('"') + v + QLatin1Char('"');
}
QString text(DataType v)
{
    return dataTypeName(v);
}
QString text(Quantization::Scheme v)
{
    return QString::number(static_cast<int>(v));
}
template <typename T> QString text(const std::vector<T>& v)
{
    QStringList parts;
    for (const auto& x : v)
        parts << QString::number(x);
    return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
}

/** Compares one figure and says exactly which one differs: "subgraph 0, operator 1 (CONV_2D): macs". */
#define CHECK(where, field, actual, expected)                                                                          \
    do {                                                                                                               \
        const auto& a_ = (actual);                                                                                     \
        const auto& e_ = (expected);                                                                                   \
        if (!(a_ == e_))                                                                                               \
            QFAIL(qPrintable(                                                                                          \
                QStringLiteral("%1: %2 is %3, expected %4").arg(where, QStringLiteral(field), text(a_), text(e_))));   \
    } while (false)

QString optionMismatch(const Operator& op, const QString& key, const QVariant& expected)
{
    const QVariant actual = op.option(key);
    if (!actual.isValid())
        return QStringLiteral("option %1 is missing").arg(key);
    bool same = false;
    switch (expected.typeId()) {
    case QMetaType::QString:
        same = actual.toString() == expected.toString();
        break;
    case QMetaType::Bool:
        same = actual.toBool() == expected.toBool();
        break;
    case QMetaType::Double:
        same = qFuzzyCompare(actual.toDouble(), expected.toDouble());
        break;
    case QMetaType::QVariantList: {
        const QVariantList a = actual.toList();
        const QVariantList e = expected.toList();
        same = a.size() == e.size();
        for (qsizetype i = 0; same && i < a.size(); ++i)
            same = a[i].toLongLong() == e[i].toLongLong();
        break;
    }
    default:
        same = actual.toLongLong() == expected.toLongLong();
        break;
    }
    if (same)
        return {};
    return QStringLiteral("option %1 is %2, expected %3").arg(key, actual.toString(), expected.toString());
}

bool isDynamic(const std::vector<std::int32_t>& signature)
{
    return std::any_of(signature.begin(), signature.end(), [](std::int32_t d) { return d < 0; });
}

void checkTensors(const Model& model, const Subgraph& sg, const ExpectedSubgraph& e, int s)
{
    CHECK(QStringLiteral("subgraph %1").arg(s), "tensor count", static_cast<int>(sg.tensors.size()), e.tensorCount);
    for (const ExpectedTensor& et : e.tensors) {
        const QString where = QStringLiteral("subgraph %1, tensor %2 (%3)").arg(s).arg(et.index).arg(et.name);
        QVERIFY2(et.index >= 0 && static_cast<std::size_t>(et.index) < sg.tensors.size(), qPrintable(where));
        const Tensor& t = sg.tensors[static_cast<std::size_t>(et.index)];
        CHECK(where, "name", t.name, et.name);
        CHECK(where, "type", t.type, et.type);
        CHECK(where, "shape", t.shape, et.shape);
        CHECK(where, "shape signature", t.shapeSignature, et.shapeSignature);
        CHECK(where, "isDynamic()", t.isDynamic(), isDynamic(et.shapeSignature));
        CHECK(where, "elements", t.elements, et.elements);
        CHECK(where, "bytes", t.bytes, et.bytes);
        CHECK(where, "isConstant", t.isConstant, et.isConstant);
        CHECK(where, "isVariable", t.isVariable, et.isVariable);
        CHECK(where, "quantization scheme", t.quantization.scheme, et.quantization);
        if (et.quantization == Quantization::Scheme::PerTensor || et.quantization == Quantization::Scheme::PerChannel)
            CHECK(where, "quantization scales", static_cast<int>(t.quantization.scales.size()), et.quantizationScales);
        if (et.quantization == Quantization::Scheme::PerChannel)
            CHECK(where, "quantized axis", t.quantization.axis, et.quantizedAxis);
        if (et.quantization == Quantization::Scheme::Blockwise)
            CHECK(where, "block scales tensor", t.quantization.blockScalesTensor, et.blockScalesTensor);
        if (et.buffer >= 0) {
            CHECK(where, "buffer", t.buffer, et.buffer);
            QVERIFY2(static_cast<std::size_t>(t.buffer) < model.buffers.size(), qPrintable(where));
            const Buffer& b = model.buffers[static_cast<std::size_t>(t.buffer)];
            CHECK(where, "buffer size", b.size, et.bytes);
            QVERIFY2(b.offset >= 0 && b.offset % 16 == 0,
                qPrintable(where + QStringLiteral(": buffer data at offset %1 is not 16-byte aligned").arg(b.offset)));
        }
    }
}

void checkOperators(const Subgraph& sg, const ExpectedSubgraph& e, int s)
{
    CHECK(QStringLiteral("subgraph %1").arg(s), "operator count", static_cast<int>(sg.operators.size()),
        static_cast<int>(e.operators.size()));
    for (std::size_t i = 0; i < e.operators.size(); ++i) {
        const ExpectedOperator& eo = e.operators[i];
        const Operator& op = sg.operators[i];
        const QString where = QStringLiteral("subgraph %1, operator %2 (%3)").arg(s).arg(i).arg(eo.type);
        CHECK(where, "index", op.index, static_cast<int>(i));
        CHECK(where, "type", op.type, eo.type);
        CHECK(where, "builtinCode", op.builtinCode, eo.builtinCode);
        CHECK(where, "isCustom", op.isCustom, eo.isCustom);
        CHECK(where, "version", op.version, eo.version);
        CHECK(where, "inputs", op.inputs, eo.inputs);
        CHECK(where, "outputs", op.outputs, eo.outputs);
        CHECK(where, "called subgraphs", op.calledSubgraphs, eo.calledSubgraphs);
        CHECK(where, "custom options bytes", static_cast<std::int64_t>(op.customOptionsBytes),
            static_cast<std::int64_t>(eo.customOptionsBytes));
        for (const auto& [key, value] : eo.options) {
            const QString problem = optionMismatch(op, key, value);
            QVERIFY2(problem.isEmpty(), qPrintable(where + QStringLiteral(": ") + problem));
        }
    }
}

void checkAnalysis(const Model& model, const ExpectedSubgraph& e, int s)
{
    const ModelAnalysis analysis = analyzeModel(model, s);
    const ModelSummary& sum = analysis.summary;
    const QString where = QStringLiteral("analysis of subgraph %1").arg(s);
    CHECK(where, "summary.subgraph", sum.subgraph, s);
    CHECK(where, "summary.subgraphs", sum.subgraphs, static_cast<std::int64_t>(model.subgraphs.size()));
    CHECK(where, "summary.operators", sum.operators, static_cast<std::int64_t>(e.operators.size()));
    CHECK(where, "summary.tensors", sum.tensors, static_cast<std::int64_t>(e.tensorCount));
    CHECK(where, "summary.params", sum.params, e.params);
    CHECK(where, "summary.weightBytes", sum.weightBytes, e.weightBytes);
    CHECK(where, "summary.macs", sum.macs, e.macs);
    CHECK(where, "summary.largestActivationBytes", sum.largestActivationBytes, e.largestActivationBytes);
    if (e.largestActivationTensor != -2)
        CHECK(where, "summary.largestActivationTensor", sum.largestActivationTensor, e.largestActivationTensor);

    CHECK(where, "layer count", static_cast<int>(analysis.layers.size()), static_cast<int>(e.operators.size()));
    for (std::size_t i = 0; i < e.operators.size(); ++i) {
        const ExpectedOperator& eo = e.operators[i];
        const LayerInfo& layer = analysis.layers[i];
        const QString lw = QStringLiteral("subgraph %1, layer %2 (%3)").arg(s).arg(i).arg(eo.type);
        CHECK(lw, "index", layer.index, static_cast<int>(i));
        CHECK(lw, "type", layer.type, eo.type);
        CHECK(lw, "name", layer.name, eo.name);
        CHECK(lw, "params", layer.params, eo.params);
        CHECK(lw, "weightBytes", layer.weightBytes, eo.weightBytes);
        CHECK(lw, "macs", layer.macs, eo.macs);
        CHECK(lw, "outputBytes", layer.outputBytes, eo.outputBytes);
    }
}

std::vector<Fixture> fixturesWithExample()
{
    std::vector<Fixture> list = allFixtures();
    list.push_back(exampleModelFixture());
    return list;
}

} // namespace

class TestFixtures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void writtenFilesAreWellFormed_data();
    void writtenFilesAreWellFormed();
    void writingIsDeterministic();
    void opcodesAreWrittenAsAsked();
    void offlineMemoryAllocationBytes();
    void writeFile();

    void loadsWithKnownAnswers_data();
    void loadsWithKnownAnswers();

    void malformedModelsAreRejected_data();
    void malformedModelsAreRejected();

    void exampleModelIsDeterministic();

private:
    std::vector<Fixture> m_fixtures;
    std::vector<MalformedModel> m_malformed;
};

void TestFixtures::initTestCase()
{
    m_fixtures = fixturesWithExample();
    m_malformed = malformedModels();
    QVERIFY2(!m_fixtures.back().bytes.isEmpty(),
        qPrintable(QStringLiteral("the example model was not built: %1").arg(exampleModelPath())));
}

// ---- what the writer promises, checked with the flatbuffers verifier alone ------------------------------------------

void TestFixtures::writtenFilesAreWellFormed_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_fixtures.size(); ++i)
        QTest::addRow("%s", qPrintable(m_fixtures[i].name)) << static_cast<int>(i);
}

void TestFixtures::writtenFilesAreWellFormed()
{
    QFETCH(int, index);
    const QString problem = checkWrittenFile(m_fixtures[static_cast<std::size_t>(index)].bytes);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestFixtures::writingIsDeterministic()
{
    const std::vector<Fixture> again = allFixtures();
    QCOMPARE(again.size() + 1, m_fixtures.size());
    for (std::size_t i = 0; i < again.size(); ++i)
        QVERIFY2(again[i].bytes == m_fixtures[i].bytes, qPrintable(again[i].name));
}

void TestFixtures::opcodesAreWrittenAsAsked()
{
    auto find = [this](const char* prefix) {
        for (const auto& f : m_fixtures) {
            if (f.name.startsWith(QLatin1String(prefix)))
                return f.bytes;
        }
        return QByteArray();
    };
    // (j): FULLY_CONNECTED legacy-only, GELU modern (150 does not fit the old byte: 127 there), ADD legacy (code 0,
    // stored as the default, i.e. not at all).
    const std::vector<WrittenOpcode> legacy { { 9, 0, {}, 1 }, { 127, 150, {}, 2 }, { 0, 0, {}, 1 } };
    QVERIFY(writtenOpcodes(find("j:")) == legacy);
    // (i): custom operators carry code 32 in both fields and their name.
    const std::vector<WrittenOpcode> custom { { 32, 32, QStringLiteral("my-vendor-op"), 1 },
        { 32, 32, QStringLiteral("ethos-u"), 1 } };
    QVERIFY(writtenOpcodes(find("i:")) == custom);
    // (g): CALL_ONCE (129) and WHILE (119) in modern style.
    const std::vector<WrittenOpcode> control = writtenOpcodes(find("g:"));
    QVERIFY(!control.empty());
    QVERIFY((control.front() == WrittenOpcode { 127, 129, {}, 1 }));
    QVERIFY((control[1] == WrittenOpcode { 119, 119, {}, 1 }));
}

void TestFixtures::offlineMemoryAllocationBytes()
{
    // [version 0, word 1 = 1, N = 2, offsets 5 and -1], int32 little-endian.
    const QByteArray expected("\0\0\0\0\x01\0\0\0\x02\0\0\0\x05\0\0\0\xff\xff\xff\xff", 20);
    QCOMPARE(TfliteBuilder::offlineMemoryAllocation({ 5, -1 }, 1, 0), expected);
}

void TestFixtures::writeFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TfliteBuilder b;
    const int in = b.addTensor(QStringLiteral("in"), DataType::Float32, { 1, 2 });
    const int out = b.addTensor(QStringLiteral("out"), DataType::Float32, { 1, 2 });
    b.addBuiltin(19, { in }, { out }); // RELU
    const QString path = dir.filePath(QStringLiteral("relu.tflite"));
    QString error;
    QVERIFY2(b.writeFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), b.finish());

    const QString badPath = dir.filePath(QStringLiteral("no/such/folder/relu.tflite"));
    QVERIFY(!b.writeFile(badPath, &error));
    QVERIFY2(error.contains(badPath), qPrintable(error));
}

// ---- the loader and the analysis against the known answers ---------------------------------------------------------

void TestFixtures::loadsWithKnownAnswers_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_fixtures.size(); ++i)
        QTest::addRow("%s", qPrintable(m_fixtures[i].name)) << static_cast<int>(i);
}

void TestFixtures::loadsWithKnownAnswers()
{
    QFETCH(int, index);
    const Fixture& f = m_fixtures[static_cast<std::size_t>(index)];
    QVERIFY2(!f.bytes.isEmpty(), "no model bytes");
    const Result<Model> result = loadTfliteData(f.bytes, f.name + QStringLiteral(".tflite"));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().userMessage));
    const Model& model = result.value();

    const QString where = QStringLiteral("model");
    QVERIFY2(
        model.warnings.isEmpty(), qPrintable(QStringLiteral("warnings: ") + model.warnings.join(QLatin1String("; "))));
    CHECK(where, "formatVersion", static_cast<int>(model.formatVersion), 3);
    CHECK(where, "description", model.description, f.description);
    CHECK(where, "fileSize", model.fileSize, static_cast<std::int64_t>(f.bytes.size()));
    CHECK(where, "buffer count", static_cast<int>(model.buffers.size()), f.buffers);

    QStringList metadata;
    for (const auto& m : model.metadata)
        metadata << m.name;
    QCOMPARE(metadata, f.metadata);

    QCOMPARE(model.signatures.size(), f.signatures.size());
    for (std::size_t i = 0; i < f.signatures.size(); ++i) {
        const SignatureDef& a = model.signatures[i];
        const SignatureDef& e = f.signatures[i];
        QCOMPARE(a.key, e.key);
        QCOMPARE(a.subgraph, e.subgraph);
        QCOMPARE(a.inputs.size(), e.inputs.size());
        for (std::size_t k = 0; k < e.inputs.size(); ++k) {
            QCOMPARE(a.inputs[k].name, e.inputs[k].name);
            QCOMPARE(a.inputs[k].tensor, e.inputs[k].tensor);
        }
        QCOMPARE(a.outputs.size(), e.outputs.size());
        for (std::size_t k = 0; k < e.outputs.size(); ++k) {
            QCOMPARE(a.outputs[k].name, e.outputs[k].name);
            QCOMPARE(a.outputs[k].tensor, e.outputs[k].tensor);
        }
    }

    QCOMPARE(model.offlinePlan.has_value(), f.offlinePlan.has_value());
    if (f.offlinePlan) {
        QCOMPARE(model.offlinePlan->version, f.offlinePlan->version);
        QCOMPARE(model.offlinePlan->subgraphCount, f.offlinePlan->subgraphCount);
        CHECK(where, "offline plan offsets", model.offlinePlan->offsets, f.offlinePlan->offsets);
    }

    CHECK(where, "subgraph count", static_cast<int>(model.subgraphs.size()), static_cast<int>(f.subgraphs.size()));
    for (std::size_t s = 0; s < f.subgraphs.size(); ++s) {
        const ExpectedSubgraph& e = f.subgraphs[s];
        const Subgraph& sg = model.subgraphs[s];
        const QString sw = QStringLiteral("subgraph %1").arg(s);
        CHECK(sw, "name", sg.name, e.name);
        CHECK(sw, "inputs", sg.inputs, e.inputs);
        CHECK(sw, "outputs", sg.outputs, e.outputs);
        checkTensors(model, sg, e, static_cast<int>(s));
        if (QTest::currentTestFailed())
            return;
        checkOperators(sg, e, static_cast<int>(s));
        if (QTest::currentTestFailed())
            return;
        checkAnalysis(model, e, static_cast<int>(s));
        if (QTest::currentTestFailed())
            return;
    }
}

// ---- malformed input ---------------------------------------------------------------------------------------------

void TestFixtures::malformedModelsAreRejected_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_malformed.size(); ++i)
        QTest::addRow("%s", qPrintable(m_malformed[i].name)) << static_cast<int>(i);
}

void TestFixtures::malformedModelsAreRejected()
{
    QFETCH(int, index);
    const MalformedModel& m = m_malformed[static_cast<std::size_t>(index)];

    // The fixture itself: damage to the structure must trip the verifier; damaged references must not (so that
    // it is the loader's own checks that are tested).
    QVERIFY2(passesVerifier(m.bytes) != m.structural,
        m.structural ? "the flatbuffers verifier accepts this damaged file" : "the verifier already rejects this file");

    const QString displayName = m.name + QStringLiteral(".tflite");
    const Result<Model> result = loadTfliteData(m.bytes, displayName);
    QVERIFY2(!result.ok(), "a malformed model was accepted");
    const Error& error = result.error();
    QVERIFY2(error.kind == ErrorKind::InvalidInput,
        qPrintable(QStringLiteral("error kind %1, expected InvalidInput: %2")
                       .arg(static_cast<int>(error.kind))
                       .arg(error.userMessage)));
    QVERIFY2(error.userMessage.contains(displayName),
        qPrintable(QStringLiteral("the message does not name the file: ") + error.userMessage));
    QVERIFY2(error.userMessage.size() > displayName.size() + 8,
        qPrintable(QStringLiteral("the message gives no reason: ") + error.userMessage));
    const QString full = error.userMessage + QLatin1Char(' ') + error.detail;
    const bool explained = std::any_of(m.reasonHints.begin(), m.reasonHints.end(),
        [&full](const QString& hint) { return full.contains(hint, Qt::CaseInsensitive); });
    QVERIFY2(explained,
        qPrintable(QStringLiteral("the message \"%1\" mentions none of: %2")
                       .arg(full, m.reasonHints.join(QLatin1String(", ")))));
}

// ---- the bundled example ------------------------------------------------------------------------------------------

void TestFixtures::exampleModelIsDeterministic()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray runs[2];
    for (int i = 0; i < 2; ++i) {
        const QString out = dir.filePath(QStringLiteral("example%1.tflite").arg(i));
        QProcess tool;
        tool.start(makeExamplesTool(), { out });
        QVERIFY2(tool.waitForFinished(30000), qPrintable(makeExamplesTool()));
        QCOMPARE(tool.exitStatus(), QProcess::NormalExit);
        QCOMPARE(tool.exitCode(), 0);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        runs[i] = file.readAll();
    }
    QVERIFY(!runs[0].isEmpty());
    QVERIFY2(runs[0] == runs[1], "two runs of tinyscope-make-examples wrote different bytes");
    QVERIFY2(runs[0] == m_fixtures.back().bytes, "the example in the build tree differs from a fresh run");
}

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
