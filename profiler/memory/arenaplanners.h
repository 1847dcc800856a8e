// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memory/memoryproblem.h"

#include <vector>

namespace Profiler {

/** TensorFlow Lite Micro's GreedyMemoryPlanner, reproduced: offline-planned buffers sit at their offsets; the
 *  others are taken from largest to smallest (equal sizes in the order of the problem) and each goes to the lowest
 *  offset where it collides with no already placed buffer alive at the same time. O(n log n + n k) for n buffers
 *  with at most k alive at once. */
MemoryPlan planTflmGreedy(const MemoryProblem& problem);

enum class FitRule {
    FirstFit, ///< the lowest offset that fits
    BestFit, ///< the smallest free gap that fits (the top of the arena counts as an endless gap)
};

/** Places the buffers one by one in `order` (indices into problem.buffers; fixed buffers are placed first
 *  whatever the order says). Returns one offset per buffer. */
std::vector<std::int64_t> placeInOrder(const MemoryProblem& problem, const std::vector<int>& order, FitRule rule);

struct BestPlannerOptions
{
    int exactMaxBuffers = 16; ///< exhaustive search when there are at most this many free buffers
    std::int64_t exactNodeBudget = 3'000'000; ///< stop the exhaustive search after this many search nodes
};

/** The smallest arena TinyScope can find: the best of TFLM's plan, several placement orders and rules, and, for
 *  small problems, an exhaustive branch-and-bound search. Never larger than planTflmGreedy(). */
MemoryPlan planBest(const MemoryProblem& problem, const BestPlannerOptions& options = {});

/** planBest() for callers that already have TFLM's plan (`tflm` = planTflmGreedy(problem)) and the lower bound
 *  (`lower` = memoryLowerBound(problem)) of the same problem: the same result without computing them again. */
MemoryPlan planBest(
    const MemoryProblem& problem, const BestPlannerOptions& options, const MemoryPlan& tflm, std::int64_t lower);

} // namespace Profiler
