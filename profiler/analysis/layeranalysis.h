// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/opinfo.h"
#include "model/model.h"

#include <cstdint>
#include <vector>

namespace Profiler {

/** Per-operator numbers. MAC conventions are documented in docs/analysis.md. */
struct LayerInfo
{
    int index = 0; ///< execution step within the subgraph
    QString name; ///< name of the first output tensor (what converters use as the layer name)
    QString type; ///< "CONV_2D" or the custom code
    OpCategory category = OpCategory::Other;
    std::int64_t params = 0; ///< elements of the constant tensors this operator consumes
    std::int64_t weightBytes = 0; ///< bytes of those constant tensors as stored in the file
    std::int64_t macs = 0; ///< multiply-accumulates of one invocation
    std::int64_t outputBytes = 0; ///< bytes of the activations it produces (non-constant outputs)
    SupportVerdict support; ///< against TFLM's reference kernels
};

/** Model-level totals for one subgraph. */
struct ModelSummary
{
    int subgraph = 0;
    std::int64_t operators = 0;
    std::int64_t tensors = 0;
    std::int64_t subgraphs = 0;
    std::int64_t params = 0; ///< each constant tensor counted once
    std::int64_t macs = 0;
    std::int64_t weightBytes = 0; ///< each buffer counted once
    std::int64_t largestActivationBytes = 0;
    int largestActivationTensor = -1;
    std::int64_t unsupportedOperators = 0;
};

struct ModelAnalysis
{
    ModelSummary summary;
    std::vector<LayerInfo> layers;
};

/** Multiply-accumulates of one invocation of `op`; 0 for operators that do no multiply-accumulate work. */
std::int64_t operatorMacs(const Operator& op, const Subgraph& subgraph);

/** Analyses every operator of `subgraphIndex` (which must exist). */
ModelAnalysis analyzeModel(const Model& model, int subgraphIndex = 0);

} // namespace Profiler
