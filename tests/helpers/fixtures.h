// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/datatype.h"
#include "model/model.h"
#include "model/tensor.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace TestHelpers {

/** What the loader must report for one tensor. */
struct ExpectedTensor
{
    int index = 0;
    QString name;
    Profiler::DataType type = Profiler::DataType::Unknown;
    std::vector<std::int32_t> shape;
    std::int64_t elements = 0;
    std::int64_t bytes = 0; ///< -1 for types without a fixed size
    bool isConstant = false;
    int buffer = -2; ///< checked when >= 0 (constant tensors: the file's buffer index)
    bool isVariable = false;
    std::vector<std::int32_t> shapeSignature;
    Profiler::Quantization::Scheme quantization = Profiler::Quantization::Scheme::None;
    int quantizationScales = 0;
    int quantizedAxis = 0;
    int blockScalesTensor = -1;

    ExpectedTensor& constant(int bufferIndex)
    {
        isConstant = true;
        buffer = bufferIndex;
        return *this;
    }
    ExpectedTensor& variable()
    {
        isVariable = true;
        return *this;
    }
    ExpectedTensor& signature(std::vector<std::int32_t> sig)
    {
        shapeSignature = std::move(sig);
        return *this;
    }
    ExpectedTensor& perTensor()
    {
        quantization = Profiler::Quantization::Scheme::PerTensor;
        quantizationScales = 1;
        return *this;
    }
    ExpectedTensor& perChannel(int scales, int axis)
    {
        quantization = Profiler::Quantization::Scheme::PerChannel;
        quantizationScales = scales;
        quantizedAxis = axis;
        return *this;
    }
    ExpectedTensor& blockwise(int scalesTensor)
    {
        quantization = Profiler::Quantization::Scheme::Blockwise;
        blockScalesTensor = scalesTensor;
        return *this;
    }
};

/** What the loader and analyzeModel() must report for one operator. */
struct ExpectedOperator
{
    QString type; ///< "CONV_2D" or the custom code
    int builtinCode = -1;
    std::vector<int> inputs;
    std::vector<int> outputs;
    QString name; ///< LayerInfo::name: name of the first output tensor
    std::int64_t params = 0;
    std::int64_t weightBytes = 0;
    std::int64_t macs = 0;
    std::int64_t outputBytes = 0;
    bool isCustom = false;
    int version = 1;
    std::vector<int> calledSubgraphs;
    qint64 customOptionsBytes = 0;
    std::vector<std::pair<QString, QVariant>> options; ///< a subset of the options, as the loader names them
};

struct ExpectedSubgraph
{
    QString name;
    std::vector<int> inputs;
    std::vector<int> outputs;
    int tensorCount = 0;
    std::vector<ExpectedTensor> tensors; ///< all or some of the tensors (by index)
    std::vector<ExpectedOperator> operators; ///< all operators, in execution order
    // ModelSummary of analyzeModel(model, this subgraph)
    std::int64_t params = 0;
    std::int64_t weightBytes = 0;
    std::int64_t macs = 0;
    std::int64_t largestActivationBytes = 0;
    int largestActivationTensor = -1; ///< -1: none; -2: not checked (ties)
};

/** A small model written with TfliteBuilder together with every number TinyScope must compute for it. */
struct Fixture
{
    QString name;
    QByteArray bytes;
    QString description;
    int buffers = -1; ///< entries of Model::buffers (the file's buffer table)
    QStringList metadata;
    std::vector<Profiler::SignatureDef> signatures;
    std::optional<Profiler::OfflineMemoryPlan> offlinePlan;
    std::vector<ExpectedSubgraph> subgraphs;
};

/** Every fixture with known answers, (a) .. (m) of the test plan. */
std::vector<Fixture> allFixtures();

/** A file that the loader must refuse. */
struct MalformedModel
{
    QString name;
    QByteArray bytes;
    bool structural = false; ///< the flatbuffers verifier alone rejects it (otherwise only a reference is wrong)
    QStringList reasonHints; ///< the error message must contain at least one of these (case-insensitive)
};

/** Damaged variants of a small valid model: empty, truncated, wrong identifier, bad indices, bad shapes. */
std::vector<MalformedModel> malformedModels();

/** Checks what the writer promises about a file independently of TinyScope's loader: the flatbuffers verifier
 *  accepts it with our schema, identifier "TFL3", version 3, buffer 0 empty, constant data 16-byte aligned.
 *  Returns an empty string when all holds, else the first problem. */
QString checkWrittenFile(const QByteArray& bytes);

/** True when the flatbuffers verifier accepts `bytes` as a Model with identifier "TFL3". */
bool passesVerifier(const QByteArray& bytes);

/** One OperatorCode entry exactly as stored in a file (0 for absent fields). */
struct WrittenOpcode
{
    int deprecatedBuiltinCode = 0;
    int builtinCode = 0;
    QString customCode;
    int version = 1;

    bool operator==(const WrittenOpcode& o) const
    {
        return deprecatedBuiltinCode == o.deprecatedBuiltinCode && builtinCode == o.builtinCode
            && customCode == o.customCode && version == o.version;
    }
};

/** The operator code table of a file that passes the verifier (empty otherwise), read without TinyScope's loader. */
std::vector<WrittenOpcode> writtenOpcodes(const QByteArray& bytes);

/** Path of the example model built by resources/ (kws_ds_cnn_example.tflite in the build tree). */
QString exampleModelPath();
/** Path of the tinyscope-make-examples tool. */
QString makeExamplesTool();
/** The example model with its hand-computed numbers; `bytes` is empty when the file was not built. */
Fixture exampleModelFixture();

} // namespace TestHelpers
