// SPDX-License-Identifier: GPL-3.0-or-later
#include "memoryreportjson.h"

#include <QJsonArray>

namespace Profiler {

namespace {

QJsonValue num(std::int64_t v)
{
    return QJsonValue(static_cast<qint64>(v));
}

QJsonObject planJson(const MemoryPlan& plan)
{
    QJsonObject o;
    o[QStringLiteral("arena_bytes")] = num(plan.arenaBytes);
    o[QStringLiteral("proven_optimal")] = plan.provenOptimal;
    return o;
}

} // namespace

QString memoryBufferLabel(const Model& model, const MemoryBuffer& b)
{
    if (b.subgraph < 0 || static_cast<std::size_t>(b.subgraph) >= model.subgraphs.size())
        return {};
    const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(b.subgraph)];
    if (b.kind == MemoryBuffer::Kind::Scratch) {
        const QString type = b.op >= 0 && static_cast<std::size_t>(b.op) < sg.operators.size()
            ? sg.operators[static_cast<std::size_t>(b.op)].type
            : QString();
        return QStringLiteral("scratch of op %1 (%2)").arg(b.op).arg(type);
    }
    return sg.tensors[static_cast<std::size_t>(b.tensor)].displayName(b.tensor);
}

QJsonObject memoryToJson(const Model& model, const MemoryReport& r)
{
    QJsonObject root;
    QJsonObject tflm = planJson(r.tflm);
    tflm[QStringLiteral("alignment")] = r.problem.alignment;
    root[QStringLiteral("tflm")] = tflm;
    root[QStringLiteral("lower_bound_bytes")] = num(r.lowerBound);
    root[QStringLiteral("best")] = planJson(r.best);

    QJsonObject reordered = planJson(r.reorderedBest);
    reordered[QStringLiteral("tflm_arena_bytes")] = num(r.reorderedTflm.arenaBytes);
    reordered[QStringLiteral("lower_bound_bytes")] = num(memoryLowerBound(r.reorderedProblem));
    reordered[QStringLiteral("original_peak_live_bytes")] = num(r.reorder.originalPeak);
    reordered[QStringLiteral("peak_live_bytes")] = num(r.reorder.reorderedPeak);
    reordered[QStringLiteral("saving_bytes")] = num(r.best.arenaBytes - r.reorderedBest.arenaBytes);
    reordered[QStringLiteral("order_search_exact")] = r.reorder.exact;
    QJsonArray order;
    for (int op : r.reorder.order)
        order.append(op);
    reordered[QStringLiteral("order")] = order;
    root[QStringLiteral("reordered")] = reordered;

    QJsonArray buffers;
    for (std::size_t i = 0; i < r.problem.buffers.size(); ++i) {
        const MemoryBuffer& b = r.problem.buffers[i];
        QJsonObject o;
        o[QStringLiteral("kind")]
            = b.kind == MemoryBuffer::Kind::Scratch ? QStringLiteral("scratch") : QStringLiteral("tensor");
        o[QStringLiteral("subgraph")] = b.subgraph;
        o[QStringLiteral("tensor")] = b.tensor;
        if (b.kind == MemoryBuffer::Kind::Scratch)
            o[QStringLiteral("op")] = b.op;
        o[QStringLiteral("name")] = memoryBufferLabel(model, b);
        o[QStringLiteral("bytes")] = num(b.bytes);
        o[QStringLiteral("size")] = num(b.size);
        o[QStringLiteral("offset")] = num(r.tflm.offsets[i]);
        o[QStringLiteral("first")] = b.first;
        o[QStringLiteral("last")] = b.last;
        o[QStringLiteral("offline")] = b.fixedOffset >= 0;
        buffers.append(o);
    }
    root[QStringLiteral("buffers")] = buffers;

    QJsonArray timeline;
    for (const TimelineStep& s : r.timeline.steps) {
        QJsonObject o;
        o[QStringLiteral("step")] = s.step;
        o[QStringLiteral("subgraph")] = s.subgraph;
        o[QStringLiteral("op")] = s.op;
        o[QStringLiteral("live_bytes")] = num(s.liveBytes);
        o[QStringLiteral("arena_top")] = num(s.planTop);
        QJsonArray live;
        for (int b : s.liveBuffers)
            live.append(b);
        o[QStringLiteral("buffers")] = live;
        timeline.append(o);
    }
    root[QStringLiteral("timeline")] = timeline;

    QJsonObject peak;
    peak[QStringLiteral("step")] = r.timeline.peakStep;
    peak[QStringLiteral("live_bytes")] = num(r.timeline.peakBytes);
    QJsonArray peakBuffers;
    for (int b : r.timeline.peakBuffers)
        peakBuffers.append(memoryBufferLabel(model, r.problem.buffers[static_cast<std::size_t>(b)]));
    peak[QStringLiteral("buffers")] = peakBuffers;
    root[QStringLiteral("peak")] = peak;

    QJsonObject persistent;
    persistent[QStringLiteral("estimate")] = true;
    persistent[QStringLiteral("target")] = QStringLiteral("32-bit MCU");
    persistent[QStringLiteral("bytes")] = num(r.persistent.totalBytes);
    QJsonArray parts;
    for (const auto& p : r.persistent.parts)
        parts.append(QJsonObject { { QStringLiteral("what"), p.what }, { QStringLiteral("bytes"), num(p.bytes) } });
    persistent[QStringLiteral("parts")] = parts;
    root[QStringLiteral("persistent_estimate")] = persistent;
    root[QStringLiteral("total_arena_estimate_bytes")] = num(r.tflm.arenaBytes + r.persistent.totalBytes);

    QJsonArray warnings;
    for (const QString& w : r.problem.warnings)
        warnings.append(w);
    root[QStringLiteral("warnings")] = warnings;
    return root;
}

} // namespace Profiler
