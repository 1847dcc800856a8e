// SPDX-License-Identifier: GPL-3.0-or-later
#include "arenaplanners.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <set>

namespace Profiler {

std::int64_t planHighWater(const MemoryProblem& problem, const std::vector<std::int64_t>& offsets)
{
    std::int64_t top = 0;
    for (std::size_t i = 0; i < problem.buffers.size() && i < offsets.size(); ++i)
        top = std::max(top, offsets[i] + problem.buffers[i].size);
    return top;
}

namespace {

/** True when some buffer's lifetime ends before it begins. overlapsInTime() still pairs such a buffer with any buffer
 *  alive over the whole gap, which the lifetime index below does not reproduce, so those problems take the pairwise
 *  path. buildTflmProblem() never makes one; hand-made and fuzzed problems may. */
bool hasReversedLifetime(const MemoryProblem& problem)
{
    return std::any_of(
        problem.buffers.begin(), problem.buffers.end(), [](const MemoryBuffer& b) { return b.last < b.first; });
}

/** Buffers inserted so far, indexed by lifetime, so that the ones alive at the same time as a given buffer are found
 *  in O(log n + k) for k of them instead of by a pass over all of them. A buffer overlaps [first, last] when it is
 *  alive at `first` (a stabbing query on a segment tree over the distinct first steps, where each inserted lifetime
 *  sits in O(log n) nodes) or begins within (first, last] (buckets by first step, with a set of the non-empty ones).
 *  Each overlapping buffer is reported exactly once. Lifetimes must not be reversed (see hasReversedLifetime()). */
class LifetimeIndex
{
public:
    explicit LifetimeIndex(const MemoryProblem& problem)
        : m_buffers(problem.buffers)
    {
        m_starts.reserve(m_buffers.size());
        for (const MemoryBuffer& b : m_buffers)
            m_starts.push_back(b.first);
        std::sort(m_starts.begin(), m_starts.end());
        m_starts.erase(std::unique(m_starts.begin(), m_starts.end()), m_starts.end());
        while (m_leaves < m_starts.size())
            m_leaves *= 2;
        m_cover.resize(2 * m_leaves);
        m_byStart.resize(m_starts.size());
    }

    void insert(int index)
    {
        const MemoryBuffer& b = m_buffers[static_cast<std::size_t>(index)];
        const std::size_t first = startIndex(b.first);
        std::size_t lo = first + m_leaves;
        std::size_t hi = endIndex(b.last) + m_leaves; // exclusive; above lo because last >= first
        for (; lo < hi; lo >>= 1, hi >>= 1) {
            if (lo & 1)
                m_cover[lo++].push_back(index);
            if (hi & 1)
                m_cover[--hi].push_back(index);
        }
        if (m_byStart[first].empty())
            m_usedStarts.insert(first);
        m_byStart[first].push_back(index);
    }

    /** Calls `visit(index)` once for every inserted buffer whose lifetime overlaps that of `b` (one of the problem's
     *  buffers). */
    template <typename Visit> void forEachOverlapping(const MemoryBuffer& b, Visit&& visit) const
    {
        const std::size_t first = startIndex(b.first);
        for (std::size_t node = first + m_leaves; node > 0; node >>= 1) {
            for (int i : m_cover[node])
                visit(i);
        }
        const std::size_t end = endIndex(b.last);
        for (auto it = m_usedStarts.upper_bound(first); it != m_usedStarts.end() && *it < end; ++it) {
            for (int i : m_byStart[*it])
                visit(i);
        }
    }

private:
    /** Index of `step` among the distinct first steps (it is one of them). */
    std::size_t startIndex(int step) const
    {
        return static_cast<std::size_t>(std::lower_bound(m_starts.begin(), m_starts.end(), step) - m_starts.begin());
    }
    /** Number of distinct first steps at or before `step`. */
    std::size_t endIndex(int step) const
    {
        return static_cast<std::size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), step) - m_starts.begin());
    }

    const std::vector<MemoryBuffer>& m_buffers;
    std::vector<int> m_starts; ///< distinct first steps, ascending
    std::size_t m_leaves = 1; ///< leaves of the segment tree: a power of two >= m_starts.size()
    std::vector<std::vector<int>> m_cover; ///< per tree node: buffers alive over all of the node's first steps
    std::vector<std::vector<int>> m_byStart; ///< per first step: buffers that begin there
    std::set<std::size_t> m_usedStarts; ///< first steps with at least one buffer
};

/** Total length of the union of half-open ranges added and removed over time: a segment tree over the distinct range
 *  ends, counting per node how many ranges cover it whole. */
class RangeUnion
{
public:
    explicit RangeUnion(std::vector<std::int64_t> ends)
        : m_ends(std::move(ends))
    {
        std::sort(m_ends.begin(), m_ends.end());
        m_ends.erase(std::unique(m_ends.begin(), m_ends.end()), m_ends.end());
        const std::size_t pieces = m_ends.size() > 1 ? m_ends.size() - 1 : 1;
        m_count.assign(4 * pieces, 0);
        m_length.assign(4 * pieces, 0);
    }

    void add(std::int64_t from, std::int64_t to, int delta)
    {
        if (from >= to || m_ends.size() < 2)
            return;
        update(1, 0, m_ends.size() - 1, index(from), index(to), delta);
    }

    std::int64_t length() const { return m_length.empty() ? 0 : m_length[1]; }

private:
    std::size_t index(std::int64_t x) const
    {
        return static_cast<std::size_t>(std::lower_bound(m_ends.begin(), m_ends.end(), x) - m_ends.begin());
    }

    // Node `node` covers the pieces [lo, hi) (piece p is [m_ends[p], m_ends[p + 1])); [from, to) in piece indices.
    void update(std::size_t node, std::size_t lo, std::size_t hi, std::size_t from, std::size_t to, int delta)
    {
        if (to <= lo || hi <= from)
            return;
        if (from <= lo && hi <= to) {
            m_count[node] += delta;
        } else {
            const std::size_t mid = (lo + hi) / 2;
            update(2 * node, lo, mid, from, to, delta);
            update(2 * node + 1, mid, hi, from, to, delta);
        }
        if (m_count[node] > 0)
            m_length[node] = m_ends[hi] - m_ends[lo];
        else if (hi - lo == 1)
            m_length[node] = 0;
        else
            m_length[node] = m_length[2 * node] + m_length[2 * node + 1];
    }

    std::vector<std::int64_t> m_ends;
    std::vector<int> m_count;
    std::vector<std::int64_t> m_length;
};

bool apartInMemory(const MemoryProblem& problem, const MemoryPlan& plan, std::size_t i, std::size_t j)
{
    const auto& b = problem.buffers;
    return plan.offsets[i] + b[i].size <= plan.offsets[j] || plan.offsets[j] + b[j].size <= plan.offsets[i];
}

} // namespace

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
    }
    // Offline plans may overlap buffers on purpose: only pairs with at least one planned buffer are checked.
    auto clash = [&](std::size_t i, std::size_t j) {
        if (b[i].fixedOffset >= 0 && b[j].fixedOffset >= 0)
            return false;
        if (apartInMemory(problem, plan, i, j))
            return false;
        if (conflict)
            *conflict = QStringLiteral("buffers %1 and %2 overlap in time and in memory")
                            .arg(std::min(i, j))
                            .arg(std::max(i, j));
        return true;
    };
    if (hasReversedLifetime(problem)) {
        for (std::size_t i = 0; i < b.size(); ++i) {
            for (std::size_t j = i + 1; j < b.size(); ++j) {
                if (b[i].overlapsInTime(b[j]) && b[i].size > 0 && b[j].size > 0 && clash(i, j))
                    return false;
            }
        }
        return true;
    }
    LifetimeIndex seen(problem);
    bool valid = true;
    for (std::size_t i = 0; i < b.size() && valid; ++i) {
        if (b[i].size == 0)
            continue;
        seen.forEachOverlapping(b[i], [&](int j) {
            if (valid && clash(static_cast<std::size_t>(j), i))
                valid = false;
        });
        seen.insert(static_cast<int>(i));
    }
    return valid;
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
    // The live set only grows at a buffer's first step, so those steps are the only candidates for the maximum. A
    // sweep over them in time order keeps the sum of the free buffers alive and the union of the fixed ones (which
    // may share bytes): liveFootprint() of the live set at every candidate step, in O(n log n) in all.
    // The arena also reaches at least the end of every fixed buffer.
    const auto& buffers = problem.buffers;
    std::vector<int> times;
    std::vector<int> live; // buffers with a lifetime (first <= last)
    std::vector<std::int64_t> fixedEnds;
    std::int64_t peak = 0;
    times.reserve(buffers.size());
    live.reserve(buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        const MemoryBuffer& b = buffers[i];
        times.push_back(b.first);
        if (b.fixedOffset >= 0)
            peak = std::max(peak, b.fixedOffset + b.size);
        if (b.first > b.last)
            continue; // alive at no step
        live.push_back(static_cast<int>(i));
        if (b.fixedOffset >= 0 && b.size > 0) {
            fixedEnds.push_back(b.fixedOffset);
            fixedEnds.push_back(b.fixedOffset + b.size);
        }
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    auto at = [&](int i) -> const MemoryBuffer& { return buffers[static_cast<std::size_t>(i)]; };
    std::vector<int> byFirst = live;
    std::sort(byFirst.begin(), byFirst.end(), [&](int x, int y) { return at(x).first < at(y).first; });
    std::vector<int> byLast = std::move(live);
    std::sort(byLast.begin(), byLast.end(), [&](int x, int y) { return at(x).last < at(y).last; });

    RangeUnion fixedUnion(std::move(fixedEnds));
    auto change = [&](const MemoryBuffer& b, int sign, std::int64_t& freeBytes) {
        if (b.fixedOffset >= 0)
            fixedUnion.add(b.fixedOffset, b.fixedOffset + b.size, sign);
        else
            freeBytes += sign * b.size;
    };
    std::int64_t freeBytes = 0;
    std::size_t entered = 0;
    std::size_t left = 0;
    for (int t : times) {
        for (; entered < byFirst.size() && at(byFirst[entered]).first <= t; ++entered)
            change(at(byFirst[entered]), +1, freeBytes);
        for (; left < byLast.size() && at(byLast[left]).last < t; ++left)
            change(at(byLast[left]), -1, freeBytes); // it entered before: first <= last < t
        peak = std::max(peak, freeBytes + fixedUnion.length());
    }
    return peak;
}

namespace {

struct Placed
{
    std::int64_t offset;
    std::int64_t end;
};

/** Lowest offset, or the smallest fitting gap, for a buffer of `size` among `busy` (sorted by offset here). The
 *  result depends only on the set of busy ranges, not on the order they come in. */
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

/** The placed buffers for any lifetimes: a list, every buffer checked against every buffer placed before it. */
class PlacedList
{
public:
    explicit PlacedList(const MemoryProblem& problem)
        : m_buffers(problem.buffers)
    {
    }
    void insert(int index) { m_placed.push_back(index); }
    template <typename Visit> void forEachOverlapping(const MemoryBuffer& b, Visit&& visit) const
    {
        for (int p : m_placed) {
            if (m_buffers[static_cast<std::size_t>(p)].overlapsInTime(b))
                visit(p);
        }
    }

private:
    const std::vector<MemoryBuffer>& m_buffers;
    std::vector<int> m_placed;
};

/** Places the buffers in the given order, each at the offset findOffset() picks among the placed buffers alive at
 *  the same time; PlacedSet finds those (PlacedList, or the LifetimeIndex). */
template <typename PlacedSet>
std::vector<std::int64_t> placeWith(const MemoryProblem& problem, const std::vector<int>& order, FitRule rule)
{
    const auto& buffers = problem.buffers;
    std::vector<std::int64_t> offsets(buffers.size(), -1);
    PlacedSet placed(problem);
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        if (buffers[i].fixedOffset >= 0) {
            offsets[i] = buffers[i].fixedOffset;
            if (buffers[i].size > 0)
                placed.insert(static_cast<int>(i));
        }
    }
    std::vector<Placed> busy;
    for (int idx : order) {
        const MemoryBuffer& b = buffers[static_cast<std::size_t>(idx)];
        if (b.fixedOffset >= 0 || offsets[static_cast<std::size_t>(idx)] >= 0)
            continue;
        busy.clear();
        placed.forEachOverlapping(b, [&](int p) {
            const std::int64_t offset = offsets[static_cast<std::size_t>(p)];
            busy.push_back({ offset, offset + buffers[static_cast<std::size_t>(p)].size });
        });
        offsets[static_cast<std::size_t>(idx)] = findOffset(busy, b.size, rule);
        if (b.size > 0) // a buffer of no bytes is in nobody's way
            placed.insert(idx);
    }
    return offsets;
}

} // namespace

std::vector<std::int64_t> placeInOrder(const MemoryProblem& problem, const std::vector<int>& order, FitRule rule)
{
    // Below a few dozen buffers the index costs more to build than it saves. Both give the same placement
    // (findOffset() sees the same set of busy ranges); the index meets only the placed buffers alive at the same
    // time: O(n log n + n k) for k such buffers instead of O(n^2).
    constexpr std::size_t kIndexFrom = 64;
    if (problem.buffers.size() < kIndexFrom || hasReversedLifetime(problem))
        return placeWith<PlacedList>(problem, order, rule);
    return placeWith<LifetimeIndex>(problem, order, rule);
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
    return planBest(problem, options, planTflmGreedy(problem), memoryLowerBound(problem));
}

MemoryPlan planBest(
    const MemoryProblem& problem, const BestPlannerOptions& options, const MemoryPlan& tflm, std::int64_t lower)
{
    MemoryPlan best = tflm;
    best.planner = QStringLiteral("best");
    best.provenOptimal = false;
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
