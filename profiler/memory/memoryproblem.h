// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace Profiler {

/** One block of arena memory that must exist from step `first` to step `last` (both inclusive). */
struct MemoryBuffer
{
    enum class Kind {
        Tensor, ///< an activation tensor
        Scratch, ///< scratch memory a kernel asks for while it runs
    };
    Kind kind = Kind::Tensor;
    int subgraph = 0;
    int tensor = -1; ///< tensor index in `subgraph`; -1 for scratch buffers
    int op = -1; ///< operator that asked for a scratch buffer
    std::int64_t bytes = 0; ///< what the data needs
    std::int64_t size = 0; ///< what the planner reserves: bytes rounded up to the arena alignment
    int first = 0; ///< first step (index into MemoryProblem::steps) at which it is in use; -1 for
                   ///< tensors of subgraphs that never run, which the runtime still places
    int last = 0; ///< last step at which it is in use (inclusive)
    std::int64_t fixedOffset = -1; ///< an offline-planned offset the planner must keep; -1 = free to place

    bool overlapsInTime(const MemoryBuffer& other) const { return first <= other.last && other.first <= last; }
};

/** Where each step of the global timeline comes from: operator `op` of `subgraph`, or the entry of `subgraph`
 *  (its inputs becoming live) when `op` is -1. Step 0 is the entry of subgraph 0. */
struct MemoryStep
{
    int subgraph = 0;
    int op = -1;
};

/** Everything an arena planner needs: the buffers and their lifetimes. */
struct MemoryProblem
{
    std::vector<MemoryBuffer> buffers;
    std::vector<MemoryStep> steps; ///< one per global step
    int alignment = 16;
    QStringList warnings; ///< what the runtime would refuse or leave undefined, in words
};

/** Offsets for every buffer of a MemoryProblem. */
struct MemoryPlan
{
    QString planner; ///< "tflm", "best", ...
    std::vector<std::int64_t> offsets; ///< parallel to MemoryProblem::buffers
    std::int64_t arenaBytes = 0; ///< highest offset + size
    bool provenOptimal = false; ///< an exhaustive search showed nothing smaller exists
};

/** Rounds `bytes` up to a multiple of `alignment` (a power of two or any positive number). */
inline std::int64_t alignUp(std::int64_t bytes, int alignment)
{
    return alignment > 1 ? (bytes + alignment - 1) / alignment * alignment : bytes;
}

/** Highest end (offset + size) of the placed buffers. */
std::int64_t planHighWater(const MemoryProblem& problem, const std::vector<std::int64_t>& offsets);

/** True when no two buffers that are alive at the same step share a byte. `conflict` names one pair otherwise. */
bool planIsValid(const MemoryProblem& problem, const MemoryPlan& plan, QString* conflict = nullptr);

/** Bytes the buffers `alive` (indices) need at one step: their sizes summed, except that fixed (offline-planned)
 *  buffers, which may share bytes on purpose, count by the union of their ranges. */
std::int64_t liveFootprint(const MemoryProblem& problem, const std::vector<int>& alive);

/** Largest liveFootprint() over all steps (and at least the end of every fixed buffer): no plan is smaller. */
std::int64_t memoryLowerBound(const MemoryProblem& problem);

} // namespace Profiler
