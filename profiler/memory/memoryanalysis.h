// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/progress.h"
#include "memory/arenaplanners.h"
#include "memory/memoryproblem.h"
#include "memory/reorder.h"
#include "memory/timeline.h"
#include "model/model.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace Profiler {

/** An estimate of TFLM's persistent arena section (the tail) on a 32-bit MCU, by part. See docs/memory.md. */
struct PersistentEstimate
{
    struct Part
    {
        QString what;
        std::int64_t bytes = 0;
    };
    std::vector<Part> parts;
    std::int64_t totalBytes = 0;
};

/** TFLM's persistent allocations for `model` on a 32-bit target, estimated from struct sizes (not measured). */
PersistentEstimate estimatePersistentBytes(const Model& model);

struct MemoryOptions
{
    int alignment = 16;
    BestPlannerOptions best;
    ReorderOptions reorder;
};

/** Everything TinyScope knows about a model's arena: TFLM's plan, the bound, our best plan, a better operator
 *  order and the per-step timeline. */
struct MemoryReport
{
    MemoryProblem problem; ///< TFLM's buffers and lifetimes in the file's order
    MemoryPlan tflm; ///< TFLM's GreedyMemoryPlanner: the head size TFLM will ask for
    std::int64_t lowerBound = 0; ///< no plan of this order can be smaller
    MemoryPlan best; ///< TinyScope's best plan for the file's order
    ReorderResult reorder; ///< operator order of subgraph 0 with the lowest live peak
    MemoryProblem reorderedProblem; ///< buffers and lifetimes with that order
    MemoryPlan reorderedTflm; ///< what TFLM would plan for a model stored in that order
    MemoryPlan reorderedBest; ///< TinyScope's best plan for that order
    MemoryTimeline timeline; ///< per step, with the TFLM plan's offsets
    PersistentEstimate persistent; ///< estimate of the tail
};

MemoryReport analyzeMemory(const Model& model, const MemoryOptions& options = {}, const Progress& progress = {});

} // namespace Profiler
