// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "operator.h"
#include "tensor.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace Profiler {

/** A subgraph: tensors plus operators in execution order. Subgraph 0 is the model's main graph. */
struct Subgraph
{
    QString name;
    std::vector<Tensor> tensors;
    std::vector<Operator> operators;
    std::vector<int> inputs;
    std::vector<int> outputs;

    /** The tensor at `index`, or nullptr for -1 (an omitted optional input) and indices outside the subgraph. */
    const Tensor* tensorAt(int index) const;
    /** The tensor at position `pos` of an operand list (an operator's inputs or outputs), or nullptr. */
    const Tensor* operandAt(const std::vector<int>& operands, std::size_t pos) const;
};

/** A constant data blob of the model. */
struct Buffer
{
    std::int64_t size = 0; ///< bytes of data (0 for the empty buffers that activations point to)
    std::int64_t offset = -1; ///< offset of the data from the start of the file, -1 if it has none
};

struct Metadata
{
    QString name;
    int buffer = -1;
};

struct SignatureTensor
{
    QString name;
    int tensor = -1;
};

/** A named entry point (e.g. "serving_default") mapping named inputs/outputs to a subgraph's tensors. */
struct SignatureDef
{
    QString key;
    int subgraph = 0;
    std::vector<SignatureTensor> inputs;
    std::vector<SignatureTensor> outputs;
};

/** Arena offsets chosen ahead of time by a compiler such as Vela ("OfflineMemoryAllocation" metadata). TFLM reads
 *  the offsets as one list over the tensors of all subgraphs, subgraph 0's tensors first. */
struct OfflineMemoryPlan
{
    int version = 0;
    int subgraphCount = 0; ///< as recorded; TFLM ignores it
    std::vector<std::int32_t> offsets; ///< byte offset from the arena head per tensor; -1 lets the runtime plan it
};

/** A loaded ML model in a format-neutral form. Immutable once loaded. */
struct Model
{
    QString filePath; ///< as given to the loader (may be a display name for in-memory data)
    QString format; ///< "TensorFlow Lite"
    std::uint32_t formatVersion = 0;
    QString description; ///< producer string, e.g. "TOCO Converted."
    std::int64_t fileSize = 0;
    std::vector<Subgraph> subgraphs;
    std::vector<Buffer> buffers;
    std::vector<Metadata> metadata;
    std::vector<SignatureDef> signatures;
    std::optional<OfflineMemoryPlan> offlinePlan;
    QStringList warnings; ///< non-fatal oddities found while loading

    std::size_t operatorCount() const;
    std::size_t tensorCount() const;
};

} // namespace Profiler
