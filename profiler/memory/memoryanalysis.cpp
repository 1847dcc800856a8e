// SPDX-License-Identifier: GPL-3.0-or-later
#include "memoryanalysis.h"

#include "memory/arenamodel.h"

#include <algorithm>
#include <numeric>

namespace Profiler {

namespace {

// Sizes of TFLM's runtime structures on a 32-bit MCU (ILP32), from their definitions (docs/tflm-arena-notes.md 5).
constexpr std::int64_t kFixedOverhead = 160; // allocator objects kept in the tail
constexpr std::int64_t kEvalTensor = 12; // per tensor of every subgraph
constexpr std::int64_t kNodeAndRegistration = 32; // per operator
constexpr std::int64_t kSubgraphAllocations = 8; // per subgraph
constexpr std::int64_t kScratchHandle = 4; // per scratch request
constexpr std::int64_t kIoTensor = 40; // a persistent TfLiteTensor per model input and output
constexpr std::int64_t kIoQuantization = 12 + 4; // affine quantization struct + zero-point array header

// The planners compare every buffer with the buffers placed before it that are alive at the same time: quadratic
// when many buffers are alive at once. Real models stay far below these limits (a 50,000-operator graph has about
// 50,000 planned buffers, each alive with a handful of others); a hostile file (a million tensors sharing one table,
// all of them alive at the same time) would keep the planners busy for days.
constexpr std::size_t kMaxPlannedBuffers = 200'000;
constexpr std::uint64_t kMaxOverlappingPairs = 20'000'000;

/** Pairs of buffers alive at the same time, counted in O(n log n) from the pairs that are not. */
std::uint64_t overlappingPairs(const MemoryProblem& problem)
{
    const auto& buffers = problem.buffers;
    const std::uint64_t n = buffers.size();
    std::vector<int> lasts;
    lasts.reserve(buffers.size());
    for (const MemoryBuffer& b : buffers)
        lasts.push_back(b.last);
    std::sort(lasts.begin(), lasts.end());
    std::uint64_t apart = 0; // ordered pairs (a, b) with a ending before b begins: each disjoint pair once
    for (const MemoryBuffer& b : buffers) {
        apart += static_cast<std::uint64_t>(std::lower_bound(lasts.begin(), lasts.end(), b.first) - lasts.begin());
        if (b.last < b.first)
            --apart; // the buffer itself (an empty lifetime) is not a pair
    }
    const std::uint64_t pairs = n * (n - (n > 0 ? 1 : 0)) / 2;
    return pairs > apart ? pairs - apart : 0;
}

/** Why `problem` is too large to plan, or an empty string. */
QString tooLargeToPlan(const MemoryProblem& problem)
{
    if (problem.buffers.size() > kMaxPlannedBuffers)
        return QStringLiteral("%1 buffers to place, more than TinyScope plans (%2): the arena plans stack every "
                              "buffer instead of reproducing TFLM's layout")
            .arg(problem.buffers.size())
            .arg(kMaxPlannedBuffers);
    const std::uint64_t pairs = overlappingPairs(problem);
    if (pairs > kMaxOverlappingPairs)
        return QStringLiteral("%1 pairs of buffers are alive at the same time, more than TinyScope plans (%2): the "
                              "arena plans stack every buffer instead of reproducing TFLM's layout")
            .arg(pairs)
            .arg(kMaxOverlappingPairs);
    return {};
}

/** Every buffer on top of the one before (fixed offsets kept): valid for any lifetimes, and linear. */
MemoryPlan stackedPlan(const MemoryProblem& problem, const QString& planner)
{
    MemoryPlan plan;
    plan.planner = planner;
    plan.offsets.assign(problem.buffers.size(), 0);
    std::int64_t top = 0;
    for (const MemoryBuffer& b : problem.buffers) {
        if (b.fixedOffset >= 0)
            top = std::max(top, b.fixedOffset + b.size);
    }
    for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
        const MemoryBuffer& b = problem.buffers[i];
        if (b.fixedOffset >= 0) {
            plan.offsets[i] = b.fixedOffset;
            continue;
        }
        plan.offsets[i] = top;
        top += b.size;
    }
    plan.arenaBytes = planHighWater(problem, plan.offsets);
    return plan;
}

/** True when the planners would see the same problem: the same buffers, sizes and lifetimes in the same order. */
bool sameBuffers(const MemoryProblem& a, const MemoryProblem& b)
{
    return a.alignment == b.alignment
        && std::equal(a.buffers.begin(), a.buffers.end(), b.buffers.begin(), b.buffers.end(),
            [](const MemoryBuffer& x, const MemoryBuffer& y) {
                return x.size == y.size && x.first == y.first && x.last == y.last && x.fixedOffset == y.fixedOffset;
            });
}

std::int64_t align16(std::int64_t v)
{
    return alignUp(v, 16);
}

std::int64_t channelsOf(const Subgraph& sg, const Operator& op, std::size_t input, std::size_t dim)
{
    if (input >= op.inputs.size() || op.inputs[input] < 0)
        return 0;
    const Tensor& t = sg.tensors[static_cast<std::size_t>(op.inputs[input])];
    return dim < t.shape.size() ? t.shape[dim] : 0;
}

/** Kernel data a reference kernel keeps for one operator: its OpData and the arrays it allocates in Init/Prepare
 *  (per-channel multipliers and shifts, lookup tables), plus the parsed builtin options. */
std::int64_t operatorPersistentBytes(const Subgraph& sg, const Operator& op)
{
    const QString& t = op.type;
    const std::int64_t options = op.options.empty() ? 0 : 24; // parsed builtin options, 4..40 bytes
    auto perChannel = [&](std::int64_t channels) { return 2 * align16(4 * channels); };
    if (t == QLatin1String("CONV_2D"))
        return options + 64 + perChannel(channelsOf(sg, op, 1, 0));
    if (t == QLatin1String("DEPTHWISE_CONV_2D"))
        return options + 64 + perChannel(channelsOf(sg, op, 1, 3));
    if (t == QLatin1String("TRANSPOSE_CONV"))
        return options + 96 + perChannel(channelsOf(sg, op, 1, 0));
    if (t == QLatin1String("FULLY_CONNECTED")) {
        std::int64_t bytes = options + 48;
        if (op.inputs.size() > 1 && op.inputs[1] >= 0
            && sg.tensors[static_cast<std::size_t>(op.inputs[1])].quantization.scales.size() > 1)
            bytes += perChannel(channelsOf(sg, op, 1, 0));
        return bytes;
    }
    if (t == QLatin1String("ADD") || t == QLatin1String("SUB") || t == QLatin1String("MUL"))
        return options + 64;
    if (t == QLatin1String("AVERAGE_POOL_2D") || t == QLatin1String("MAX_POOL_2D"))
        return options + 32;
    if (t == QLatin1String("SOFTMAX")) {
        const bool int16 = !op.inputs.empty() && op.inputs[0] >= 0
            && sg.tensors[static_cast<std::size_t>(op.inputs[0])].type == DataType::Int16;
        return options + 64 + (int16 ? 2 * 1026 : 0);
    }
    if (t == QLatin1String("CONCATENATION"))
        return options + 16 + 2 * align16(4 * static_cast<std::int64_t>(op.inputs.size()));
    if (t == QLatin1String("RESHAPE") || t == QLatin1String("TRANSPOSE") || t == QLatin1String("SQUEEZE"))
        return options;
    return options + 32; // other kernels: a small OpData
}

} // namespace

PersistentEstimate estimatePersistentBytes(const Model& model)
{
    PersistentEstimate e;
    auto add = [&](const QString& what, std::int64_t bytes) {
        if (bytes > 0)
            e.parts.push_back({ what, bytes });
        e.totalBytes += bytes;
    };
    add(QStringLiteral("runtime objects (allocator, planner)"), kFixedOverhead);
    std::int64_t tensors = 0, ops = 0, kernels = 0, variables = 0, scratch = 0;
    for (const Subgraph& sg : model.subgraphs) {
        tensors += static_cast<std::int64_t>(sg.tensors.size());
        ops += static_cast<std::int64_t>(sg.operators.size());
        for (const Operator& op : sg.operators) {
            kernels += operatorPersistentBytes(sg, op);
            scratch += static_cast<std::int64_t>(scratchRequests(op, sg).size());
        }
        for (const Tensor& t : sg.tensors) {
            if (t.isVariable)
                variables += align16(std::max<std::int64_t>(0, tensorArenaBytes(t)));
        }
    }
    add(QStringLiteral("subgraph tables"), kSubgraphAllocations * static_cast<std::int64_t>(model.subgraphs.size()));
    add(QStringLiteral("tensor structs (%1 x %2 B)").arg(tensors).arg(kEvalTensor), kEvalTensor * tensors);
    add(QStringLiteral("operator structs (%1 x %2 B)").arg(ops).arg(kNodeAndRegistration), kNodeAndRegistration * ops);
    add(QStringLiteral("kernel data (options, per-channel parameters)"), kernels);
    add(QStringLiteral("variable tensors (state)"), variables);
    add(QStringLiteral("scratch buffer handles"), kScratchHandle * scratch);
    if (!model.subgraphs.empty()) {
        const Subgraph& main = model.subgraphs[0];
        std::int64_t io = align16(4 * static_cast<std::int64_t>(main.inputs.size()))
            + align16(4 * static_cast<std::int64_t>(main.outputs.size()));
        std::vector<int> ioTensors = main.inputs;
        ioTensors.insert(ioTensors.end(), main.outputs.begin(), main.outputs.end());
        for (int t : ioTensors) {
            const Tensor& tensor = main.tensors[static_cast<std::size_t>(t)];
            io += kIoTensor;
            if (tensor.quantization.scheme != Quantization::Scheme::None)
                io += kIoQuantization + 4 * static_cast<std::int64_t>(tensor.quantization.zeroPoints.size());
        }
        add(QStringLiteral("model input/output tensors"), io);
    }
    return e;
}

MemoryReport analyzeMemory(const Model& model, const MemoryOptions& options, const Progress& progress)
{
    MemoryReport r;
    ArenaOptions arena;
    arena.alignment = options.alignment;
    r.problem = buildTflmProblem(model, arena);
    if (const QString tooLarge = tooLargeToPlan(r.problem); !tooLarge.isEmpty()) {
        r.problem.warnings << tooLarge;
        r.tflm = stackedPlan(r.problem, QStringLiteral("tflm"));
        r.lowerBound = 0;
        r.best = stackedPlan(r.problem, QStringLiteral("best"));
        r.timeline = buildTimeline(r.problem, &r.tflm);
        const std::size_t n = model.subgraphs.empty() ? 0 : model.subgraphs[0].operators.size();
        r.reorder.order.resize(n);
        std::iota(r.reorder.order.begin(), r.reorder.order.end(), 0);
        r.reorderedProblem = r.problem;
        r.reorderedTflm = r.tflm;
        r.reorderedBest = stackedPlan(r.problem, QStringLiteral("reordered"));
        r.persistent = estimatePersistentBytes(model);
        progress.set(1000);
        return r;
    }
    r.tflm = planTflmGreedy(r.problem);
    r.lowerBound = memoryLowerBound(r.problem);
    progress.set(100);
    r.best = planBest(r.problem, options.best, r.tflm, r.lowerBound);
    progress.set(300);
    r.timeline = buildTimeline(r.problem, &r.tflm);

    ReorderOptions reorder = options.reorder;
    reorder.alignment = options.alignment;
    r.reorder = reorderOperators(model, 0, reorder);
    progress.set(800);
    auto keepFileOrder = [&] {
        const std::size_t n = model.subgraphs.empty() ? 0 : model.subgraphs[0].operators.size();
        r.reorder.order.resize(n);
        std::iota(r.reorder.order.begin(), r.reorder.order.end(), 0);
        r.reorder.reorderedPeak = r.reorder.originalPeak;
        r.reorderedProblem = r.problem;
        r.reorderedTflm = r.tflm;
        r.reorderedBest = r.best;
    };
    const bool fileOrder = std::is_sorted(r.reorder.order.begin(), r.reorder.order.end())
        && r.reorder.order.size() == (model.subgraphs.empty() ? 0 : model.subgraphs[0].operators.size());
    if (r.reorder.reorderedPeak >= r.reorder.originalPeak || fileOrder) {
        keepFileOrder(); // the search kept the file's order: its plans are the ones above
    } else {
        arena.order = r.reorder.order;
        r.reorderedProblem = buildTflmProblem(model, arena);
        if (sameBuffers(r.reorderedProblem, r.problem)) {
            // Another order, but the same buffers with the same lifetimes (e.g. two independent operators swapped
            // whose tensors live just as long): the plans would be the same.
            r.reorderedTflm = r.tflm;
            r.reorderedBest = r.best;
        } else {
            r.reorderedTflm = planTflmGreedy(r.reorderedProblem);
            r.reorderedBest
                = planBest(r.reorderedProblem, options.best, r.reorderedTflm, memoryLowerBound(r.reorderedProblem));
        }
        // A new order only helps if its plan is smaller; otherwise keep the file's order and its plan.
        if (r.reorderedBest.arenaBytes > r.best.arenaBytes)
            keepFileOrder();
    }
    r.reorderedBest.planner = QStringLiteral("reordered");
    r.persistent = estimatePersistentBytes(model);
    progress.set(1000);
    return r;
}

} // namespace Profiler
