// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinedata.h"

#include "report/memoryreportjson.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace Widgets {

using Profiler::MemoryBuffer;
using Profiler::MemoryPlan;
using Profiler::MemoryProblem;
using Profiler::MemoryReport;
using Profiler::MemoryStep;
using Profiler::Model;

namespace {

template <typename Container> decltype(auto) at(Container& c, int i)
{
    return c[static_cast<std::size_t>(i)];
}

const Profiler::Operator* operatorOf(const Model& model, int subgraph, int op)
{
    if (subgraph < 0 || static_cast<std::size_t>(subgraph) >= model.subgraphs.size())
        return nullptr;
    const Profiler::Subgraph& sg = at(model.subgraphs, subgraph);
    if (op < 0 || static_cast<std::size_t>(op) >= sg.operators.size())
        return nullptr;
    return &at(sg.operators, op);
}

// Steps at which a buffer is alive, as buildTimeline() counts them: never before step 0.
int aliveFrom(const MemoryBuffer& b)
{
    return std::max(0, b.first);
}

bool aliveAt(const MemoryBuffer& b, int step)
{
    return aliveFrom(b) <= step && step <= b.last;
}

QString bufferLabel(const Model& model, const MemoryProblem& problem, int buffer)
{
    const QString label = Profiler::memoryBufferLabel(model, at(problem.buffers, buffer));
    return label.isEmpty() ? QStringLiteral("buffer %1").arg(buffer) : label;
}

// The buffers stacked by name: the peak's buffers first, then the largest size x lifetime among the rest.
std::vector<int> stackedBuffers(const MemoryProblem& problem, const Profiler::MemoryTimeline& timeline, int maxSeries)
{
    std::vector<int> chosen;
    if (maxSeries <= 0)
        return chosen;
    for (int b : timeline.peakBuffers) {
        if (static_cast<int>(chosen.size()) == maxSeries)
            return chosen;
        if (at(problem.buffers, b).size > 0)
            chosen.push_back(b);
    }
    std::vector<int> rest;
    std::vector<bool> taken(problem.buffers.size(), false);
    for (int b : chosen)
        at(taken, b) = true;
    for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
        const MemoryBuffer& b = problem.buffers[i];
        if (!taken[i] && b.size > 0 && b.last >= aliveFrom(b))
            rest.push_back(static_cast<int>(i));
    }
    auto area = [&](int i) {
        const MemoryBuffer& b = at(problem.buffers, i);
        return static_cast<double>(b.size) * (b.last - aliveFrom(b) + 1);
    };
    std::stable_sort(rest.begin(), rest.end(), [&](int a, int b) { return area(a) > area(b); });
    for (int b : rest) {
        if (static_cast<int>(chosen.size()) == maxSeries)
            break;
        chosen.push_back(b);
    }
    return chosen;
}

} // namespace

PlanRef planOf(const MemoryReport& report, PlanKind kind)
{
    switch (kind) {
    case PlanKind::Tflm:
        return { &report.problem, &report.tflm };
    case PlanKind::Best:
        return { &report.problem, &report.best };
    case PlanKind::Reordered:
        return { &report.reorderedProblem, &report.reorderedBest };
    }
    return { &report.problem, &report.tflm };
}

QString planShortName(PlanKind kind)
{
    switch (kind) {
    case PlanKind::Tflm:
        return QStringLiteral("TFLM");
    case PlanKind::Best:
        return QStringLiteral("best");
    case PlanKind::Reordered:
        return QStringLiteral("reordered");
    }
    return {};
}

QString planTitle(const MemoryReport& report, PlanKind kind)
{
    const PlanRef ref = planOf(report, kind);
    const QString bytes = formatBytes(ref.plan->arenaBytes);
    switch (kind) {
    case PlanKind::Tflm:
        return QStringLiteral("TFLM: %1").arg(bytes);
    case PlanKind::Best:
        return ref.plan->provenOptimal ? QStringLiteral("Best: %1 (optimal)").arg(bytes)
                                       : QStringLiteral("Best: %1").arg(bytes);
    case PlanKind::Reordered: {
        bool identity = true;
        for (std::size_t i = 0; i < report.reorder.order.size(); ++i)
            identity = identity && report.reorder.order[i] == static_cast<int>(i);
        return identity ? QStringLiteral("Reordered: %1 (file order is best)").arg(bytes)
                        : QStringLiteral("Reordered: %1").arg(bytes);
    }
    }
    return bytes;
}

QString formatBytes(std::int64_t bytes)
{
    const bool negative = bytes < 0;
    QString digits = QString::number(negative ? -bytes : bytes);
    for (int i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(' '));
    return (negative ? QStringLiteral("-") : QString()) + digits + QStringLiteral(" B");
}

std::int64_t byteAxisUnit(double maxBytes)
{
    if (maxBytes >= 2.0 * 1024 * 1024)
        return 1024 * 1024;
    if (maxBytes >= 2.0 * 1024)
        return 1024;
    return 1;
}

double byteTickStep(double rangeBytes, std::int64_t unit, int targetTicks)
{
    const double units = rangeBytes / static_cast<double>(std::max<std::int64_t>(1, unit));
    if (!(units > 0) || targetTicks < 1)
        return static_cast<double>(std::max<std::int64_t>(1, unit));
    const double raw = units / targetTicks;
    double step = std::exp2(std::round(std::log2(raw)));
    // Plain bytes never get a fractional step.
    if (unit == 1)
        step = std::max(1.0, step);
    return step * static_cast<double>(unit);
}

QString byteAxisLabel(double bytes, std::int64_t unit)
{
    if (bytes == 0)
        return QStringLiteral("0");
    const double v = bytes / static_cast<double>(unit);
    const QString number = QString::number(v, 'g', 6);
    const QString suffix = unit >= 1024 * 1024 ? QStringLiteral(" MiB")
        : unit >= 1024                         ? QStringLiteral(" KiB")
                                               : QStringLiteral(" B");
    return number + suffix;
}

QString shortBufferLabel(const QString& label)
{
    QString first = label.section(QLatin1Char(';'), 0, 0);
    const QStringList parts = first.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.size() > 2)
        first = parts.mid(parts.size() - 2).join(QLatin1Char('/'));
    return first.isEmpty() ? label : first;
}

QString stepOperatorType(const Model& model, const MemoryStep& step)
{
    if (step.op < 0)
        return step.subgraph == 0 ? QStringLiteral("input") : QStringLiteral("entry");
    const Profiler::Operator* op = operatorOf(model, step.subgraph, step.op);
    return op ? op->type : QStringLiteral("?");
}

QString stepLabel(const Model& model, const MemoryStep& step)
{
    if (step.op < 0)
        return step.subgraph == 0 ? QStringLiteral("input") : QStringLiteral("sg%1 entry").arg(step.subgraph);
    const QString type = stepOperatorType(model, step);
    if (step.subgraph == 0)
        return QStringLiteral("%1 %2").arg(step.op).arg(type);
    return QStringLiteral("sg%1:%2 %3").arg(step.subgraph).arg(step.op).arg(type);
}

TimelineData buildTimelineData(
    const Model& model, const MemoryProblem& problem, const MemoryPlan& plan, const TimelineOptions& options)
{
    TimelineData d;
    d.timeline = Profiler::buildTimeline(problem, &plan);
    d.stepCount = static_cast<int>(problem.steps.size());
    d.arenaBytes = plan.arenaBytes;
    d.peakStep = d.timeline.peakStep;
    d.peakBytes = d.timeline.peakBytes;
    d.peakBuffers = d.timeline.peakBuffers;
    d.stepLabels.reserve(d.stepCount);
    for (const MemoryStep& s : problem.steps)
        d.stepLabels << stepLabel(model, s);
    if (d.peakStep >= 0) {
        // The step, and the operator as the axis names it (steps count the entry step, operators do not).
        const MemoryStep& s = at(problem.steps, d.peakStep);
        d.peakLabel = QStringLiteral("peak %1 at step %2, %3")
                          .arg(formatBytes(d.peakBytes))
                          .arg(d.peakStep)
                          .arg(stepOperatorType(model, s));
        if (s.op >= 0 && s.subgraph == 0)
            d.peakLabel += QStringLiteral(" (operator %1)").arg(s.op);
        else if (s.op >= 0)
            d.peakLabel += QStringLiteral(" (operator %1 of subgraph %2)").arg(s.op).arg(s.subgraph);
    }
    if (d.stepCount == 0)
        return d;

    // Representative step of every sample: all steps, or per bucket the (first) step with the most live bytes.
    std::vector<int> samples;
    const int maxSamples = std::max(1, options.maxSamples);
    if (d.stepCount <= maxSamples) {
        samples.resize(static_cast<std::size_t>(d.stepCount));
        std::iota(samples.begin(), samples.end(), 0);
    } else {
        d.bucketSize = (d.stepCount + maxSamples - 1) / maxSamples;
        for (int begin = 0; begin < d.stepCount; begin += d.bucketSize) {
            const int end = std::min(d.stepCount, begin + d.bucketSize);
            int best = begin;
            for (int s = begin + 1; s < end; ++s) {
                if (at(d.timeline.steps, s).liveBytes > at(d.timeline.steps, best).liveBytes)
                    best = s;
            }
            samples.push_back(best);
        }
    }

    const std::vector<int> stacked = stackedBuffers(problem, d.timeline, options.maxSeries);
    for (int b : stacked)
        d.series.push_back({ bufferLabel(model, problem, b), b, {} });
    TimelineSeries other { QStringLiteral("other"), -1, {} };

    for (auto& s : d.series)
        s.bytes.reserve(samples.size());
    other.bytes.reserve(samples.size());
    d.x.reserve(samples.size());
    d.liveBytes.reserve(samples.size());
    for (int step : samples) {
        const std::int64_t live = at(d.timeline.steps, step).liveBytes;
        d.x.push_back(step);
        d.liveBytes.push_back(static_cast<double>(live));
        std::int64_t left = live;
        for (std::size_t k = 0; k < stacked.size(); ++k) {
            const MemoryBuffer& b = at(problem.buffers, stacked[k]);
            // Clipping only bites for offline buffers that overlap on purpose: their shared bytes count once.
            const std::int64_t part = aliveAt(b, step) ? std::min(b.size, left) : 0;
            left -= part;
            d.series[k].bytes.push_back(static_cast<double>(part));
        }
        other.bytes.push_back(static_cast<double>(left));
    }
    const bool otherUsed = std::any_of(other.bytes.begin(), other.bytes.end(), [](double v) { return v > 0; });
    if (otherUsed || d.series.empty())
        d.series.push_back(std::move(other));
    return d;
}

QString stepToolTip(
    const Model& model, const MemoryProblem& problem, const TimelineData& data, int step, int topBuffers)
{
    if (step < 0 || step >= data.stepCount || static_cast<std::size_t>(step) >= data.timeline.steps.size())
        return {};
    const Profiler::TimelineStep& ts = at(data.timeline.steps, step);
    const MemoryStep& ms = at(problem.steps, step);
    QStringList lines;
    if (ms.op < 0) {
        lines << (ms.subgraph == 0 ? QStringLiteral("Step %1: model inputs").arg(step)
                                   : QStringLiteral("Step %1: entry of subgraph %2").arg(step).arg(ms.subgraph));
    } else {
        lines << QStringLiteral("Step %1: operator %2, %3").arg(step).arg(ms.op).arg(stepOperatorType(model, ms));
        if (ms.subgraph != 0)
            lines.last() += QStringLiteral(" (subgraph %1)").arg(ms.subgraph);
    }
    lines << QStringLiteral("Live: %1 in %2 buffers").arg(formatBytes(ts.liveBytes)).arg(ts.liveBuffers.size());
    if (step == data.peakStep)
        lines.last() += QStringLiteral(" (peak)");
    const int shown = std::min<int>(topBuffers, static_cast<int>(ts.liveBuffers.size()));
    for (int i = 0; i < shown; ++i) {
        const int b = at(ts.liveBuffers, i);
        lines
            << QStringLiteral("  %1  %2").arg(formatBytes(at(problem.buffers, b).size), bufferLabel(model, problem, b));
    }
    if (static_cast<int>(ts.liveBuffers.size()) > shown)
        lines << QStringLiteral("  and %1 more").arg(static_cast<int>(ts.liveBuffers.size()) - shown);
    return lines.join(QLatin1Char('\n'));
}

std::vector<int> labelledSteps(int first, int last, double pixelsPerStep, double labelPixels, int origin)
{
    std::vector<int> steps;
    if (last < first || !(pixelsPerStep > 0))
        return steps;
    long long stride = 1;
    static const int mantissas[] = { 1, 2, 5 };
    for (long long magnitude = 1; magnitude < (1LL << 40); magnitude *= 10) {
        bool found = false;
        for (int m : mantissas) {
            stride = m * magnitude;
            if (static_cast<double>(stride) * pixelsPerStep >= labelPixels) {
                found = true;
                break;
            }
        }
        if (found)
            break;
    }
    // The first step >= max(0, first) that is congruent to origin modulo stride.
    const long long from = std::max(0, first);
    const long long shift = ((origin - from) % stride + stride) % stride;
    for (long long s = from + shift; s <= last; s += stride)
        steps.push_back(static_cast<int>(s));
    return steps;
}

std::vector<ArenaRect> buildArenaRects(const Model& model, const MemoryProblem& problem, const MemoryPlan& plan)
{
    std::vector<ArenaRect> rects;
    if (plan.offsets.size() != problem.buffers.size())
        return rects;
    // The first operator (in the file's order) that writes each tensor, per subgraph.
    std::vector<std::vector<int>> producers(model.subgraphs.size());
    for (std::size_t s = 0; s < model.subgraphs.size(); ++s) {
        const Profiler::Subgraph& sg = model.subgraphs[s];
        producers[s].assign(sg.tensors.size(), -1);
        for (std::size_t k = 0; k < sg.operators.size(); ++k) {
            for (int t : sg.operators[k].outputs) {
                if (t >= 0 && static_cast<std::size_t>(t) < sg.tensors.size()
                    && producers[s][static_cast<std::size_t>(t)] < 0)
                    producers[s][static_cast<std::size_t>(t)] = static_cast<int>(k);
            }
        }
    }
    rects.reserve(problem.buffers.size());
    for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
        const MemoryBuffer& b = problem.buffers[i];
        ArenaRect r;
        r.buffer = static_cast<int>(i);
        r.first = b.first;
        r.last = b.last;
        r.neverRuns = b.last < aliveFrom(b);
        r.x0 = r.neverRuns ? -1.5 : aliveFrom(b) - 0.5;
        r.x1 = r.neverRuns ? -0.5 : b.last + 0.5;
        r.offset = plan.offsets[i];
        r.size = b.size;
        r.label = bufferLabel(model, problem, r.buffer);
        r.shortLabel = shortBufferLabel(r.label);
        r.scratch = b.kind == MemoryBuffer::Kind::Scratch;
        r.subgraph = b.subgraph;
        r.tensor = b.tensor;
        if (r.scratch) {
            r.producer = b.op;
        } else if (b.subgraph >= 0 && static_cast<std::size_t>(b.subgraph) < producers.size() && b.tensor >= 0
            && static_cast<std::size_t>(b.tensor) < at(producers, b.subgraph).size()) {
            r.producer = at(at(producers, b.subgraph), b.tensor);
        }
        if (const Profiler::Operator* op = operatorOf(model, r.subgraph, r.producer)) {
            r.category = Profiler::opCategory(op->type, op->isCustom);
            r.hasCategory = true;
        }
        rects.push_back(std::move(r));
    }
    return rects;
}

QString arenaRectToolTip(const Model& model, const MemoryProblem& problem, const ArenaRect& r)
{
    Q_UNUSED(problem)
    QStringList lines;
    lines << r.label;
    lines << QStringLiteral("Size: %1").arg(formatBytes(r.size));
    lines << QStringLiteral("Offset: %1 .. %2").arg(formatBytes(r.offset), formatBytes(r.offset + r.size));
    if (r.neverRuns)
        lines << QStringLiteral("Lifetime: none (subgraph %1 never runs)").arg(r.subgraph);
    else if (r.first == r.last)
        lines << QStringLiteral("Lifetime: step %1").arg(r.last);
    else
        lines << QStringLiteral("Lifetime: steps %1 .. %2").arg(std::max(0, r.first)).arg(r.last);
    if (const Profiler::Operator* op = operatorOf(model, r.subgraph, r.producer)) {
        const QString where = r.subgraph == 0 ? QString() : QStringLiteral(" of subgraph %1").arg(r.subgraph);
        lines << (r.scratch ? QStringLiteral("Scratch of operator %1%2, %3")
                            : QStringLiteral("Written by operator %1%2, %3"))
                     .arg(r.producer)
                     .arg(where, op->type);
    } else if (!r.scratch) {
        lines << QStringLiteral("Input of subgraph %1").arg(r.subgraph);
    }
    return lines.join(QLatin1Char('\n'));
}

std::vector<int> stepsOfOperator(const MemoryProblem& problem, int subgraph, int op)
{
    std::vector<int> steps;
    if (op < 0)
        return steps;
    for (std::size_t s = 0; s < problem.steps.size(); ++s) {
        if (problem.steps[s].subgraph == subgraph && problem.steps[s].op == op)
            steps.push_back(static_cast<int>(s));
    }
    return steps;
}

} // namespace Widgets
