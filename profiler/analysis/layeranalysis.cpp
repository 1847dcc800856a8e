// SPDX-License-Identifier: GPL-3.0-or-later
#include "layeranalysis.h"

#include <QSet>

#include <cstdint>
#include <limits>
#include <set>

namespace Profiler {

namespace {

constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();

// Counts saturate instead of overflowing: a file may declare shapes of up to 2^48 elements (the loader's limit), and
// the product of a few such dimensions, or the sum over many such tensors, does not fit 64 bits (signed overflow is
// undefined behaviour; found by fuzz_model). Real models are many orders of magnitude below the limit.
std::int64_t saturatingMul(std::int64_t a, std::int64_t b)
{
    std::int64_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}
template <typename... Rest> std::int64_t saturatingMul(std::int64_t a, std::int64_t b, Rest... rest)
{
    return saturatingMul(saturatingMul(a, b), rest...);
}
std::int64_t saturatingAdd(std::int64_t a, std::int64_t b)
{
    std::int64_t r = 0;
    return __builtin_add_overflow(a, b, &r) ? kSaturated : r;
}

std::int64_t dim(const Tensor* t, std::size_t i)
{
    return t && i < t->shape.size() ? t->shape[i] : 0;
}

std::int64_t lastDim(const Tensor* t)
{
    return t && !t->shape.empty() ? t->shape.back() : 0;
}

/** Sum of the element counts of the weight matrices at `positions` (absent optional inputs count 0). */
std::int64_t matrixElements(const Operator& op, const Subgraph& sg, std::initializer_list<std::size_t> positions)
{
    std::int64_t sum = 0;
    for (std::size_t p : positions) {
        if (const Tensor* t = sg.operandAt(op.inputs, p))
            sum = saturatingAdd(sum, t->elements);
    }
    return sum;
}

/** Steps of a recurrent cell: every row of the input (batch x time) runs the gate matrices once. */
std::int64_t recurrentSteps(const Tensor* input, const Tensor* inputWeights)
{
    const std::int64_t features = lastDim(inputWeights);
    if (!input || features <= 0)
        return 0;
    return input->elements / features;
}

} // namespace

std::int64_t operatorMacs(const Operator& op, const Subgraph& sg)
{
    if (op.isCustom)
        return 0;
    const QString& type = op.type;
    const Tensor* out = sg.operandAt(op.outputs, 0);
    const std::int64_t outElements = out ? out->elements : 0;

    if (type == QLatin1String("CONV_2D")) {
        // filter: [out_channels, kh, kw, in_channels / groups]
        const Tensor* f = sg.operandAt(op.inputs, 1);
        return saturatingMul(outElements, dim(f, 1), dim(f, 2), dim(f, 3));
    }
    if (type == QLatin1String("DEPTHWISE_CONV_2D")) {
        // filter: [1, kh, kw, out_channels]; each output element reads one input channel
        const Tensor* f = sg.operandAt(op.inputs, 1);
        return saturatingMul(outElements, dim(f, 1), dim(f, 2));
    }
    if (type == QLatin1String("CONV_3D")) {
        // filter: [kd, kh, kw, in_channels, out_channels]
        const Tensor* f = sg.operandAt(op.inputs, 1);
        return saturatingMul(outElements, dim(f, 0), dim(f, 1), dim(f, 2), dim(f, 3));
    }
    if (type == QLatin1String("TRANSPOSE_CONV")) {
        // inputs: output shape, filter [out_channels, kh, kw, in_channels], data; every input element is
        // scattered through the kernel into every output channel
        const Tensor* f = sg.operandAt(op.inputs, 1);
        const Tensor* in = sg.operandAt(op.inputs, 2);
        return saturatingMul(in ? in->elements : 0, dim(f, 1), dim(f, 2), dim(f, 0));
    }
    if (type == QLatin1String("FULLY_CONNECTED")) {
        // weights: [units, K]
        return saturatingMul(outElements, lastDim(sg.operandAt(op.inputs, 1)));
    }
    if (type == QLatin1String("BATCH_MATMUL")) {
        const Tensor* lhs = sg.operandAt(op.inputs, 0);
        if (!lhs || lhs->shape.empty())
            return 0;
        const bool adjX = op.option(QStringLiteral("adj_x")).toBool();
        const std::size_t rank = lhs->shape.size();
        const std::int64_t k = adjX && rank >= 2 ? lhs->shape[rank - 2] : lhs->shape[rank - 1];
        return saturatingMul(outElements, k);
    }
    if (type == QLatin1String("LSTM") || type == QLatin1String("UNIDIRECTIONAL_SEQUENCE_LSTM")) {
        // 1-4: input-to-gate weights [n_cell, n_input] (input gate absent with CIFG), 5-8: recurrent weights
        // [n_cell, n_output], 16: projection [n_output, n_cell]. Peepholes and layer norm are element-wise.
        const std::int64_t steps = recurrentSteps(sg.operandAt(op.inputs, 0), sg.operandAt(op.inputs, 2));
        return saturatingMul(steps, matrixElements(op, sg, { 1, 2, 3, 4, 5, 6, 7, 8, 16 }));
    }
    if (type == QLatin1String("BIDIRECTIONAL_SEQUENCE_LSTM")) {
        // forward cell: 1-8 and projection 16; backward cell: 18-25 and projection 33
        const std::int64_t steps = recurrentSteps(sg.operandAt(op.inputs, 0), sg.operandAt(op.inputs, 2));
        return saturatingMul(
            steps, matrixElements(op, sg, { 1, 2, 3, 4, 5, 6, 7, 8, 16, 18, 19, 20, 21, 22, 23, 24, 25, 33 }));
    }
    if (type == QLatin1String("RNN") || type == QLatin1String("UNIDIRECTIONAL_SEQUENCE_RNN")) {
        // 1: input weights [units, n_input], 2: recurrent weights [units, units]
        const std::int64_t steps = recurrentSteps(sg.operandAt(op.inputs, 0), sg.operandAt(op.inputs, 1));
        return saturatingMul(steps, matrixElements(op, sg, { 1, 2 }));
    }
    if (type == QLatin1String("SVDF")) {
        // 1: feature weights [filters, n_input], 2: time weights [filters, memory]; per batch row
        const Tensor* in = sg.operandAt(op.inputs, 0);
        return saturatingMul(dim(in, 0), matrixElements(op, sg, { 1, 2 }));
    }
    return 0;
}

ModelAnalysis analyzeModel(const Model& model, int subgraphIndex)
{
    ModelAnalysis result;
    ModelSummary& s = result.summary;
    s.subgraph = subgraphIndex;
    s.subgraphs = static_cast<std::int64_t>(model.subgraphs.size());
    if (subgraphIndex < 0 || static_cast<std::size_t>(subgraphIndex) >= model.subgraphs.size())
        return result;
    const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(subgraphIndex)];
    const OperatorSupport& support = OperatorSupport::tflmReference();

    s.operators = static_cast<std::int64_t>(sg.operators.size());
    s.tensors = static_cast<std::int64_t>(sg.tensors.size());

    std::set<int> constantTensorsSeen;
    std::set<int> buffersSeen;
    result.layers.reserve(sg.operators.size());
    for (const Operator& op : sg.operators) {
        LayerInfo layer;
        layer.index = op.index;
        layer.type = op.type;
        layer.category = opCategory(op.type, op.isCustom);
        if (const Tensor* out = sg.operandAt(op.outputs, 0))
            layer.name = out->name;

        // Constant inputs, plus the tensors that hold their block-wise quantization scales: both are in flash.
        std::vector<int> constants;
        for (int idx : op.inputs) {
            if (idx < 0 || static_cast<std::size_t>(idx) >= sg.tensors.size())
                continue;
            constants.push_back(idx);
            const Quantization& q = sg.tensors[static_cast<std::size_t>(idx)].quantization;
            for (int extra : { q.blockScalesTensor, q.blockZeroPointsTensor }) {
                if (extra >= 0 && static_cast<std::size_t>(extra) < sg.tensors.size())
                    constants.push_back(extra);
            }
        }
        std::set<int> counted; // an operator that reads the same constant twice stores it once
        for (int idx : constants) {
            if (!counted.insert(idx).second)
                continue;
            const Tensor& t = sg.tensors[static_cast<std::size_t>(idx)];
            if (!t.isConstant || t.buffer < 0 || static_cast<std::size_t>(t.buffer) >= model.buffers.size())
                continue;
            const std::int64_t stored = model.buffers[static_cast<std::size_t>(t.buffer)].size;
            layer.params = saturatingAdd(layer.params, t.elements);
            layer.weightBytes = saturatingAdd(layer.weightBytes, stored);
            if (constantTensorsSeen.insert(idx).second)
                s.params = saturatingAdd(s.params, t.elements);
            if (buffersSeen.insert(t.buffer).second)
                s.weightBytes = saturatingAdd(s.weightBytes, stored);
        }
        for (std::size_t o = 0; o < op.outputs.size(); ++o) {
            const Tensor* t = sg.operandAt(op.outputs, o);
            if (t && !t->isConstant && t->bytes > 0)
                layer.outputBytes = saturatingAdd(layer.outputBytes, t->bytes);
        }
        layer.macs = operatorMacs(op, sg);
        layer.support = support.check(op, sg);
        s.macs = saturatingAdd(s.macs, layer.macs);
        if (layer.support.status == SupportStatus::Unsupported)
            ++s.unsupportedOperators;
        result.layers.push_back(std::move(layer));
    }

    for (std::size_t i = 0; i < sg.tensors.size(); ++i) {
        const Tensor& t = sg.tensors[i];
        if (!t.isConstant && t.bytes > s.largestActivationBytes) {
            s.largestActivationBytes = t.bytes;
            s.largestActivationTensor = static_cast<int>(i);
        }
    }
    return result;
}

} // namespace Profiler
