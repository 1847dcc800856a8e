// SPDX-License-Identifier: GPL-3.0-or-later
#include "latency/costmodel.h"

namespace Profiler {

namespace {

bool isInt8Like(DataType type)
{
    return type == DataType::Int8 || type == DataType::UInt8;
}

} // namespace

CostDataType costDataType(const Operator& op, const Subgraph& subgraph)
{
    const Tensor* activation = nullptr;
    const Tensor* weights = nullptr;
    for (int index : op.inputs) {
        const Tensor* tensor = subgraph.tensorAt(index);
        if (!tensor)
            continue;
        if (tensor->isConstant) {
            // The first constant input is the weights of conv / fully connected layers; a bias comes later.
            if (!weights)
                weights = tensor;
        } else if (!activation) {
            activation = tensor;
        }
    }
    if (!activation) {
        for (int index : op.outputs) {
            if (const Tensor* tensor = subgraph.tensorAt(index)) {
                activation = tensor;
                break;
            }
        }
    }
    if (!activation)
        return CostDataType::Other;
    if (isInt8Like(activation->type) && (!weights || isInt8Like(weights->type)))
        return CostDataType::Int8;
    if (activation->type == DataType::Float32 && (!weights || weights->type == DataType::Float32))
        return CostDataType::Float32;
    return CostDataType::Other;
}

std::int64_t costBytesMoved(const Operator& op, const Subgraph& subgraph)
{
    std::int64_t bytes = 0;
    for (int index : op.inputs) {
        const Tensor* tensor = subgraph.tensorAt(index);
        if (tensor && tensor->bytes > 0)
            bytes += tensor->bytes;
    }
    for (int index : op.outputs) {
        const Tensor* tensor = subgraph.tensorAt(index);
        if (tensor && !tensor->isConstant && tensor->bytes > 0)
            bytes += tensor->bytes;
    }
    return bytes;
}

std::vector<double> estimateOperatorCycles(const ModelDocument& document, int subgraph, const CostModelParams& params)
{
    std::vector<double> cycles;
    if (subgraph < 0 || std::size_t(subgraph) >= document.model.subgraphs.size())
        return cycles;
    const Subgraph& graph = document.model.subgraphs[std::size_t(subgraph)];
    const std::vector<LayerInfo>* layers = nullptr;
    if (std::size_t(subgraph) < document.analyses.size())
        layers = &document.analyses[std::size_t(subgraph)].layers;

    cycles.reserve(graph.operators.size());
    for (std::size_t i = 0; i < graph.operators.size(); ++i) {
        const Operator& op = graph.operators[i];
        // The document's analysis has the MACs already; fall back to computing them if it is absent.
        const std::int64_t macs = layers && i < layers->size() ? (*layers)[i].macs : operatorMacs(op, graph);
        double perMac = params.otherCyclesPerMac;
        switch (costDataType(op, graph)) {
        case CostDataType::Int8:
            perMac = params.int8CyclesPerMac;
            break;
        case CostDataType::Float32:
            perMac = params.floatCyclesPerMac;
            break;
        case CostDataType::Other:
            break;
        }
        cycles.push_back(
            params.fixedCycles + double(macs) * perMac + double(costBytesMoved(op, graph)) * params.cyclesPerByte);
    }
    return cycles;
}

} // namespace Profiler
