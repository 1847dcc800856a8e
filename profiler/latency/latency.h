// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace Profiler {

/*
 * Measured per-layer latency: the numbers behind the heat colours, the latency columns and the measured-time axis.
 * Input is source-neutral (a serial capture, a session file, a TFLM log all map onto MeasuredSession); the maths
 * is here so every view shows the same figures. Formulas: docs/latency.md.
 */

/** One inference run, one entry per operator of the profiled subgraph in execution order. */
struct MeasuredRun
{
    int runIndex = 0;
    std::vector<std::optional<quint32>> ticks; ///< elapsed ticks; empty optional: not measured in this run
    std::vector<bool> neverEnded; ///< same size as ticks or empty: true where a begin had no end
    std::optional<quint64> reportedTotalTicks; ///< what the board said (RunEnd), if anything
    bool complete = true; ///< false: the run was cut short (unplug, reset, stop); its samples are still used
};

/** Runs from one source. */
struct MeasuredSession
{
    QString source; ///< "serial /dev/ttyACM0", "TFLM log run.txt", "session capture.tsession"
    QString boardName;
    double tickHz = 0; ///< 0: unknown (milliseconds cannot be shown)
    double cpuHz = 0; ///< 0: unknown (cycles per MAC cannot be shown)
    std::vector<MeasuredRun> runs;
};

/** Why a sample was not used. */
enum class SampleRejection {
    None,
    NeverEnded, ///< begin without end
    Wrapped, ///< above wrapFraction * 2^32: a counter wrap or corruption
    ExceedsRun, ///< larger than the run's reported total
};

struct LatencyOptions
{
    bool skipWarmup = true; ///< leave the first run out of the statistics when there is more than one
    double wrapFraction = 0.5; ///< samples above this fraction of 2^32 are rejected as wrapped
};

/** Statistics of one operator over the runs used. Ticks; NaN where there is no accepted sample. */
struct LayerLatency
{
    int samples = 0; ///< accepted samples
    int rejected = 0; ///< samples present but rejected (any reason)
    double medianTicks = std::numeric_limits<double>::quiet_NaN();
    double meanTicks = std::numeric_limits<double>::quiet_NaN();
    double minTicks = std::numeric_limits<double>::quiet_NaN();
    double maxTicks = std::numeric_limits<double>::quiet_NaN();
    double stddevTicks = std::numeric_limits<double>::quiet_NaN(); ///< sample standard deviation (n-1); 0 for n=1
    double share = std::numeric_limits<double>::quiet_NaN(); ///< medianTicks / sum of medians, 0..1
    std::optional<quint32> warmupTicks; ///< this operator's sample in the warm-up run, when one was set aside
    double cyclesPerMac = std::numeric_limits<double>::quiet_NaN(); ///< median cycles / MACs (needs cpuHz, tickHz)

    bool measured() const { return samples > 0; }
};

/** Everything the views show about one measured session on one subgraph. */
struct LatencyProfile
{
    QString source;
    QString boardName;
    double tickHz = 0;
    double cpuHz = 0;
    /** The subgraph whose operators `layers` follows; computeLatency() leaves 0 (the model's main graph, which is
     *  what a board profiles), callers that profile another subgraph set it. The views paint only that subgraph. */
    int subgraph = 0;
    std::vector<LayerLatency> layers; ///< one per operator of the subgraph
    int runsTotal = 0; ///< runs in the session
    int runsUsed = 0; ///< runs whose samples went into the statistics
    int runsIncomplete = 0; ///< cut runs among those used
    int warmupRun = -1; ///< index into MeasuredSession::runs of the run set aside, -1 when none
    int samplesRejected = 0;
    double totalMedianTicks = 0; ///< sum of the per-layer medians (measured layers only)
    /** Per-run totals recomputed from accepted samples of complete used runs. */
    double runTotalMedianTicks = std::numeric_limits<double>::quiet_NaN();
    double runTotalMinTicks = std::numeric_limits<double>::quiet_NaN();
    double runTotalMaxTicks = std::numeric_limits<double>::quiet_NaN();
    std::vector<QString> warnings; ///< e.g. "run 3 has 12 layers, the model has 13", "reported total differs"

    /** ticks in milliseconds; NaN when tickHz is unknown. */
    double ticksToMs(double ticks) const;
    bool hasTime() const { return tickHz > 0; }
    int measuredLayers() const;
};
using LatencyProfilePtr = std::shared_ptr<const LatencyProfile>;

/** Checks one sample against the options and the run's reported total. 0xFFFFFFFF (TFLM's "never ended") is
 *  NeverEnded. */
SampleRejection classifySample(quint32 ticks, std::optional<quint64> reportedTotal, const LatencyOptions& options);

/**
 * Statistics over session for a subgraph of operatorCount operators; macs[i] (may be empty or shorter) gives
 * cycles per MAC. Runs with more samples than operators keep the first operatorCount and warn; fewer leave the
 * rest unmeasured and warn.
 */
LatencyProfile computeLatency(const MeasuredSession& session, int operatorCount, const std::vector<qint64>& macs,
    const LatencyOptions& options = {});

/** Per-operator difference of two profiles of the same model: B relative to A. */
struct LayerLatencyDelta
{
    double medianA = std::numeric_limits<double>::quiet_NaN(); ///< ms when both have tickHz, else ticks
    double medianB = std::numeric_limits<double>::quiet_NaN();
    double delta = std::numeric_limits<double>::quiet_NaN(); ///< B - A
    double ratio = std::numeric_limits<double>::quiet_NaN(); ///< B / A
};
struct LatencyComparison
{
    bool inMilliseconds = false; ///< false: both in ticks (a tick rate is unknown)
    std::vector<LayerLatencyDelta> layers; ///< as many as the longer profile; NaN where a side has no such layer
    double totalA = 0; ///< sum of medianA over the layers measured on both sides (like with like)
    double totalB = 0; ///< sum of medianB over the same layers
    int layersCompared = 0; ///< layers measured on both sides
    std::vector<QString> warnings; ///< different operator counts, different boards, one side in ticks only
};
LatencyComparison compareLatency(const LatencyProfile& a, const LatencyProfile& b);

} // namespace Profiler
