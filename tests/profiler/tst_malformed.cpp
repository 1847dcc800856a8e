// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile model files (issue 7, item 2): every fixture truncated and bit-flipped, broken references the flatbuffers
// verifier cannot see, cycles, impossible shapes, empty structures, buffers past the end of the file, subgraphs that
// call themselves and absurd element counts. The loader must refuse a broken file with an error that names the file
// and the reason; anything it accepts must survive the whole document pipeline (analysis, arena plans, layout).
// tst_fixtures covers the 21 basic malformed cases; this file goes further and does not repeat them.
#include "document/modeldocument.h"
#include "fixtures.h"
#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include "tflite_generated.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <algorithm>
#include <functional>

using namespace Profiler;
using namespace TestHelpers;

namespace {

QString S(const char* text)
{
    return QString::fromUtf8(text);
}

/** What happened to one damaged file. */
enum class Outcome { Refused, Loaded };

/** Builds the document of a model the loader accepted: analysis, the three arena plans and the layout of every
 *  subgraph. Returns an empty string when all of it is consistent, else what is wrong. */
QString buildsDocument(Model loaded)
{
    const ModelDocumentPtr doc = buildModelDocument(std::move(loaded));
    if (!doc)
        return S("buildModelDocument() returned nothing");
    const Model& model = doc->model;
    const std::size_t subgraphs = model.subgraphs.size();
    if (doc->analyses.size() != subgraphs || doc->graphs.size() != subgraphs)
        return QStringLiteral("%1 analyses and %2 graphs for %3 subgraphs")
            .arg(doc->analyses.size())
            .arg(doc->graphs.size())
            .arg(subgraphs);
    for (std::size_t s = 0; s < subgraphs; ++s) {
        if (doc->analyses[s].layers.size() != model.subgraphs[s].operators.size())
            return QStringLiteral("subgraph %1: %2 layers for %3 operators")
                .arg(s)
                .arg(doc->analyses[s].layers.size())
                .arg(model.subgraphs[s].operators.size());
    }
    const MemoryReport& m = doc->memory;
    if (m.tflm.arenaBytes < 0 || m.best.arenaBytes < 0 || m.lowerBound < 0)
        return QStringLiteral("negative arena sizes: TFLM %1, best %2, bound %3")
            .arg(m.tflm.arenaBytes)
            .arg(m.best.arenaBytes)
            .arg(m.lowerBound);
    if (m.best.arenaBytes > m.tflm.arenaBytes)
        return QStringLiteral("the best plan (%1) is larger than TFLM's (%2)")
            .arg(m.best.arenaBytes)
            .arg(m.tflm.arenaBytes);
    return {};
}

/** Loads `bytes`; a refusal must be a clean InvalidInput error naming `displayName` with a reason, an acceptance
 *  must survive the document pipeline. Test failures are reported through QTest (check QTest::currentTestFailed()). */
Outcome loadOrRefuse(const QByteArray& bytes, const QString& displayName, QString* message = nullptr)
{
    Result<Model> result = loadTfliteData(bytes, displayName);
    if (!result.ok()) {
        const Error& e = result.error();
        if (message)
            *message = e.userMessage;
        if (e.kind != ErrorKind::InvalidInput)
            QTest::qFail(qPrintable(QStringLiteral("%1: error kind %2, expected InvalidInput: %3")
                                        .arg(displayName)
                                        .arg(static_cast<int>(e.kind))
                                        .arg(e.userMessage)),
                __FILE__, __LINE__);
        else if (!e.userMessage.startsWith(displayName + QStringLiteral(": "))
            || e.userMessage.size() < displayName.size() + 12)
            QTest::qFail(
                qPrintable(QStringLiteral("the message does not name the file and a reason: ") + e.userMessage),
                __FILE__, __LINE__);
        return Outcome::Refused;
    }
    const QString problem = buildsDocument(std::move(result).value());
    if (!problem.isEmpty())
        QTest::qFail(qPrintable(displayName + QStringLiteral(" loads, but: ") + problem), __FILE__, __LINE__);
    return Outcome::Loaded;
}

bool containsAny(const QString& text, const QStringList& hints)
{
    return std::any_of(
        hints.begin(), hints.end(), [&text](const QString& h) { return text.contains(h, Qt::CaseInsensitive); });
}

/** SplitMix64: the same positions on every platform. */
std::uint64_t splitMix(std::uint64_t& state)
{
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

QByteArray int8s(qsizetype count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (qsizetype i = 0; i < count; ++i)
        bytes[i] = static_cast<char>(i * 7 + 3);
    return bytes;
}

// ---- models written with TfliteBuilder -----------------------------------------------------------------------------

constexpr int kAdd = 0;
constexpr int kRelu = 19;

/** input -> RELU -> mid -> ADD(mid, bias) -> output: small, two operators, one constant. */
struct Chain
{
    TfliteBuilder b;
    int input = -1;
    int mid = -1;
    int bias = -1;
    int output = -1;
    int relu = -1;
    int add = -1;

    Chain()
    {
        input = b.addTensor(S("input"), DataType::Int8, { 1, 8 });
        mid = b.addTensor(S("mid"), DataType::Int8, { 1, 8 });
        bias = b.addConstant(S("bias"), DataType::Int8, { 1, 8 }, int8s(8));
        output = b.addTensor(S("output"), DataType::Int8, { 1, 8 });
        b.setInputs({ input });
        b.setOutputs({ output });
    }
    void addOperators()
    {
        relu = b.addBuiltin(kRelu, { input }, { mid });
        add = b.addAdd({ mid, bias }, { output });
    }
};

/** A model whose main subgraph runs subgraph 1, which runs `calls` of its own (the test fills them in). */
QByteArray controlFlowModel(const std::function<void(TfliteBuilder&)>& build)
{
    TfliteBuilder b;
    build(b);
    return b.finish();
}

// ---- models written with flatbuffers directly (what TfliteBuilder cannot express) --------------------------------

using Fbb = flatbuffers::FlatBufferBuilder;

flatbuffers::Offset<tflfb::Tensor> rawTensor(
    Fbb& fbb, const char* name, std::vector<int32_t> shape, uint32_t buffer = 0)
{
    return tflfb::CreateTensor(fbb, fbb.CreateVector(shape), tflfb::TensorType::INT8, buffer, fbb.CreateString(name));
}

QByteArray finishRaw(Fbb& fbb, flatbuffers::Offset<tflfb::Model> model)
{
    tflfb::FinishModelBuffer(fbb, model);
    return QByteArray(reinterpret_cast<const char*>(fbb.GetBufferPointer()), static_cast<qsizetype>(fbb.GetSize()));
}

/** One RELU from tensor 0 to tensor 1 and the given buffer table (buffer 0 must stay the empty sentinel). */
QByteArray reluWithBuffers(
    const std::function<std::vector<flatbuffers::Offset<tflfb::Buffer>>(Fbb&)>& buffers, uint32_t constantBuffer = 0)
{
    Fbb fbb;
    const auto bufs = buffers(fbb);
    std::vector<flatbuffers::Offset<tflfb::Tensor>> tensors { rawTensor(fbb, "in", { 1, 4 }),
        rawTensor(fbb, "out", { 1, 4 }) };
    if (constantBuffer > 0)
        tensors.push_back(rawTensor(fbb, "weights", { 4 }, constantBuffer));
    const std::vector<int32_t> in { 0 };
    const std::vector<int32_t> out { 1 };
    const auto op = tflfb::CreateOperator(fbb, 0, fbb.CreateVector(in), fbb.CreateVector(out));
    const auto sg = tflfb::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(in), fbb.CreateVector(out),
        fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::Operator>> { op }), fbb.CreateString("main"));
    const auto code = tflfb::CreateOperatorCode(fbb, kRelu, 0, 1, tflfb::BuiltinOperator::RELU);
    const auto model
        = tflfb::CreateModel(fbb, 3, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::OperatorCode>> { code }),
            fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::SubGraph>> { sg }), fbb.CreateString("raw"),
            fbb.CreateVector(bufs));
    return finishRaw(fbb, model);
}

/** A model with `subgraphs` subgraphs (0 allowed) that may hold no tensors and no operators at all. */
QByteArray emptyStructures(int subgraphs, bool withTensors, bool withOperators)
{
    Fbb fbb;
    std::vector<flatbuffers::Offset<tflfb::SubGraph>> sgs;
    for (int s = 0; s < subgraphs; ++s) {
        std::vector<flatbuffers::Offset<tflfb::Tensor>> tensors;
        if (withTensors)
            tensors = { rawTensor(fbb, "in", { 1, 4 }), rawTensor(fbb, "out", { 1, 4 }) };
        std::vector<flatbuffers::Offset<tflfb::Operator>> ops;
        if (withOperators && withTensors) {
            const std::vector<int32_t> in { 0 };
            const std::vector<int32_t> out { 1 };
            ops.push_back(tflfb::CreateOperator(fbb, 0, fbb.CreateVector(in), fbb.CreateVector(out)));
        }
        const std::vector<int32_t> ins = withTensors ? std::vector<int32_t> { 0 } : std::vector<int32_t> {};
        const std::vector<int32_t> outs = withTensors ? std::vector<int32_t> { 1 } : std::vector<int32_t> {};
        sgs.push_back(tflfb::CreateSubGraph(
            fbb, fbb.CreateVector(tensors), fbb.CreateVector(ins), fbb.CreateVector(outs), fbb.CreateVector(ops)));
    }
    const auto code = tflfb::CreateOperatorCode(fbb, kRelu, 0, 1, tflfb::BuiltinOperator::RELU);
    const auto sentinel = tflfb::CreateBuffer(fbb);
    const auto model
        = tflfb::CreateModel(fbb, 3, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::OperatorCode>> { code }),
            fbb.CreateVector(sgs), 0, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::Buffer>> { sentinel }));
    return finishRaw(fbb, model);
}

/** `count` tensors that all share one Tensor table (4 bytes per tensor in the file) and one RELU between the first
 *  two: a few megabytes that declare millions of objects. */
QByteArray manySharedTensors(std::size_t count)
{
    Fbb fbb(count * 4 + 1024);
    const auto shared = rawTensor(fbb, "t", { 1, 16 });
    const std::vector<flatbuffers::Offset<tflfb::Tensor>> tensors(count, shared);
    const std::vector<int32_t> in { 0 };
    const std::vector<int32_t> out { 1 };
    const auto op = tflfb::CreateOperator(fbb, 0, fbb.CreateVector(in), fbb.CreateVector(out));
    const auto sg = tflfb::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(in), fbb.CreateVector(out),
        fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::Operator>> { op }));
    const auto code = tflfb::CreateOperatorCode(fbb, kRelu, 0, 1, tflfb::BuiltinOperator::RELU);
    const auto sentinel = tflfb::CreateBuffer(fbb);
    const auto model
        = tflfb::CreateModel(fbb, 3, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::OperatorCode>> { code }),
            fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::SubGraph>> { sg }), 0,
            fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::Buffer>> { sentinel }));
    return finishRaw(fbb, model);
}

/** Peak resident set of this process so far, in KiB (Linux reports ru_maxrss in KiB). */
long peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/** One damaged file with the reason its error must give. */
struct Case
{
    QByteArray bytes;
    QStringList reasons; ///< the error must contain one of these (case-insensitive)
};

} // namespace

class TestMalformed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    // First, while the process is still small: peak RSS growth is measured from here.
    void millionsOfTensorsStayBounded();

    void truncatedAtEveryByte();
    void truncatedFixtures_data();
    void truncatedFixtures();
    void bitFlipsAtEveryBit();
    void bitFlipsInTheExample();

    void brokenReferences_data();
    void brokenReferences();
    void danglingSideReferencesWarn_data();
    void danglingSideReferencesWarn();
    void cycles_data();
    void cycles();
    void impossibleShapes_data();
    void impossibleShapes();
    void emptyStructures_data();
    void emptyStructures();
    void buffersPastTheFile_data();
    void buffersPastTheFile();
    void subgraphsCallingThemselves_data();
    void subgraphsCallingThemselves();

    void documentPipelineNamesTheFile();

private:
    std::vector<Fixture> m_fixtures;
    QByteArray m_smallest;
    QString m_smallestName;
};

void TestMalformed::initTestCase()
{
    m_fixtures = allFixtures();
    m_fixtures.push_back(exampleModelFixture());
    QVERIFY2(!m_fixtures.back().bytes.isEmpty(),
        qPrintable(QStringLiteral("the example model was not built: %1").arg(exampleModelPath())));
    auto smallest = std::min_element(m_fixtures.begin(), m_fixtures.end(),
        [](const Fixture& a, const Fixture& b) { return a.bytes.size() < b.bytes.size(); });
    m_smallest = smallest->bytes;
    m_smallestName = smallest->name;
    // Every bit of it is flipped below: it must stay small enough for that to be quick.
    QVERIFY2(m_smallest.size() < 2048, qPrintable(QString::number(m_smallest.size())));
}

// ---- absurd counts
// ---------------------------------------------------------------------------------------------------

void TestMalformed::millionsOfTensorsStayBounded()
{
    // 1,048,576 tensors in 4 MiB. Each becomes a Tensor in the model (about 200 bytes); what must not happen is
    // a structure per pair of tensors or an allocation sized by the declared count times something large.
    constexpr std::size_t kTensors = std::size_t(1) << 20;
    const QByteArray bytes = manySharedTensors(kTensors);
    QVERIFY(bytes.size() < 5 * 1024 * 1024);
    const long before = peakRssKiB();
    Result<Model> loaded = loadTfliteData(bytes, S("million-tensors.tflite"));
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().userMessage));
    QCOMPARE(loaded.value().subgraphs.at(0).tensors.size(), kTensors);
    const long afterLoad = peakRssKiB();
    const QString problem = buildsDocument(std::move(loaded).value());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const long afterDocument = peakRssKiB();
    qInfo("%zu tensors in a %lld-byte file: peak RSS +%ld MiB after loading, +%ld MiB after the document", kTensors,
        static_cast<long long>(bytes.size()), (afterLoad - before) / 1024, (afterDocument - before) / 1024);
#if defined(__SANITIZE_ADDRESS__)
    constexpr long kBoundMiB = 1536; // AddressSanitizer's shadow memory and quarantine count too
#else
    constexpr long kBoundMiB = 512;
#endif
    QVERIFY2(afterDocument - before < kBoundMiB * 1024,
        qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg((afterDocument - before) / 1024)));
}

// ---- truncation
// ------------------------------------------------------------------------------------------------------

void TestMalformed::truncatedAtEveryByte()
{
    const QString name = S("truncated.tflite");
    for (qsizetype cut = 0; cut < m_smallest.size(); ++cut) {
        QString message;
        const Outcome outcome = loadOrRefuse(m_smallest.left(cut), name, &message);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(outcome == Outcome::Refused,
            qPrintable(QStringLiteral("%1 cut to %2 of %3 bytes was accepted")
                           .arg(m_smallestName)
                           .arg(cut)
                           .arg(m_smallest.size())));
        QStringList reasons;
        if (cut == 0)
            reasons = { S("the file is empty") };
        else if (cut < 8)
            reasons = { S("too small to be a TensorFlow Lite model") };
        else
            reasons = { S("truncated or corrupt") };
        QVERIFY2(containsAny(message, reasons),
            qPrintable(
                QStringLiteral("cut at %1: \"%2\" gives none of: %3").arg(cut).arg(message, reasons.join(S(", ")))));
    }
}

void TestMalformed::truncatedFixtures_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_fixtures.size(); ++i)
        QTest::addRow("%s", qPrintable(m_fixtures[i].name)) << static_cast<int>(i);
}

void TestMalformed::truncatedFixtures()
{
    QFETCH(int, index);
    const QByteArray& whole = m_fixtures[static_cast<std::size_t>(index)].bytes;
    // 61 cuts spread over the file, plus the last 16 bytes one by one (where the root's last fields live).
    std::vector<qsizetype> cuts;
    for (int i = 0; i <= 60; ++i)
        cuts.push_back(whole.size() * i / 61);
    for (qsizetype k = 1; k <= 16; ++k)
        cuts.push_back(whole.size() - k);
    for (qsizetype cut : cuts) {
        QString message;
        const Outcome outcome = loadOrRefuse(whole.left(cut), S("cut.tflite"), &message);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(outcome == Outcome::Refused, qPrintable(QStringLiteral("cut at %1 was accepted").arg(cut)));
        QVERIFY2(containsAny(message, { S("truncated or corrupt"), S("too small"), S("is empty") }),
            qPrintable(QStringLiteral("cut at %1: ").arg(cut) + message));
    }
}

// ---- bit flips
// -------------------------------------------------------------------------------------------------------

void TestMalformed::bitFlipsAtEveryBit()
{
    int refused = 0;
    int loaded = 0;
    QStringList reasons;
    for (qsizetype byte = 0; byte < m_smallest.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            QByteArray flipped = m_smallest;
            flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
            QString message;
            const Outcome outcome
                = loadOrRefuse(flipped, QStringLiteral("flip-%1-%2.tflite").arg(byte).arg(bit), &message);
            if (QTest::currentTestFailed())
                return;
            if (outcome == Outcome::Refused) {
                ++refused;
                const QString reason = message.section(S(": "), 1).left(40);
                if (!reasons.contains(reason))
                    reasons << reason;
            } else {
                ++loaded;
            }
        }
    }
    qInfo("%s: %lld bit flips, %d refused (%lld distinct reasons), %d loaded and built a document",
        qPrintable(m_smallestName), static_cast<long long>(m_smallest.size() * 8), refused,
        static_cast<long long>(reasons.size()), loaded);
    QCOMPARE(refused + loaded, static_cast<int>(m_smallest.size() * 8));
    QVERIFY(refused > 0); // the identifier alone is 32 bits that must be refused
}

void TestMalformed::bitFlipsInTheExample()
{
    const QByteArray& example = m_fixtures.back().bytes;
    std::uint64_t seed = 20260607;
    int refused = 0;
    constexpr int kFlips = 3000;
    for (int i = 0; i < kFlips; ++i) {
        // One to three flips at once, anywhere in the file.
        QByteArray flipped = example;
        const int count = 1 + static_cast<int>(splitMix(seed) % 3);
        for (int k = 0; k < count; ++k) {
            const std::uint64_t r = splitMix(seed);
            const auto byte = static_cast<qsizetype>((r >> 3) % static_cast<std::uint64_t>(example.size()));
            flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << (r & 7)));
        }
        if (loadOrRefuse(flipped, QStringLiteral("example-flip-%1.tflite").arg(i)) == Outcome::Refused)
            ++refused;
        if (QTest::currentTestFailed())
            return;
    }
    qInfo("example model: %d damaged copies, %d refused, %d loaded and built a document", kFlips, refused,
        kFlips - refused);
}

// ---- references the verifier cannot check -----------------------------------------------------------------------

void TestMalformed::brokenReferences_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("reasons");
    auto chain = [](const std::function<void(Chain&)>& damage) {
        Chain c;
        damage(c);
        return c.b.finish();
    };
    // Exactly one past the end: the classic off-by-one.
    QTest::addRow("operator input = tensor count") << chain([](Chain& c) {
        c.b.addBuiltin(kRelu, { 4 }, { c.mid });
        c.b.addAdd({ c.mid, c.bias }, { c.output });
    }) << QStringList { S("refers to tensor 4, but there are only 4 tensors") };
    QTest::addRow("operator output = INT32_MAX")
        << chain([](Chain& c) { c.b.addBuiltin(kRelu, { c.input }, { 2147483647 }); })
        << QStringList { S("refers to tensor 2147483647, but there are only 4 tensors") };
    QTest::addRow("operator input INT32_MIN")
        << chain([](Chain& c) { c.b.addBuiltin(kRelu, { -2147483647 - 1 }, { c.mid }); })
        << QStringList { S("refers to tensor -2147483648") };
    QTest::addRow("intermediate out of range") << chain([](Chain& c) {
        c.addOperators();
        c.b.setIntermediates(c.add, { 12 });
    }) << QStringList { S("refers to tensor 12, but there are only 4 tensors") };
    QTest::addRow("opcode index = opcode count") << chain([](Chain& c) {
        c.addOperators();
        c.b.setOpcodeIndex(c.add, 2);
    }) << QStringList { S("uses operator code 2, but the model defines only 2") };
    QTest::addRow("opcode index UINT32_MAX") << chain([](Chain& c) {
        c.addOperators();
        c.b.setOpcodeIndex(c.relu, 0xFFFFFFFFu);
    }) << QStringList { S("uses operator code 4294967295") };
    QTest::addRow("buffer index = buffer count") << chain([](Chain& c) {
        c.addOperators();
        c.b.setTensorBuffer(c.bias, static_cast<std::uint32_t>(c.b.bufferCount()));
    }) << QStringList { S("refers to buffer 2, but the model has only 2 buffers") };
    QTest::addRow("buffer index UINT32_MAX") << chain([](Chain& c) {
        c.addOperators();
        c.b.setTensorBuffer(c.mid, 0xFFFFFFFFu);
    }) << QStringList { S("refers to buffer 4294967295") };
    QTest::addRow("block zero points out of range") << chain([](Chain& c) {
        c.addOperators();
        c.b.setQuantization(c.bias, TfliteBuilder::blockwise(c.input, 4, 40));
    }) << QStringList { S("takes its block quantization from tensor 40, but there are only 4 tensors") };
    QTest::addRow("subgraph input negative") << chain([](Chain& c) {
        c.addOperators();
        c.b.setInputs({ -1 });
    }) << QStringList { S("the subgraph input list refers to tensor -1") };
    QTest::addRow("IF else-branch out of range") << controlFlowModel([](TfliteBuilder& b) {
        const int cond = b.addTensor(S("cond"), DataType::Bool, { 1 });
        const int out = b.addTensor(S("out"), DataType::Int8, { 1 });
        b.addIf({ cond }, { out }, 1, 9);
        b.addSubgraph(S("then"));
    }) << QStringList { S("calls subgraph 9, but the model has only 2") };
    QTest::addRow("WHILE condition negative") << controlFlowModel([](TfliteBuilder& b) {
        const int x = b.addTensor(S("x"), DataType::Int32, { 1 });
        const int y = b.addTensor(S("y"), DataType::Int32, { 1 });
        b.addWhile({ x }, { y }, -3, 1);
        b.addSubgraph(S("body"));
    }) << QStringList { S("calls subgraph -3") };
    QTest::addRow("tensor in a second subgraph out of range") << controlFlowModel([](TfliteBuilder& b) {
        const int x = b.addTensor(S("x"), DataType::Int8, { 4 });
        const int y = b.addTensor(S("y"), DataType::Int8, { 4 });
        b.addBuiltin(kRelu, { x }, { y });
        b.addSubgraph(S("other"));
        const int z = b.addTensor(S("z"), DataType::Int8, { 4 });
        b.addBuiltin(kRelu, { z }, { 1 });
    }) << QStringList { S("subgraph 1, operator 0 (RELU) refers to tensor 1, but there are only 1 tensors") };
}

void TestMalformed::brokenReferences()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, reasons);
    QVERIFY2(passesVerifier(bytes), "the verifier already refuses this file: the loader's own checks are not tested");
    QString message;
    const Outcome outcome = loadOrRefuse(bytes, S("refs.tflite"), &message);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(outcome == Outcome::Refused, "a broken reference was accepted");
    QVERIFY2(containsAny(message, reasons),
        qPrintable(QStringLiteral("\"%1\" gives none of: %2").arg(message, reasons.join(S(" | ")))));
}

void TestMalformed::danglingSideReferencesWarn_data()
{
    // References outside the graph itself: the model still runs, so the loader keeps it and says what it ignored.
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("warning");
    {
        Chain c;
        c.addOperators();
        SignatureDef sig;
        sig.key = S("serving_default");
        sig.subgraph = 7;
        c.b.addSignature(sig);
        QTest::addRow("signature names a missing subgraph")
            << c.b.finish() << S("signature \"serving_default\" names subgraph 7, which does not exist");
    }
    {
        Chain c;
        c.addOperators();
        SignatureDef sig;
        sig.key = S("run");
        sig.subgraph = 0;
        sig.inputs = { SignatureTensor { S("x"), 99 } };
        c.b.addSignature(sig);
        QTest::addRow("signature names a missing tensor")
            << c.b.finish() << S("signature \"run\": \"x\" names a tensor that does not exist");
    }
    {
        Chain c;
        c.addOperators();
        c.b.addOfflineMemoryAllocation({ 0, 16 }); // 2 offsets for 4 tensors
        QTest::addRow("offline plan with too few offsets")
            << c.b.finish() << S("OfflineMemoryAllocation metadata has 2 offsets, but the model has 4 tensors");
    }
    {
        Chain c;
        c.addOperators();
        // Claims 1000 offsets, holds 1: must not read past its buffer.
        QByteArray plan = TfliteBuilder::offlineMemoryAllocation({ 0 });
        plan[8] = static_cast<char>(0xE8);
        plan[9] = static_cast<char>(0x03);
        c.b.addMetadata(S("OfflineMemoryAllocation"), plan);
        QTest::addRow("offline plan claims more offsets than it holds")
            << c.b.finish() << S("OfflineMemoryAllocation metadata claims 1000 offsets but holds 1");
    }
    {
        Chain c;
        c.addOperators();
        c.b.addMetadata(S("OfflineMemoryAllocation"), QByteArray("\x01\x02", 2));
        QTest::addRow("offline plan of 2 bytes")
            << c.b.finish() << S("OfflineMemoryAllocation metadata is too short (2 bytes)");
    }
    {
        Chain c;
        c.b.addConstant(S("short"), DataType::Int32, { 64 }, int8s(10));
        c.addOperators();
        QTest::addRow("constant shorter than its shape")
            << c.b.finish() << S("tensor 4 (\"short\") needs 256 bytes but its buffer holds 10");
    }
}

void TestMalformed::danglingSideReferencesWarn()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, warning);
    Result<Model> result = loadTfliteData(bytes, S("side.tflite"));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().userMessage));
    const QStringList warnings = result.value().warnings;
    QVERIFY2(containsAny(warnings.join(S("\n")), { warning }),
        qPrintable(QStringLiteral("warnings \"%1\" lack \"%2\"").arg(warnings.join(S("; ")), warning)));
    const QString problem = buildsDocument(std::move(result).value());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

// ---- cycles ------------------------------------------------------------------------------------------------------

void TestMalformed::cycles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("reasons");
    {
        Chain c;
        c.b.addBuiltin(kRelu, { c.input }, { c.mid });
        c.b.addAdd({ c.output, c.bias }, { c.output }); // reads what it writes
        QTest::addRow("operator consumes its own output")
            << c.b.finish()
            << QStringList { S("operator 1 (ADD) reads tensor 3 (\"output\"), which it writes itself") };
    }
    {
        Chain c;
        // mid = RELU(output); output = ADD(mid, bias): each feeds the other.
        c.b.addBuiltin(kRelu, { c.output }, { c.mid });
        c.b.addAdd({ c.mid, c.bias }, { c.output });
        QTest::addRow("two operators feed each other")
            << c.b.finish()
            << QStringList { S("operator 0 (RELU) reads tensor 3 (\"output\"), which operator 1 writes later") };
    }
    {
        Chain c;
        // Not a cycle, but the same symptom: the consumer is stored before its producer.
        c.b.addAdd({ c.mid, c.bias }, { c.output });
        c.b.addBuiltin(kRelu, { c.input }, { c.mid });
        QTest::addRow("operators out of order")
            << c.b.finish()
            << QStringList { S("operator 0 (ADD) reads tensor 1 (\"mid\"), which operator 1 writes later") };
    }
    {
        TfliteBuilder b;
        std::vector<int> t;
        for (int i = 0; i < 6; ++i)
            t.push_back(b.addTensor(QStringLiteral("t%1").arg(i), DataType::Int8, { 4 }));
        // t0 -> t1 -> t2 -> t3 -> t4 -> t1: a long loop, closed by the last operator.
        b.addAdd({ t[0], t[4] }, { t[1] });
        for (int i = 1; i < 4; ++i)
            b.addBuiltin(kRelu, { t[static_cast<std::size_t>(i)] }, { t[static_cast<std::size_t>(i + 1)] });
        b.setInputs({ t[0] });
        b.setOutputs({ t[4] });
        QTest::addRow("a loop through four operators")
            << b.finish()
            << QStringList { S("operator 0 (ADD) reads tensor 4 (\"t4\"), which operator 3 writes later") };
    }
}

void TestMalformed::cycles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, reasons);
    QString message;
    const Outcome outcome = loadOrRefuse(bytes, S("cycle.tflite"), &message);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(outcome == Outcome::Refused, "a graph with a cycle was accepted");
    QVERIFY2(containsAny(message, reasons),
        qPrintable(QStringLiteral("\"%1\" gives none of: %2").arg(message, reasons.join(S(" | ")))));
}

// ---- shapes --------------------------------------------------------------------------------------------------------

void TestMalformed::impossibleShapes_data()
{
    QTest::addColumn<std::vector<std::int32_t>>("shape");
    QTest::addColumn<int>("type");
    QTest::addColumn<QStringList>("reasons");
    const int i8 = static_cast<int>(DataType::Int8);
    const int c128 = static_cast<int>(DataType::Complex128);
    QTest::addRow("INT32_MIN dimension") << std::vector<std::int32_t> {
        1, -2147483647 - 1
    } << i8 << QStringList { S("has a negative dimension (-2147483648) in its shape [1,-2147483648]") };
    QTest::addRow("-1 in the shape (only the signature may say dynamic)")
        << std::vector<std::int32_t> { -1, 8 } << i8 << QStringList { S("has a negative dimension (-1)") };
    // 2^16 x 2^16 x 2^16 x 2 = 2^49: fits int64 easily, but no tensor can have that many elements.
    QTest::addRow("2^49 elements") << std::vector<std::int32_t> { 65536, 65536, 65536,
        2 } << i8 << QStringList { S("has an impossible shape [65536,65536,65536,2]: its element count overflows") };
    // 2^62 elements: the product itself still fits int64, the byte count (x 16) would not.
    QTest::addRow("complex128, 2^62 elements") << std::vector<std::int32_t> { 2147483647, 2147483647 } << c128
                                               << QStringList { S("its element count overflows") };
    // A zero dimension makes any count possible: the later huge one must still be caught (no division by 0).
    QTest::addRow("zero, then huge") << std::vector<std::int32_t> { 0, 2147483647, 2147483647, 2147483647 } << i8
                                     << QStringList {};
    QTest::addRow("64 dimensions of 2") << std::vector<std::int32_t>(64, 2) << i8
                                        << QStringList { S("its element count overflows") };
}

void TestMalformed::impossibleShapes()
{
    QFETCH(std::vector<std::int32_t>, shape);
    QFETCH(int, type);
    QFETCH(QStringList, reasons);
    TfliteBuilder b;
    const int in = b.addTensor(S("in"), DataType::Int8, { 1, 4 });
    const int out = b.addTensor(S("odd"), static_cast<DataType>(type), shape);
    b.addBuiltin(kRelu, { in }, { out });
    b.setInputs({ in });
    b.setOutputs({ out });
    QString message;
    const Outcome outcome = loadOrRefuse(b.finish(), S("shape.tflite"), &message);
    if (QTest::currentTestFailed())
        return;
    if (reasons.isEmpty()) {
        // A zero-sized tensor is legal; it needs no memory, however large its other dimensions.
        QCOMPARE(outcome, Outcome::Loaded);
        return;
    }
    QVERIFY2(outcome == Outcome::Refused, "an impossible shape was accepted");
    QVERIFY2(message.contains(S("tensor 1 (\"odd\")")), qPrintable(message));
    QVERIFY2(containsAny(message, reasons),
        qPrintable(QStringLiteral("\"%1\" gives none of: %2").arg(message, reasons.join(S(" | ")))));
}

// ---- empty structures ----------------------------------------------------------------------------------------------

void TestMalformed::emptyStructures_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("refusal"); ///< empty: the model loads
    QTest::addColumn<int>("subgraphs");
    QTest::addRow("zero subgraphs") << ::emptyStructures(0, false, false) << S("the model has no subgraphs") << 0;
    QTest::addRow("one subgraph without tensors or operators") << ::emptyStructures(1, false, false) << QString() << 1;
    QTest::addRow("tensors but zero operators") << ::emptyStructures(1, true, false) << QString() << 1;
    QTest::addRow("three empty subgraphs") << ::emptyStructures(3, false, false) << QString() << 3;
    {
        TfliteBuilder b; // the subgraph that is called holds nothing at all
        b.addCallOnce(1);
        b.addSubgraph(S("init"));
        QTest::addRow("CALL_ONCE of an empty subgraph") << b.finish() << QString() << 2;
    }
    {
        Fbb fbb; // no buffers, no operator codes, a subgraph without vectors: every optional field absent
        const auto sg = tflfb::CreateSubGraph(fbb);
        const auto model
            = tflfb::CreateModel(fbb, 3, 0, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::SubGraph>> { sg }));
        QTest::addRow("every vector absent") << finishRaw(fbb, model) << QString() << 1;
    }
    {
        Fbb fbb; // an operator in a model without operator codes
        const std::vector<int32_t> none;
        const auto op = tflfb::CreateOperator(fbb, 0, fbb.CreateVector(none), fbb.CreateVector(none));
        const auto sg = tflfb::CreateSubGraph(
            fbb, 0, 0, 0, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::Operator>> { op }));
        const auto model
            = tflfb::CreateModel(fbb, 3, 0, fbb.CreateVector(std::vector<flatbuffers::Offset<tflfb::SubGraph>> { sg }));
        QTest::addRow("an operator but no operator codes")
            << finishRaw(fbb, model) << S("operator 0 uses operator code 0, but the model defines only 0") << 1;
    }
}

void TestMalformed::emptyStructures()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, refusal);
    QFETCH(int, subgraphs);
    QVERIFY(passesVerifier(bytes));
    QString message;
    const Outcome outcome = loadOrRefuse(bytes, S("empty.tflite"), &message);
    if (QTest::currentTestFailed())
        return;
    if (!refusal.isEmpty()) {
        QVERIFY2(outcome == Outcome::Refused, "accepted");
        QVERIFY2(message.contains(refusal), qPrintable(message));
        return;
    }
    QCOMPARE(outcome, Outcome::Loaded);
    const Result<Model> model = loadTfliteData(bytes, S("empty.tflite"));
    QCOMPARE(static_cast<int>(model->subgraphs.size()), subgraphs);
    // Nothing to plan: an empty arena, not a crash or a negative size.
    const ModelDocumentPtr doc = buildModelDocument(model.value());
    QVERIFY(doc);
    if (model->subgraphs.at(0).tensors.empty())
        QCOMPARE(doc->memory.tflm.arenaBytes, std::int64_t(0));
}

// ---- buffers outside the file ---------------------------------------------------------------------------------------

void TestMalformed::buffersPastTheFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason"); ///< empty: loads
    using Bufs = std::vector<flatbuffers::Offset<tflfb::Buffer>>;
    auto external = [](std::uint64_t offset, std::uint64_t size) {
        return reluWithBuffers(
            [offset, size](Fbb& fbb) {
                return Bufs { tflfb::CreateBuffer(fbb), tflfb::CreateBuffer(fbb, 0, offset, size) };
            },
            1);
    };
    QTest::addRow("offset far past the end")
        << external(1'000'000, 16) << S("buffer 1 points past the end of the file (bytes 1000000 to 1000016");
    QTest::addRow("size far past the end")
        << external(64, 0x7FFFFFFFull) << S("buffer 1 points past the end of the file");
    // offset + size wraps around 2^64: a check written as offset + size > file size would pass it.
    QTest::addRow("offset + size wraps around")
        << external(64, 0xFFFFFFFFFFFFFFF0ull) << S("buffer 1 points past the end of the file");
    QTest::addRow("offset UINT64_MAX") << external(0xFFFFFFFFFFFFFFFFull, 4)
                                       << S("buffer 1 points past the end of the file");
    // Offsets 0 and 1 both mean "no data here", whatever the size says.
    QTest::addRow("offset 1 with a size") << external(1, 4096) << QString();
    // The data of a buffer inside the flatbuffer is checked by the verifier; a vector claiming more bytes than the
    // file holds is caught there.
    {
        QByteArray bytes = reluWithBuffers(
            [](Fbb& fbb) {
                const std::vector<uint8_t> data(64, 7);
                return Bufs { tflfb::CreateBuffer(fbb), tflfb::CreateBuffer(fbb, fbb.CreateVector(data)) };
            },
            1);
        // Find the 64-byte run of 7s and raise the length word in front of it to 2^30.
        const qsizetype at = bytes.indexOf(QByteArray(64, '\x07'));
        QVERIFY(at >= 4);
        bytes[at - 1] = '\x40';
        QTest::addRow("data vector longer than the file") << bytes << S("truncated or corrupt");
    }
}

void TestMalformed::buffersPastTheFile()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    QString message;
    const Outcome outcome = loadOrRefuse(bytes, S("buffers.tflite"), &message);
    if (QTest::currentTestFailed())
        return;
    if (reason.isEmpty()) {
        QCOMPARE(outcome, Outcome::Loaded);
        return;
    }
    QVERIFY2(outcome == Outcome::Refused, "accepted");
    QVERIFY2(message.contains(reason), qPrintable(QStringLiteral("\"%1\" lacks \"%2\"").arg(message, reason)));
}

// ---- subgraphs that call themselves ------------------------------------------------------------------------------

void TestMalformed::subgraphsCallingThemselves_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("subgraphs");
    QTest::addColumn<bool>("recursive");
    QTest::addRow("CALL_ONCE of subgraph 0 from subgraph 0")
        << controlFlowModel([](TfliteBuilder& b) { b.addCallOnce(0); }) << 1 << true;
    QTest::addRow("WHILE whose body runs the same WHILE") << controlFlowModel([](TfliteBuilder& b) {
        const int x = b.addTensor(S("x"), DataType::Int32, { 1 });
        const int y = b.addTensor(S("y"), DataType::Int32, { 1 });
        b.addWhile({ x }, { y }, 1, 2);
        b.setInputs({ x });
        b.setOutputs({ y });
        b.addSubgraph(S("cond"));
        b.addSubgraph(S("body"));
        const int bx = b.addTensor(S("bx"), DataType::Int32, { 1 });
        const int by = b.addTensor(S("by"), DataType::Int32, { 1 });
        b.addWhile({ bx }, { by }, 1, 2); // the body loops through itself
        b.setInputs({ bx });
        b.setOutputs({ by });
    }) << 3 << true;
    QTest::addRow("subgraphs 1 and 2 call each other") << controlFlowModel([](TfliteBuilder& b) {
        b.addCallOnce(1);
        b.addSubgraph(S("a"));
        b.addCallOnce(2);
        b.addSubgraph(S("b"));
        b.addCallOnce(1);
    }) << 3 << true;
    // Every level calls the next one twice (IF with the same then and else): 2^40 paths through 41 subgraphs. A
    // walk that follows every call without remembering what it has seen never ends.
    QTest::addRow("40 levels, each calling the next twice") << controlFlowModel([](TfliteBuilder& b) {
        for (int level = 0; level <= 40; ++level) {
            if (level > 0)
                b.addSubgraph(QStringLiteral("level%1").arg(level));
            const int cond = b.addTensor(S("cond"), DataType::Bool, { 1 });
            const int x = b.addTensor(S("x"), DataType::Int8, { 16 });
            const int y = b.addTensor(S("y"), DataType::Int8, { 16 });
            b.setInputs({ cond, x });
            b.setOutputs({ y });
            if (level < 40)
                b.addIf({ cond, x }, { y }, level + 1, level + 1);
            else
                b.addBuiltin(kRelu, { x }, { y });
        }
    }) << 41 << false;
}

void TestMalformed::subgraphsCallingThemselves()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, subgraphs);
    QFETCH(bool, recursive);
    // TFLM would recurse until the stack overflows; TinyScope opens the file and says so.
    const Result<Model> model = loadTfliteData(bytes, S("recursive.tflite"));
    QVERIFY2(model.ok(), qPrintable(model.ok() ? QString() : model.error().userMessage));
    QCOMPARE(static_cast<int>(model->subgraphs.size()), subgraphs);
    const ModelDocumentPtr doc = buildModelDocument(model.value());
    QVERIFY(doc);
    QCOMPARE(static_cast<int>(doc->graphs.size()), subgraphs);
    qInfo("%zu steps in the memory timeline, %lld warnings", doc->memory.problem.steps.size(),
        static_cast<long long>(doc->memory.problem.warnings.size()));
    const QString warnings = doc->memory.problem.warnings.join(S("; "));
    QVERIFY2(warnings.contains(recursive ? S("calls itself; TFLM would recurse without end")
                                         : S("the subgraph calls unfold into more than")),
        qPrintable(warnings));
}

// ---- the whole pipeline from a file --------------------------------------------------------------------------------

void TestMalformed::documentPipelineNamesTheFile()
{
    // What the app does with a path: openModelDocument() maps the file and reports with the path.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::vector<Case> cases;
    for (const MalformedModel& m : malformedModels())
        cases.push_back({ m.bytes, m.reasonHints });
    cases.push_back({ m_smallest.left(m_smallest.size() - 3), { S("truncated or corrupt") } });
    cases.push_back({ ::emptyStructures(0, false, false), { S("no subgraphs") } });
    {
        Chain c;
        c.b.addAdd({ c.output, c.bias }, { c.output });
        cases.push_back({ c.b.finish(), { S("which it writes itself") } });
    }
    int n = 0;
    for (const Case& c : cases) {
        const QString path = dir.filePath(QStringLiteral("case %1.tflite").arg(n++));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(c.bytes);
        file.close();
        const Result<ModelDocumentPtr> doc = openModelDocument(path);
        QVERIFY2(!doc.ok(), qPrintable(path));
        QVERIFY2(doc.error().userMessage.startsWith(path + S(": ")), qPrintable(doc.error().userMessage));
        QVERIFY2(containsAny(doc.error().userMessage + S(" ") + doc.error().detail, c.reasons),
            qPrintable(doc.error().userMessage));
    }
}

QTEST_GUILESS_MAIN(TestMalformed)
#include "tst_malformed.moc"
