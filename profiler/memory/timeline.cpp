// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeline.h"

#include <algorithm>

namespace Profiler {

MemoryTimeline buildTimeline(const MemoryProblem& problem, const MemoryPlan* plan)
{
    MemoryTimeline t;
    const int stepCount = static_cast<int>(problem.steps.size());
    t.steps.resize(problem.steps.size());
    for (int s = 0; s < stepCount; ++s) {
        t.steps[static_cast<std::size_t>(s)].step = s;
        t.steps[static_cast<std::size_t>(s)].subgraph = problem.steps[static_cast<std::size_t>(s)].subgraph;
        t.steps[static_cast<std::size_t>(s)].op = problem.steps[static_cast<std::size_t>(s)].op;
    }
    const bool withPlan = plan && plan->offsets.size() == problem.buffers.size();
    for (std::size_t i = 0; i < problem.buffers.size(); ++i) {
        const MemoryBuffer& b = problem.buffers[i];
        const int from = std::max(0, b.first);
        const int to = std::min(stepCount - 1, b.last);
        for (int s = from; s <= to; ++s) {
            TimelineStep& step = t.steps[static_cast<std::size_t>(s)];
            step.liveBuffers.push_back(static_cast<int>(i));
            if (withPlan)
                step.planTop = std::max(step.planTop, plan->offsets[i] + b.size);
        }
    }
    for (TimelineStep& step : t.steps) {
        step.liveBytes = liveFootprint(problem, step.liveBuffers);
        std::stable_sort(step.liveBuffers.begin(), step.liveBuffers.end(), [&](int a, int b) {
            return problem.buffers[static_cast<std::size_t>(a)].size
                > problem.buffers[static_cast<std::size_t>(b)].size;
        });
        if (step.liveBytes > t.peakBytes || t.peakStep < 0) {
            t.peakBytes = step.liveBytes;
            t.peakStep = step.step;
        }
    }
    if (t.peakStep >= 0)
        t.peakBuffers = t.steps[static_cast<std::size_t>(t.peakStep)].liveBuffers;
    return t;
}

} // namespace Profiler
