// SPDX-License-Identifier: GPL-3.0-or-later
#include "reorder.h"

#include "memory/arenamodel.h"

#include <QElapsedTimer>

#include <algorithm>
#include <numeric>
#include <queue>

namespace Profiler {

namespace {

/** The dataflow of one subgraph reduced to what the memory peak depends on. */
struct Dataflow
{
    struct Op
    {
        std::vector<int> preds; ///< operators that must run before this one
        std::vector<int> inputs; ///< distinct arena tensors it reads
        std::vector<int> outputs; ///< arena tensors it writes
        std::int64_t scratch = 0; ///< kernel scratch while it runs
        std::int64_t outputBytes = 0;
    };
    struct Buffer
    {
        std::int64_t size = 0;
        int producer = -1; ///< -1: live from the start (subgraph input, or never written)
        std::vector<int> consumers; ///< distinct operators that read it
        bool keep = false; ///< a subgraph output: live to the end
    };
    std::vector<Op> ops;
    std::vector<Buffer> buffers;
    std::int64_t initial = 0; ///< live bytes before the first operator
};

Dataflow buildDataflow(const Subgraph& sg, int alignment)
{
    Dataflow df;
    const std::size_t n = sg.operators.size();
    df.ops.resize(n);
    std::vector<int> bufferOf(sg.tensors.size(), -1);
    for (std::size_t t = 0; t < sg.tensors.size(); ++t) {
        if (tensorInArenaHead(sg.tensors[t])) {
            bufferOf[t] = static_cast<int>(df.buffers.size());
            df.buffers.push_back({ alignUp(tensorArenaBytes(sg.tensors[t]), alignment), -1, {}, false });
        }
    }
    for (int t : sg.outputs) {
        if (bufferOf[static_cast<std::size_t>(t)] >= 0)
            df.buffers[static_cast<std::size_t>(bufferOf[static_cast<std::size_t>(t)])].keep = true;
    }
    std::vector<int> lastWriter(sg.tensors.size(), -1);
    int lastStateful = -1;
    for (std::size_t k = 0; k < n; ++k) {
        const Operator& op = sg.operators[k];
        Dataflow::Op& node = df.ops[k];
        for (int t : op.outputs) {
            lastWriter[static_cast<std::size_t>(t)] = static_cast<int>(k);
            const int b = bufferOf[static_cast<std::size_t>(t)];
            if (b >= 0 && std::find(node.outputs.begin(), node.outputs.end(), b) == node.outputs.end()) {
                node.outputs.push_back(b);
                node.outputBytes += df.buffers[static_cast<std::size_t>(b)].size;
                if (df.buffers[static_cast<std::size_t>(b)].producer < 0)
                    df.buffers[static_cast<std::size_t>(b)].producer = static_cast<int>(k);
            }
        }
        for (const ScratchRequest& r : scratchRequests(op, sg))
            node.scratch += alignUp(r.bytes, alignment);
    }
    for (std::size_t k = 0; k < n; ++k) {
        const Operator& op = sg.operators[k];
        Dataflow::Op& node = df.ops[k];
        bool stateful = op.type == QLatin1String("IF") || op.type == QLatin1String("WHILE")
            || op.type == QLatin1String("CALL_ONCE") || op.type == QLatin1String("CALL");
        for (int t : op.inputs) {
            if (t < 0)
                continue;
            const Tensor& tensor = sg.tensors[static_cast<std::size_t>(t)];
            stateful = stateful || tensor.isVariable || tensor.type == DataType::Resource;
            const int writer = lastWriter[static_cast<std::size_t>(t)];
            if (writer >= 0 && writer != static_cast<int>(k))
                node.preds.push_back(writer);
            const int b = bufferOf[static_cast<std::size_t>(t)];
            if (b >= 0 && std::find(node.inputs.begin(), node.inputs.end(), b) == node.inputs.end()) {
                node.inputs.push_back(b);
                df.buffers[static_cast<std::size_t>(b)].consumers.push_back(static_cast<int>(k));
            }
        }
        for (int t : op.outputs)
            stateful = stateful || sg.tensors[static_cast<std::size_t>(t)].type == DataType::Resource;
        // Operators with side effects on state keep their relative order.
        if (stateful) {
            if (lastStateful >= 0)
                node.preds.push_back(lastStateful);
            lastStateful = static_cast<int>(k);
        }
        std::sort(node.preds.begin(), node.preds.end());
        node.preds.erase(std::unique(node.preds.begin(), node.preds.end()), node.preds.end());
    }
    for (const Dataflow::Buffer& b : df.buffers) {
        // live from the start: inputs and tensors nothing writes, if anything reads them or they are outputs
        if (b.producer < 0 && (!b.consumers.empty() || b.keep))
            df.initial += b.size;
    }
    return df;
}

/** Live-byte bookkeeping while operators run one by one. */
class Simulation
{
public:
    explicit Simulation(const Dataflow& df)
        : m_df(df)
        , m_pending(df.buffers.size())
    {
        for (std::size_t b = 0; b < df.buffers.size(); ++b)
            m_pending[b] = static_cast<int>(df.buffers[b].consumers.size());
        m_live = df.initial;
        m_peak = df.initial;
    }

    /** Bytes in use while `op` runs, given what ran before. */
    std::int64_t during(int op) const
    {
        const auto& node = m_df.ops[static_cast<std::size_t>(op)];
        return m_live + node.outputBytes + node.scratch;
    }

    /** Bytes `op` frees when it finishes (inputs read for the last time, outputs nobody reads). */
    std::int64_t freed(int op) const
    {
        std::int64_t bytes = 0;
        const auto& node = m_df.ops[static_cast<std::size_t>(op)];
        for (int b : node.inputs) {
            const auto& buf = m_df.buffers[static_cast<std::size_t>(b)];
            if (!buf.keep && m_pending[static_cast<std::size_t>(b)] == 1)
                bytes += buf.size;
        }
        for (int b : node.outputs) {
            const auto& buf = m_df.buffers[static_cast<std::size_t>(b)];
            if (!buf.keep && buf.consumers.empty())
                bytes += buf.size;
        }
        return bytes;
    }

    void run(int op)
    {
        m_peak = std::max(m_peak, during(op));
        const std::int64_t released = freed(op);
        m_live += m_df.ops[static_cast<std::size_t>(op)].outputBytes - released;
        for (int b : m_df.ops[static_cast<std::size_t>(op)].inputs)
            --m_pending[static_cast<std::size_t>(b)];
    }

    std::int64_t peak() const { return m_peak; }

private:
    const Dataflow& m_df;
    std::vector<int> m_pending;
    std::int64_t m_live = 0;
    std::int64_t m_peak = 0;
};

std::int64_t simulatePeak(const Dataflow& df, const std::vector<int>& order)
{
    Simulation sim(df);
    for (int op : order)
        sim.run(op);
    return sim.peak();
}

/** Greedy list scheduling: always run the ready operator that keeps the peak lowest, then frees the most. */
std::vector<int> greedyOrder(const Dataflow& df)
{
    const std::size_t n = df.ops.size();
    std::vector<int> missing(n, 0);
    std::vector<std::vector<int>> succs(n);
    for (std::size_t k = 0; k < n; ++k) {
        missing[k] = static_cast<int>(df.ops[k].preds.size());
        for (int p : df.ops[k].preds)
            succs[static_cast<std::size_t>(p)].push_back(static_cast<int>(k));
    }
    std::vector<int> ready;
    for (std::size_t k = 0; k < n; ++k) {
        if (missing[k] == 0)
            ready.push_back(static_cast<int>(k));
    }
    Simulation sim(df);
    std::vector<int> order;
    order.reserve(n);
    while (!ready.empty()) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < ready.size(); ++i) {
            const int a = ready[i], b = ready[best];
            const std::int64_t da = sim.during(a), db = sim.during(b);
            const std::int64_t ga = df.ops[static_cast<std::size_t>(a)].outputBytes - sim.freed(a);
            const std::int64_t gb = df.ops[static_cast<std::size_t>(b)].outputBytes - sim.freed(b);
            if (da < db || (da == db && (ga < gb || (ga == gb && a < b))))
                best = i;
        }
        const int op = ready[best];
        ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(best));
        sim.run(op);
        order.push_back(op);
        for (int s : succs[static_cast<std::size_t>(op)]) {
            if (--missing[static_cast<std::size_t>(s)] == 0)
                ready.push_back(s);
        }
    }
    return order;
}

/** Dynamic programming over the sets of operators already run, one layer per set size. A set's live bytes do not
 *  depend on the order that built it, so per set only the lowest peak so far matters. When a layer holds more
 *  sets than the budget allows, the ones with the lowest (peak, live bytes) are kept: a beam search, no longer
 *  exact. */
class SetSearch
{
public:
    SetSearch(const Dataflow& df, std::size_t width, int timeBudgetMs)
        : m_df(df)
        , m_n(df.ops.size())
        , m_words((m_n + 63) / 64)
        , m_width(std::max<std::size_t>(1, width))
        , m_budgetMs(timeBudgetMs)
    {
        m_predMask.assign(m_n * m_words, 0);
        for (std::size_t k = 0; k < m_n; ++k) {
            for (int p : df.ops[k].preds)
                m_predMask[k * m_words + static_cast<std::size_t>(p) / 64] |= std::uint64_t(1) << (p % 64);
        }
    }

    std::vector<int> run()
    {
        QElapsedTimer timer;
        timer.start();
        Layer current;
        current.bits.assign(m_words, 0);
        current.live.push_back(m_df.initial);
        current.peak.push_back(m_df.initial);
        current.parent.push_back(-1);
        current.op.push_back(-1);
        m_layers.push_back(current);

        std::vector<Candidate> next;
        for (std::size_t depth = 0; depth < m_n; ++depth) {
            const Layer& layer = m_layers.back();
            next.clear();
            for (std::size_t s = 0; s < layer.size(); ++s)
                expand(layer, s, next);
            if (next.empty())
                return {}; // a cycle: no valid order exists
            m_states += static_cast<std::int64_t>(next.size());
            std::size_t width = m_width;
            if (timer.elapsed() > m_budgetMs)
                width = 1; // out of time: finish greedily along the best state
            m_layers.push_back(select(next, width));
        }
        // Walk back from the single full set.
        std::vector<int> order;
        int state = 0;
        for (std::size_t depth = m_layers.size() - 1; depth > 0; --depth) {
            const Layer& layer = m_layers[depth];
            order.push_back(layer.op[static_cast<std::size_t>(state)]);
            state = layer.parent[static_cast<std::size_t>(state)];
        }
        std::reverse(order.begin(), order.end());
        return order;
    }

    bool exact() const { return m_exact; }
    std::int64_t states() const { return m_states; }

private:
    struct Layer
    {
        std::vector<std::uint64_t> bits; // words per state, flat
        std::vector<std::int64_t> live;
        std::vector<std::int64_t> peak;
        std::vector<int> parent;
        std::vector<int> op;
        std::size_t size() const { return live.size(); }
    };
    struct Candidate
    {
        std::vector<std::uint64_t> bits;
        std::int64_t live;
        std::int64_t peak;
        int parent;
        int op;
    };

    bool has(const std::uint64_t* bits, std::size_t k) const { return (bits[k / 64] >> (k % 64)) & 1u; }

    void expand(const Layer& layer, std::size_t s, std::vector<Candidate>& out) const
    {
        const std::uint64_t* bits = &layer.bits[s * m_words];
        for (std::size_t k = 0; k < m_n; ++k) {
            if (has(bits, k))
                continue;
            bool ready = true;
            for (std::size_t w = 0; w < m_words && ready; ++w)
                ready = (m_predMask[k * m_words + w] & ~bits[w]) == 0;
            if (!ready)
                continue;
            const auto& node = m_df.ops[k];
            const std::int64_t during = layer.live[s] + node.outputBytes + node.scratch;
            std::int64_t live = layer.live[s] + node.outputBytes;
            for (int b : node.inputs) {
                const auto& buf = m_df.buffers[static_cast<std::size_t>(b)];
                if (buf.keep)
                    continue;
                bool lastReader = true;
                for (int c : buf.consumers) {
                    if (static_cast<std::size_t>(c) != k && !has(bits, static_cast<std::size_t>(c))) {
                        lastReader = false;
                        break;
                    }
                }
                if (lastReader)
                    live -= buf.size;
            }
            for (int b : node.outputs) {
                const auto& buf = m_df.buffers[static_cast<std::size_t>(b)];
                if (!buf.keep && buf.consumers.empty())
                    live -= buf.size;
            }
            Candidate c;
            c.bits.assign(bits, bits + m_words);
            c.bits[k / 64] |= std::uint64_t(1) << (k % 64);
            c.live = live;
            c.peak = std::max(layer.peak[s], during);
            c.parent = static_cast<int>(s);
            c.op = static_cast<int>(k);
            out.push_back(std::move(c));
        }
    }

    Layer select(std::vector<Candidate>& cands, std::size_t width)
    {
        // One state per set: the lowest peak (ties: the earliest found, for determinism).
        std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
            return a.bits != b.bits ? a.bits < b.bits : a.peak < b.peak;
        });
        std::vector<std::size_t> keep;
        for (std::size_t i = 0; i < cands.size(); ++i) {
            if (i == 0 || cands[i].bits != cands[i - 1].bits)
                keep.push_back(i);
        }
        if (keep.size() > width) {
            m_exact = false;
            std::stable_sort(keep.begin(), keep.end(), [&](std::size_t a, std::size_t b) {
                return cands[a].peak != cands[b].peak ? cands[a].peak < cands[b].peak : cands[a].live < cands[b].live;
            });
            keep.resize(width);
        }
        Layer layer;
        layer.bits.reserve(keep.size() * m_words);
        for (std::size_t i : keep) {
            const Candidate& c = cands[i];
            layer.bits.insert(layer.bits.end(), c.bits.begin(), c.bits.end());
            layer.live.push_back(c.live);
            layer.peak.push_back(c.peak);
            layer.parent.push_back(c.parent);
            layer.op.push_back(c.op);
        }
        return layer;
    }

    const Dataflow& m_df;
    std::size_t m_n;
    std::size_t m_words;
    std::size_t m_width;
    int m_budgetMs;
    std::vector<std::uint64_t> m_predMask;
    std::vector<Layer> m_layers;
    bool m_exact = true;
    std::int64_t m_states = 0;
};

constexpr std::size_t kGreedyAbove = 3000; // operators; beyond this the set search costs too much per layer

} // namespace

std::int64_t peakLiveBytes(const Model& model, int subgraph, const std::vector<int>& order, int alignment)
{
    if (subgraph < 0 || static_cast<std::size_t>(subgraph) >= model.subgraphs.size())
        return 0;
    const Dataflow df = buildDataflow(model.subgraphs[static_cast<std::size_t>(subgraph)], alignment);
    return simulatePeak(df, order);
}

ReorderResult reorderOperators(const Model& model, int subgraph, const ReorderOptions& options)
{
    ReorderResult result;
    if (subgraph < 0 || static_cast<std::size_t>(subgraph) >= model.subgraphs.size())
        return result;
    const Dataflow df = buildDataflow(model.subgraphs[static_cast<std::size_t>(subgraph)], options.alignment);
    const std::size_t n = df.ops.size();
    std::vector<int> original(n);
    std::iota(original.begin(), original.end(), 0);
    result.originalPeak = simulatePeak(df, original);
    result.order = original;
    result.reorderedPeak = result.originalPeak;
    if (n == 0) {
        result.exact = true;
        return result;
    }

    std::vector<int> found;
    if (n <= kGreedyAbove) {
        SetSearch search(df, static_cast<std::size_t>(options.maxStates) / n, options.timeBudgetMs);
        found = search.run();
        result.exact = search.exact() && !found.empty();
        result.statesExplored = search.states();
    } else {
        found = greedyOrder(df);
    }
    if (found.size() == n) {
        const std::int64_t peak = simulatePeak(df, found);
        if (peak < result.reorderedPeak) {
            result.reorderedPeak = peak;
            result.order = std::move(found);
        }
    }
    return result;
}

} // namespace Profiler
