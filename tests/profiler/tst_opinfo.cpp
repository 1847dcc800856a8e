// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysis/opinfo.h"
#include "model/datatype.h"
#include "model/model.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Profiler;

namespace {

/** "int8 int8 -" -> {"int8", "int8", "-"}; keeps the data rows short. */
QStringList words(const char* text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

struct OpFixture
{
    Subgraph subgraph;
    Operator op;
};

/** One operator in its own subgraph. A tensor spec is a type name (a new tensor of that type), "-" for an
 *  omitted optional tensor (-1), or "#N" for the raw tensor index N (to test indices the file got wrong). */
OpFixture makeOp(const QString& type, bool isCustom, const QStringList& inputs, const QStringList& outputs)
{
    OpFixture f;
    f.op.type = type;
    f.op.isCustom = isCustom;
    const auto tensorFor = [&f](const QString& spec) {
        if (spec == QLatin1String("-"))
            return -1;
        if (spec.startsWith(QLatin1Char('#')))
            return spec.mid(1).toInt();
        Tensor t;
        t.name = QStringLiteral("t%1").arg(f.subgraph.tensors.size());
        t.type = dataTypeFromName(spec).value_or(DataType::Unknown);
        f.subgraph.tensors.push_back(t);
        return static_cast<int>(f.subgraph.tensors.size()) - 1;
    };
    for (const QString& spec : inputs)
        f.op.inputs.push_back(tensorFor(spec));
    for (const QString& spec : outputs)
        f.op.outputs.push_back(tensorFor(spec));
    return f;
}

/** The names of `enum BuiltinOperator` in our own schema, read at test time so the table cannot drift. */
QStringList schemaBuiltinNames()
{
    QFile file(QStringLiteral(TINYSCOPE_SOURCE_DIR "/profiler/tflite/schema/tflite.fbs"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    const int start = text.indexOf(QLatin1String("enum BuiltinOperator"));
    if (start < 0)
        return {};
    const int end = text.indexOf(QLatin1Char('}'), start);
    const QString block = text.mid(start, end - start);
    static const QRegularExpression entry(QStringLiteral("\\b([A-Z][A-Z0-9_]*)\\s*=\\s*\\d+"));
    QStringList names;
    for (auto it = entry.globalMatch(block); it.hasNext();)
        names << it.next().captured(1);
    return names;
}

QJsonObject operatorsJson()
{
    QFile file(QStringLiteral(":/tinyscope/profiler/operators.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestOpInfo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tableLoads();
    void builtinNamesMatchSchema();
    void categories_data();
    void categories();
    void supportedOperators();
    void check_data();
    void check();
    void customTable();
    void brokenTable_data();
    void brokenTable();
    void names();
};

void TestOpInfo::tableLoads()
{
    const auto& table = OperatorSupport::tflmReference();
    QVERIFY2(table.errorString().isEmpty(), qPrintable(table.errorString()));
    QVERIFY(!operatorsJson().value(QLatin1String("source")).toObject().isEmpty());
    QCOMPARE(operatorsJson().value(QLatin1String("version")).toInt(), 1);
}

void TestOpInfo::builtinNamesMatchSchema()
{
    const QStringList schema = schemaBuiltinNames();
    QVERIFY2(
        schema.size() >= 210, qPrintable(QStringLiteral("parsed only %1 names from the schema").arg(schema.size())));
    QCOMPARE(schema.count(QStringLiteral("CONV_2D")), 1);

    const QJsonObject builtin = operatorsJson().value(QLatin1String("builtin")).toObject();
    const QSet<QString> inSchema(schema.begin(), schema.end());
    const QStringList keys = builtin.keys();
    const QSet<QString> inJson(keys.begin(), keys.end());
    QSet<QString> missing = inSchema;
    missing.subtract(inJson);
    QSet<QString> extra = inJson;
    extra.subtract(inSchema);
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("no entry for: ") + QStringList(missing.values()).join(QLatin1Char(' '))));
    QVERIFY2(extra.isEmpty(),
        qPrintable(QStringLiteral("not in the schema: ") + QStringList(extra.values()).join(QLatin1Char(' '))));
    QCOMPARE(builtin.size(), schema.size());

    // Every builtin maps to the category the JSON names, and the name round-trips.
    for (const QString& name : schema) {
        const QString category = builtin.value(name).toObject().value(QLatin1String("category")).toString();
        QCOMPARE(opCategoryName(opCategory(name, false)), category);
    }
}

void TestOpInfo::categories_data()
{
    QTest::addColumn<QString>("opType");
    QTest::addColumn<bool>("isCustom");
    QTest::addColumn<QString>("category");

    QTest::addRow("CONV_2D") << QStringLiteral("CONV_2D") << false << QStringLiteral("convolution");
    QTest::addRow("TRANSPOSE_CONV") << QStringLiteral("TRANSPOSE_CONV") << false << QStringLiteral("convolution");
    QTest::addRow("FULLY_CONNECTED") << QStringLiteral("FULLY_CONNECTED") << false << QStringLiteral("fully_connected");
    QTest::addRow("BATCH_MATMUL") << QStringLiteral("BATCH_MATMUL") << false << QStringLiteral("fully_connected");
    QTest::addRow("SVDF") << QStringLiteral("SVDF") << false << QStringLiteral("recurrent");
    QTest::addRow("AVERAGE_POOL_2D") << QStringLiteral("AVERAGE_POOL_2D") << false << QStringLiteral("pooling");
    QTest::addRow("SOFTMAX") << QStringLiteral("SOFTMAX") << false << QStringLiteral("activation");
    QTest::addRow("ADD") << QStringLiteral("ADD") << false << QStringLiteral("elementwise");
    QTest::addRow("L2_NORMALIZATION") << QStringLiteral("L2_NORMALIZATION") << false << QStringLiteral("normalization");
    QTest::addRow("MEAN") << QStringLiteral("MEAN") << false << QStringLiteral("reduction");
    QTest::addRow("ARG_MAX") << QStringLiteral("ARG_MAX") << false << QStringLiteral("reduction");
    QTest::addRow("RESHAPE") << QStringLiteral("RESHAPE") << false << QStringLiteral("reshape");
    QTest::addRow("GATHER") << QStringLiteral("GATHER") << false << QStringLiteral("reshape");
    QTest::addRow("QUANTIZE") << QStringLiteral("QUANTIZE") << false << QStringLiteral("quantization");
    QTest::addRow("CAST") << QStringLiteral("CAST") << false << QStringLiteral("quantization");
    QTest::addRow("WHILE") << QStringLiteral("WHILE") << false << QStringLiteral("control_flow");
    QTest::addRow("VAR_HANDLE") << QStringLiteral("VAR_HANDLE") << false << QStringLiteral("resource");
    QTest::addRow("RFFT2D") << QStringLiteral("RFFT2D") << false << QStringLiteral("signal");
    QTest::addRow("builtin CUSTOM code") << QStringLiteral("CUSTOM") << false << QStringLiteral("custom");
    QTest::addRow("custom ethos-u") << QStringLiteral("ethos-u") << true << QStringLiteral("custom");
    QTest::addRow("custom with a builtin's name") << QStringLiteral("ADD") << true << QStringLiteral("custom");
    QTest::addRow("custom unknown") << QStringLiteral("MyVendorOp") << true << QStringLiteral("custom");
    QTest::addRow("unknown builtin") << QStringLiteral("BUILTIN_250") << false << QStringLiteral("other");
    QTest::addRow("empty name") << QString() << false << QStringLiteral("other");
}

void TestOpInfo::categories()
{
    QFETCH(QString, opType);
    QFETCH(bool, isCustom);
    QFETCH(QString, category);
    QCOMPARE(opCategoryName(opCategory(opType, isCustom)), category);
}

void TestOpInfo::supportedOperators()
{
    const QStringList ops = OperatorSupport::tflmReference().supportedOperators();
    // The builtins that tensorflow/lite/micro/kernels/micro_ops.h registers (custom codes are not builtins).
    QCOMPARE(ops.size(), 100);
    QStringList sorted = ops;
    sorted.sort();
    QCOMPARE(ops, sorted);
    for (const char* name : { "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "UNIDIRECTIONAL_SEQUENCE_LSTM", "SVDF",
             "QUANTIZE", "DEQUANTIZE", "SOFTMAX", "TRANSPOSE_CONV", "BATCH_MATMUL", "WHILE" })
        QVERIFY2(ops.contains(QLatin1String(name)), name);
    for (const char* name : { "LSTM", "RFFT2D", "COMPLEX_ABS", "STABLEHLO_ADD", "SELECT", "CUSTOM", "ethos-u",
             "TFLite_Detection_PostProcess" })
        QVERIFY2(!ops.contains(QLatin1String(name)), name);
}

void TestOpInfo::check_data()
{
    QTest::addColumn<QString>("opType");
    QTest::addColumn<bool>("isCustom");
    QTest::addColumn<QStringList>("inputs");
    QTest::addColumn<QStringList>("outputs");
    QTest::addColumn<SupportStatus>("status");
    QTest::addColumn<QString>("reason"); ///< a substring of the reason; empty: the reason must be empty

    const auto S = SupportStatus::Supported;
    const auto U = SupportStatus::Unsupported;
    const auto N = SupportStatus::Unknown;
    const auto row = [](const char* name, const char* op, bool custom, const char* in, const char* out,
                         SupportStatus status, const char* reason) {
        QTest::addRow("%s", name) << QString::fromLatin1(op) << custom << words(in) << words(out) << status
                                  << QString::fromLatin1(reason);
    };

    // Convolutions: the filter type matters, and the data input of TRANSPOSE_CONV is input 2.
    row("int8 conv", "CONV_2D", false, "int8 int8 int32", "int8", S, "");
    row("int8 conv, bias omitted (-1)", "CONV_2D", false, "int8 int8 -", "int8", S, "");
    row("int8 conv, no bias slot", "CONV_2D", false, "int8 int8", "int8", S, "");
    row("int8 conv, packed int4 filter", "CONV_2D", false, "int8 int4 int32", "int8", S, "");
    row("float32 conv", "CONV_2D", false, "float32 float32 float32", "float32", S, "");
    row("uint8 conv", "CONV_2D", false, "uint8 uint8 int32", "uint8", U,
        "TFLM's CONV_2D kernel does not accept uint8 input (accepts float32, int8, int16)");
    row("int16 conv, int8 filter", "CONV_2D", false, "int16 int8 int64", "int16", S, "");
    row("int16 conv, int16 filter", "CONV_2D", false, "int16 int16 int64", "int16", U,
        "does not accept int16 input with int16 weights (int16 input needs int8 weights)");
    row("int16 conv, int4 filter", "CONV_2D", false, "int16 int4 int64", "int16", U, "int16 input needs int8 weights");
    row("hybrid conv", "CONV_2D", false, "float32 int8 float32", "float32", U, "float32 input with int8 weights");
    row("int8 conv, int16 output", "CONV_2D", false, "int8 int8 int32", "int16", U,
        "does not accept int8 input with int16 output (int8 input needs int8 output)");
    row("conv without a filter", "CONV_2D", false, "int8", "int8", U, "needs input 1 (weights)");
    row("conv, filter omitted (-1)", "CONV_2D", false, "int8 - int32", "int8", U, "needs input 1 (weights)");
    row("int8 depthwise conv", "DEPTHWISE_CONV_2D", false, "int8 int8 int32", "int8", S, "");
    row("int8 transpose conv", "TRANSPOSE_CONV", false, "int32 int8 int8", "int8", S, "");
    row("uint8 transpose conv data", "TRANSPOSE_CONV", false, "int32 int8 uint8", "uint8", U,
        "does not accept uint8 input");
    row("float32 fully connected", "FULLY_CONNECTED", false, "float32 float32 float32", "float32", S, "");
    row("int16 fully connected, int8 weights", "FULLY_CONNECTED", false, "int16 int8 int64", "int16", S, "");
    row("int8 fully connected, int4 weights", "FULLY_CONNECTED", false, "int8 int4 int32", "int8", S, "");
    row("hybrid fully connected", "FULLY_CONNECTED", false, "float32 int8 float32", "float32", U,
        "float32 input with int8 weights");

    // Element-wise, activations, data movement.
    row("int8 add", "ADD", false, "int8 int8", "int8", S, "");
    row("int8 add, int16 output", "ADD", false, "int8 int8", "int16", U,
        "needs the output to have the type of the input (int8), not int16");
    row("int8 softmax to int16", "SOFTMAX", false, "int8", "int16", S, "");
    row("int16 softmax to int8", "SOFTMAX", false, "int16", "int8", U, "int16 input needs int16 output");
    row("int16 relu", "RELU", false, "int16", "int16", U, "does not accept int16 input (accepts float32, int8)");
    row("int16 relu6", "RELU6", false, "int16", "int16", S, "");
    row("uint8 reshape", "RESHAPE", false, "uint8 int32", "uint8", S, "");
    row("int8 pad, int16 output", "PAD", false, "int8 int32", "int16", U, "type of the input (int8), not int16");
    row("int8 mean", "MEAN", false, "int8 int32", "int8", S, "");
    row("int8 mean, int64 axis", "MEAN", false, "int8 int64", "int8", U, "int8 input with int64 axis");
    row("split uses input 1", "SPLIT", false, "int32 int16", "int16 int16", S, "");
    row("while without inputs", "WHILE", false, "", "", S, "");

    // Type conversions: (input, output) pairs.
    row("quantize float32 to int8", "QUANTIZE", false, "float32", "int8", S, "");
    row("quantize uint8 to int8", "QUANTIZE", false, "uint8", "int8", S, "");
    row("quantize float32 to uint8", "QUANTIZE", false, "float32", "uint8", U,
        "float32 input with uint8 output (float32 input needs int8, int16 output)");
    row("dequantize int8", "DEQUANTIZE", false, "int8", "float32", S, "");
    row("dequantize to int8", "DEQUANTIZE", false, "int8", "int8", U, "int8 input with int8 output");
    row("cast bool to float32", "CAST", false, "bool", "float32", S, "");
    row("cast float32 to bool", "CAST", false, "float32", "bool", U, "float32 input with bool output");

    // Operators TFLM does not register, and operators TinyScope does not know.
    row("RFFT2D", "RFFT2D", false, "float32 int32", "complex64", U, "TFLM has no kernel for RFFT2D");
    row("LSTM", "LSTM", false, "float32", "float32", U,
        "TFLM has no kernel for LSTM (only UNIDIRECTIONAL_SEQUENCE_LSTM");
    row("COMPLEX_ABS", "COMPLEX_ABS", false, "complex64", "float32", U, "TFLM has no kernel for COMPLEX_ABS");
    row("STABLEHLO_ADD", "STABLEHLO_ADD", false, "float32 float32", "float32", U,
        "TFLM has no kernel for STABLEHLO_ADD");
    row("unknown builtin", "BUILTIN_250", false, "float32", "float32", N,
        "no support data for the operator BUILTIN_250");

    // Custom operators: TFLM's own, the NPU ones and unknown ones.
    row("detection postprocess", "TFLite_Detection_PostProcess", true, "float32 float32 float32",
        "float32 float32 float32 float32", S, "");
    row("quantized detection postprocess", "TFLite_Detection_PostProcess", true, "uint8 uint8 float32",
        "float32 float32 float32 float32", U, "does not accept uint8 box encodings (accepts float32)");
    row("int8 circular buffer", "CIRCULAR_BUFFER", true, "int8", "int8", S, "");
    row("int16 signal window", "SignalWindow", true, "int16 int16", "int16", S, "");
    row("float32 signal window", "SignalWindow", true, "float32 int16", "float32", U,
        "TFLM's SignalWindow kernel does not accept float32 input (accepts int16)");
    row("ethos-u", "ethos-u", true, "int8 uint8 uint8", "int8", U, "Ethos-U NPU driver");
    row("edge tpu", "edgetpu-custom-op", true, "uint8", "uint8", U, "Coral Edge TPU");
    row("flex op", "FlexErf", true, "float32", "float32", U, "Select-TF-ops delegate");
    row("unknown custom op", "MyVendorOp", true, "float32", "float32", U,
        "TFLM ships no kernel for the custom operator \"MyVendorOp\"");

    // Indices straight from a broken file: never a crash.
    row("filter index out of range", "CONV_2D", false, "int8 #99 int32", "int8", N,
        "Cannot check CONV_2D: its input 1 refers to tensor 99, but the subgraph has");
    row("output index out of range", "CONV_2D", false, "int8 int8", "#7", N, "its output 0 refers to tensor 7");
    row("negative index other than -1", "CONV_2D", false, "int8 #-5", "int8", U, "needs input 1 (weights)");
    row("missing output", "SOFTMAX", false, "int8", "", U, "needs output 0 (output)");
    row("unknown tensor type", "CONV_2D", false, "int8 float8_e4m3fn", "int8", U,
        "int8 input with float8_e4m3fn weights");
}

void TestOpInfo::check()
{
    QFETCH(QString, opType);
    QFETCH(bool, isCustom);
    QFETCH(QStringList, inputs);
    QFETCH(QStringList, outputs);
    QFETCH(SupportStatus, status);
    QFETCH(QString, reason);

    const OpFixture f = makeOp(opType, isCustom, inputs, outputs);
    const SupportVerdict v = OperatorSupport::tflmReference().check(f.op, f.subgraph);
    QCOMPARE(supportStatusName(v.status), supportStatusName(status));
    if (reason.isEmpty())
        QVERIFY2(v.reason.isEmpty(), qPrintable(v.reason));
    else
        QVERIFY2(v.reason.contains(reason), qPrintable(v.reason));
    // One sentence: no line breaks, no sentence ending inside.
    QVERIFY(!v.reason.contains(QLatin1Char('\n')));
    QVERIFY(!v.reason.contains(QLatin1String(". ")));
}

void TestOpInfo::customTable()
{
    const auto table = OperatorSupport::fromJson(R"({"version": 1, "builtin": {
        "ADD": {"category": "elementwise", "tflm": {"accepts": ["float32"], "same": ["output"]}},
        "LSTM": {"category": "recurrent"}}})");
    QVERIFY2(table->errorString().isEmpty(), qPrintable(table->errorString()));
    QCOMPARE(table->supportedOperators(), QStringList { QStringLiteral("ADD") });
    QCOMPARE(table->category(QStringLiteral("LSTM"), false), OpCategory::Recurrent);

    OpFixture f = makeOp(QStringLiteral("ADD"), false, words("float32 float32"), words("float32"));
    QCOMPARE(table->check(f.op, f.subgraph).status, SupportStatus::Supported);
    f = makeOp(QStringLiteral("ADD"), false, words("int8 int8"), words("int8"));
    QCOMPARE(table->check(f.op, f.subgraph).status, SupportStatus::Unsupported);
}

void TestOpInfo::brokenTable_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    QTest::addRow("empty") << QByteArray() << QStringLiteral("not valid JSON");
    QTest::addRow("truncated") << QByteArray(R"({"version": 1, "builtin": {)") << QStringLiteral("not valid JSON");
    QTest::addRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
    QTest::addRow("wrong version") << QByteArray(R"({"version": 2, "builtin": {}})")
                                   << QStringLiteral("unsupported version 2");
    QTest::addRow("no builtins") << QByteArray(R"({"version": 1})") << QStringLiteral("\"builtin\"");
    QTest::addRow("unknown category") << QByteArray(R"({"version": 1, "builtin": {"ADD": {"category": "maths"}}})")
                                      << QStringLiteral("ADD: unknown category \"maths\"");
    QTest::addRow("unknown type") << QByteArray(
        R"({"version": 1, "builtin": {"ADD": {"category": "elementwise", "tflm": {"accepts": ["int3"]}}}})")
                                  << QStringLiteral("ADD: unknown type name \"int3\"");
    QTest::addRow("unknown role") << QByteArray(R"({"version": 1, "builtin": {"ADD": {"category": "elementwise",
               "tflm": {"accepts": [{"weights": "int8"}]}}}})")
                                  << QStringLiteral("\"weights\", which is not a tensor role");
    QTest::addRow("bad slot") << QByteArray(R"({"version": 1, "builtin": {"ADD": {"category": "elementwise",
               "tflm": {"tensors": {"input": "first"}, "accepts": ["int8"]}}}})")
                              << QStringLiteral("needs a slot like in0");
    QTest::addRow("no rules") << QByteArray(
        R"({"version": 1, "builtin": {"ADD": {"category": "elementwise", "tflm": {}}}})")
                              << QStringLiteral("at least one rule");
}

void TestOpInfo::brokenTable()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);

    const auto table = OperatorSupport::fromJson(json);
    QVERIFY2(table->errorString().contains(error), qPrintable(table->errorString()));
    QVERIFY(table->supportedOperators().isEmpty());
    QCOMPARE(table->category(QStringLiteral("ADD"), false), OpCategory::Other);
    const OpFixture f = makeOp(QStringLiteral("ADD"), false, words("int8 int8"), words("int8"));
    const SupportVerdict v = table->check(f.op, f.subgraph);
    QCOMPARE(v.status, SupportStatus::Unknown);
    QVERIFY2(v.reason.contains(QLatin1String("could not be loaded")), qPrintable(v.reason));
}

void TestOpInfo::names()
{
    const QStringList categories = operatorsJson().value(QLatin1String("categories")).toVariant().toStringList();
    QCOMPARE(categories.size(), 15);
    QStringList fromEnum;
    for (int i = 0; i <= static_cast<int>(OpCategory::Other); ++i)
        fromEnum << opCategoryName(static_cast<OpCategory>(i));
    QCOMPARE(fromEnum, categories);

    QCOMPARE(supportStatusName(SupportStatus::Supported), QStringLiteral("supported"));
    QCOMPARE(supportStatusName(SupportStatus::Unsupported), QStringLiteral("unsupported"));
    QCOMPARE(supportStatusName(SupportStatus::Unknown), QStringLiteral("unknown"));
}

QTEST_GUILESS_MAIN(TestOpInfo)
#include "tst_opinfo.moc"
