// SPDX-License-Identifier: GPL-3.0-or-later
#include "tflitebuilder.h"

#include "tflite_generated.h"

#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

namespace Profiler {

namespace {

using Fbb = flatbuffers::FlatBufferBuilder;
using WrittenOptions = std::pair<tflfb::BuiltinOptions, flatbuffers::Offset<void>>;
using OptionsWriter = std::function<WrittenOptions(Fbb&)>;

// Constant data is aligned like the converter does it, so that runtimes can use it in place (SIMD loads).
constexpr std::size_t kDataAlignment = 16;
constexpr int kCustomCode = static_cast<int>(tflfb::BuiltinOperator::CUSTOM);
constexpr int kLastLegacyCode = static_cast<int>(tflfb::BuiltinOperator::PLACEHOLDER_FOR_GREATER_OP_CODES);

struct TensorRecord
{
    QString name;
    DataType type = DataType::Float32;
    std::vector<std::int32_t> shape;
    std::vector<std::int32_t> signature;
    bool hasSignature = false;
    std::uint32_t buffer = 0;
    Quantization quantization;
    bool isVariable = false;
    bool hasRank = true;
};

struct OperatorRecord
{
    std::uint32_t opcodeIndex = 0;
    std::vector<int> inputs;
    std::vector<int> outputs;
    std::vector<int> intermediates;
    OptionsWriter options;
    QByteArray customOptions;
};

struct SubgraphRecord
{
    QString name;
    std::vector<TensorRecord> tensors;
    std::vector<OperatorRecord> operators;
    std::vector<int> inputs;
    std::vector<int> outputs;
};

struct OpcodeRecord
{
    int code = 0;
    QString customCode;
    int version = 1;
    TfliteBuilder::OpcodeStyle style = TfliteBuilder::OpcodeStyle::Modern;

    auto key() const { return std::make_tuple(code, customCode, version, style); }
};

struct MetadataRecord
{
    QString name;
    std::uint32_t buffer = 0;
};

tflfb::TensorType tensorType(DataType type)
{
    switch (type) {
    case DataType::Bool:
        return tflfb::TensorType::BOOL;
    case DataType::Int2:
        return tflfb::TensorType::INT2;
    case DataType::Int4:
        return tflfb::TensorType::INT4;
    case DataType::UInt4:
        return tflfb::TensorType::UINT4;
    case DataType::Int8:
        return tflfb::TensorType::INT8;
    case DataType::UInt8:
        return tflfb::TensorType::UINT8;
    case DataType::Int16:
        return tflfb::TensorType::INT16;
    case DataType::UInt16:
        return tflfb::TensorType::UINT16;
    case DataType::Int32:
        return tflfb::TensorType::INT32;
    case DataType::UInt32:
        return tflfb::TensorType::UINT32;
    case DataType::Int64:
        return tflfb::TensorType::INT64;
    case DataType::UInt64:
        return tflfb::TensorType::UINT64;
    case DataType::Float8E4M3:
        return tflfb::TensorType::FLOAT8_E4M3FN;
    case DataType::Float8E5M2:
        return tflfb::TensorType::FLOAT8_E5M2;
    case DataType::Float16:
        return tflfb::TensorType::FLOAT16;
    case DataType::BFloat16:
        return tflfb::TensorType::BFLOAT16;
    case DataType::Float32:
        return tflfb::TensorType::FLOAT32;
    case DataType::Float64:
        return tflfb::TensorType::FLOAT64;
    case DataType::Complex64:
        return tflfb::TensorType::COMPLEX64;
    case DataType::Complex128:
        return tflfb::TensorType::COMPLEX128;
    case DataType::String:
        return tflfb::TensorType::STRING;
    case DataType::Resource:
        return tflfb::TensorType::RESOURCE;
    case DataType::Variant:
        return tflfb::TensorType::VARIANT;
    case DataType::Unknown:
        break;
    }
    // A type code no version of the format defines, for tests of unknown types.
    return static_cast<tflfb::TensorType>(127);
}

tflfb::Padding padding(TfliteBuilder::Padding p)
{
    return p == TfliteBuilder::Padding::Same ? tflfb::Padding::SAME : tflfb::Padding::VALID;
}

tflfb::ActivationFunctionType activation(TfliteBuilder::Activation a)
{
    switch (a) {
    case TfliteBuilder::Activation::None:
        return tflfb::ActivationFunctionType::NONE;
    case TfliteBuilder::Activation::Relu:
        return tflfb::ActivationFunctionType::RELU;
    case TfliteBuilder::Activation::ReluN1To1:
        return tflfb::ActivationFunctionType::RELU_N1_TO_1;
    case TfliteBuilder::Activation::Relu6:
        return tflfb::ActivationFunctionType::RELU6;
    case TfliteBuilder::Activation::Tanh:
        return tflfb::ActivationFunctionType::TANH;
    case TfliteBuilder::Activation::SignBit:
        return tflfb::ActivationFunctionType::SIGN_BIT;
    }
    return tflfb::ActivationFunctionType::NONE;
}

flatbuffers::Offset<flatbuffers::String> createString(Fbb& fbb, const QString& s)
{
    const QByteArray utf8 = s.toUtf8();
    return fbb.CreateString(utf8.constData(), static_cast<std::size_t>(utf8.size()));
}

// Empty strings are left out, as converters do for unnamed tensors and subgraphs.
flatbuffers::Offset<flatbuffers::String> createOptionalString(Fbb& fbb, const QString& s)
{
    return s.isEmpty() ? flatbuffers::Offset<flatbuffers::String>() : createString(fbb, s);
}

flatbuffers::Offset<flatbuffers::Vector<std::int32_t>> createInts(Fbb& fbb, const std::vector<int>& values)
{
    std::vector<std::int32_t> v(values.begin(), values.end());
    return fbb.CreateVector(v);
}

flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> createBytes(
    Fbb& fbb, const QByteArray& bytes, std::size_t alignment)
{
    const auto size = static_cast<std::size_t>(bytes.size());
    fbb.ForceVectorAlignment(size, sizeof(std::uint8_t), alignment);
    return fbb.CreateVector(reinterpret_cast<const std::uint8_t*>(bytes.constData()), size);
}

flatbuffers::Offset<tflfb::QuantizationParameters> createQuantization(Fbb& fbb, const Quantization& q)
{
    if (q.scheme == Quantization::Scheme::None)
        return {};
    flatbuffers::Offset<flatbuffers::Vector<float>> min;
    flatbuffers::Offset<flatbuffers::Vector<float>> max;
    flatbuffers::Offset<flatbuffers::Vector<float>> scale;
    flatbuffers::Offset<flatbuffers::Vector<std::int64_t>> zeroPoint;
    if (!q.min.empty())
        min = fbb.CreateVector(q.min);
    if (!q.max.empty())
        max = fbb.CreateVector(q.max);
    if (!q.scales.empty())
        scale = fbb.CreateVector(q.scales);
    if (!q.zeroPoints.empty()) {
        zeroPoint = fbb.CreateVector(q.zeroPoints);
    } else if (!q.scales.empty()) {
        // Converters always write one zero point per scale.
        zeroPoint = fbb.CreateVector(std::vector<std::int64_t>(q.scales.size(), 0));
    }
    auto detailsType = tflfb::QuantizationDetails::NONE;
    flatbuffers::Offset<void> details;
    if (q.scheme == Quantization::Scheme::Custom) {
        detailsType = tflfb::QuantizationDetails::CustomQuantization;
        details = tflfb::CreateCustomQuantization(fbb).Union();
    } else if (q.scheme == Quantization::Scheme::Blockwise) {
        detailsType = tflfb::QuantizationDetails::BlockwiseQuantization;
        details = tflfb::CreateBlockwiseQuantization(fbb, q.blockScalesTensor, q.blockZeroPointsTensor, q.blockSize)
                      .Union();
    }
    return tflfb::CreateQuantizationParameters(fbb, min, max, scale, zeroPoint, detailsType, details, q.axis);
}

template <typename T> WrittenOptions written(tflfb::BuiltinOptions type, flatbuffers::Offset<T> offset)
{
    return { type, offset.Union() };
}

} // namespace

struct TfliteBuilder::Private
{
    QString description;
    std::uint32_t version = 3;
    OpcodeStyle style = OpcodeStyle::Modern;
    std::map<int, int> operatorVersions;
    bool emptyBufferPerTensor = false;

    std::vector<QByteArray> buffers { QByteArray() }; // buffer 0: the empty sentinel
    std::vector<OpcodeRecord> opcodes;
    std::vector<SubgraphRecord> subgraphs { SubgraphRecord() };
    std::vector<MetadataRecord> metadata;
    std::vector<SignatureDef> signatures;
    int current = 0;

    SubgraphRecord& sg() { return subgraphs[static_cast<std::size_t>(current)]; }
    const SubgraphRecord& sg() const { return subgraphs[static_cast<std::size_t>(current)]; }

    TensorRecord* tensor(int index)
    {
        auto& tensors = sg().tensors;
        if (index < 0 || static_cast<std::size_t>(index) >= tensors.size())
            return nullptr;
        return &tensors[static_cast<std::size_t>(index)];
    }

    OperatorRecord* op(int index)
    {
        auto& ops = sg().operators;
        if (index < 0 || static_cast<std::size_t>(index) >= ops.size())
            return nullptr;
        return &ops[static_cast<std::size_t>(index)];
    }

    std::uint32_t opcodeIndex(int code, const QString& customCode)
    {
        OpcodeRecord wanted;
        wanted.code = code;
        wanted.customCode = customCode;
        if (customCode.isEmpty()) {
            const auto it = operatorVersions.find(code);
            wanted.version = it == operatorVersions.end() ? 1 : it->second;
        }
        wanted.style = style;
        for (std::size_t i = 0; i < opcodes.size(); ++i) {
            if (opcodes[i].key() == wanted.key())
                return static_cast<std::uint32_t>(i);
        }
        opcodes.push_back(wanted);
        return static_cast<std::uint32_t>(opcodes.size() - 1);
    }

    int addOperator(
        int code, const QString& customCode, const Indices& inputs, const Indices& outputs, OptionsWriter options)
    {
        OperatorRecord rec;
        rec.opcodeIndex = opcodeIndex(code, customCode);
        rec.inputs = inputs;
        rec.outputs = outputs;
        rec.options = std::move(options);
        sg().operators.push_back(std::move(rec));
        return static_cast<int>(sg().operators.size() - 1);
    }

    int addTensor(TensorRecord rec)
    {
        sg().tensors.push_back(std::move(rec));
        return static_cast<int>(sg().tensors.size() - 1);
    }

    int appendBuffer(const QByteArray& data)
    {
        buffers.push_back(data);
        return static_cast<int>(buffers.size() - 1);
    }

    flatbuffers::Offset<tflfb::OperatorCode> writeOpcode(Fbb& fbb, const OpcodeRecord& rec) const
    {
        const auto customCode = createOptionalString(fbb, rec.customCode);
        tflfb::OperatorCodeBuilder b(fbb);
        b.add_deprecated_builtin_code(static_cast<std::int8_t>(std::min(rec.code, kLastLegacyCode)));
        if (!rec.customCode.isEmpty())
            b.add_custom_code(customCode);
        b.add_version(rec.version);
        if (rec.style == OpcodeStyle::Modern)
            b.add_builtin_code(static_cast<tflfb::BuiltinOperator>(rec.code));
        return b.Finish();
    }

    flatbuffers::Offset<tflfb::Tensor> writeTensor(Fbb& fbb, const TensorRecord& t) const
    {
        const auto shape = fbb.CreateVector(t.shape);
        const auto name = createOptionalString(fbb, t.name);
        const auto quantization = createQuantization(fbb, t.quantization);
        flatbuffers::Offset<flatbuffers::Vector<std::int32_t>> signature;
        if (t.hasSignature)
            signature = fbb.CreateVector(t.signature);
        return tflfb::CreateTensor(
            fbb, shape, tensorType(t.type), t.buffer, name, quantization, t.isVariable, {}, signature, t.hasRank);
    }

    flatbuffers::Offset<tflfb::Operator> writeOperator(Fbb& fbb, const OperatorRecord& op) const
    {
        const auto inputs = createInts(fbb, op.inputs);
        const auto outputs = createInts(fbb, op.outputs);
        WrittenOptions options { tflfb::BuiltinOptions::NONE, 0 };
        if (op.options)
            options = op.options(fbb);
        flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> custom;
        if (!op.customOptions.isEmpty())
            custom = createBytes(fbb, op.customOptions, 1);
        flatbuffers::Offset<flatbuffers::Vector<std::int32_t>> intermediates;
        if (!op.intermediates.empty())
            intermediates = createInts(fbb, op.intermediates);
        return tflfb::CreateOperator(fbb, op.opcodeIndex, inputs, outputs, options.first, options.second, custom,
            tflfb::CustomOptionsFormat::FLEXBUFFERS, {}, intermediates);
    }

    flatbuffers::Offset<tflfb::SubGraph> writeSubgraph(Fbb& fbb, const SubgraphRecord& sub) const
    {
        std::vector<flatbuffers::Offset<tflfb::Tensor>> tensors;
        tensors.reserve(sub.tensors.size());
        for (const auto& t : sub.tensors)
            tensors.push_back(writeTensor(fbb, t));
        std::vector<flatbuffers::Offset<tflfb::Operator>> operators;
        operators.reserve(sub.operators.size());
        for (const auto& op : sub.operators)
            operators.push_back(writeOperator(fbb, op));
        const auto tensorVector = fbb.CreateVector(tensors);
        const auto inputs = createInts(fbb, sub.inputs);
        const auto outputs = createInts(fbb, sub.outputs);
        const auto operatorVector = fbb.CreateVector(operators);
        const auto name = createOptionalString(fbb, sub.name);
        return tflfb::CreateSubGraph(fbb, tensorVector, inputs, outputs, operatorVector, name);
    }

    flatbuffers::Offset<tflfb::SignatureDef> writeSignature(Fbb& fbb, const SignatureDef& sig) const
    {
        auto maps = [&fbb](const std::vector<SignatureTensor>& list) {
            std::vector<flatbuffers::Offset<tflfb::TensorMap>> out;
            for (const auto& entry : list) {
                const auto name = createString(fbb, entry.name);
                out.push_back(tflfb::CreateTensorMap(fbb, name, static_cast<std::uint32_t>(entry.tensor)));
            }
            return fbb.CreateVector(out);
        };
        const auto inputs = maps(sig.inputs);
        const auto outputs = maps(sig.outputs);
        const auto key = createString(fbb, sig.key);
        return tflfb::CreateSignatureDef(fbb, inputs, outputs, key, static_cast<std::uint32_t>(sig.subgraph));
    }
};

TfliteBuilder::TfliteBuilder()
    : d(std::make_unique<Private>())
{ }

TfliteBuilder::~TfliteBuilder() = default;

// ---- model ---------------------------------------------------------------------------------------------------

void TfliteBuilder::setDescription(const QString& description)
{
    d->description = description;
}

void TfliteBuilder::setVersion(std::uint32_t version)
{
    d->version = version;
}

void TfliteBuilder::setOpcodeStyle(OpcodeStyle style)
{
    d->style = style;
}

void TfliteBuilder::setOperatorVersion(int builtinCode, int version)
{
    d->operatorVersions[builtinCode] = version;
}

void TfliteBuilder::setEmptyBufferPerTensor(bool enabled)
{
    d->emptyBufferPerTensor = enabled;
}

int TfliteBuilder::addBuffer(const QByteArray& data)
{
    return d->appendBuffer(data);
}

int TfliteBuilder::bufferCount() const
{
    return static_cast<int>(d->buffers.size());
}

int TfliteBuilder::addMetadata(const QString& name, const QByteArray& data)
{
    const int buffer = d->appendBuffer(data);
    d->metadata.push_back({ name, static_cast<std::uint32_t>(buffer) });
    return buffer;
}

int TfliteBuilder::addOfflineMemoryAllocation(const std::vector<std::int32_t>& offsets, int subgraphWord, int version)
{
    return addMetadata(
        QStringLiteral("OfflineMemoryAllocation"), offlineMemoryAllocation(offsets, subgraphWord, version));
}

QByteArray TfliteBuilder::offlineMemoryAllocation(
    const std::vector<std::int32_t>& offsets, int subgraphWord, int version)
{
    std::vector<std::int32_t> words { version, subgraphWord, static_cast<std::int32_t>(offsets.size()) };
    words.insert(words.end(), offsets.begin(), offsets.end());
    QByteArray bytes(static_cast<qsizetype>(words.size() * sizeof(std::int32_t)), Qt::Uninitialized);
    for (std::size_t i = 0; i < words.size(); ++i)
        qToLittleEndian<std::int32_t>(words[i], bytes.data() + i * sizeof(std::int32_t));
    return bytes;
}

void TfliteBuilder::addSignature(const SignatureDef& signature)
{
    d->signatures.push_back(signature);
}

// ---- subgraphs -----------------------------------------------------------------------------------------------

int TfliteBuilder::addSubgraph(const QString& name)
{
    SubgraphRecord rec;
    rec.name = name;
    d->subgraphs.push_back(std::move(rec));
    d->current = static_cast<int>(d->subgraphs.size() - 1);
    return d->current;
}

void TfliteBuilder::selectSubgraph(int index)
{
    if (index >= 0 && static_cast<std::size_t>(index) < d->subgraphs.size())
        d->current = index;
}

int TfliteBuilder::currentSubgraph() const
{
    return d->current;
}

int TfliteBuilder::subgraphCount() const
{
    return static_cast<int>(d->subgraphs.size());
}

void TfliteBuilder::setSubgraphName(const QString& name)
{
    d->sg().name = name;
}

void TfliteBuilder::setInputs(const Indices& tensors)
{
    d->sg().inputs = tensors;
}

void TfliteBuilder::setOutputs(const Indices& tensors)
{
    d->sg().outputs = tensors;
}

// ---- tensors -------------------------------------------------------------------------------------------------

int TfliteBuilder::addTensor(const QString& name, DataType type, const std::vector<std::int32_t>& shape)
{
    TensorRecord rec;
    rec.name = name;
    rec.type = type;
    rec.shape = shape;
    if (d->emptyBufferPerTensor)
        rec.buffer = static_cast<std::uint32_t>(d->appendBuffer({}));
    return d->addTensor(std::move(rec));
}

int TfliteBuilder::addConstant(
    const QString& name, DataType type, const std::vector<std::int32_t>& shape, const QByteArray& data)
{
    TensorRecord rec;
    rec.name = name;
    rec.type = type;
    rec.shape = shape;
    rec.buffer = static_cast<std::uint32_t>(d->appendBuffer(data));
    return d->addTensor(std::move(rec));
}

int TfliteBuilder::addConstantSharingBuffer(
    const QString& name, DataType type, const std::vector<std::int32_t>& shape, int otherTensor)
{
    TensorRecord rec;
    rec.name = name;
    rec.type = type;
    rec.shape = shape;
    if (const auto* other = d->tensor(otherTensor))
        rec.buffer = other->buffer;
    return d->addTensor(std::move(rec));
}

void TfliteBuilder::setShapeSignature(int tensor, const std::vector<std::int32_t>& signature)
{
    if (auto* t = d->tensor(tensor)) {
        t->signature = signature;
        t->hasSignature = true;
    }
}

void TfliteBuilder::setQuantization(int tensor, const Quantization& quantization)
{
    if (auto* t = d->tensor(tensor))
        t->quantization = quantization;
}

void TfliteBuilder::setVariable(int tensor, bool variable)
{
    if (auto* t = d->tensor(tensor))
        t->isVariable = variable;
}

void TfliteBuilder::setHasRank(int tensor, bool hasRank)
{
    if (auto* t = d->tensor(tensor))
        t->hasRank = hasRank;
}

void TfliteBuilder::setTensorBuffer(int tensor, std::uint32_t buffer)
{
    if (auto* t = d->tensor(tensor))
        t->buffer = buffer;
}

int TfliteBuilder::tensorBuffer(int tensor) const
{
    const auto& tensors = d->sg().tensors;
    if (tensor < 0 || static_cast<std::size_t>(tensor) >= tensors.size())
        return -1;
    return static_cast<int>(tensors[static_cast<std::size_t>(tensor)].buffer);
}

int TfliteBuilder::tensorCount() const
{
    return static_cast<int>(d->sg().tensors.size());
}

Quantization TfliteBuilder::perTensor(float scale, std::int64_t zeroPoint)
{
    Quantization q;
    q.scheme = Quantization::Scheme::PerTensor;
    q.scales = { scale };
    q.zeroPoints = { zeroPoint };
    return q;
}

Quantization TfliteBuilder::perChannel(
    const std::vector<float>& scales, int axis, const std::vector<std::int64_t>& zeroPoints)
{
    Quantization q;
    q.scheme = Quantization::Scheme::PerChannel;
    q.scales = scales;
    q.zeroPoints = zeroPoints.empty() ? std::vector<std::int64_t>(scales.size(), 0) : zeroPoints;
    q.axis = axis;
    return q;
}

Quantization TfliteBuilder::blockwise(int scalesTensor, int blockSize, int zeroPointsTensor)
{
    Quantization q;
    q.scheme = Quantization::Scheme::Blockwise;
    q.blockScalesTensor = scalesTensor;
    q.blockZeroPointsTensor = zeroPointsTensor;
    q.blockSize = blockSize;
    return q;
}

// ---- operators -----------------------------------------------------------------------------------------------

int TfliteBuilder::addBuiltin(int builtinCode, const Indices& inputs, const Indices& outputs)
{
    return d->addOperator(builtinCode, {}, inputs, outputs, {});
}

int TfliteBuilder::addConv2D(const Indices& inputs, const Indices& outputs, const Conv2DOptions& o)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::CONV_2D), {}, inputs, outputs, [o](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::Conv2DOptions,
            tflfb::CreateConv2DOptions(
                fbb, padding(o.padding), o.strideW, o.strideH, activation(o.activation), o.dilationW, o.dilationH));
    });
}

int TfliteBuilder::addDepthwiseConv2D(const Indices& inputs, const Indices& outputs, const DepthwiseConv2DOptions& o)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::DEPTHWISE_CONV_2D), {}, inputs, outputs, [o](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::DepthwiseConv2DOptions,
                tflfb::CreateDepthwiseConv2DOptions(fbb, padding(o.padding), o.strideW, o.strideH, o.depthMultiplier,
                    activation(o.activation), o.dilationW, o.dilationH));
        });
}

int TfliteBuilder::addFullyConnected(const Indices& inputs, const Indices& outputs, Activation act, bool keepNumDims)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::FULLY_CONNECTED), {}, inputs, outputs, [act, keepNumDims](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::FullyConnectedOptions,
                tflfb::CreateFullyConnectedOptions(
                    fbb, activation(act), tflfb::FullyConnectedOptionsWeightsFormat::DEFAULT, keepNumDims));
        });
}

namespace {
OptionsWriter pool2dWriter(const TfliteBuilder::Pool2DOptions& o)
{
    return [o](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::Pool2DOptions,
            tflfb::CreatePool2DOptions(
                fbb, padding(o.padding), o.strideW, o.strideH, o.filterW, o.filterH, activation(o.activation)));
    };
}
} // namespace

int TfliteBuilder::addAveragePool2D(const Indices& inputs, const Indices& outputs, const Pool2DOptions& options)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::AVERAGE_POOL_2D), {}, inputs, outputs, pool2dWriter(options));
}

int TfliteBuilder::addMaxPool2D(const Indices& inputs, const Indices& outputs, const Pool2DOptions& options)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::MAX_POOL_2D), {}, inputs, outputs, pool2dWriter(options));
}

int TfliteBuilder::addAdd(const Indices& inputs, const Indices& outputs, Activation act)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::ADD), {}, inputs, outputs, [act](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::AddOptions, tflfb::CreateAddOptions(fbb, activation(act)));
    });
}

int TfliteBuilder::addSub(const Indices& inputs, const Indices& outputs, Activation act)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::SUB), {}, inputs, outputs, [act](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::SubOptions, tflfb::CreateSubOptions(fbb, activation(act)));
    });
}

int TfliteBuilder::addMul(const Indices& inputs, const Indices& outputs, Activation act)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::MUL), {}, inputs, outputs, [act](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::MulOptions, tflfb::CreateMulOptions(fbb, activation(act)));
    });
}

int TfliteBuilder::addConcatenation(const Indices& inputs, const Indices& outputs, int axis, Activation act)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::CONCATENATION), {}, inputs, outputs, [axis, act](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::ConcatenationOptions,
                tflfb::CreateConcatenationOptions(fbb, axis, activation(act)));
        });
}

int TfliteBuilder::addReshape(const Indices& inputs, const Indices& outputs, const std::vector<std::int32_t>& newShape)
{
    OptionsWriter writer;
    if (!newShape.empty()) {
        writer = [newShape](Fbb& fbb) {
            const auto shape = fbb.CreateVector(newShape);
            return written(tflfb::BuiltinOptions::ReshapeOptions, tflfb::CreateReshapeOptions(fbb, shape));
        };
    }
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::RESHAPE), {}, inputs, outputs, writer);
}

int TfliteBuilder::addSoftmax(const Indices& inputs, const Indices& outputs, float beta)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::SOFTMAX), {}, inputs, outputs, [beta](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::SoftmaxOptions, tflfb::CreateSoftmaxOptions(fbb, beta));
    });
}

int TfliteBuilder::addMean(const Indices& inputs, const Indices& outputs, bool keepDims)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::MEAN), {}, inputs, outputs, [keepDims](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::ReducerOptions, tflfb::CreateReducerOptions(fbb, keepDims));
    });
}

int TfliteBuilder::addPad(const Indices& inputs, const Indices& outputs)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::PAD), {}, inputs, outputs,
        [](Fbb& fbb) { return written(tflfb::BuiltinOptions::PadOptions, tflfb::CreatePadOptions(fbb)); });
}

int TfliteBuilder::addTransposeConv(const Indices& inputs, const Indices& outputs, const TransposeConvOptions& o)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::TRANSPOSE_CONV), {}, inputs, outputs, [o](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::TransposeConvOptions,
            tflfb::CreateTransposeConvOptions(fbb, padding(o.padding), o.strideW, o.strideH, activation(o.activation)));
    });
}

int TfliteBuilder::addBatchMatMul(const Indices& inputs, const Indices& outputs, bool adjX, bool adjY)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::BATCH_MATMUL), {}, inputs, outputs, [adjX, adjY](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::BatchMatMulOptions, tflfb::CreateBatchMatMulOptions(fbb, adjX, adjY));
        });
}

int TfliteBuilder::addStridedSlice(const Indices& inputs, const Indices& outputs, const StridedSliceOptions& o)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::STRIDED_SLICE), {}, inputs, outputs, [o](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::StridedSliceOptions,
            tflfb::CreateStridedSliceOptions(
                fbb, o.beginMask, o.endMask, o.ellipsisMask, o.newAxisMask, o.shrinkAxisMask, o.offset));
    });
}

int TfliteBuilder::addSvdf(const Indices& inputs, const Indices& outputs, int rank, Activation act)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::SVDF), {}, inputs, outputs, [rank, act](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::SVDFOptions, tflfb::CreateSVDFOptions(fbb, rank, activation(act)));
    });
}

int TfliteBuilder::addUnidirectionalSequenceLstm(const Indices& inputs, const Indices& outputs, const LstmOptions& o)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM), {}, inputs, outputs, [o](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::UnidirectionalSequenceLSTMOptions,
                tflfb::CreateUnidirectionalSequenceLSTMOptions(
                    fbb, activation(o.activation), o.cellClip, o.projClip, o.timeMajor, o.asymmetricQuantizeInputs));
        });
}

int TfliteBuilder::addWhile(const Indices& inputs, const Indices& outputs, int condSubgraph, int bodySubgraph)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::WHILE), {}, inputs, outputs, [condSubgraph, bodySubgraph](Fbb& fbb) {
            return written(
                tflfb::BuiltinOptions::WhileOptions, tflfb::CreateWhileOptions(fbb, condSubgraph, bodySubgraph));
        });
}

int TfliteBuilder::addIf(const Indices& inputs, const Indices& outputs, int thenSubgraph, int elseSubgraph)
{
    return d->addOperator(
        static_cast<int>(tflfb::BuiltinOperator::IF), {}, inputs, outputs, [thenSubgraph, elseSubgraph](Fbb& fbb) {
            return written(tflfb::BuiltinOptions::IfOptions, tflfb::CreateIfOptions(fbb, thenSubgraph, elseSubgraph));
        });
}

int TfliteBuilder::addCallOnce(int initSubgraph)
{
    return d->addOperator(static_cast<int>(tflfb::BuiltinOperator::CALL_ONCE), {}, {}, {}, [initSubgraph](Fbb& fbb) {
        return written(tflfb::BuiltinOptions::CallOnceOptions, tflfb::CreateCallOnceOptions(fbb, initSubgraph));
    });
}

int TfliteBuilder::addCustom(
    const QString& customCode, const Indices& inputs, const Indices& outputs, const QByteArray& customOptions)
{
    const int op = d->addOperator(kCustomCode, customCode, inputs, outputs, {});
    d->op(op)->customOptions = customOptions;
    return op;
}

void TfliteBuilder::setIntermediates(int op, const Indices& tensors)
{
    if (auto* o = d->op(op))
        o->intermediates = tensors;
}

void TfliteBuilder::setOpcodeIndex(int op, std::uint32_t opcodeIndex)
{
    if (auto* o = d->op(op))
        o->opcodeIndex = opcodeIndex;
}

int TfliteBuilder::operatorCount() const
{
    return static_cast<int>(d->sg().operators.size());
}

int TfliteBuilder::opcodeCount() const
{
    return static_cast<int>(d->opcodes.size());
}

// ---- output --------------------------------------------------------------------------------------------------

QByteArray TfliteBuilder::finish() const
{
    Fbb fbb(16 * 1024);

    // Flatbuffers are written back to front: the buffers come first so that the (large) constant data ends up at
    // the end of the file, after the small tables, as in converter output.
    std::vector<flatbuffers::Offset<tflfb::Buffer>> buffers;
    buffers.reserve(d->buffers.size());
    for (const auto& data : d->buffers) {
        if (data.isEmpty()) {
            buffers.push_back(tflfb::CreateBuffer(fbb));
        } else {
            const auto bytes = createBytes(fbb, data, kDataAlignment);
            buffers.push_back(tflfb::CreateBuffer(fbb, bytes));
        }
    }
    const auto bufferVector = fbb.CreateVector(buffers);

    std::vector<flatbuffers::Offset<tflfb::SubGraph>> subgraphs;
    for (const auto& sub : d->subgraphs)
        subgraphs.push_back(d->writeSubgraph(fbb, sub));
    const auto subgraphVector = fbb.CreateVector(subgraphs);

    std::vector<flatbuffers::Offset<tflfb::OperatorCode>> opcodes;
    for (const auto& rec : d->opcodes)
        opcodes.push_back(d->writeOpcode(fbb, rec));
    const auto opcodeVector = fbb.CreateVector(opcodes);

    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<tflfb::Metadata>>> metadataVector;
    if (!d->metadata.empty()) {
        std::vector<flatbuffers::Offset<tflfb::Metadata>> metadata;
        for (const auto& m : d->metadata) {
            const auto name = createString(fbb, m.name);
            metadata.push_back(tflfb::CreateMetadata(fbb, name, m.buffer));
        }
        metadataVector = fbb.CreateVector(metadata);
    }

    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<tflfb::SignatureDef>>> signatureVector;
    if (!d->signatures.empty()) {
        std::vector<flatbuffers::Offset<tflfb::SignatureDef>> signatures;
        for (const auto& sig : d->signatures)
            signatures.push_back(d->writeSignature(fbb, sig));
        signatureVector = fbb.CreateVector(signatures);
    }

    const auto description = createOptionalString(fbb, d->description);

    tflfb::ModelBuilder model(fbb);
    model.add_version(d->version);
    model.add_operator_codes(opcodeVector);
    model.add_subgraphs(subgraphVector);
    model.add_description(description);
    model.add_buffers(bufferVector);
    if (!d->metadata.empty())
        model.add_metadata(metadataVector);
    if (!d->signatures.empty())
        model.add_signature_defs(signatureVector);
    fbb.Finish(model.Finish(), tflfb::ModelIdentifier());

    return QByteArray(reinterpret_cast<const char*>(fbb.GetBufferPointer()), static_cast<qsizetype>(fbb.GetSize()));
}

bool TfliteBuilder::writeFile(const QString& path, QString* error) const
{
    const QByteArray bytes = finish();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Profiler
