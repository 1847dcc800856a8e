// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memory/memoryproblem.h"
#include "model/model.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace Profiler {

/** Whether TensorFlow Lite Micro plans `tensor` in the arena head (non-persistent section): activations do;
 *  constants (read from flash) and variable tensors (persistent, in the tail) do not. */
bool tensorInArenaHead(const Tensor& tensor);

/** Bytes TFLM reserves for a tensor's data before alignment (0 when the type has no fixed size). */
std::int64_t tensorArenaBytes(const Tensor& tensor);

/** A scratch buffer a TFLM reference kernel asks for in the arena while it runs. */
struct ScratchRequest
{
    std::int64_t bytes = 0;
    QString purpose;
};

/** Scratch buffers the reference kernel of `op` requests, from its tensors' shapes and types. */
std::vector<ScratchRequest> scratchRequests(const Operator& op, const Subgraph& subgraph);

struct ArenaOptions
{
    int alignment = 16; ///< TFLM's MicroArenaBufferAlignment()
    std::vector<int> order; ///< execution order of subgraph 0; empty = the file's order
    bool useOfflinePlan = true; ///< honour "OfflineMemoryAllocation" metadata
};

/** The buffers TFLM plans for `model`, with TFLM's lifetimes (all subgraphs, scratch buffers included). */
MemoryProblem buildTflmProblem(const Model& model, const ArenaOptions& options = {});

} // namespace Profiler
