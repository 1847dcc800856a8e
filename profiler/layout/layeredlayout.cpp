// SPDX-License-Identifier: GPL-3.0-or-later
// The layered (Sugiyama-style) layout engine behind layoutGraph():
//   1. cycles: a depth-first search from the sources turns round the edges that close a cycle;
//   2. ranks: longest path from the sources, then "demotion": a node with fewer inputs than outputs moves down
//      (with the successors it would collide with) while that shortens the edges in total;
//   3. dummies: edges spanning several ranks get one bend point per crossed rank, shared by every long edge of the
//      same source (one column per producer, however many consumers);
//   4. order: depth-first initial order, then barycenter sweeps down and up, keeping the order with the fewest
//      (multiplicity-weighted) crossings, counted in O(E log V) with a Fenwick tree;
//   5. x: Brandes-Köpf (four median alignments, block compaction, balanced), with real-to-real alignments preferred
//      so that chains stay straight and long edges run beside them;
//   6. y per rank; routes are vertical inside a rank's band and straight across the gap between ranks.
#include "graphlayout.h"

#include <QElapsedTimer>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <limits>
#include <numeric>

namespace Profiler {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/** Compressed adjacency lists: the entries of v are items[start[v] .. start[v + 1]). */
struct Adjacency
{
    std::vector<int> start;
    std::vector<int> items;

    int begin(int v) const { return start[static_cast<std::size_t>(v)]; }
    int end(int v) const { return start[static_cast<std::size_t>(v) + 1]; }
    int size(int v) const { return end(v) - begin(v); }
};

/** Groups `values` by `keys` (counting sort, stable). */
Adjacency groupBy(int keyCount, const std::vector<int>& keys, const std::vector<int>& values)
{
    Adjacency a;
    a.start.assign(static_cast<std::size_t>(keyCount) + 1, 0);
    for (int k : keys)
        ++a.start[static_cast<std::size_t>(k) + 1];
    for (std::size_t i = 1; i < a.start.size(); ++i)
        a.start[i] += a.start[i - 1];
    a.items.resize(values.size());
    std::vector<int> fill(a.start.begin(), a.start.end() - 1);
    for (std::size_t i = 0; i < keys.size(); ++i)
        a.items[static_cast<std::size_t>(fill[static_cast<std::size_t>(keys[i])]++)] = values[i];
    return a;
}

template <typename T> T& at(std::vector<T>& v, int i)
{
    return v[static_cast<std::size_t>(i)];
}

template <typename T> const T& at(const std::vector<T>& v, int i)
{
    return v[static_cast<std::size_t>(i)];
}

/** Reports progress and answers cancellation without calling the callbacks too often. */
class Monitor
{
public:
    explicit Monitor(const Progress& progress)
        : m_progress(progress)
    { }
    void set(int permille)
    {
        if (permille != m_last) {
            m_last = permille;
            m_progress.set(permille);
        }
    }
    bool cancelled()
    {
        if (!m_cancelled)
            m_cancelled = m_progress.cancelled();
        return m_cancelled;
    }

private:
    const Progress& m_progress;
    int m_last = -1;
    bool m_cancelled = false;
};

// ---- 1 + 2: cycles and ranks ------------------------------------------------------------------------------------

struct Ranking
{
    std::vector<char> valid; ///< per input edge: both ends exist and it is no self-loop
    std::vector<char> reversed; ///< per input edge: turned round to break a cycle
    std::vector<int> upperOf; ///< per input edge: the end drawn above (from, or to when reversed)
    std::vector<int> lowerOf;
    std::vector<int> rank; ///< per node
    std::vector<int> component; ///< per node, numbered by their lowest node
    int reversedCount = 0;
};

int findRoot(std::vector<int>& parent, int v)
{
    while (at(parent, v) != v) {
        at(parent, v) = at(parent, at(parent, v));
        v = at(parent, v);
    }
    return v;
}

/** Moves `v` one rank down together with the successors it would collide with, if that shortens the edges. */
bool tryDemote(int v, const Adjacency& down, const Adjacency& up, std::vector<int>& rank, std::vector<int>& stamp,
    int mark, std::vector<int>& set)
{
    constexpr std::size_t setLimit = 64;
    set.clear();
    set.push_back(v);
    at(stamp, v) = mark;
    for (std::size_t i = 0; i < set.size(); ++i) {
        const int w = set[i];
        for (int k = down.begin(w); k < down.end(w); ++k) {
            const int s = at(down.items, k);
            if (at(rank, s) == at(rank, w) + 1 && at(stamp, s) != mark) {
                if (set.size() >= setLimit)
                    return false;
                at(stamp, s) = mark;
                set.push_back(s);
            }
        }
    }
    int delta = 0;
    for (int w : set) {
        for (int k = up.begin(w); k < up.end(w); ++k)
            delta += at(stamp, at(up.items, k)) != mark ? 1 : 0;
        for (int k = down.begin(w); k < down.end(w); ++k)
            delta -= at(stamp, at(down.items, k)) != mark ? 1 : 0;
    }
    if (delta >= 0)
        return false;
    for (int w : set)
        ++at(rank, w);
    return true;
}

Ranking rankNodes(const LayoutGraph& graph, int n, Monitor& monitor)
{
    Ranking r;
    const std::size_t edgeCount = graph.edges.size();
    r.valid.assign(edgeCount, 0);
    r.reversed.assign(edgeCount, 0);
    r.upperOf.assign(edgeCount, -1);
    r.lowerOf.assign(edgeCount, -1);
    std::vector<int> keys, values;
    keys.reserve(edgeCount);
    values.reserve(edgeCount);
    for (std::size_t e = 0; e < edgeCount; ++e) {
        const auto [from, to] = graph.edges[e];
        if (from < 0 || to < 0 || from >= n || to >= n || from == to)
            continue;
        r.valid[e] = 1;
        keys.push_back(from);
        values.push_back(to);
    }

    // Depth-first search from the sources (then from any node left, lowest first): the edges that close a cycle
    // (to a node still on the stack) are turned round. For a DNN with a loop that is the edge going back.
    std::vector<int> edgeIds(values.size());
    {
        std::size_t k = 0;
        for (std::size_t e = 0; e < edgeCount; ++e) {
            if (r.valid[e])
                edgeIds[k++] = static_cast<int>(e);
        }
    }
    const Adjacency out = groupBy(n, keys, edgeIds);
    std::vector<int> indegree(static_cast<std::size_t>(n), 0);
    for (int to : values)
        ++at(indegree, to);
    std::vector<char> state(static_cast<std::size_t>(n), 0); // 0 new, 1 on the stack, 2 done
    std::vector<std::pair<int, int>> stack; // (node, next out-edge)
    auto search = [&](int root) {
        at(state, root) = 1;
        stack.emplace_back(root, out.begin(root));
        while (!stack.empty()) {
            auto& [v, k] = stack.back();
            if (k == out.end(v)) {
                at(state, v) = 2;
                stack.pop_back();
                continue;
            }
            const int e = at(out.items, k++);
            const int w = graph.edges[static_cast<std::size_t>(e)].second;
            if (at(state, w) == 1) {
                r.reversed[static_cast<std::size_t>(e)] = 1;
                ++r.reversedCount;
            } else if (at(state, w) == 0) {
                at(state, w) = 1;
                stack.emplace_back(w, out.begin(w));
            }
        }
    };
    for (int v = 0; v < n; ++v) {
        if (at(indegree, v) == 0 && at(state, v) == 0)
            search(v);
    }
    for (int v = 0; v < n; ++v) {
        if (at(state, v) == 0)
            search(v);
    }

    keys.clear();
    values.clear();
    for (std::size_t e = 0; e < edgeCount; ++e) {
        if (!r.valid[e])
            continue;
        int a = graph.edges[e].first, b = graph.edges[e].second;
        if (r.reversed[e])
            std::swap(a, b);
        r.upperOf[e] = a;
        r.lowerOf[e] = b;
        keys.push_back(a);
        values.push_back(b);
    }
    const Adjacency down = groupBy(n, keys, values);
    const Adjacency up = groupBy(n, values, keys);

    // Topological order of the now acyclic graph.
    std::vector<int> order;
    order.reserve(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) {
        at(indegree, v) = up.size(v);
        if (at(indegree, v) == 0)
            order.push_back(v);
    }
    for (std::size_t head = 0; head < order.size(); ++head) {
        const int v = order[head];
        for (int k = down.begin(v); k < down.end(v); ++k) {
            if (--at(indegree, at(down.items, k)) == 0)
                order.push_back(at(down.items, k));
        }
    }

    // Longest path from the sources.
    r.rank.assign(static_cast<std::size_t>(n), 0);
    for (int v : order) {
        for (int k = down.begin(v); k < down.end(v); ++k) {
            const int w = at(down.items, k);
            at(r.rank, w) = std::max(at(r.rank, w), at(r.rank, v) + 1);
        }
    }
    monitor.set(60);

    // Demotion: pulls sources and fan-out nodes down next to their consumers.
    std::vector<int> stamp(static_cast<std::size_t>(n), 0);
    std::vector<int> set;
    int mark = 0;
    for (int pass = 0; pass < 8 && !monitor.cancelled(); ++pass) {
        bool changed = false;
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const int v = *it;
            if (up.size(v) >= down.size(v))
                continue;
            for (int tries = 0; tries < 64 && tryDemote(v, down, up, r.rank, stamp, ++mark, set); ++tries)
                changed = true;
        }
        if (!changed)
            break;
    }

    // Connected components, numbered by their lowest node; each starts at rank 0.
    std::vector<int> parent(static_cast<std::size_t>(n));
    std::iota(parent.begin(), parent.end(), 0);
    for (std::size_t e = 0; e < edgeCount; ++e) {
        if (!r.valid[e])
            continue;
        const int a = findRoot(parent, r.upperOf[e]), b = findRoot(parent, r.lowerOf[e]);
        if (a != b)
            at(parent, std::max(a, b)) = std::min(a, b);
    }
    r.component.assign(static_cast<std::size_t>(n), -1);
    std::vector<int> idOfRoot(static_cast<std::size_t>(n), -1);
    std::vector<int> minRank;
    for (int v = 0; v < n; ++v) {
        const int root = findRoot(parent, v);
        if (at(idOfRoot, root) < 0) {
            at(idOfRoot, root) = static_cast<int>(minRank.size());
            minRank.push_back(INT_MAX);
        }
        const int c = at(idOfRoot, root);
        at(r.component, v) = c;
        at(minRank, c) = std::min(at(minRank, c), at(r.rank, v));
    }
    for (int v = 0; v < n; ++v)
        at(r.rank, v) -= at(minRank, at(r.component, v));
    monitor.set(100);
    return r;
}

// ---- 3: the proper layered graph ------------------------------------------------------------------------------

/** Real nodes 0..realCount-1, then the dummies. Segments join items of neighbouring ranks. */
struct Layered
{
    int realCount = 0;
    int itemCount = 0;
    int rankCount = 0;
    std::vector<int> rank; ///< per item
    std::vector<int> component; ///< per item
    std::vector<double> width; ///< per item; 0 for dummies
    std::vector<int> trunk; ///< per real node: its first dummy, -1 if it has no long edge
    int spanLimit = INT_MAX; ///< edges spanning more ranks get no dummies (drawn straight; see dummyBudget)
    std::vector<int> segUpper, segLower; ///< per segment, sorted by (upper, lower), no duplicates
    std::vector<std::int64_t> segWeight; ///< number of input edges routed along the segment
    Adjacency down; ///< item -> segments below it
    Adjacency up; ///< item -> segments above it
    std::vector<std::vector<int>> layers; ///< items of each rank, left to right
    std::vector<int> pos; ///< per item: index in its layer

    bool isDummy(int v) const { return v >= realCount; }
    int dummyAt(int upper, int r) const { return at(trunk, upper) + (r - at(rank, upper) - 1); }
};

/** The longest span that still gets dummies when the shared columns of all sources may hold at most `budget`
 *  dummies in total. Only pathological graphs (thousands of edges spanning thousands of ranks) reach the budget. */
int spanLimitFor(const Adjacency& down, const std::vector<int>& rank, int n, std::int64_t budget)
{
    auto dummiesWith = [&](int limit) {
        std::int64_t total = 0;
        for (int s = 0; s < n; ++s) {
            int longest = 1;
            for (int k = down.begin(s); k < down.end(s); ++k) {
                const int span = at(rank, at(down.items, k)) - at(rank, s);
                if (span <= limit)
                    longest = std::max(longest, span);
            }
            total += longest - 1;
        }
        return total;
    };
    if (dummiesWith(INT_MAX) <= budget)
        return INT_MAX;
    int lo = 1, hi = *std::max_element(rank.begin(), rank.end()); // dummiesWith(lo) fits, dummiesWith(hi) does not
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        (dummiesWith(mid) <= budget ? lo : hi) = mid;
    }
    return lo;
}

Layered buildLayered(const LayoutGraph& graph, const Ranking& ranking, int n)
{
    Layered L;
    L.realCount = n;
    L.rank = ranking.rank;
    L.component = ranking.component;
    L.width.resize(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) {
        const double w = graph.nodeSizes[static_cast<std::size_t>(v)].width();
        at(L.width, v) = std::isfinite(w) && w > 0 ? w : 0;
    }
    L.trunk.assign(static_cast<std::size_t>(n), -1);

    std::vector<int> keys, values;
    for (std::size_t e = 0; e < ranking.valid.size(); ++e) {
        if (ranking.valid[e]) {
            keys.push_back(ranking.upperOf[e]);
            values.push_back(ranking.lowerOf[e]);
        }
    }
    const Adjacency down = groupBy(n, keys, values);
    const std::int64_t dummyBudget
        = 1000000 + 10 * (static_cast<std::int64_t>(n) + static_cast<std::int64_t>(values.size()));
    L.spanLimit = spanLimitFor(down, L.rank, n, dummyBudget);

    std::vector<int> upper, lower;
    std::vector<std::int64_t> weight;
    upper.reserve(values.size() * 2);
    lower.reserve(values.size() * 2);
    weight.reserve(values.size() * 2);
    auto addSegment = [&](int a, int b, std::int64_t w) {
        upper.push_back(a);
        lower.push_back(b);
        weight.push_back(w);
    };
    std::vector<std::pair<int, int>> longEdges; // (span, lower)
    int next = n;
    for (int s = 0; s < n; ++s) {
        longEdges.clear();
        const int rs = at(L.rank, s);
        for (int k = down.begin(s); k < down.end(s); ++k) {
            const int t = at(down.items, k);
            const int span = at(L.rank, t) - rs;
            if (span == 1)
                addSegment(s, t, 1);
            else if (span <= L.spanLimit)
                longEdges.emplace_back(span, t);
        }
        if (longEdges.empty())
            continue;
        std::sort(longEdges.begin(), longEdges.end());
        const int length = longEdges.back().first - 1;
        L.trunk[static_cast<std::size_t>(s)] = next;
        for (int k = 0; k < length; ++k) {
            L.rank.push_back(rs + 1 + k);
            L.component.push_back(at(L.component, s));
            L.width.push_back(0);
        }
        addSegment(s, next, static_cast<std::int64_t>(longEdges.size()));
        std::size_t ended = 0; // long edges that have left the trunk above the current dummy
        for (int k = 0; k + 1 < length; ++k) {
            // Segment from dummy k (rank rs+1+k) to dummy k+1: used by edges with span >= k+3.
            while (ended < longEdges.size() && longEdges[ended].first < k + 3)
                ++ended;
            addSegment(next + k, next + k + 1, static_cast<std::int64_t>(longEdges.size() - ended));
        }
        for (const auto& [span, t] : longEdges)
            addSegment(next + span - 2, t, 1);
        next += length;
    }
    L.itemCount = next;
    L.rankCount = 0;
    for (int r : L.rank)
        L.rankCount = std::max(L.rankCount, r + 1);

    // Sort the segments by (upper, lower) and merge duplicates (parallel edges).
    std::vector<int> ids(upper.size());
    std::iota(ids.begin(), ids.end(), 0);
    Adjacency byUpper = groupBy(next, upper, ids);
    for (int v = 0; v < next; ++v) {
        const auto b = byUpper.items.begin() + byUpper.begin(v), e = byUpper.items.begin() + byUpper.end(v);
        if (e - b > 1)
            std::sort(b, e, [&](int x, int y) { return at(lower, x) < at(lower, y); });
    }
    for (int id : byUpper.items) {
        if (!L.segUpper.empty() && L.segUpper.back() == at(upper, id) && L.segLower.back() == at(lower, id)) {
            L.segWeight.back() += at(weight, id);
            continue;
        }
        L.segUpper.push_back(at(upper, id));
        L.segLower.push_back(at(lower, id));
        L.segWeight.push_back(at(weight, id));
    }
    std::vector<int> segIds(L.segUpper.size());
    std::iota(segIds.begin(), segIds.end(), 0);
    L.down = groupBy(next, L.segUpper, segIds);
    L.up = groupBy(next, L.segLower, segIds);
    return L;
}

// ---- 4: order within ranks --------------------------------------------------------------------------------------

/** Depth-first from the real nodes sorted by (component, rank, index): a tree comes out without crossings. */
void initialOrder(Layered& L)
{
    std::vector<int> starts(static_cast<std::size_t>(L.realCount));
    std::iota(starts.begin(), starts.end(), 0);
    std::stable_sort(starts.begin(), starts.end(), [&](int a, int b) {
        if (at(L.component, a) != at(L.component, b))
            return at(L.component, a) < at(L.component, b);
        return at(L.rank, a) < at(L.rank, b);
    });
    L.layers.assign(static_cast<std::size_t>(L.rankCount), {});
    L.pos.assign(static_cast<std::size_t>(L.itemCount), -1);
    std::vector<std::pair<int, int>> stack; // (item, next segment to follow)
    auto visit = [&](int v) {
        auto& layer = at(L.layers, at(L.rank, v));
        at(L.pos, v) = static_cast<int>(layer.size());
        layer.push_back(v);
        stack.emplace_back(v, L.down.begin(v));
    };
    for (int s : starts) {
        if (at(L.pos, s) >= 0)
            continue;
        visit(s);
        while (!stack.empty()) {
            auto& [v, k] = stack.back();
            if (k == L.down.end(v)) {
                stack.pop_back();
                continue;
            }
            const int w = at(L.segLower, at(L.down.items, k++));
            if (at(L.pos, w) < 0)
                visit(w);
        }
    }
}

/** Counts crossings between neighbouring ranks; a pair of segments counts weight(a) * weight(b). */
class CrossingCounter
{
public:
    std::int64_t count(const Layered& L, int r)
    {
        // Segments from rank r to r + 1, in the order of their upper end, then of their lower end.
        const auto& layer = at(L.layers, r);
        const auto& below = at(L.layers, r + 1);
        m_tree.assign(below.size() + 1, 0);
        std::int64_t total = 0, inserted = 0;
        for (int v : layer) {
            m_lower.clear();
            for (int k = L.down.begin(v); k < L.down.end(v); ++k) {
                const int s = at(L.down.items, k);
                m_lower.emplace_back(at(L.pos, at(L.segLower, s)), at(L.segWeight, s));
            }
            if (m_lower.size() > 1)
                std::sort(m_lower.begin(), m_lower.end());
            for (const auto& [p, w] : m_lower) {
                // Weight already inserted with a lower end strictly to the right of p.
                std::int64_t atOrLeft = 0;
                for (int i = p + 1; i > 0; i -= i & -i)
                    atOrLeft += m_tree[static_cast<std::size_t>(i)];
                total += w * (inserted - atOrLeft);
                for (int i = p + 1; i < static_cast<int>(m_tree.size()); i += i & -i)
                    m_tree[static_cast<std::size_t>(i)] += w;
                inserted += w;
            }
        }
        return total;
    }
    std::int64_t countAll(const Layered& L)
    {
        std::int64_t total = 0;
        for (int r = 0; r + 1 < L.rankCount; ++r)
            total += count(L, r);
        return total;
    }

private:
    std::vector<std::int64_t> m_tree;
    std::vector<std::pair<int, std::int64_t>> m_lower;
};

/** Reorders one layer by the weighted barycenter of its neighbours in the layer above (fromAbove) or below. Items
 *  without such neighbours keep their place; components stay grouped. */
class LayerSorter
{
public:
    void sort(Layered& L, int r, bool fromAbove, bool biasRight)
    {
        auto& layer = at(L.layers, r);
        m_keys.clear();
        m_fixed.assign(layer.size(), 0);
        const Adjacency& adj = fromAbove ? L.up : L.down;
        const std::vector<int>& other = fromAbove ? L.segUpper : L.segLower;
        for (std::size_t i = 0; i < layer.size(); ++i) {
            const int v = layer[i];
            double sum = 0, weights = 0;
            for (int k = adj.begin(v); k < adj.end(v); ++k) {
                const int s = at(adj.items, k);
                const auto w = static_cast<double>(at(L.segWeight, s));
                sum += w * at(L.pos, at(other, s));
                weights += w;
            }
            if (weights > 0)
                m_keys.push_back({ at(L.component, v), sum / weights, static_cast<int>(i), v });
            else
                m_fixed[i] = 1;
        }
        std::sort(m_keys.begin(), m_keys.end(), [biasRight](const Key& a, const Key& b) {
            if (a.component != b.component)
                return a.component < b.component;
            if (a.key != b.key)
                return a.key < b.key;
            return biasRight ? a.index > b.index : a.index < b.index;
        });
        std::size_t next = 0;
        for (std::size_t i = 0; i < layer.size(); ++i) {
            if (!m_fixed[i])
                layer[i] = m_keys[next++].item;
            at(L.pos, layer[i]) = static_cast<int>(i);
        }
    }

private:
    struct Key
    {
        int component;
        double key;
        int index;
        int item;
    };
    std::vector<Key> m_keys;
    std::vector<char> m_fixed;
};

/** Sweeps down and up `sweeps` times; keeps the best order seen. Returns its crossings. */
std::int64_t reduceCrossings(Layered& L, int sweeps, Monitor& monitor, int from, int to)
{
    CrossingCounter counter;
    LayerSorter sorter;
    std::int64_t best = counter.countAll(L);
    std::vector<std::vector<int>> bestLayers = L.layers;
    const int steps = std::max(1, 2 * sweeps);
    for (int step = 0; step < 2 * sweeps && best > 0; ++step) {
        if (monitor.cancelled())
            break;
        const bool downward = step % 2 == 0;
        const bool biasRight = (step / 2) % 2 == 1;
        if (downward) {
            for (int r = 1; r < L.rankCount; ++r)
                sorter.sort(L, r, true, biasRight);
        } else {
            for (int r = L.rankCount - 2; r >= 0; --r)
                sorter.sort(L, r, false, biasRight);
        }
        const std::int64_t crossings = counter.countAll(L);
        if (crossings < best) {
            best = crossings;
            bestLayers = L.layers;
        }
        monitor.set(from + (to - from) * (step + 1) / steps);
    }
    L.layers = std::move(bestLayers);
    for (const auto& layer : L.layers) {
        for (std::size_t i = 0; i < layer.size(); ++i)
            at(L.pos, layer[i]) = static_cast<int>(i);
    }
    return best;
}

// ---- 5: x coordinates (Brandes-Köpf) ----------------------------------------------------------------------------

class Coordinates
{
public:
    Coordinates(const Layered& L, double nodeGap)
        : m_L(L)
        , m_nodeGap(nodeGap)
        , m_edgeGap(nodeGap / 2)
    {
        // Neighbour lists sorted by position, for the medians.
        m_upSorted = L.up;
        m_downSorted = L.down;
        for (int v = 0; v < L.itemCount; ++v) {
            sortRange(m_upSorted, v, L.segUpper);
            sortRange(m_downSorted, v, L.segLower);
        }
        markConflicts();
    }

    /** Separation between the centres of two neighbours of a rank. */
    double separation(int a, int b) const
    {
        const double gapA = m_L.isDummy(a) ? m_edgeGap : m_nodeGap;
        const double gapB = m_L.isDummy(b) ? m_edgeGap : m_nodeGap;
        return (at(m_L.width, a) + at(m_L.width, b)) / 2 + (gapA + gapB) / 2;
    }

    /** One of the four alignments with its compaction; empty if the block graph had a cycle (cannot happen). */
    std::vector<double> pass(bool alignUp, bool leftToRight) const
    {
        const Layered& L = m_L;
        const int N = L.itemCount;
        std::vector<int> root(static_cast<std::size_t>(N));
        std::iota(root.begin(), root.end(), 0);
        std::vector<char> aligned(static_cast<std::size_t>(N), 0);
        const Adjacency& nb = alignUp ? m_upSorted : m_downSorted;
        const std::vector<int>& other = alignUp ? L.segUpper : L.segLower;
        for (int step = 1; step < L.rankCount; ++step) {
            const int r = alignUp ? step : L.rankCount - 1 - step;
            const auto& layer = at(L.layers, r);
            const int size = static_cast<int>(layer.size());
            int limit = leftToRight ? -1 : INT_MAX;
            for (int j = 0; j < size; ++j) {
                const int v = layer[static_cast<std::size_t>(leftToRight ? j : size - 1 - j)];
                const int d = nb.size(v);
                if (d == 0)
                    continue;
                const int m1 = nb.begin(v) + (d - 1) / 2, m2 = nb.begin(v) + d / 2;
                const int medians[2] = { leftToRight ? m1 : m2, leftToRight ? m2 : m1 };
                for (int m : medians) {
                    if (at(aligned, v))
                        break;
                    const int s = at(nb.items, m);
                    if (at(m_marked, s))
                        continue;
                    const int u = at(other, s);
                    const int p = at(L.pos, u);
                    if (leftToRight ? limit < p : limit > p) {
                        at(root, v) = at(root, u);
                        at(aligned, v) = 1;
                        limit = p;
                    }
                }
            }
        }

        // Block graph: an edge from the block of each item to the block of its neighbour in scan direction.
        std::vector<int> from, ids;
        std::vector<double> weights;
        std::vector<int> to;
        for (const auto& layer : L.layers) {
            for (std::size_t i = 0; i + 1 < layer.size(); ++i) {
                const int a = layer[i], b = layer[i + 1];
                if (at(L.component, a) != at(L.component, b))
                    continue;
                from.push_back(at(root, leftToRight ? a : b));
                to.push_back(at(root, leftToRight ? b : a));
                weights.push_back(separation(a, b));
            }
        }
        ids.resize(from.size());
        std::iota(ids.begin(), ids.end(), 0);
        const Adjacency blockOut = groupBy(N, from, ids);
        std::vector<int> indegree(static_cast<std::size_t>(N), 0);
        for (int t : to)
            ++at(indegree, t);
        std::vector<int> order;
        for (int v = 0; v < N; ++v) {
            if (at(root, v) == v && at(indegree, v) == 0)
                order.push_back(v);
        }
        for (std::size_t i = 0; i < order.size(); ++i) {
            const int v = order[i];
            for (int k = blockOut.begin(v); k < blockOut.end(v); ++k) {
                const int t = at(to, at(blockOut.items, k));
                if (--at(indegree, t) == 0)
                    order.push_back(t);
            }
        }
        std::size_t roots = 0;
        for (int v = 0; v < N; ++v)
            roots += at(root, v) == v ? 1 : 0;
        if (order.size() != roots)
            return {};

        // Leftmost positions by longest path, then blocks with slack move towards their right neighbours.
        std::vector<double> xs(static_cast<std::size_t>(N), 0);
        for (int v : order) {
            for (int k = blockOut.begin(v); k < blockOut.end(v); ++k) {
                const int e = at(blockOut.items, k);
                at(xs, at(to, e)) = std::max(at(xs, at(to, e)), at(xs, v) + at(weights, e));
            }
        }
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const int v = *it;
            if (blockOut.size(v) == 0)
                continue;
            double limitX = kInf;
            for (int k = blockOut.begin(v); k < blockOut.end(v); ++k) {
                const int e = at(blockOut.items, k);
                limitX = std::min(limitX, at(xs, at(to, e)) - at(weights, e));
            }
            at(xs, v) = std::max(at(xs, v), limitX);
        }
        std::vector<double> x(static_cast<std::size_t>(N));
        for (int v = 0; v < N; ++v)
            at(x, v) = leftToRight ? at(xs, at(root, v)) : -at(xs, at(root, v));
        return x;
    }

    /** Combines the four alignments per component: aligned to the narrowest, then the mean of the two medians. */
    std::vector<double> balance(const std::vector<std::vector<double>>& xs, int components) const
    {
        const Layered& L = m_L;
        const int N = L.itemCount;
        const std::size_t C = static_cast<std::size_t>(components);
        std::vector<std::array<double, 4>> lo(C), hi(C);
        for (std::size_t c = 0; c < C; ++c) {
            lo[c].fill(kInf);
            hi[c].fill(-kInf);
        }
        for (int v = 0; v < N; ++v) {
            const auto c = static_cast<std::size_t>(at(L.component, v));
            const double half = at(L.width, v) / 2;
            for (std::size_t k = 0; k < 4; ++k) {
                lo[c][k] = std::min(lo[c][k], at(xs[k], v) - half);
                hi[c][k] = std::max(hi[c][k], at(xs[k], v) + half);
            }
        }
        std::vector<std::array<double, 4>> shift(C);
        for (std::size_t c = 0; c < C; ++c) {
            std::size_t narrowest = 0;
            for (std::size_t k = 1; k < 4; ++k) {
                if (hi[c][k] - lo[c][k] < hi[c][narrowest] - lo[c][narrowest])
                    narrowest = k;
            }
            for (std::size_t k = 0; k < 4; ++k) {
                const bool leftAligned = k % 2 == 0;
                shift[c][k] = leftAligned ? lo[c][narrowest] - lo[c][k] : hi[c][narrowest] - hi[c][k];
            }
        }
        std::vector<double> x(static_cast<std::size_t>(N));
        for (int v = 0; v < N; ++v) {
            const auto c = static_cast<std::size_t>(at(L.component, v));
            std::array<double, 4> values {};
            for (std::size_t k = 0; k < 4; ++k)
                values[k] = at(xs[k], v) + shift[c][k];
            std::sort(values.begin(), values.end());
            at(x, v) = (values[1] + values[2]) / 2;
        }
        return x;
    }

private:
    void sortRange(Adjacency& adj, int v, const std::vector<int>& other) const
    {
        const auto b = adj.items.begin() + adj.begin(v), e = adj.items.begin() + adj.end(v);
        if (e - b > 1)
            std::sort(b, e, [&](int s, int t) { return at(m_L.pos, at(other, s)) < at(m_L.pos, at(other, t)); });
    }

    bool hasRealNeighbour(const Adjacency& adj, int v, const std::vector<int>& other) const
    {
        for (int k = adj.begin(v); k < adj.end(v); ++k) {
            if (!m_L.isDummy(at(other, at(adj.items, k))))
                return true;
        }
        return false;
    }

    /** Segments no alignment may use: those crossing a segment between two dummies (Brandes-Köpf type 1), and
     *  those joining a real node to a dummy when the real node has a real neighbour on that side (keeps chains
     *  straight; the long edge bends instead). */
    void markConflicts()
    {
        const Layered& L = m_L;
        m_marked.assign(L.segUpper.size(), 0);
        for (std::size_t s = 0; s < L.segUpper.size(); ++s) {
            const int u = L.segUpper[s], v = L.segLower[s];
            if (!L.isDummy(u) && L.isDummy(v) && hasRealNeighbour(L.down, u, L.segLower))
                m_marked[s] = 1;
            if (L.isDummy(u) && !L.isDummy(v) && hasRealNeighbour(L.up, v, L.segUpper))
                m_marked[s] = 1;
        }
        for (int r = 0; r + 1 < L.rankCount; ++r) {
            const auto& lowerLayer = at(L.layers, r + 1);
            const int upperSize = static_cast<int>(at(L.layers, r).size());
            int k0 = 0;
            std::size_t scan = 0;
            for (std::size_t l1 = 0; l1 < lowerLayer.size(); ++l1) {
                const int v = lowerLayer[l1];
                int innerUpper = -1;
                if (L.isDummy(v)) {
                    for (int k = L.up.begin(v); k < L.up.end(v); ++k) {
                        const int u = at(L.segUpper, at(L.up.items, k));
                        if (L.isDummy(u))
                            innerUpper = u;
                    }
                }
                if (l1 + 1 != lowerLayer.size() && innerUpper < 0)
                    continue;
                const int k1 = innerUpper >= 0 ? at(L.pos, innerUpper) : upperSize - 1;
                for (; scan <= l1; ++scan) {
                    const int w = lowerLayer[scan];
                    for (int k = L.up.begin(w); k < L.up.end(w); ++k) {
                        const int s = at(L.up.items, k);
                        const int u = at(L.segUpper, s);
                        const bool inner = L.isDummy(u) && L.isDummy(w);
                        const int p = at(L.pos, u);
                        if (!inner && (p < k0 || p > k1))
                            at(m_marked, s) = 1;
                    }
                }
                k0 = k1;
            }
        }
    }

    const Layered& m_L;
    double m_nodeGap;
    double m_edgeGap;
    Adjacency m_upSorted;
    Adjacency m_downSorted;
    std::vector<char> m_marked;
};

/** Fallback for cancellation: items side by side in their order. */
std::vector<double> packedCoordinates(const Layered& L, double nodeGap)
{
    std::vector<double> x(static_cast<std::size_t>(L.itemCount), 0);
    for (const auto& layer : L.layers) {
        double cursor = 0;
        for (int v : layer) {
            at(x, v) = cursor + at(L.width, v) / 2;
            cursor += at(L.width, v) + (L.isDummy(v) ? nodeGap / 2 : nodeGap);
        }
    }
    return x;
}

/** Places the components side by side, in the order of their lowest node. */
void packComponents(const Layered& L, std::vector<double>& x, int components, double gap)
{
    const std::size_t C = static_cast<std::size_t>(components);
    std::vector<double> lo(C, kInf), hi(C, -kInf);
    for (int v = 0; v < L.itemCount; ++v) {
        const auto c = static_cast<std::size_t>(at(L.component, v));
        lo[c] = std::min(lo[c], at(x, v) - at(L.width, v) / 2);
        hi[c] = std::max(hi[c], at(x, v) + at(L.width, v) / 2);
    }
    std::vector<double> shift(C, 0);
    double cursor = 0;
    for (std::size_t c = 0; c < C; ++c) {
        if (!(lo[c] <= hi[c]))
            continue;
        shift[c] = cursor - lo[c];
        cursor += hi[c] - lo[c] + gap;
    }
    for (int v = 0; v < L.itemCount; ++v)
        at(x, v) += shift[static_cast<std::size_t>(at(L.component, v))];
}

// ---- 6: routes --------------------------------------------------------------------------------------------------

/** Appends a point, dropping the middle one of three on the same vertical line. */
void addPoint(std::vector<QPointF>& points, QPointF p)
{
    const std::size_t n = points.size();
    if (n >= 2 && points[n - 1].x() == p.x() && points[n - 2].x() == p.x())
        points[n - 1] = p;
    else
        points.push_back(p);
}

} // namespace

GraphLayout layoutGraph(const LayoutGraph& graph, const LayoutOptions& options, const Progress& progress)
{
    QElapsedTimer timer;
    timer.start();
    Monitor monitor(progress);
    monitor.set(0);
    GraphLayout out;
    const int n = static_cast<int>(graph.nodeSizes.size());
    out.edges.resize(graph.edges.size());
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        out.edges[e].from = graph.edges[e].first;
        out.edges[e].to = graph.edges[e].second;
    }
    if (n == 0) {
        out.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        monitor.set(1000);
        return out;
    }
    const double nodeGap = std::isfinite(options.nodeGap) ? std::max(1.0, options.nodeGap) : 24.0;
    const double rankGap = std::isfinite(options.rankGap) ? std::max(1.0, options.rankGap) : 48.0;

    const Ranking ranking = rankNodes(graph, n, monitor);
    const int components
        = ranking.component.empty() ? 0 : *std::max_element(ranking.component.begin(), ranking.component.end()) + 1;
    Layered L = buildLayered(graph, ranking, n);
    monitor.set(150);
    initialOrder(L);
    monitor.set(200);
    out.crossings = reduceCrossings(L, std::max(0, options.orderingSweeps), monitor, 200, 750);

    std::vector<double> x;
    if (!monitor.cancelled()) {
        const Coordinates coordinates(L, nodeGap);
        std::vector<std::vector<double>> passes;
        for (int k = 0; k < 4 && !monitor.cancelled(); ++k) {
            // k: 0 up-left, 1 up-right, 2 down-left, 3 down-right (balance() relies on even = left).
            passes.push_back(coordinates.pass(k < 2, k % 2 == 0));
            if (passes.back().empty())
                break;
            monitor.set(750 + 50 * (k + 1));
        }
        if (passes.size() == 4 && !passes.back().empty())
            x = coordinates.balance(passes, components);
    }
    if (x.empty()) {
        out.cancelled = monitor.cancelled();
        x = packedCoordinates(L, nodeGap);
    }
    packComponents(L, x, components, 2 * nodeGap);

    // y: each rank is a band as tall as its tallest node; nodes are centred in their band.
    std::vector<double> bandTop(static_cast<std::size_t>(L.rankCount), 0),
        bandHeight(static_cast<std::size_t>(L.rankCount), 0);
    auto heightOf = [&](int v) {
        const double h = graph.nodeSizes[static_cast<std::size_t>(v)].height();
        return std::isfinite(h) && h > 0 ? h : 0.0;
    };
    for (int v = 0; v < n; ++v)
        at(bandHeight, at(L.rank, v)) = std::max(at(bandHeight, at(L.rank, v)), heightOf(v));
    for (int r = 1; r < L.rankCount; ++r)
        at(bandTop, r) = at(bandTop, r - 1) + at(bandHeight, r - 1) + rankGap;

    out.nodes.resize(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) {
        LayoutNode& node = at(out.nodes, v);
        node.rank = at(L.rank, v);
        node.width = at(L.width, v);
        node.height = heightOf(v);
        node.x = at(x, v) - node.width / 2;
        node.y = at(bandTop, node.rank) + (at(bandHeight, node.rank) - node.height) / 2;
    }

    const double loop = std::min(nodeGap, rankGap) / 3;
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        LayoutEdge& edge = out.edges[e];
        if (!ranking.valid[e]) {
            if (edge.from >= 0 && edge.from < n && edge.from == edge.to) {
                const LayoutNode& node = at(out.nodes, edge.from);
                const double cx = node.x + node.width / 2, right = node.x + node.width + loop;
                const double bottom = node.y + node.height, top = node.y;
                edge.points = { { cx, bottom }, { cx, bottom + loop }, { right, bottom + loop }, { right, top - loop },
                    { cx, top - loop }, { cx, top } };
            }
            continue;
        }
        const int a = ranking.upperOf[e], b = ranking.lowerOf[e];
        const LayoutNode& upper = at(out.nodes, a);
        const LayoutNode& lower = at(out.nodes, b);
        const int ra = upper.rank, rb = lower.rank;
        std::vector<QPointF>& pts = edge.points;
        pts.reserve(4);
        const double ax = at(x, a), bx = at(x, b);
        pts.emplace_back(ax, upper.y + upper.height);
        if (rb - ra > L.spanLimit) {
            ++out.straightEdges;
            pts.emplace_back(bx, lower.y);
            if (ranking.reversed[e])
                std::reverse(pts.begin(), pts.end());
            continue;
        }
        addPoint(pts, { ax, at(bandTop, ra) + at(bandHeight, ra) });
        for (int r = ra + 1; r < rb; ++r) {
            const double dx = at(x, L.dummyAt(a, r));
            addPoint(pts, { dx, at(bandTop, r) });
            addPoint(pts, { dx, at(bandTop, r) + at(bandHeight, r) });
        }
        addPoint(pts, { bx, at(bandTop, rb) });
        addPoint(pts, { bx, lower.y });
        // Zero-length steps (a node as tall as its band) are dropped.
        pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
        if (pts.size() == 1)
            pts.push_back(pts.front());
        if (ranking.reversed[e])
            std::reverse(pts.begin(), pts.end());
        pts.shrink_to_fit();
    }

    double left = kInf, top = kInf, right = -kInf, bottom = -kInf;
    for (const LayoutNode& node : out.nodes) {
        left = std::min(left, node.x);
        top = std::min(top, node.y);
        right = std::max(right, node.x + node.width);
        bottom = std::max(bottom, node.y + node.height);
    }
    for (const LayoutEdge& edge : out.edges) {
        for (const QPointF& p : edge.points) {
            left = std::min(left, p.x());
            top = std::min(top, p.y());
            right = std::max(right, p.x());
            bottom = std::max(bottom, p.y());
        }
    }
    out.bounds = QRectF(QPointF(left, top), QPointF(right, bottom));
    out.rankCount = L.rankCount;
    out.dummyCount = L.itemCount - L.realCount;
    out.reversedEdges = ranking.reversedCount;
    monitor.set(1000);
    out.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return out;
}

} // namespace Profiler
