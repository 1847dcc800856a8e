// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/datatype.h"
#include "model/model.h"
#include "model/tensor.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace Profiler {

/** Options of the builder's typed operator helpers (outside the class so that they can be default arguments). */
enum class TflitePadding { Same, Valid };
enum class TfliteActivation { None, Relu, ReluN1To1, Relu6, Tanh, SignBit };

struct TfliteConv2DOptions
{
    TflitePadding padding = TflitePadding::Same;
    int strideW = 1;
    int strideH = 1;
    TfliteActivation activation = TfliteActivation::None;
    int dilationW = 1;
    int dilationH = 1;
};

struct TfliteDepthwiseConv2DOptions
{
    TflitePadding padding = TflitePadding::Same;
    int strideW = 1;
    int strideH = 1;
    int depthMultiplier = 1;
    TfliteActivation activation = TfliteActivation::None;
    int dilationW = 1;
    int dilationH = 1;
};

struct TflitePool2DOptions
{
    TflitePadding padding = TflitePadding::Valid;
    int strideW = 1;
    int strideH = 1;
    int filterW = 1;
    int filterH = 1;
    TfliteActivation activation = TfliteActivation::None;
};

struct TfliteTransposeConvOptions
{
    TflitePadding padding = TflitePadding::Same;
    int strideW = 1;
    int strideH = 1;
    TfliteActivation activation = TfliteActivation::None;
};

struct TfliteStridedSliceOptions
{
    int beginMask = 0;
    int endMask = 0;
    int ellipsisMask = 0;
    int newAxisMask = 0;
    int shrinkAxisMask = 0;
    bool offset = false;
};

struct TfliteLstmOptions
{
    TfliteActivation activation = TfliteActivation::Tanh;
    float cellClip = 0.0f;
    float projClip = 0.0f;
    bool timeMajor = false;
    bool asymmetricQuantizeInputs = false;
};

/** Writes TensorFlow Lite flatbuffers (.tflite) from scratch: bundled examples, test fixtures, malformed files.
 *
 *  The builder fills the current subgraph (subgraph 0 exists from the start). Tensor, buffer, opcode and subgraph
 *  indices are written exactly as given and never checked, so that tests can write deliberately broken references.
 *  Files look like the MLIR converter's: version 3, identifier "TFL3", buffer 0 the empty sentinel, constant data
 *  aligned to 16 bytes, opcodes with deprecated_builtin_code = min(code, 127) and builtin_code = code. */
class TfliteBuilder
{
public:
    using Padding = TflitePadding;
    using Activation = TfliteActivation;
    using Conv2DOptions = TfliteConv2DOptions;
    using DepthwiseConv2DOptions = TfliteDepthwiseConv2DOptions;
    using Pool2DOptions = TflitePool2DOptions;
    using TransposeConvOptions = TfliteTransposeConvOptions;
    using StridedSliceOptions = TfliteStridedSliceOptions;
    using LstmOptions = TfliteLstmOptions;

    /** How operator codes are stored. LegacyOnly writes only deprecated_builtin_code, as files from converters
     *  older than the builtin_code field do; codes above 127 cannot be expressed that way and are written as 127. */
    enum class OpcodeStyle { Modern, LegacyOnly };

    using Indices = std::vector<int>;

    TfliteBuilder();
    ~TfliteBuilder();
    TfliteBuilder(const TfliteBuilder&) = delete;
    TfliteBuilder& operator=(const TfliteBuilder&) = delete;

    // ---- model ------------------------------------------------------------------------------------------------

    void setDescription(const QString& description);
    /** Schema version written to the file; 3 unless changed (tests of unsupported versions change it). */
    void setVersion(std::uint32_t version);
    /** Applies to operators added afterwards; opcodes that differ only in style get separate entries. */
    void setOpcodeStyle(OpcodeStyle style);
    /** Operator version written for `builtinCode` by operators added afterwards (1 unless set). */
    void setOperatorVersion(int builtinCode, int version);
    /** Whether non-constant tensors added afterwards get an empty buffer of their own (as the MLIR converter
     *  does) instead of pointing at the sentinel buffer 0 (the default). */
    void setEmptyBufferPerTensor(bool enabled);

    /** Appends a buffer holding `data` and returns its index. An empty array gives a buffer without data. */
    int addBuffer(const QByteArray& data);
    int bufferCount() const;

    /** Adds a metadata entry with its own buffer; returns that buffer's index. */
    int addMetadata(const QString& name, const QByteArray& data);
    /** Adds TFLM's "OfflineMemoryAllocation" metadata (see offlineMemoryAllocation()); returns its buffer. */
    int addOfflineMemoryAllocation(const std::vector<std::int32_t>& offsets, int subgraphWord = 1, int version = 0);
    /** The bytes of an "OfflineMemoryAllocation" entry: int32 little-endian
     *  [version, subgraphWord, N, offset_0 .. offset_{N-1}], one offset per tensor of the model (subgraph 0's
     *  first); -1 lets the runtime plan that tensor. TFLM documents version 0 and word 1 as a subgraph index, but
     *  ignores both; Vela writes version 0 and 1 (its number of subgraphs) in word 1. */
    static QByteArray offlineMemoryAllocation(
        const std::vector<std::int32_t>& offsets, int subgraphWord = 1, int version = 0);

    void addSignature(const SignatureDef& signature);

    // ---- subgraphs --------------------------------------------------------------------------------------------

    /** Appends a subgraph, makes it current and returns its index. */
    int addSubgraph(const QString& name = {});
    void selectSubgraph(int index);
    int currentSubgraph() const;
    int subgraphCount() const;
    void setSubgraphName(const QString& name);
    void setInputs(const Indices& tensors);
    void setOutputs(const Indices& tensors);

    // ---- tensors of the current subgraph ----------------------------------------------------------------------

    /** An activation (or any tensor without data); returns its index in the current subgraph. */
    int addTensor(const QString& name, DataType type, const std::vector<std::int32_t>& shape);
    /** A constant tensor whose data gets a buffer of its own. */
    int addConstant(const QString& name, DataType type, const std::vector<std::int32_t>& shape, const QByteArray& data);
    /** A constant tensor that reads the buffer of `otherTensor` (converters deduplicate identical weights). */
    int addConstantSharingBuffer(
        const QString& name, DataType type, const std::vector<std::int32_t>& shape, int otherTensor);

    void setShapeSignature(int tensor, const std::vector<std::int32_t>& signature);
    void setQuantization(int tensor, const Quantization& quantization);
    void setVariable(int tensor, bool variable = true);
    /** has_rank is written as true unless cleared here (a tensor whose rank is unknown). */
    void setHasRank(int tensor, bool hasRank);
    /** Points the tensor at any buffer index, also one that does not exist. */
    void setTensorBuffer(int tensor, std::uint32_t buffer);
    int tensorBuffer(int tensor) const;
    int tensorCount() const;

    static Quantization perTensor(float scale, std::int64_t zeroPoint = 0);
    /** Per-channel parameters; zero points default to 0 for every channel (symmetric). */
    static Quantization perChannel(
        const std::vector<float>& scales, int axis, const std::vector<std::int64_t>& zeroPoints = {});
    /** Block-wise parameters as LiteRT writes them for INT4 weights: scales (and zero points, -1 for none) in
     *  other tensors of the subgraph, one per block of `blockSize` elements. */
    static Quantization blockwise(int scalesTensor, int blockSize, int zeroPointsTensor = -1);

    // ---- operators of the current subgraph (each returns the operator's index) --------------------------------
    // Inputs may contain -1 for an omitted optional input.

    /** Any builtin operator, written without an options table. */
    int addBuiltin(int builtinCode, const Indices& inputs, const Indices& outputs);
    int addConv2D(const Indices& inputs, const Indices& outputs, const Conv2DOptions& options = {});
    int addDepthwiseConv2D(const Indices& inputs, const Indices& outputs, const DepthwiseConv2DOptions& options = {});
    int addFullyConnected(const Indices& inputs, const Indices& outputs, Activation activation = Activation::None,
        bool keepNumDims = false);
    int addAveragePool2D(const Indices& inputs, const Indices& outputs, const Pool2DOptions& options);
    int addMaxPool2D(const Indices& inputs, const Indices& outputs, const Pool2DOptions& options);
    int addAdd(const Indices& inputs, const Indices& outputs, Activation activation = Activation::None);
    int addSub(const Indices& inputs, const Indices& outputs, Activation activation = Activation::None);
    int addMul(const Indices& inputs, const Indices& outputs, Activation activation = Activation::None);
    int addConcatenation(
        const Indices& inputs, const Indices& outputs, int axis, Activation activation = Activation::None);
    /** With an empty `newShape` no options table is written (the shape comes from the second input). */
    int addReshape(const Indices& inputs, const Indices& outputs, const std::vector<std::int32_t>& newShape = {});
    int addSoftmax(const Indices& inputs, const Indices& outputs, float beta = 1.0f);
    int addMean(const Indices& inputs, const Indices& outputs, bool keepDims = false);
    int addPad(const Indices& inputs, const Indices& outputs);
    int addTransposeConv(const Indices& inputs, const Indices& outputs, const TransposeConvOptions& options = {});
    int addBatchMatMul(const Indices& inputs, const Indices& outputs, bool adjX = false, bool adjY = false);
    int addStridedSlice(const Indices& inputs, const Indices& outputs, const StridedSliceOptions& options = {});
    int addSvdf(const Indices& inputs, const Indices& outputs, int rank, Activation activation = Activation::None);
    int addUnidirectionalSequenceLstm(const Indices& inputs, const Indices& outputs, const LstmOptions& options = {});
    int addWhile(const Indices& inputs, const Indices& outputs, int condSubgraph, int bodySubgraph);
    int addIf(const Indices& inputs, const Indices& outputs, int thenSubgraph, int elseSubgraph);
    int addCallOnce(int initSubgraph);
    /** A custom operator by name with an opaque options blob (written as custom_options). */
    int addCustom(
        const QString& customCode, const Indices& inputs, const Indices& outputs, const QByteArray& customOptions = {});

    void setIntermediates(int op, const Indices& tensors);
    /** Overrides the opcode index of an operator, also with one that does not exist. */
    void setOpcodeIndex(int op, std::uint32_t opcodeIndex);
    int operatorCount() const;
    int opcodeCount() const;

    // ---- output -----------------------------------------------------------------------------------------------

    /** The complete file. May be called more than once. */
    QByteArray finish() const;
    /** Writes finish() to `path` atomically (QSaveFile). */
    bool writeFile(const QString& path, QString* error = nullptr) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Profiler
