// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/model.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace Profiler {

/** Coarse kind of an operator, used for colouring and grouping. The data lives in operators.json. */
enum class OpCategory {
    Convolution, ///< CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, CONV_3D
    FullyConnected, ///< FULLY_CONNECTED, BATCH_MATMUL
    Recurrent, ///< LSTM, SVDF, RNN and their sequence variants
    Pooling, ///< AVERAGE/MAX/L2 pooling
    Activation, ///< RELU, LOGISTIC, TANH, SOFTMAX, ...
    Elementwise, ///< ADD, MUL, SUB, MAXIMUM, comparisons, math functions
    Normalization, ///< L2_NORMALIZATION, LOCAL_RESPONSE_NORMALIZATION
    Reduction, ///< MEAN, SUM, REDUCE_MAX, ARG_MAX, ...
    Reshape, ///< RESHAPE, SQUEEZE, TRANSPOSE, CONCATENATION, PAD, SLICE, GATHER, ... (data movement)
    Quantization, ///< QUANTIZE, DEQUANTIZE, CAST
    ControlFlow, ///< WHILE, IF, CALL_ONCE, CALL
    Resource, ///< VAR_HANDLE, READ/ASSIGN_VARIABLE, hash tables
    Signal, ///< RFFT2D, COMPLEX_ABS and audio front-end ops
    Custom, ///< custom operators (Edge TPU, Ethos-U, vendor ops)
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

/** Operator support of TensorFlow Lite Micro's reference kernels, loaded from operators.json.
 *
 *  check() answers Unsupported for operators TFLM has no kernel for (builtin or custom: a custom code that TFLM
 *  does not ship needs a kernel registered by the application), for tensor types the kernel rejects and for
 *  required tensors the operator lacks. It answers Unknown when it cannot judge: an operator name the table does
 *  not know (a newer schema), a tensor index outside the subgraph, or a table that failed to load. */
class OperatorSupport
{
public:
    /** The built-in table for TFLM's reference kernels. */
    static const OperatorSupport& tflmReference();

    /** A table parsed from a document in the operators.json format (for tests and tools); never null. A broken
     *  document gives a table whose check() answers Unknown and whose errorString() says why. */
    static std::unique_ptr<OperatorSupport> fromJson(const QByteArray& json);

    /** Checks `op` with the types of its tensors in `subgraph`. */
    SupportVerdict check(const Operator& op, const Subgraph& subgraph) const;

    /** Builtin operator names the runtime registers at all. */
    QStringList supportedOperators() const;

    /** Why the table could not be loaded; empty when it loaded. */
    QString errorString() const;

    /** Category of an operator according to this table (what opCategory() answers for the built-in table). */
    OpCategory category(const QString& opType, bool isCustom) const;

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
