// SPDX-License-Identifier: GPL-3.0-or-later
// How TensorFlow Lite Micro lays out its arena head, as data for our planners. The rules (which tensors are
// planned, their sizes, their lifetimes, the scratch buffers reference kernels ask for) are described with their
// sources in docs/tflm-arena-notes.md; the section numbers below refer to it.
#include "arenamodel.h"

#include <algorithm>

namespace Profiler {

namespace {

std::int64_t dimAt(const Tensor* t, std::size_t i)
{
    return t && i < t->shape.size() ? t->shape[i] : 0;
}

/** Bytes per element as TFLM's TfLiteTypeSizeOf() counts them (notes 1.3); 0 for types TFLM cannot size. */
int tflmTypeSize(DataType type)
{
    switch (type) {
    case DataType::Float32:
    case DataType::Int32:
    case DataType::UInt32:
    case DataType::Resource:
        return 4;
    case DataType::Float16:
    case DataType::BFloat16:
    case DataType::Int16:
    case DataType::UInt16:
        return 2;
    case DataType::Int8:
    case DataType::UInt8:
    case DataType::Bool:
    case DataType::Int4: // TFLM keeps int4 activations unpacked, one byte each
        return 1;
    case DataType::Int64:
    case DataType::UInt64:
    case DataType::Float64:
    case DataType::Complex64:
        return 8;
    case DataType::Complex128:
        return 16;
    default:
        return 0;
    }
}

bool isType(const Tensor* t, DataType type)
{
    return t && t->type == type;
}

} // namespace

std::int64_t tensorArenaBytes(const Tensor& tensor)
{
    return tensor.elements * tflmTypeSize(tensor.type);
}

bool tensorInArenaHead(const Tensor& tensor)
{
    return !tensor.isConstant && !tensor.isVariable && tensorArenaBytes(tensor) > 0;
}

std::vector<ScratchRequest> scratchRequests(const Operator& op, const Subgraph& sg)
{
    // Reference kernels only (notes 3.2); optimised kernels (CMSIS-NN, ...) ask for more.
    std::vector<ScratchRequest> out;
    const QString& type = op.type;
    const Tensor* in0 = sg.operandAt(op.inputs, 0);
    const Tensor* in1 = sg.operandAt(op.inputs, 1);
    const Tensor* out0 = sg.operandAt(op.outputs, 0);
    auto add = [&](std::int64_t bytes, const char* purpose) { out.push_back({ bytes, QString::fromLatin1(purpose) }); };

    if (type == QLatin1String("CONV_2D") || type == QLatin1String("DEPTHWISE_CONV_2D")
        || type == QLatin1String("FULLY_CONNECTED")) {
        if (isType(in1, DataType::Int4))
            add(in1->elements, "int4 weights unpacked to int8");
    } else if (type == QLatin1String("TRANSPOSE_CONV")) {
        const Tensor* data = sg.operandAt(op.inputs, 2);
        const Tensor* bias = sg.operandAt(op.inputs, 3);
        if (isType(data, DataType::Int8) && out0) {
            add(out0->elements * 4, "int32 accumulators");
        } else if (isType(data, DataType::Int16) && out0) {
            add(out0->elements * 8, "int64 accumulators");
            if (isType(bias, DataType::Int16))
                add(bias->elements * 8, "int64 bias");
        }
    } else if (type == QLatin1String("SVDF")) {
        const Tensor* featureWeights = in1;
        const std::int64_t batch = dimAt(in0, 0);
        const std::int64_t filters = dimAt(featureWeights, 0);
        const int rank = std::max(1, op.option(QStringLiteral("rank")).toInt());
        if (isType(in0, DataType::Int8)) {
            add(batch * filters * 4, "int32 filter activations");
            add(batch * (filters / rank) * 4, "int32 unit activations");
        } else if (isType(in0, DataType::Float32)) {
            add(batch * filters * 4, "filter activations");
        }
    } else if (type == QLatin1String("UNIDIRECTIONAL_SEQUENCE_LSTM")) {
        const bool timeMajor = op.option(QStringLiteral("time_major")).toBool();
        const std::int64_t batch = dimAt(in0, timeMajor ? 1 : 0);
        const Tensor* hiddenState = sg.operandAt(op.inputs, 18);
        const std::int64_t stateDim = dimAt(hiddenState, 1);
        const std::int64_t cellBytes = isType(in0, DataType::Float32) ? 4 : 2; // int16 cell state when quantized
        for (const char* gate : { "input gate", "forget gate", "cell gate", "output gate" })
            add(batch * stateDim * cellBytes, gate);
    } else if (type == QLatin1String("MEAN") || type == QLatin1String("SUM")) {
        if ((isType(in0, DataType::Int8) || isType(in0, DataType::Int16)) && out0)
            add(out0->elements * 4, "int32 sums");
    } else if (type == QLatin1String("REDUCE_MAX")) {
        if (in0 && in1) {
            add(static_cast<std::int64_t>(in0->shape.size()) * 4, "index iterator");
            add(in1->elements * 4, "resolved axes");
        }
    } else if (type == QLatin1String("MIRROR_PAD")) {
        if (in0) {
            add(static_cast<std::int64_t>(in0->shape.size()) * 4, "input dimensions");
            add(static_cast<std::int64_t>(in0->shape.size()) * 4, "output dimensions");
        }
    } else if (type == QLatin1String("ADD_N")) {
        if (isType(in0, DataType::Float32) || isType(in0, DataType::Int8))
            add(static_cast<std::int64_t>(op.inputs.size()) * 4, "input pointers (32-bit)");
    } else if (type == QLatin1String("TFLite_Detection_PostProcess")) {
        const Tensor* classes = in1;
        const std::int64_t boxes = dimAt(in0, 1);
        const std::int64_t numClasses = op.option(QStringLiteral("num_classes")).toLongLong();
        const std::int64_t maxDetections = op.option(QStringLiteral("max_detections")).toLongLong();
        add(boxes, "active box flags");
        add(boxes * 16, "decoded boxes");
        add(dimAt(classes, 1) * dimAt(classes, 2) * 4, "dequantized scores");
        add(boxes * 4, "selected scores");
        add(boxes * 4, "keep indices");
        add(maxDetections * boxes * 4, "sorted indices");
        add(maxDetections * boxes * 4, "sorted scores");
        add(boxes * 4, "selected boxes");
        add(maxDetections * boxes * 4, "per-class scores");
        add(std::max(numClasses, maxDetections) * boxes * 4, "score buffer");
        add(std::min(boxes, maxDetections) * boxes * 4, "suppression matrix");
    } else if (type == QLatin1String("SignalRfft")) {
        // output holds fft_length / 2 + 1 complex values as pairs of T
        const std::int64_t pairs = out0 && !out0->shape.empty() ? out0->shape.back() / 2 : 0;
        const std::int64_t fftLength = pairs > 0 ? (pairs - 1) * 2 : 0;
        const int elementBytes = out0 ? std::max(1, tflmTypeSize(out0->type)) : 2;
        if (fftLength > 0)
            add(fftLength * elementBytes, "FFT work area");
    }
    return out;
}

namespace {

/** A walk unfolds into one step per operator plus one per subgraph call. Real models stay far below this bound (every
 *  operator walked ten times over, plus some); calls that fan out (each level calling the next twice) would not. */
std::size_t maxWalkSteps(const Model& model)
{
    return 10 * model.operatorCount() + 10'000;
}

/** One record per tensor of every subgraph, then one per scratch request, as TFLM's AllocationInfoBuilder makes
 *  them (notes 1.1); lifetimes come from walking subgraph 0 and the subgraphs it calls (notes 2.2, variant A). */
class TflmLifetimes
{
public:
    TflmLifetimes(const Model& model, const ArenaOptions& options, MemoryProblem* problem)
        : m_model(model)
        , m_options(options)
        , m_problem(problem)
    {
        std::size_t total = 0;
        for (const Subgraph& sg : model.subgraphs) {
            m_base.push_back(total);
            total += sg.tensors.size();
        }
        m_first.assign(total, -1);
        m_last.assign(total, -1);
        m_opScratch.resize(model.subgraphs.size());
    }

    void collectScratch()
    {
        // Prepare runs subgraph 0's operators, then subgraph 1's, ...; requests are recorded in that order.
        for (std::size_t s = 0; s < m_model.subgraphs.size(); ++s) {
            const Subgraph& sg = m_model.subgraphs[s];
            m_opScratch[s].assign(sg.operators.size(), {});
            for (int k : opOrder(static_cast<int>(s))) {
                for (const ScratchRequest& r : scratchRequests(sg.operators[static_cast<std::size_t>(k)], sg)) {
                    m_opScratch[s][static_cast<std::size_t>(k)].push_back(static_cast<int>(m_scratch.size()));
                    m_scratch.push_back({ static_cast<int>(s), k, r.bytes, -1, -1 });
                }
            }
        }
    }

    void walk()
    {
        m_problem->steps.push_back({ 0, -1 });
        if (!m_model.subgraphs.empty())
            walkSubgraph(0);
    }

    const std::vector<int>& first() const { return m_first; }
    const std::vector<int>& last() const { return m_last; }
    std::size_t base(int subgraph) const { return m_base[static_cast<std::size_t>(subgraph)]; }

    struct Scratch
    {
        int subgraph;
        int op;
        std::int64_t bytes;
        int first;
        int last;
    };
    const std::vector<Scratch>& scratch() const { return m_scratch; }

private:
    std::vector<int> opOrder(int subgraph) const
    {
        const std::size_t n = m_model.subgraphs[static_cast<std::size_t>(subgraph)].operators.size();
        if (subgraph == 0 && m_options.order.size() == n)
            return m_options.order;
        std::vector<int> order(n);
        for (std::size_t i = 0; i < n; ++i)
            order[i] = static_cast<int>(i);
        return order;
    }

    void create(int subgraph, int tensor)
    {
        const std::size_t g = base(subgraph) + static_cast<std::size_t>(tensor);
        if (m_first[g] == -1)
            m_first[g] = m_scope;
    }
    void use(int subgraph, int tensor) { m_last[base(subgraph) + static_cast<std::size_t>(tensor)] = m_scope; }

    void enter(int callee)
    {
        ++m_scope;
        m_problem->steps.push_back({ callee, -1 });
        if (callee < 0 || static_cast<std::size_t>(callee) >= m_model.subgraphs.size())
            return;
        if (std::find(m_stack.begin(), m_stack.end(), callee) != m_stack.end()) {
            m_problem->warnings
                << QStringLiteral("subgraph %1 calls itself; TFLM would recurse without end").arg(callee);
            return;
        }
        // Every call is walked again, so calls that fan out (each level calling the next twice) grow exponentially.
        if (m_problem->steps.size() >= m_maxSteps) {
            if (!m_walkCut)
                m_problem->warnings << QStringLiteral("the subgraph calls unfold into more than %1 steps; later calls "
                                                      "are not followed")
                                           .arg(m_maxSteps);
            m_walkCut = true;
            return;
        }
        walkSubgraph(callee);
    }

    void walkSubgraph(int s)
    {
        m_stack.push_back(s);
        const Subgraph& sg = m_model.subgraphs[static_cast<std::size_t>(s)];
        for (int t : sg.inputs) {
            create(s, t);
            use(s, t);
        }
        for (int k : opOrder(s)) {
            const Operator& op = sg.operators[static_cast<std::size_t>(k)];
            ++m_scope;
            m_problem->steps.push_back({ s, k });
            for (int t : op.outputs)
                create(s, t);
            const int start = m_scope;
            if (op.type == QLatin1String("IF")) {
                enter(op.option(QStringLiteral("then_subgraph_index")).toInt());
                enter(op.option(QStringLiteral("else_subgraph_index")).toInt());
            } else if (op.type == QLatin1String("WHILE")) {
                enter(op.option(QStringLiteral("cond_subgraph_index")).toInt());
                enter(op.option(QStringLiteral("body_subgraph_index")).toInt());
            } else if (op.type == QLatin1String("CALL_ONCE")) {
                enter(op.option(QStringLiteral("init_subgraph_index")).toInt());
            }
            for (int t : op.inputs) {
                if (t >= 0)
                    use(s, t);
            }
            for (int t : op.outputs)
                use(s, t);
            for (int r : m_opScratch[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)]) {
                m_scratch[static_cast<std::size_t>(r)].first = start;
                m_scratch[static_cast<std::size_t>(r)].last = m_scope;
            }
        }
        for (int t : sg.outputs) {
            create(s, t);
            use(s, t);
        }
        m_stack.pop_back();
    }

    const Model& m_model;
    const ArenaOptions& m_options;
    MemoryProblem* m_problem;
    std::vector<std::size_t> m_base;
    std::vector<int> m_first;
    std::vector<int> m_last;
    std::vector<std::vector<std::vector<int>>> m_opScratch; // [subgraph][op] -> scratch record indices
    std::vector<Scratch> m_scratch;
    std::vector<int> m_stack;
    int m_scope = 0;
    std::size_t m_maxSteps = maxWalkSteps(m_model);
    bool m_walkCut = false;
};

} // namespace

MemoryProblem buildTflmProblem(const Model& model, const ArenaOptions& options)
{
    MemoryProblem problem;
    problem.alignment = options.alignment;

    // An offline plan counts for TFLM only when it has exactly one offset per tensor of the model (notes 4.1).
    const std::vector<std::int32_t>* offline = nullptr;
    if (options.useOfflinePlan && model.offlinePlan) {
        if (model.offlinePlan->offsets.size() == model.tensorCount())
            offline = &model.offlinePlan->offsets;
        else
            problem.warnings << QStringLiteral("the offline memory plan has %1 offsets for %2 tensors: TFLM refuses "
                                               "such a model")
                                    .arg(model.offlinePlan->offsets.size())
                                    .arg(model.tensorCount());
    }

    TflmLifetimes lifetimes(model, options, &problem);
    lifetimes.collectScratch();
    lifetimes.walk();

    for (std::size_t s = 0; s < model.subgraphs.size(); ++s) {
        const Subgraph& sg = model.subgraphs[s];
        for (std::size_t t = 0; t < sg.tensors.size(); ++t) {
            const Tensor& tensor = sg.tensors[t];
            if (!tensor.isConstant && !tensor.isVariable && tflmTypeSize(tensor.type) == 0 && tensor.elements > 0) {
                problem.warnings << QStringLiteral("subgraph %1, %2 has type %3, which TFLM cannot allocate")
                                        .arg(s)
                                        .arg(tensor.displayName(static_cast<int>(t)), dataTypeName(tensor.type));
            }
            if (!tensorInArenaHead(tensor))
                continue;
            const std::size_t g = lifetimes.base(static_cast<int>(s)) + t;
            MemoryBuffer b;
            b.kind = MemoryBuffer::Kind::Tensor;
            b.subgraph = static_cast<int>(s);
            b.tensor = static_cast<int>(t);
            b.bytes = tensorArenaBytes(tensor);
            b.size = alignUp(b.bytes, options.alignment);
            b.first = lifetimes.first()[g];
            b.last = lifetimes.last()[g];
            if (offline && (*offline)[g] >= 0)
                b.fixedOffset = (*offline)[g];
            problem.buffers.push_back(b);
        }
        for (const Operator& op : sg.operators) {
            for (int t : op.intermediates) {
                if (t >= 0 && tensorArenaBytes(sg.tensors[static_cast<std::size_t>(t)]) > 0) {
                    problem.warnings << QStringLiteral("subgraph %1, operator %2 (%3) has an intermediate tensor with "
                                                       "data: TFLM refuses such a model")
                                            .arg(s)
                                            .arg(op.index)
                                            .arg(op.type);
                    break;
                }
            }
        }
    }
    for (const auto& sc : lifetimes.scratch()) {
        MemoryBuffer b;
        b.kind = MemoryBuffer::Kind::Scratch;
        b.subgraph = sc.subgraph;
        b.op = sc.op;
        b.bytes = sc.bytes;
        b.size = alignUp(sc.bytes, options.alignment);
        b.first = sc.first;
        b.last = sc.last;
        if (sc.first < 0) {
            problem.warnings << QStringLiteral("operator %1 of subgraph %2 asks for scratch memory but its subgraph "
                                               "never runs; TFLM leaves that buffer undefined")
                                    .arg(sc.op)
                                    .arg(sc.subgraph);
        }
        problem.buffers.push_back(b);
    }
    return problem;
}

} // namespace Profiler
