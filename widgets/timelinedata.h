// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/opinfo.h"
#include "memory/memoryanalysis.h"
#include "memory/memoryproblem.h"
#include "memory/timeline.h"
#include "model/model.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace Widgets {

/** Which of the report's plans a memory view shows. */
enum class PlanKind {
    Tflm, ///< TFLM's GreedyMemoryPlanner on the file's operator order (what the board will ask for)
    Best, ///< TinyScope's best plan for the file's order
    Reordered, ///< TinyScope's best plan after reordering the operators of subgraph 0
};

/** A problem and one of its plans, both owned by a MemoryReport. */
struct PlanRef
{
    const Profiler::MemoryProblem* problem = nullptr;
    const Profiler::MemoryPlan* plan = nullptr;
};

/** The problem and plan behind `kind` (the reordered plan comes with the reordered problem). */
PlanRef planOf(const Profiler::MemoryReport& report, PlanKind kind);

/** Short name of a plan for labels on the plot: "TFLM", "best", "reordered". */
QString planShortName(PlanKind kind);

/** Item text for a planner selector: "TFLM: 73 728 B", "Best: 55 296 B (optimal)", "Reordered: ...". */
QString planTitle(const Profiler::MemoryReport& report, PlanKind kind);

/** "55 296 B": exact bytes with the digits grouped by threes (as the CLI and the peak label print them). */
QString formatBytes(std::int64_t bytes);

/** Unit for byte axes: 1 (B), 1024 (KiB) or 1048576 (MiB), chosen so the largest tick reads below ~10,000. */
std::int64_t byteAxisUnit(double maxBytes);

/** Distance between ticks on a byte axis showing `rangeBytes`: the power of two of `unit` (16 KiB, 32 KiB, 0.5 MiB)
 *  closest (on a log scale) to giving `targetTicks` intervals, so between about 0.7 and 1.4 times that many. */
double byteTickStep(double rangeBytes, std::int64_t unit, int targetTicks);

/** A tick label on a byte axis in `unit`: "48 KiB", "1.5 MiB", "512 B". */
QString byteAxisLabel(double bytes, std::int64_t unit);

/** A compact buffer name for legends and small rectangles: of the ';'-joined names converters give fused tensors,
 *  the first (the outermost operation), cut to its last two '/' parts:
 *  "model/activation_26/Relu;model/batch_normalization_26/..." -> "activation_26/Relu". */
QString shortBufferLabel(const QString& label);

/** A step of the global timeline in words: "3 DEPTHWISE_CONV_2D" for operator 3 of subgraph 0,
 *  "sg1:3 ADD" for other subgraphs, "input" for the entry of subgraph 0, "sg1 entry" for other entries. */
QString stepLabel(const Profiler::Model& model, const Profiler::MemoryStep& step);

/** Operator type of a step ("DEPTHWISE_CONV_2D"), or "input" / "entry" for an entry step. */
QString stepOperatorType(const Profiler::Model& model, const Profiler::MemoryStep& step);

/** One stacked series of the memory timeline: one buffer, or "other" for everything else alive. */
struct TimelineSeries
{
    QString label;
    int buffer = -1; ///< index into MemoryProblem::buffers; -1 for "other"
    std::vector<double> bytes; ///< its own bytes per sample (not cumulative), parallel to TimelineData::x
};

/** What the memory timeline plots for one problem and plan.
 *
 *  Stacking: the largest buffers alive at the peak step come first (largest at the bottom), because they are what
 *  the user has to shrink; when fewer than `maxSeries` buffers make the peak, the remaining slots go to the other
 *  buffers with the largest size x lifetime (the long-lived big tensors of a second hump). Everything else alive is
 *  "other". Per sample, the series add up exactly to `liveBytes`: offline-planned buffers that share bytes on purpose
 *  are clipped so shared bytes count once, as liveFootprint() counts them.
 *
 *  Decimation: above `maxSamples` steps, consecutive steps are grouped into buckets of equal width and each bucket
 *  is represented by its step with the most live bytes (x = that step, the whole stack of that step), so the peak
 *  and every bucket maximum survive and the stack still sums to the total. */
struct TimelineData
{
    int stepCount = 0; ///< steps of the problem (before decimation)
    int bucketSize = 1; ///< steps per sample; 1 = not decimated
    std::vector<double> x; ///< step index of each sample, increasing
    std::vector<double> liveBytes; ///< live bytes of each sample
    std::vector<TimelineSeries> series; ///< the stacked buffers, bottom first; "other" is last when present
    int peakStep = -1; ///< first step with the most live bytes; -1 when there are no steps
    std::int64_t peakBytes = 0;
    std::vector<int> peakBuffers; ///< buffers alive at the peak, largest first
    QString peakLabel; ///< "peak 55 296 B at step 3, CONV_2D (operator 2)"
    std::int64_t arenaBytes = 0; ///< the plan's arena (head) size
    QStringList stepLabels; ///< per step (not per sample), stepLabel()
    Profiler::MemoryTimeline timeline; ///< full-resolution per-step data of the plan, for tooltips
};

struct TimelineOptions
{
    int maxSeries = 8; ///< buffers stacked by name; the rest is "other"
    int maxSamples = 2000; ///< more steps than this are decimated
};

/** Computes the memory timeline of `problem` placed by `plan`; `model` names buffers and steps. */
TimelineData buildTimelineData(const Profiler::Model& model, const Profiler::MemoryProblem& problem,
    const Profiler::MemoryPlan& plan, const TimelineOptions& options = {});

/** Tooltip text of one step: step, operator, live bytes and its `topBuffers` largest live buffers. */
QString stepToolTip(const Profiler::Model& model, const Profiler::MemoryProblem& problem, const TimelineData& data,
    int step, int topBuffers = 5);

/** Steps that get a labelled tick on an axis `pixelsPerStep` wide per step when a label needs `labelPixels`: the
 *  steps origin + j * k within [first, last], k the smallest of 1, 2, 5, 10, 20, 50, ... that keeps the labels apart.
 *  With origin 1 the ticks fall on operators 0, k, 2k, ... of a plain run (step = operator + 1). */
std::vector<int> labelledSteps(int first, int last, double pixelsPerStep, double labelPixels, int origin = 0);

/** One buffer of the arena map: a rectangle lifetime x size at its offset. */
struct ArenaRect
{
    int buffer = -1; ///< index into MemoryProblem::buffers
    double x0 = 0; ///< first - 0.5 (buffers of subgraphs that never run sit in a column at step -1)
    double x1 = 0; ///< last + 0.5
    std::int64_t offset = 0;
    std::int64_t size = 0;
    QString label; ///< memoryBufferLabel()
    QString shortLabel; ///< shortBufferLabel(label), drawn inside the rectangle
    bool scratch = false;
    bool neverRuns = false; ///< its subgraph never runs: TFLM still places it, with no lifetime
    int subgraph = 0;
    int tensor = -1; ///< -1 for scratch buffers
    int producer = -1; ///< operator that writes it (the requesting operator for scratch); -1 for inputs
    Profiler::OpCategory category = Profiler::OpCategory::Other; ///< category of `producer`
    bool hasCategory = false; ///< false when there is no producing operator (subgraph inputs)
    int first = 0; ///< the buffer's lifetime as in the problem
    int last = 0;
};

/** One rectangle per buffer of `problem` at the offsets of `plan` (which must be parallel to the buffers). */
std::vector<ArenaRect> buildArenaRects(
    const Profiler::Model& model, const Profiler::MemoryProblem& problem, const Profiler::MemoryPlan& plan);

/** Tooltip text of an arena rectangle: name, size, offset range, lifetime and producer. */
QString arenaRectToolTip(const Profiler::Model& model, const Profiler::MemoryProblem& problem, const ArenaRect& rect);

/** Steps whose (subgraph, op) is operator `op` of `subgraph` (usually one; none for op -1). */
std::vector<int> stepsOfOperator(const Profiler::MemoryProblem& problem, int subgraph, int op);

} // namespace Widgets
