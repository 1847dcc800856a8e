// SPDX-License-Identifier: GPL-3.0-or-later
#include "arenaplanners.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>

namespace Profiler {

std::int64_t planHighWater(const MemoryProblem& problem, const std::vector<std::int64_t>& offsets)
{
    std::int64_t top = 0;
    for (std::size_t i = 0; i < problem.buffers.size() && i < offsets.size(); ++i)
        top = std::max(top, offsets[i] + problem.buffers[i].size);
    return top;
}

bool planIsValid(const MemoryProblem& problem, const MemoryPlan& plan, QString* conflict)
{
    const auto& b = problem.buffers;
    if (plan.offsets.size() != b.size()) {
        if (conflict)
            *conflict = QStringLiteral("plan has %1 offsets for %2 buffers").arg(plan.offsets.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (plan.offsets[i] < 0 || (b[i].fixedOffset >= 0 && plan.offsets[i] != b[i].fixedOffset)) {
            if (conflict)
                *conflict = QStringLiteral("buffer %1 is at offset %2").arg(i).arg(plan.offsets[i]);
            return false;
        }
        for (std::size_t j = i + 1; j < b.size(); ++j) {
            if (!b[i].overlapsInTime(b[j]) || b[i].size == 0 || b[j].size == 0)
                continue;
            // Offline plans may overlap buffers on purpose; only check pairs the planner placed.
            if (b[i].fixedOffset >= 0 && b[j].fixedOffset >= 0)
                continue;
            const bool apart
                = plan.offsets[i] + b[i].size <= plan.offsets[j] || plan.offsets[j] + b[j].size <= plan.offsets[i];
            if (!apart) {
                if (conflict)
                    *conflict = QStringLiteral("buffers %1 and %2 overlap in time and in memory").arg(i).arg(j);
                return false;
            }
        }
    }
    return true;
}

std::int64_t liveFootprint(const MemoryProblem& problem, const std::vector<int>& alive)
{
    std::int64_t sum = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (int i : alive) {
        const MemoryBuffer& b = problem.buffers[static_cast<std::size_t>(i)];
        if (b.fixedOffset >= 0)
            ranges.emplace_back(b.fixedOffset, b.fixedOffset + b.size);
        else
            sum += b.size;
    }
    std::sort(ranges.begin(), ranges.end());
    std::int64_t reach = 0;
    for (const auto& r : ranges) {
        const std::int64_t start = std::max(r.first, reach);
        if (r.second > start)
            sum += r.second - start;
        reach = std::max(reach, r.second);
    }
    return sum;
}

std::int64_t memoryLowerBound(const MemoryProblem& problem)
{
    // The live set only grows at a buffer's first step, so those steps are the only candidates for the maximum.
    // The arena also reaches at least the end of every fixed buffer.
    std::vector<int> times;
    std::int64_t peak = 0;
    for (const MemoryBuffer& b : problem.buffers) {
        times.push_back(b.first);
        if (b.fixedOffset >= 0)
            peak = std::max(peak, b.fixedOffset + b.size);
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::vector<int> alive;
    for (int t : times) {
        alive.clear();
        for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
            if (problem.buffers[i].first <= t && t <= problem.buffers[i].last)
                alive.push_back(static_cast<int>(i));
        }
        peak = std::max(peak, liveFootprint(problem, alive));
    }
    return peak;
}

namespace {

struct Placed
{
    std::int64_t offset;
    std::int64_t end;
};

/** Lowest offset, or the smallest fitting gap, for a buffer of `size` among `busy` (sorted by offset). */
std::int64_t findOffset(std::vector<Placed>& busy, std::int64_t size, FitRule rule)
{
    std::sort(busy.begin(), busy.end(), [](const Placed& a, const Placed& b) { return a.offset < b.offset; });
    std::int64_t candidate = 0;
    std::int64_t bestOffset = -1;
    std::int64_t bestGap = std::numeric_limits<std::int64_t>::max();
    for (const Placed& p : busy) {
        const std::int64_t gap = p.offset - candidate;
        if (gap >= size) {
            if (rule == FitRule::FirstFit)
                return candidate;
            if (gap < bestGap) {
                bestGap = gap;
                bestOffset = candidate;
            }
        }
        candidate = std::max(candidate, p.end);
    }
    return bestOffset >= 0 ? bestOffset : candidate;
}

} // namespace

std::vector<std::int64_t> placeInOrder(const MemoryProblem& problem, const std::vector<int>& order, FitRule rule)
{
    const auto& buffers = problem.buffers;
    std::vector<std::int64_t> offsets(buffers.size(), -1);
    std::vector<int> placed;
    placed.reserve(buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        if (buffers[i].fixedOffset >= 0) {
            offsets[i] = buffers[i].fixedOffset;
            placed.push_back(static_cast<int>(i));
        }
    }
    std::vector<Placed> busy;
    for (int idx : order) {
        const MemoryBuffer& b = buffers[static_cast<std::size_t>(idx)];
        if (b.fixedOffset >= 0 || offsets[static_cast<std::size_t>(idx)] >= 0)
            continue;
        busy.clear();
        for (int p : placed) {
            const MemoryBuffer& other = buffers[static_cast<std::size_t>(p)];
            if (other.overlapsInTime(b) && other.size > 0)
                busy.push_back(
                    { offsets[static_cast<std::size_t>(p)], offsets[static_cast<std::size_t>(p)] + other.size });
        }
        offsets[static_cast<std::size_t>(idx)] = findOffset(busy, b.size, rule);
        placed.push_back(idx);
    }
    return offsets;
}

MemoryPlan planTflmGreedy(const MemoryProblem& problem)
{
    // TFLM seeds its working order with the free buffers in reverse order of addition, then bubble-sorts them by
    // size, largest first, swapping only strictly smaller neighbours: equal sizes stay in reverse order of addition.
    // That tie order decides real layouts (it makes MLPerf's VWW need 73728 bytes instead of 64512).
    std::vector<int> order(problem.buffers.size());
    std::iota(order.rbegin(), order.rend(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return problem.buffers[static_cast<std::size_t>(a)].size > problem.buffers[static_cast<std::size_t>(b)].size;
    });
    MemoryPlan plan;
    plan.planner = QStringLiteral("tflm");
    plan.offsets = placeInOrder(problem, order, FitRule::FirstFit);
    plan.arenaBytes = planHighWater(problem, plan.offsets);
    return plan;
}

namespace {

/** Exhaustive search over "compacted" plans: every buffer rests at offset 0 or on top of a buffer that is alive at
 *  the same time and sits lower. Buffers are placed in order of their offset, so each choice is (buffer, one of
 *  the tops of placed buffers at or above the last chosen offset). Complete, hence optimal when it finishes. */
class ExactSearch
{
public:
    ExactSearch(const MemoryProblem& problem, std::int64_t upperBound, std::int64_t lowerBound, std::int64_t budget)
        : m_p(problem)
        , m_best(upperBound)
        , m_lower(lowerBound)
        , m_budget(budget)
        , m_offsets(problem.buffers.size(), -1)
    {
        for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
            if (problem.buffers[i].fixedOffset >= 0) {
                m_offsets[i] = problem.buffers[i].fixedOffset;
                m_fixedTop = std::max(m_fixedTop, m_offsets[i] + problem.buffers[i].size);
            } else {
                m_free.push_back(static_cast<int>(i));
            }
        }
    }

    /** Returns true when the search space was exhausted (the result is optimal). */
    bool run()
    {
        search(0, 0, -1, m_fixedTop);
        return !m_outOfBudget;
    }

    const std::vector<std::int64_t>& bestOffsets() const { return m_bestOffsets; }
    std::int64_t best() const { return m_best; }

private:
    bool fits(int idx, std::int64_t offset) const
    {
        const MemoryBuffer& b = m_p.buffers[static_cast<std::size_t>(idx)];
        for (std::size_t j = 0; j < m_offsets.size(); ++j) {
            if (m_offsets[j] < 0 || static_cast<int>(j) == idx)
                continue;
            const MemoryBuffer& o = m_p.buffers[j];
            if (!o.overlapsInTime(b) || o.size == 0 || b.size == 0)
                continue;
            if (offset < m_offsets[j] + o.size && m_offsets[j] < offset + b.size)
                return false;
        }
        return true;
    }

    // Buffers placed at the same offset are taken in index order, so each plan is visited once.
    void search(std::size_t placedCount, std::int64_t minOffset, int lastIndexAtMin, std::int64_t top)
    {
        if (m_outOfBudget || m_best <= m_lower)
            return;
        if (++m_nodes > m_budget) {
            m_outOfBudget = true;
            return;
        }
        if (placedCount == m_free.size()) {
            if (top < m_best || m_bestOffsets.empty()) {
                m_best = top;
                m_bestOffsets = m_offsets;
            }
            return;
        }
        // Candidate offsets: 0 and the tops of placed buffers, not below the last chosen offset.
        std::vector<std::int64_t> candidates { 0 };
        for (std::size_t j = 0; j < m_offsets.size(); ++j) {
            if (m_offsets[j] >= 0)
                candidates.push_back(m_offsets[j] + m_p.buffers[j].size);
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        for (std::int64_t offset : candidates) {
            if (offset < minOffset)
                continue;
            for (int idx : m_free) {
                if (m_offsets[static_cast<std::size_t>(idx)] >= 0 || (offset == minOffset && idx <= lastIndexAtMin))
                    continue;
                const std::int64_t end = offset + m_p.buffers[static_cast<std::size_t>(idx)].size;
                if (std::max(top, end) >= m_best)
                    continue; // cannot beat the best plan found so far
                if (!fits(idx, offset))
                    continue;
                m_offsets[static_cast<std::size_t>(idx)] = offset;
                search(placedCount + 1, offset, idx, std::max(top, end));
                m_offsets[static_cast<std::size_t>(idx)] = -1;
                if (m_outOfBudget || m_best <= m_lower)
                    return;
            }
        }
    }

    const MemoryProblem& m_p;
    std::int64_t m_best;
    std::int64_t m_lower;
    std::int64_t m_budget;
    std::int64_t m_nodes = 0;
    bool m_outOfBudget = false;
    std::int64_t m_fixedTop = 0;
    std::vector<int> m_free;
    std::vector<std::int64_t> m_offsets;
    std::vector<std::int64_t> m_bestOffsets;
};

} // namespace

MemoryPlan planBest(const MemoryProblem& problem, const BestPlannerOptions& options)
{
    MemoryPlan best = planTflmGreedy(problem);
    best.planner = QStringLiteral("best");
    const std::int64_t lower = memoryLowerBound(problem);
    if (best.arenaBytes <= lower) {
        best.provenOptimal = true;
        return best;
    }

    const auto& b = problem.buffers;
    auto size = [&](int i) { return b[static_cast<std::size_t>(i)].size; };
    auto length = [&](int i) { return b[static_cast<std::size_t>(i)].last - b[static_cast<std::size_t>(i)].first + 1; };
    using Less = std::function<bool(int, int)>;
    const std::vector<Less> orders {
        [&](int x, int y) { return size(x) != size(y) ? size(x) > size(y) : length(x) > length(y); },
        [&](int x, int y) { return length(x) != length(y) ? length(x) > length(y) : size(x) > size(y); },
        [&](int x, int y) { return size(x) * length(x) > size(y) * length(y); },
        [&](int x, int y) {
            const auto& bx = b[static_cast<std::size_t>(x)];
            const auto& by = b[static_cast<std::size_t>(y)];
            return bx.first != by.first ? bx.first < by.first : size(x) > size(y);
        },
    };
    std::vector<int> base(b.size());
    std::iota(base.begin(), base.end(), 0);
    for (const Less& less : orders) {
        std::vector<int> order = base;
        std::stable_sort(order.begin(), order.end(), less);
        for (FitRule rule : { FitRule::FirstFit, FitRule::BestFit }) {
            std::vector<std::int64_t> offsets = placeInOrder(problem, order, rule);
            const std::int64_t top = planHighWater(problem, offsets);
            if (top < best.arenaBytes) {
                best.offsets = std::move(offsets);
                best.arenaBytes = top;
            }
        }
    }

    std::size_t freeBuffers = 0;
    for (const MemoryBuffer& buffer : b)
        freeBuffers += buffer.fixedOffset < 0 ? 1 : 0;
    if (best.arenaBytes > lower && freeBuffers <= static_cast<std::size_t>(options.exactMaxBuffers)) {
        ExactSearch search(problem, best.arenaBytes, lower, options.exactNodeBudget);
        const bool complete = search.run();
        if (!search.bestOffsets().empty() && search.best() < best.arenaBytes) {
            best.offsets = search.bestOffsets();
            best.arenaBytes = search.best();
        }
        best.provenOptimal = complete || best.arenaBytes <= lower;
    } else {
        best.provenOptimal = best.arenaBytes <= lower;
    }
    return best;
}

} // namespace Profiler
