// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/model.h"

#include <cstdint>
#include <vector>

namespace Profiler {

struct ReorderOptions
{
    int alignment = 16; ///< tensor sizes are rounded up to this, as in the arena
    std::int64_t maxStates = 1'500'000; ///< search states kept over the whole search (memory bound)
    int timeBudgetMs = 1500; ///< after this the search finishes greedily
};

struct ReorderResult
{
    std::vector<int> order; ///< operator indices of the subgraph in the new execution order
    std::int64_t originalPeak = 0; ///< peak live bytes of the file's order
    std::int64_t reorderedPeak = 0; ///< peak live bytes of `order` (never above originalPeak)
    bool exact = false; ///< the search covered every valid order: no order has a lower peak
    std::int64_t statesExplored = 0;
};

/** Peak live bytes of the subgraph's activations (plus kernel scratch) when its operators run in `order`. */
std::int64_t peakLiveBytes(const Model& model, int subgraph, const std::vector<int>& order, int alignment = 16);

/** Finds a valid execution order (every operator after the ones whose outputs it reads, operators that touch
 *  state in their original order) with the lowest peak of live activation memory. Dynamic programming over the
 *  sets of operators already run (Liberis & Lane, 2019), a bounded beam when the graph has too many such sets,
 *  and a greedy pass for very large graphs. */
ReorderResult reorderOperators(const Model& model, int subgraph, const ReorderOptions& options = {});

} // namespace Profiler
