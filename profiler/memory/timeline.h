// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memory/memoryproblem.h"

#include <cstdint>
#include <vector>

namespace Profiler {

/** Memory in use at one step of the execution. */
struct TimelineStep
{
    int step = 0;
    int subgraph = 0;
    int op = 0;
    std::int64_t liveBytes = 0; ///< bytes the buffers alive at this step need (see liveFootprint())
    std::int64_t planTop = 0; ///< highest end (offset + size) among them in the plan: the arena used so far
    std::vector<int> liveBuffers; ///< indices into MemoryProblem::buffers, largest first
};

/** Per-step memory over a whole run: the data behind the memory timeline and the arena map. */
struct MemoryTimeline
{
    std::vector<TimelineStep> steps;
    int peakStep = -1; ///< the first step with the largest liveBytes
    std::int64_t peakBytes = 0;
    std::vector<int> peakBuffers; ///< the buffers that make the peak, largest first
};

/** Builds the timeline of `problem`; `plan` (optional) supplies offsets for planTop. */
MemoryTimeline buildTimeline(const MemoryProblem& problem, const MemoryPlan* plan = nullptr);

} // namespace Profiler
