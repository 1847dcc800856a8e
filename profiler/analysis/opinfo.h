// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/model.h"

#include <QString>
#include <QStringList>

namespace Profiler {

/** Coarse kind of an operator, used for colouring and grouping. The data lives in operators.json. */
enum class OpCategory {
    Convolution,   ///< CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, CONV_3D
    FullyConnected,///< FULLY_CONNECTED, BATCH_MATMUL
    Recurrent,     ///< LSTM, SVDF, RNN and their sequence variants
    Pooling,       ///< AVERAGE/MAX/L2 pooling
    Activation,    ///< RELU, LOGISTIC, TANH, SOFTMAX, ...
    Elementwise,   ///< ADD, MUL, SUB, MAXIMUM, comparisons, math functions
    Normalization, ///< L2_NORMALIZATION, LOCAL_RESPONSE_NORMALIZATION
    Reduction,     ///< MEAN, SUM, REDUCE_MAX, ARG_MAX, ...
    Reshape,       ///< RESHAPE, SQUEEZE, TRANSPOSE, CONCATENATION, PAD, SLICE, GATHER, ... (data movement)
    Quantization,  ///< QUANTIZE, DEQUANTIZE, CAST
    ControlFlow,   ///< WHILE, IF, CALL_ONCE, CALL
    Resource,      ///< VAR_HANDLE, READ/ASSIGN_VARIABLE, hash tables
    Signal,        ///< RFFT2D, COMPLEX_ABS and audio front-end ops
    Custom,        ///< custom operators (Edge TPU, Ethos-U, vendor ops)
    Other,
};

/** Stable lower-case identifier: "convolution", "fully_connected", ... */
QString opCategoryName(OpCategory category);

/** Category of a builtin operator name ("CONV_2D"); custom operators are OpCategory::Custom. */
OpCategory opCategory(const QString& opType, bool isCustom);

/** Whether a runtime can execute an operator with the tensor types it has in this model. */
enum class SupportStatus {
    Supported,
    Unsupported,
    Unknown, ///< we have no data for this operator
};

struct SupportVerdict
{
    SupportStatus status = SupportStatus::Unknown;
    QString reason; ///< why it is not supported, in one sentence; empty when supported
};

QString supportStatusName(SupportStatus status); ///< "supported", "unsupported", "unknown"

/** Operator support of TensorFlow Lite Micro's reference kernels, loaded from operators.json. */
class OperatorSupport
{
public:
    /** The built-in table for TFLM's reference kernels. */
    static const OperatorSupport& tflmReference();

    /** Checks `op` with the types of its tensors in `subgraph`. */
    SupportVerdict check(const Operator& op, const Subgraph& subgraph) const;

    /** Builtin operator names the runtime registers at all. */
    QStringList supportedOperators() const;

    struct Entry; // defined in opinfo.cpp
    ~OperatorSupport();
    OperatorSupport(const OperatorSupport&) = delete;
    OperatorSupport& operator=(const OperatorSupport&) = delete;

private:
    OperatorSupport();
    struct Data;
    Data* d;
};

} // namespace Profiler
