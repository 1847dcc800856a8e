// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "datatype.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace Profiler {

/** How a tensor's real values map to its stored integers. */
struct Quantization
{
    enum class Scheme {
        None, ///< not quantized (float tensors, or integer tensors without parameters)
        PerTensor, ///< one scale and zero point
        PerChannel, ///< one scale (and zero point) per slice along `axis`
        Blockwise, ///< scales stored in other tensors, one per block of `blockSize` elements
        Custom, ///< a format-specific custom scheme that we only report
    };

    Scheme scheme = Scheme::None;
    std::vector<float> scales;
    std::vector<std::int64_t> zeroPoints;
    int axis = 0; ///< quantized dimension (PerChannel)
    int blockSize = 0; ///< Blockwise
    int blockScalesTensor = -1; ///< Blockwise: tensor holding the per-block scales
    int blockZeroPointsTensor = -1; ///< Blockwise: tensor holding the per-block zero points (-1: none)
    std::vector<float> min; ///< recorded float range, when the converter kept it
    std::vector<float> max;
};

/** One tensor of a subgraph. Shapes are as stored in the file; constant tensors carry a buffer. */
struct Tensor
{
    QString name; ///< may be empty: many converters leave tensors unnamed
    DataType type = DataType::Unknown;
    std::vector<std::int32_t> shape; ///< empty for a scalar
    std::vector<std::int32_t> shapeSignature; ///< empty when the file has none; -1 marks a dynamic dimension
    bool hasRank = true; ///< false when the file says the rank itself is unknown
    int buffer = -1; ///< index into Model::buffers, -1 for none
    bool isConstant = false; ///< its data is stored in the model (weights, biases, shape operands)
    bool isVariable = false; ///< state that persists across invocations (e.g. LSTM state)
    bool isSparse = false; ///< carries sparsity parameters
    std::int64_t elements = 0; ///< product of `shape` (1 for a scalar)
    std::int64_t bytes = 0; ///< dense storage size; -1 where the type has no fixed size
    Quantization quantization;

    bool isDynamic() const
    {
        for (auto d : shapeSignature) {
            if (d < 0)
                return true;
        }
        return false;
    }
    /** Readable name: the stored one, or "tensor N" for unnamed tensors. */
    QString displayName(int index) const { return name.isEmpty() ? QStringLiteral("tensor %1").arg(index) : name; }
};

/** "1x49x10x1"; "scalar" for rank 0; dynamic dimensions (from the signature) as "?". */
QString shapeToString(const Tensor& tensor);

} // namespace Profiler
