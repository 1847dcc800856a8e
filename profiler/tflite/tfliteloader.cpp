// SPDX-License-Identifier: GPL-3.0-or-later
#include "tfliteloader.h"

#include "tflite_generated.h"

#include <flatbuffers/minireflect.h>

#include <QFile>
#include <QFileInfo>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <limits>

namespace Profiler {

namespace {

// A tensor larger than this many elements cannot come from a real model; rejecting it keeps every later
// byte computation (elements x bits) far away from int64 overflow.
constexpr std::int64_t kMaxTensorElements = std::int64_t(1) << 48;

// Limits handed to the flatbuffers Verifier. The defaults (64 levels, one million tables) are too tight for the
// 50k-operator models TinyScope must open; nesting in a .tflite file is shallow whatever its size.
constexpr flatbuffers::uoffset_t kVerifierMaxDepth = 64;
constexpr flatbuffers::uoffset_t kVerifierMaxTables = 50'000'000;

/** A flatbuffers string as QString; the stored length is used, so embedded NULs and missing terminators are safe. */
QString toQString(const flatbuffers::String* s)
{
    if (!s)
        return {};
    return QString::fromUtf8(
        QByteArrayView(reinterpret_cast<const char*>(s->Data()), static_cast<qsizetype>(s->size())));
}

QString fileLabel(const QString& displayName)
{
    return displayName.isEmpty() ? QStringLiteral("<memory>") : displayName;
}

Error invalid(const QString& file, const QString& reason, const QString& detail = {})
{
    return makeError(ErrorKind::InvalidInput, fileLabel(file) + QStringLiteral(": ") + reason, detail);
}

DataType mapType(tflfb::TensorType t, bool* known)
{
    using T = tflfb::TensorType;
    *known = true;
    switch (t) {
    case T::FLOAT32:
        return DataType::Float32;
    case T::FLOAT16:
        return DataType::Float16;
    case T::INT32:
        return DataType::Int32;
    case T::UINT8:
        return DataType::UInt8;
    case T::INT64:
        return DataType::Int64;
    case T::STRING:
        return DataType::String;
    case T::BOOL:
        return DataType::Bool;
    case T::INT16:
        return DataType::Int16;
    case T::COMPLEX64:
        return DataType::Complex64;
    case T::INT8:
        return DataType::Int8;
    case T::FLOAT64:
        return DataType::Float64;
    case T::COMPLEX128:
        return DataType::Complex128;
    case T::UINT64:
        return DataType::UInt64;
    case T::RESOURCE:
        return DataType::Resource;
    case T::VARIANT:
        return DataType::Variant;
    case T::UINT32:
        return DataType::UInt32;
    case T::UINT16:
        return DataType::UInt16;
    case T::INT4:
        return DataType::Int4;
    case T::BFLOAT16:
        return DataType::BFloat16;
    case T::INT2:
        return DataType::Int2;
    case T::UINT4:
        return DataType::UInt4;
    case T::FLOAT8_E4M3FN:
        return DataType::Float8E4M3;
    case T::FLOAT8_E5M2:
        return DataType::Float8E5M2;
    }
    *known = false;
    return DataType::Unknown;
}

// Fields of option tables whose schema default is not zero. Minireflect knows field names and types but not
// defaults, and an absent field means "the default". (Facts of the format; checked by tst_tfliteloader.)
QVariant nonZeroDefault(const char* table, const char* field)
{
    struct Default
    {
        const char* table;
        const char* field;
        QVariant value;
    };
    static const Default defaults[] = {
        { "Conv2DOptions", "dilation_w_factor", 1 },
        { "Conv2DOptions", "dilation_h_factor", 1 },
        { "Conv3DOptions", "dilation_d_factor", 1 },
        { "Conv3DOptions", "dilation_w_factor", 1 },
        { "Conv3DOptions", "dilation_h_factor", 1 },
        { "DepthwiseConv2DOptions", "dilation_w_factor", 1 },
        { "DepthwiseConv2DOptions", "dilation_h_factor", 1 },
        { "BidirectionalSequenceLSTMOptions", "time_major", true },
        { "AddOptions", "pot_scale_int16", true },
        { "SubOptions", "pot_scale_int16", true },
        { "UniqueOptions", "idx_out_type", QStringLiteral("INT32") },
    };
    for (const auto& d : defaults) {
        if (std::strcmp(d.table, table) == 0 && std::strcmp(d.field, field) == 0)
            return d.value;
    }
    return {};
}

/** Collects the fields of one option table as key/values, using flatc's mini reflection tables. */
class OptionCollector : public flatbuffers::IterationVisitor
{
public:
    OptionCollector(const char* tableName, std::vector<OperatorOption>* out)
        : m_table(tableName)
        , m_out(out)
    { }

    void StartSequence() override { ++m_depth; }
    void EndSequence() override { --m_depth; }

    void Field(size_t, size_t, flatbuffers::ElementaryType type, bool isVector, const flatbuffers::TypeTable* typeTable,
        const char* name, const uint8_t* val) override
    {
        if (m_depth != 1)
            return; // fields of nested tables are not options of their own
        m_current.clear();
        m_inVector = false;
        if (!name || std::strncmp(name, "deprecated_", 11) == 0) {
            m_skip = true;
            return;
        }
        m_skip = false;
        m_current = QString::fromLatin1(name);
        if (val)
            return; // the value callbacks follow
        // Absent field: report the schema default.
        QVariant value = nonZeroDefault(m_table, name);
        if (!value.isValid()) {
            if (isVector || type == flatbuffers::ET_STRING || type == flatbuffers::ET_SEQUENCE)
                return; // absent vectors, strings and tables are simply not shown
            if (type == flatbuffers::ET_BOOL)
                value = false;
            else if (typeTable && typeTable->st == flatbuffers::ST_ENUM)
                value = enumName(0, typeTable);
            else if (type == flatbuffers::ET_FLOAT || type == flatbuffers::ET_DOUBLE)
                value = 0.0;
            else
                value = 0;
        }
        m_out->push_back({ m_current, value });
    }

    void StartVector() override
    {
        if (m_depth == 1 && !m_skip) {
            m_inVector = true;
            m_list.clear();
        }
    }
    void EndVector() override
    {
        if (m_depth == 1 && m_inVector && !m_skip) {
            m_out->push_back({ m_current, m_list });
            m_inVector = false;
        }
    }

    void Bool(bool v) override { put(v); }
    void Char(int8_t v, const char* n) override { putInt(v, n); }
    void UChar(uint8_t v, const char* n) override { putInt(v, n); }
    void Short(int16_t v, const char* n) override { putInt(v, n); }
    void UShort(uint16_t v, const char* n) override { putInt(v, n); }
    void Int(int32_t v, const char* n) override { putInt(v, n); }
    void UInt(uint32_t v, const char* n) override { putInt(v, n); }
    void Long(int64_t v) override { put(static_cast<qlonglong>(v)); }
    void ULong(uint64_t v) override { put(static_cast<qulonglong>(v)); }
    void Float(float v) override { put(static_cast<double>(v)); }
    void Double(double v) override { put(v); }
    void String(const flatbuffers::String* s) override { put(toQString(s)); }

private:
    static QString enumName(int64_t value, const flatbuffers::TypeTable* tt)
    {
        const char* n = flatbuffers::EnumName(value, tt);
        return n ? QString::fromLatin1(n) : QString::number(value);
    }
    void putInt(int64_t v, const char* enumValueName)
    {
        // Minireflect passes the enum value's name for enum-typed fields, nullptr for plain integers.
        if (enumValueName)
            put(QString::fromLatin1(enumValueName));
        else
            put(static_cast<qlonglong>(v));
    }
    void put(const QVariant& v)
    {
        if (m_depth != 1 || m_skip || m_current.isEmpty())
            return;
        if (m_inVector)
            m_list.append(v);
        else
            m_out->push_back({ m_current, v });
    }

    const char* m_table;
    std::vector<OperatorOption>* m_out;
    QString m_current;
    QVariantList m_list;
    int m_depth = 0;
    bool m_inVector = false;
    bool m_skip = false;
};

void readOptions(const tflfb::Operator* op, Operator* out)
{
    const auto type = static_cast<int>(op->builtin_options_type());
    const void* table = op->builtin_options();
    if (type <= 0 || !table)
        return;
    const flatbuffers::TypeTable* unionTable = tflfb::BuiltinOptionsTypeTable();
    if (static_cast<size_t>(type) >= unionTable->num_elems)
        return; // an options type newer than our schema: the verifier could not check it, so do not read it
    const auto ref = unionTable->type_codes[type].sequence_ref;
    if (ref < 0)
        return;
    const flatbuffers::TypeTable* tt = unionTable->type_refs[ref]();
    const char* tableName = unionTable->names ? unionTable->names[type] : "";
    OptionCollector collector(tableName, &out->options);
    flatbuffers::IterateObject(static_cast<const uint8_t*>(table), tt, &collector);
}

/** Subgraphs an operator runs, taken from its options (they are checked against the subgraph count later). */
void readCalledSubgraphs(const tflfb::Operator* op, Operator* out)
{
    using BO = tflfb::BuiltinOptions;
    switch (op->builtin_options_type()) {
    case BO::WhileOptions:
        if (auto o = op->builtin_options_as_WhileOptions()) {
            out->calledSubgraphs.push_back(o->cond_subgraph_index());
            out->calledSubgraphs.push_back(o->body_subgraph_index());
        }
        break;
    case BO::IfOptions:
        if (auto o = op->builtin_options_as_IfOptions()) {
            out->calledSubgraphs.push_back(o->then_subgraph_index());
            out->calledSubgraphs.push_back(o->else_subgraph_index());
        }
        break;
    case BO::CallOnceOptions:
        if (auto o = op->builtin_options_as_CallOnceOptions())
            out->calledSubgraphs.push_back(o->init_subgraph_index());
        break;
    case BO::CallOptions:
        if (auto o = op->builtin_options_as_CallOptions())
            out->calledSubgraphs.push_back(static_cast<int>(o->subgraph()));
        break;
    default:
        break;
    }
}

void readQuantization(const tflfb::QuantizationParameters* q, Tensor* t)
{
    if (!q)
        return;
    auto& out = t->quantization;
    if (q->scale())
        out.scales.assign(q->scale()->begin(), q->scale()->end());
    if (const auto* zp = q->zero_point()) {
        // The verifier aligns a vector's length, not its 8-byte elements: copy the bytes instead of loading int64s
        // from a possibly misaligned address (undefined behaviour, found by fuzz_model).
        out.zeroPoints.resize(zp->size());
        if (zp->size() > 0)
            std::memcpy(out.zeroPoints.data(), zp->Data(), zp->size() * sizeof(std::int64_t));
        for (std::int64_t& z : out.zeroPoints)
            z = flatbuffers::EndianScalar(z);
    }
    if (q->min())
        out.min.assign(q->min()->begin(), q->min()->end());
    if (q->max())
        out.max.assign(q->max()->begin(), q->max()->end());
    out.axis = q->quantized_dimension();
    using QD = tflfb::QuantizationDetails;
    if (q->details_type() == QD::BlockwiseQuantization) {
        out.scheme = Quantization::Scheme::Blockwise;
        if (auto b = q->details_as_BlockwiseQuantization()) {
            out.blockSize = b->block_size();
            out.blockScalesTensor = b->scales();
            out.blockZeroPointsTensor = b->zero_points();
        }
    } else if (q->details_type() == QD::MultiAxisQuantization) {
        out.scheme = Quantization::Scheme::Blockwise;
        if (auto b = q->details_as_MultiAxisQuantization()) {
            out.blockSize = b->block_size();
            out.blockScalesTensor = b->scales();
            out.blockZeroPointsTensor = b->zero_points();
        }
    } else if (q->details_type() == QD::CustomQuantization) {
        out.scheme = Quantization::Scheme::Custom;
    } else if (out.scales.size() > 1) {
        out.scheme = Quantization::Scheme::PerChannel;
    } else if (out.scales.size() == 1) {
        out.scheme = Quantization::Scheme::PerTensor;
    }
}

QString describeTensor(const Tensor& t, int index)
{
    return t.name.isEmpty() ? QStringLiteral("tensor %1").arg(index)
                            : QStringLiteral("tensor %1 (\"%2\")").arg(index).arg(t.name);
}

QString subgraphLabel(int index, std::size_t subgraphCount)
{
    return subgraphCount > 1 ? QStringLiteral("subgraph %1, ").arg(index) : QString();
}

/** Everything the verifier cannot know: indices that must point at existing objects, sane shapes. */
class Reader
{
public:
    Reader(const QByteArray& data, const QString& file, const Progress& progress)
        : m_data(data)
        , m_file(file)
        , m_progress(progress)
    { }

    Result<Model> read(const tflfb::Model* fb)
    {
        Model model;
        model.filePath = m_file;
        model.format = QStringLiteral("TensorFlow Lite");
        model.formatVersion = fb->version();
        model.fileSize = m_data.size();
        if (fb->description())
            model.description = toQString(fb->description());
        if (model.formatVersion != 3)
            model.warnings << QStringLiteral("schema version %1 (TinyScope reads version 3)").arg(model.formatVersion);

        if (auto err = readBuffers(fb, &model))
            return *err;
        if (auto err = readOperatorCodes(fb, &model))
            return *err;
        if (!fb->subgraphs() || fb->subgraphs()->size() == 0)
            return invalid(m_file, QStringLiteral("the model has no subgraphs"));

        const auto* subgraphs = fb->subgraphs();
        m_totalOperators = 0;
        for (const auto* sg : *subgraphs)
            m_totalOperators += sg && sg->operators() ? sg->operators()->size() : 0;

        for (flatbuffers::uoffset_t s = 0; s < subgraphs->size(); ++s) {
            if (m_progress.cancelled())
                return makeError(ErrorKind::Cancelled, fileLabel(m_file) + QStringLiteral(": loading cancelled"));
            Subgraph subgraph;
            if (auto err = readSubgraph(subgraphs->Get(s), static_cast<int>(s), subgraphs->size(), model, &subgraph))
                return *err;
            model.subgraphs.push_back(std::move(subgraph));
        }
        if (auto err = checkCalledSubgraphs(model))
            return *err;
        readSignatures(fb, &model);
        readMetadata(fb, &model);
        m_progress.set(1000);
        return model;
    }

private:
    std::optional<Error> readBuffers(const tflfb::Model* fb, Model* model)
    {
        const auto* buffers = fb->buffers();
        if (!buffers)
            return std::nullopt; // a model of only activations has no buffers at all
        const auto* base = reinterpret_cast<const uint8_t*>(m_data.constData());
        model->buffers.reserve(buffers->size());
        for (flatbuffers::uoffset_t i = 0; i < buffers->size(); ++i) {
            const auto* b = buffers->Get(i);
            Buffer buffer;
            if (b && b->data() && b->data()->size() > 0) {
                buffer.size = b->data()->size();
                buffer.offset = b->data()->Data() - base;
            } else if (b && b->offset() > 1) {
                // Large models keep weights after the flatbuffer; offset 0 and 1 both mean "no data here".
                const auto size = m_data.size();
                if (b->offset() > static_cast<uint64_t>(size) || b->size() > static_cast<uint64_t>(size) - b->offset())
                    return invalid(m_file,
                        QStringLiteral("buffer %1 points past the end of the file (bytes %2 to %3 of %4)")
                            .arg(i)
                            .arg(b->offset())
                            .arg(b->offset() + b->size())
                            .arg(size));
                buffer.offset = static_cast<std::int64_t>(b->offset());
                buffer.size = static_cast<std::int64_t>(b->size());
            }
            model->buffers.push_back(buffer);
        }
        return std::nullopt;
    }

    std::optional<Error> readOperatorCodes(const tflfb::Model* fb, Model* model)
    {
        const auto* codes = fb->operator_codes();
        if (!codes)
            return std::nullopt;
        for (flatbuffers::uoffset_t i = 0; i < codes->size(); ++i) {
            const auto* oc = codes->Get(i);
            OpCode code;
            if (!oc) {
                m_codes.push_back(code);
                continue;
            }
            // Files older than code 127 only fill the one-byte field; newer ones fill both.
            const int builtin = std::max<int>(oc->deprecated_builtin_code(), static_cast<int>(oc->builtin_code()));
            code.version = oc->version();
            if (builtin == static_cast<int>(tflfb::BuiltinOperator::CUSTOM)) {
                code.isCustom = true;
                code.builtinCode = builtin;
                code.name = oc->custom_code() ? toQString(oc->custom_code()) : QString();
                if (code.name.isEmpty()) {
                    code.name = QStringLiteral("CUSTOM");
                    model->warnings << QStringLiteral("operator code %1 is a custom operator without a name").arg(i);
                }
            } else {
                code.builtinCode = builtin;
                code.name = builtinOperatorName(builtin);
                if (code.name.isEmpty()) {
                    code.name = QStringLiteral("BUILTIN_%1").arg(builtin);
                    model->warnings << QStringLiteral("operator code %1 uses builtin code %2, which TinyScope does not "
                                                      "know (a newer TensorFlow Lite?)")
                                           .arg(i)
                                           .arg(builtin);
                }
            }
            m_codes.push_back(code);
        }
        return std::nullopt;
    }

    std::optional<Error> checkIndices(const flatbuffers::Vector<int32_t>* v, std::size_t tensorCount, bool allowOmitted,
        const QString& what, std::vector<int>* out)
    {
        if (!v)
            return std::nullopt;
        out->reserve(v->size());
        for (int32_t idx : *v) {
            if ((idx == -1 && allowOmitted) || (idx >= 0 && static_cast<std::size_t>(idx) < tensorCount)) {
                out->push_back(idx);
                continue;
            }
            return invalid(m_file,
                QStringLiteral("%1 refers to tensor %2, but there are only %3 tensors")
                    .arg(what)
                    .arg(idx)
                    .arg(tensorCount));
        }
        return std::nullopt;
    }

    std::optional<Error> readTensor(
        const tflfb::Tensor* fbt, int index, const QString& where, const Model& model, Tensor* t)
    {
        if (!fbt)
            return invalid(m_file, QStringLiteral("%1tensor %2 is missing").arg(where).arg(index));
        t->name = toQString(fbt->name());
        bool known = true;
        t->type = mapType(fbt->type(), &known);
        if (!known)
            m_warnings << QStringLiteral("%1%2 has tensor type %3, which TinyScope does not know")
                              .arg(where, describeTensor(*t, index))
                              .arg(static_cast<int>(fbt->type()));
        if (fbt->shape())
            t->shape.assign(fbt->shape()->begin(), fbt->shape()->end());
        if (fbt->shape_signature())
            t->shapeSignature.assign(fbt->shape_signature()->begin(), fbt->shape_signature()->end());
        t->isVariable = fbt->is_variable();
        t->isSparse = fbt->sparsity() != nullptr;
        readQuantization(fbt->quantization(), t);
        std::int64_t elements = 1;
        for (std::size_t d = 0; d < t->shape.size(); ++d) {
            const std::int32_t dim = t->shape[d];
            if (dim < 0)
                return invalid(m_file,
                    QStringLiteral("%1%2 has a negative dimension (%3) in its shape %4")
                        .arg(where, describeTensor(*t, index))
                        .arg(dim)
                        .arg(shapeListString(t->shape)));
            if (dim > 0 && elements > kMaxTensorElements / dim)
                return invalid(m_file,
                    QStringLiteral("%1%2 has an impossible shape %3: its element count overflows")
                        .arg(where, describeTensor(*t, index), shapeListString(t->shape)));
            elements *= dim;
        }
        t->elements = elements;
        t->bytes = dataTypeBytes(t->type, elements);
        const uint32_t buffer = fbt->buffer();
        if (buffer >= model.buffers.size() && !(buffer == 0 && model.buffers.empty()))
            return invalid(m_file,
                QStringLiteral("%1%2 refers to buffer %3, but the model has only %4 buffers")
                    .arg(where, describeTensor(*t, index))
                    .arg(buffer)
                    .arg(model.buffers.size()));
        t->buffer = model.buffers.empty() ? -1 : static_cast<int>(buffer);
        t->isConstant = t->buffer > 0 && model.buffers[buffer].size > 0 && !t->isVariable;
        // Sparse tensors store fewer values than their shape holds; anything else with a short buffer is damaged.
        if (t->isConstant && t->bytes > 0 && model.buffers[buffer].size < t->bytes && !t->isSparse) {
            m_warnings << QStringLiteral("%1%2 needs %3 bytes but its buffer holds %4")
                              .arg(where, describeTensor(*t, index))
                              .arg(t->bytes)
                              .arg(model.buffers[buffer].size);
        }
        return std::nullopt;
    }

    std::optional<Error> readSubgraph(
        const tflfb::SubGraph* fbs, int index, std::size_t subgraphCount, const Model& model, Subgraph* sg)
    {
        const QString where = subgraphLabel(index, subgraphCount);
        if (!fbs)
            return invalid(m_file, QStringLiteral("subgraph %1 is missing").arg(index));
        if (fbs->name())
            sg->name = toQString(fbs->name());
        const auto* tensors = fbs->tensors();
        const std::size_t tensorCount = tensors ? tensors->size() : 0;
        sg->tensors.resize(tensorCount);
        for (std::size_t i = 0; i < tensorCount; ++i) {
            if (auto err = readTensor(tensors->Get(static_cast<flatbuffers::uoffset_t>(i)), static_cast<int>(i), where,
                    model, &sg->tensors[i]))
                return err;
        }
        for (std::size_t i = 0; i < tensorCount; ++i) {
            Quantization& q = sg->tensors[i].quantization;
            for (int* ref : { &q.blockScalesTensor, &q.blockZeroPointsTensor }) {
                if (*ref < 0 || static_cast<std::size_t>(*ref) < tensorCount)
                    continue;
                return invalid(m_file,
                    QStringLiteral("%1%2 takes its block quantization from tensor %3, but there are only %4 tensors")
                        .arg(where, describeTensor(sg->tensors[i], static_cast<int>(i)))
                        .arg(*ref)
                        .arg(tensorCount));
            }
        }
        if (auto err = checkIndices(
                fbs->inputs(), tensorCount, false, where + QStringLiteral("the subgraph input list"), &sg->inputs))
            return err;
        if (auto err = checkIndices(
                fbs->outputs(), tensorCount, false, where + QStringLiteral("the subgraph output list"), &sg->outputs))
            return err;

        const auto* ops = fbs->operators();
        const std::size_t opCount = ops ? ops->size() : 0;
        sg->operators.resize(opCount);
        for (std::size_t i = 0; i < opCount; ++i) {
            const auto* fop = ops->Get(static_cast<flatbuffers::uoffset_t>(i));
            Operator& op = sg->operators[i];
            op.index = static_cast<int>(i);
            if (!fop)
                return invalid(m_file, QStringLiteral("%1operator %2 is missing").arg(where).arg(i));
            const uint32_t codeIndex = fop->opcode_index();
            if (codeIndex >= m_codes.size())
                return invalid(m_file,
                    QStringLiteral("%1operator %2 uses operator code %3, but the model defines only %4")
                        .arg(where)
                        .arg(i)
                        .arg(codeIndex)
                        .arg(m_codes.size()));
            const OpCode& code = m_codes[codeIndex];
            op.type = code.name;
            op.builtinCode = code.builtinCode;
            op.isCustom = code.isCustom;
            op.version = code.version;
            const QString what = QStringLiteral("%1operator %2 (%3)").arg(where).arg(i).arg(op.type);
            if (auto err = checkIndices(fop->inputs(), tensorCount, true, what, &op.inputs))
                return err;
            if (auto err = checkIndices(fop->outputs(), tensorCount, false, what, &op.outputs))
                return err;
            if (auto err = checkIndices(fop->intermediates(), tensorCount, true, what, &op.intermediates))
                return err;
            if (fop->custom_options())
                op.customOptionsBytes = fop->custom_options()->size();
            else if (fop->large_custom_options_size() > 0)
                op.customOptionsBytes = static_cast<qint64>(fop->large_custom_options_size());
            readOptions(fop, &op);
            readCalledSubgraphs(fop, &op);
            ++m_operatorsRead;
            if (m_totalOperators > 0 && (m_operatorsRead & 0xff) == 0)
                m_progress.set(static_cast<int>(900 * m_operatorsRead / m_totalOperators));
        }
        return checkExecutionOrder(*sg, where);
    }

    /** Operators run in the order stored. One that reads a tensor first written by itself or by a later operator
     *  reads memory nothing has filled: the graph has a cycle, or its operators are out of order. Subgraph inputs,
     *  constants and variables (state kept between runs) hold data before any operator runs. */
    std::optional<Error> checkExecutionOrder(const Subgraph& sg, const QString& where)
    {
        std::vector<int> firstWriter(sg.tensors.size(), -1);
        for (const Operator& op : sg.operators) {
            for (int t : op.outputs) { // checked: 0 <= t < tensor count
                int& writer = firstWriter[static_cast<std::size_t>(t)];
                if (writer < 0)
                    writer = op.index;
            }
        }
        for (int t : sg.inputs)
            firstWriter[static_cast<std::size_t>(t)] = -1;
        for (const Operator& op : sg.operators) {
            for (int t : op.inputs) {
                if (t < 0)
                    continue;
                const Tensor& tensor = sg.tensors[static_cast<std::size_t>(t)];
                const int writer = firstWriter[static_cast<std::size_t>(t)];
                if (writer < op.index || tensor.isConstant || tensor.isVariable)
                    continue;
                const QString reads = QStringLiteral("%1operator %2 (%3) reads %4")
                                          .arg(where)
                                          .arg(op.index)
                                          .arg(op.type, describeTensor(tensor, t));
                if (writer == op.index)
                    return invalid(m_file, reads + QStringLiteral(", which it writes itself: the graph has a cycle"));
                return invalid(m_file,
                    reads
                        + QStringLiteral(", which operator %1 writes later: the operators are not in execution order "
                                         "or form a cycle")
                              .arg(writer));
            }
        }
        return std::nullopt;
    }

    std::optional<Error> checkCalledSubgraphs(const Model& model)
    {
        for (std::size_t s = 0; s < model.subgraphs.size(); ++s) {
            for (const auto& op : model.subgraphs[s].operators) {
                for (int called : op.calledSubgraphs) {
                    if (called < 0 || static_cast<std::size_t>(called) >= model.subgraphs.size())
                        return invalid(m_file,
                            QStringLiteral("%1operator %2 (%3) calls subgraph %4, but the model has only %5")
                                .arg(subgraphLabel(static_cast<int>(s), model.subgraphs.size()))
                                .arg(op.index)
                                .arg(op.type)
                                .arg(called)
                                .arg(model.subgraphs.size()));
                }
            }
        }
        return std::nullopt;
    }

    void readSignatures(const tflfb::Model* fb, Model* model)
    {
        if (!fb->signature_defs())
            return;
        for (const auto* sd : *fb->signature_defs()) {
            if (!sd)
                continue;
            SignatureDef sig;
            if (sd->signature_key())
                sig.key = toQString(sd->signature_key());
            sig.subgraph = static_cast<int>(sd->subgraph_index());
            if (static_cast<std::size_t>(sig.subgraph) >= model->subgraphs.size()) {
                model->warnings << QStringLiteral("signature \"%1\" names subgraph %2, which does not exist; ignored")
                                       .arg(sig.key)
                                       .arg(sig.subgraph);
                continue;
            }
            const std::size_t tensorCount = model->subgraphs[sig.subgraph].tensors.size();
            auto readMap = [&](const flatbuffers::Vector<flatbuffers::Offset<tflfb::TensorMap>>* v,
                               std::vector<SignatureTensor>* out) {
                if (!v)
                    return;
                for (const auto* m : *v) {
                    if (!m)
                        continue;
                    SignatureTensor st;
                    st.name = m->name() ? toQString(m->name()) : QString();
                    st.tensor = m->tensor_index() < tensorCount ? static_cast<int>(m->tensor_index()) : -1;
                    if (st.tensor < 0)
                        model->warnings << QStringLiteral("signature \"%1\": \"%2\" names a tensor that does not exist")
                                               .arg(sig.key, st.name);
                    out->push_back(st);
                }
            };
            readMap(sd->inputs(), &sig.inputs);
            readMap(sd->outputs(), &sig.outputs);
            model->signatures.push_back(std::move(sig));
        }
    }

    void readMetadata(const tflfb::Model* fb, Model* model)
    {
        if (!fb->metadata())
            return;
        for (const auto* md : *fb->metadata()) {
            if (!md)
                continue;
            Metadata m;
            m.name = md->name() ? toQString(md->name()) : QString();
            m.buffer = md->buffer() < model->buffers.size() ? static_cast<int>(md->buffer()) : -1;
            if (m.buffer < 0)
                model->warnings << QStringLiteral("metadata \"%1\" names buffer %2, which does not exist")
                                       .arg(m.name)
                                       .arg(md->buffer());
            model->metadata.push_back(m);
            if (m.name == QLatin1String("OfflineMemoryAllocation") && m.buffer >= 0)
                readOfflinePlan(model->buffers[m.buffer], model);
        }
    }

    /** TFLM's offline plan: int32 words [version, subgraph count, n, offset 0 .. offset n-1]. */
    void readOfflinePlan(const Buffer& buffer, Model* model)
    {
        auto word = [&](std::int64_t i) {
            std::int32_t v = 0;
            std::memcpy(&v, m_data.constData() + buffer.offset + 4 * i, 4);
            return qFromLittleEndian(v);
        };
        const std::int64_t words = buffer.offset >= 0 ? buffer.size / 4 : 0;
        if (words < 3) {
            model->warnings
                << QStringLiteral("OfflineMemoryAllocation metadata is too short (%1 bytes); ignored").arg(buffer.size);
            return;
        }
        OfflineMemoryPlan plan;
        plan.version = word(0);
        plan.subgraphCount = word(1);
        const std::int64_t count = word(2);
        if (count < 0 || count > words - 3) {
            model->warnings << QStringLiteral(
                "OfflineMemoryAllocation metadata claims %1 offsets but holds %2; ignored")
                                   .arg(count)
                                   .arg(words - 3);
            return;
        }
        plan.offsets.reserve(static_cast<std::size_t>(count));
        for (std::int64_t i = 0; i < count; ++i)
            plan.offsets.push_back(word(3 + i));
        if (plan.offsets.size() != model->tensorCount()) {
            model->warnings << QStringLiteral("OfflineMemoryAllocation metadata has %1 offsets, but the model has %2 "
                                              "tensors")
                                   .arg(plan.offsets.size())
                                   .arg(model->tensorCount());
        }
        model->offlinePlan = std::move(plan);
    }

    static QString shapeListString(const std::vector<std::int32_t>& shape)
    {
        QStringList parts;
        for (auto d : shape)
            parts << QString::number(d);
        return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
    }

public:
    QStringList takeWarnings() { return std::move(m_warnings); }

private:
    struct OpCode
    {
        QString name = QStringLiteral("UNKNOWN");
        int builtinCode = -1;
        bool isCustom = false;
        int version = 1;
    };

    const QByteArray& m_data;
    QString m_file;
    const Progress& m_progress;
    std::vector<OpCode> m_codes;
    QStringList m_warnings;
    std::size_t m_totalOperators = 0;
    std::size_t m_operatorsRead = 0;
};

} // namespace

bool looksLikeTflite(const QByteArray& data)
{
    return data.size() >= 8 && std::memcmp(data.constData() + 4, "TFL3", 4) == 0;
}

int builtinOperatorCount()
{
    return static_cast<int>(tflfb::BuiltinOperator::MAX) + 1;
}

QString builtinOperatorName(int code)
{
    if (code < 0 || code >= builtinOperatorCount())
        return {};
    return QString::fromLatin1(tflfb::EnumNameBuiltinOperator(static_cast<tflfb::BuiltinOperator>(code)));
}

int builtinOperatorCode(const QString& name)
{
    const auto* names = tflfb::EnumNamesBuiltinOperator();
    for (int i = 0; i < builtinOperatorCount(); ++i) {
        if (name == QLatin1String(names[i]))
            return i;
    }
    return -1;
}

namespace {
Result<Model> readVerified(const QByteArray& data, const QString& file, const Progress& progress);

/** Printable text of `bytes` (other bytes as \\xNN), for messages. */
QString printable(const QByteArray& bytes)
{
    QString text;
    for (const char c : bytes) {
        text += (c >= 32 && c < 127) ? QString(QLatin1Char(c))
                                     : QStringLiteral("\\x%1").arg(uchar(c), 2, 16, QLatin1Char('0'));
    }
    return text;
}

/** What the file is when it is a model format people often open by mistake, empty otherwise.
 *
 *  ONNX is a protobuf ModelProto: it opens with field 1 (ir_version, a small varint, tag byte 0x08), usually followed
 *  by field 2 (producer_name, a string, tag 0x12) or field 7 (graph, tag 0x3a). Keras 2 saves HDF5, Keras 3 and
 *  PyTorch save zip archives. */
QString foreignFormat(const QByteArray& data)
{
    const auto byte = [&data](int i) { return i < data.size() ? static_cast<uchar>(data.at(i)) : 0; };
    if (byte(0) == 0x08 && byte(1) >= 1 && byte(1) < 0x40 && (byte(2) == 0x12 || byte(2) == 0x3a)) {
        QString what = QStringLiteral("an ONNX model (IR version %1").arg(byte(1));
        const int length = byte(3);
        if (byte(2) == 0x12 && length > 0 && length < 0x80 && 4 + length <= data.size()) {
            const QByteArray producer = data.mid(4, length);
            what += QStringLiteral(", made by \"%1\"").arg(printable(producer));
        }
        return what + QLatin1Char(')');
    }
    if (data.startsWith(QByteArrayLiteral("\x89HDF\r\n\x1a\n")))
        return QStringLiteral("an HDF5 file (a Keras .h5 model?)");
    if (data.startsWith(QByteArrayLiteral("PK\x03\x04")))
        return QStringLiteral("a zip archive (a Keras .keras or PyTorch .pt model?)");
    return QString();
}
} // namespace

Result<Model> loadTfliteData(const QByteArray& data, const QString& displayName, const Progress& progress)
{
    const QString file = fileLabel(displayName);
    if (data.isEmpty())
        return invalid(file, QStringLiteral("the file is empty"));
    if (data.size() < 8)
        return invalid(file,
            QStringLiteral("too small to be a TensorFlow Lite model (%1 bytes; a model starts with 8 header bytes)")
                .arg(data.size()));
    if (!looksLikeTflite(data)) {
        const QString foreign = foreignFormat(data);
        if (!foreign.isEmpty()) {
            return invalid(file,
                QStringLiteral("this is %1, not a TensorFlow Lite file; TinyScope reads .tflite models: convert it "
                               "to TensorFlow Lite first")
                    .arg(foreign));
        }
        return invalid(file,
            QStringLiteral("not a TensorFlow Lite file: missing the TFL3 identifier at byte 4 (found \"%1\")")
                .arg(printable(data.mid(4, 4))));
    }
    progress.set(0);

    // Flatbuffers reads 8-byte scalars in place, and the verifier only checks alignment relative to the start of
    // the buffer. Data that starts misaligned (a model compiled into Qt resources, a slice of a larger blob) is
    // copied once into 8-byte aligned storage first.
    std::vector<std::uint64_t> alignedStorage;
    QByteArray alignedData = data;
    if (reinterpret_cast<quintptr>(data.constData()) % alignof(std::uint64_t) != 0) {
        alignedStorage.resize((static_cast<std::size_t>(data.size()) + 7) / 8);
        std::memcpy(alignedStorage.data(), data.constData(), static_cast<std::size_t>(data.size()));
        alignedData = QByteArray::fromRawData(reinterpret_cast<const char*>(alignedStorage.data()), data.size());
    }
    return readVerified(alignedData, file, progress);
}

namespace {

Result<Model> readVerified(const QByteArray& data, const QString& file, const Progress& progress)
{
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.constData());
    const std::uint32_t rootOffset = flatbuffers::ReadScalar<flatbuffers::uoffset_t>(bytes);
    if (rootOffset >= static_cast<std::uint64_t>(data.size()))
        return invalid(file,
            QStringLiteral("truncated or corrupt: the model table starts at byte %1, but the file has only %2 bytes")
                .arg(rootOffset)
                .arg(data.size()));

    // The verifier refuses buffers of 2 GiB and more; models that large keep their weights after the flatbuffer,
    // so verifying the first 2 GiB covers the flatbuffer itself.
    const std::size_t verifySize
        = std::min<std::size_t>(static_cast<std::size_t>(data.size()), FLATBUFFERS_MAX_BUFFER_SIZE - 1);
    flatbuffers::Verifier verifier(bytes, verifySize, kVerifierMaxDepth, kVerifierMaxTables);
    if (!tflfb::VerifyModelBuffer(verifier))
        return invalid(file,
            QStringLiteral("truncated or corrupt: the TensorFlow Lite structure failed verification (an offset or "
                           "length points outside the %1-byte file)")
                .arg(data.size()));
    progress.set(100);
    if (progress.cancelled())
        return makeError(ErrorKind::Cancelled, file + QStringLiteral(": loading cancelled"));

    const tflfb::Model* fb = tflfb::GetModel(bytes);
    Reader reader(data, file, progress);
    Result<Model> result = reader.read(fb);
    if (!result.ok())
        return result;
    Model model = std::move(result).value();
    model.warnings << reader.takeWarnings();
    return model;
}

} // namespace

Result<Model> loadTfliteFile(const QString& path, const Progress& progress)
{
    QFile file(path);
    const QString name = path;
    if (!QFileInfo(path).exists())
        return makeError(ErrorKind::Io, name + QStringLiteral(": no such file"));
    if (QFileInfo(path).isDir())
        return makeError(ErrorKind::Io, name + QStringLiteral(": is a folder, not a model file"));
    // A pipe would block the open until something writes to it, a device would never end: files only.
    if (!QFileInfo(path).isFile())
        return makeError(ErrorKind::Io, name + QStringLiteral(": not a regular file (a device or a pipe?)"));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Io, name + QStringLiteral(": cannot open: ") + file.errorString());
    const qint64 size = file.size();
    if (size == 0)
        return invalid(name, QStringLiteral("the file is empty"));
    // Map the file instead of reading it: loading is one pass over the bytes, and the OS pages them in.
    uchar* mapped = file.map(0, size);
    QByteArray data;
    if (mapped) {
        data = QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), static_cast<qsizetype>(size));
    } else {
        data = file.readAll();
        if (data.size() != size)
            return makeError(ErrorKind::Io, name + QStringLiteral(": cannot read: ") + file.errorString());
    }
    Result<Model> result = loadTfliteData(data, name, progress);
    // The model keeps no pointer into the mapping (all strings and vectors were copied).
    data.clear();
    if (mapped)
        file.unmap(mapped);
    return result;
}

} // namespace Profiler
