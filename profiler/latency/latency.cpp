// SPDX-License-Identifier: GPL-3.0-or-later
#include "latency/latency.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <map>

namespace Profiler {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A reported run total within this fraction of the sum of its layers agrees with it: boards measure the whole
// invocation, which adds a little dispatch time between the layers.
constexpr double kTotalTolerance = 0.01;
constexpr int kRunsNamedInWarning = 5;

/** Median of sorted values (mean of the middle two for an even count). */
double medianOfSorted(const std::vector<double>& v)
{
    const std::size_t n = v.size();
    if (n == 0)
        return kNaN;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/** "3, 5, 7 and 12 more" for warnings about many runs. */
QString runList(const std::vector<int>& runs)
{
    QStringList names;
    for (std::size_t i = 0; i < runs.size() && i < static_cast<std::size_t>(kRunsNamedInWarning); ++i)
        names << QString::number(runs[i]);
    QString text = names.join(QStringLiteral(", "));
    if (runs.size() > static_cast<std::size_t>(kRunsNamedInWarning))
        text += QStringLiteral(" and %1 more").arg(runs.size() - static_cast<std::size_t>(kRunsNamedInWarning));
    return text;
}

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
}

} // namespace

double LatencyProfile::ticksToMs(double ticks) const
{
    return hasTime() ? ticks * 1000.0 / tickHz : kNaN;
}

int LatencyProfile::measuredLayers() const
{
    return static_cast<int>(
        std::count_if(layers.begin(), layers.end(), [](const LayerLatency& l) { return l.measured(); }));
}

SampleRejection classifySample(quint32 ticks, std::optional<quint64> reportedTotal, const LatencyOptions& options)
{
    if (ticks == std::numeric_limits<quint32>::max())
        return SampleRejection::NeverEnded;
    if (static_cast<double>(ticks) > options.wrapFraction * 4294967296.0)
        return SampleRejection::Wrapped;
    if (reportedTotal && static_cast<quint64>(ticks) > *reportedTotal)
        return SampleRejection::ExceedsRun;
    return SampleRejection::None;
}

LatencyProfile computeLatency(
    const MeasuredSession& session, int operatorCount, const std::vector<qint64>& macs, const LatencyOptions& options)
{
    LatencyProfile profile;
    profile.source = session.source;
    profile.boardName = session.boardName;
    profile.tickHz = session.tickHz > 0 && std::isfinite(session.tickHz) ? session.tickHz : 0;
    profile.cpuHz = session.cpuHz > 0 && std::isfinite(session.cpuHz) ? session.cpuHz : 0;
    const std::size_t ops = static_cast<std::size_t>(std::max(0, operatorCount));
    profile.layers.resize(ops);
    profile.runsTotal = static_cast<int>(session.runs.size());

    if (session.runs.empty()) {
        profile.warnings.push_back(QStringLiteral("No runs in %1").arg(session.source));
        return profile;
    }
    const bool skip = options.skipWarmup && session.runs.size() > 1;
    profile.warmupRun = skip ? 0 : -1;

    std::vector<std::vector<double>> samples(ops);
    std::map<std::size_t, std::vector<int>> shortRuns; // sample count -> runs that had it (complete runs only)
    std::vector<double> runTotals;
    std::vector<int> totalMismatchRuns;
    double worstMismatch = 0;
    std::vector<int> neverEndedRuns;

    for (std::size_t r = 0; r < session.runs.size(); ++r) {
        const MeasuredRun& run = session.runs[r];
        const std::size_t count = std::min(run.ticks.size(), ops);
        const auto neverEnded = [&run](std::size_t i) { return i < run.neverEnded.size() && run.neverEnded[i]; };

        if (skip && r == 0) {
            for (std::size_t i = 0; i < count; ++i) {
                const std::optional<quint32>& t = run.ticks[i];
                if (t && !neverEnded(i) && classifySample(*t, run.reportedTotalTicks, options) == SampleRejection::None)
                    profile.layers[i].warmupTicks = *t;
            }
            continue;
        }

        ++profile.runsUsed;
        if (!run.complete)
            ++profile.runsIncomplete;
        // A cut run is short by nature; a complete run of another length does not match the model.
        if (run.ticks.size() != ops && (run.complete || run.ticks.size() > ops))
            shortRuns[run.ticks.size()].push_back(run.runIndex);

        double total = 0;
        bool allAccepted = true;
        bool anyNeverEnded = false;
        for (std::size_t i = 0; i < count; ++i) {
            const std::optional<quint32>& t = run.ticks[i];
            if (!t)
                continue;
            LayerLatency& layer = profile.layers[i];
            const SampleRejection why
                = neverEnded(i) ? SampleRejection::NeverEnded : classifySample(*t, run.reportedTotalTicks, options);
            if (why != SampleRejection::None) {
                ++layer.rejected;
                ++profile.samplesRejected;
                allAccepted = false;
                anyNeverEnded = anyNeverEnded || why == SampleRejection::NeverEnded;
                continue;
            }
            samples[i].push_back(static_cast<double>(*t));
            total += static_cast<double>(*t);
        }
        if (anyNeverEnded)
            neverEndedRuns.push_back(run.runIndex);
        if (run.complete && allAccepted && count > 0) {
            runTotals.push_back(total);
            if (run.reportedTotalTicks) {
                const double reported = static_cast<double>(*run.reportedTotalTicks);
                const double difference = std::abs(reported - total) / std::max(reported, 1.0);
                if (difference > kTotalTolerance) {
                    totalMismatchRuns.push_back(run.runIndex);
                    worstMismatch = std::max(worstMismatch, difference);
                }
            }
        }
    }

    for (std::size_t i = 0; i < ops; ++i) {
        std::vector<double>& v = samples[i];
        LayerLatency& layer = profile.layers[i];
        layer.samples = static_cast<int>(v.size());
        if (v.empty())
            continue;
        std::sort(v.begin(), v.end());
        const double n = static_cast<double>(v.size());
        double sum = 0;
        for (double x : v)
            sum += x;
        const double mean = sum / n;
        double squares = 0;
        for (double x : v)
            squares += (x - mean) * (x - mean);
        layer.medianTicks = medianOfSorted(v);
        layer.meanTicks = mean;
        layer.minTicks = v.front();
        layer.maxTicks = v.back();
        layer.stddevTicks = v.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
        profile.totalMedianTicks += layer.medianTicks;
    }
    for (std::size_t i = 0; i < ops; ++i) {
        LayerLatency& layer = profile.layers[i];
        if (!layer.measured())
            continue;
        layer.share = profile.totalMedianTicks > 0 ? layer.medianTicks / profile.totalMedianTicks : 0.0;
        const qint64 layerMacs = i < macs.size() ? macs[i] : 0;
        if (layerMacs > 0 && profile.hasTime() && profile.cpuHz > 0)
            layer.cyclesPerMac = layer.medianTicks * profile.cpuHz / profile.tickHz / static_cast<double>(layerMacs);
    }

    if (!runTotals.empty()) {
        std::sort(runTotals.begin(), runTotals.end());
        profile.runTotalMedianTicks = medianOfSorted(runTotals);
        profile.runTotalMinTicks = runTotals.front();
        profile.runTotalMaxTicks = runTotals.back();
    }

    // Warnings: one line per kind of problem, naming a few runs, so a long session does not flood the list.
    if (profile.runsUsed == 0)
        profile.warnings.push_back(QStringLiteral("Only the warm-up run was measured: no statistics yet"));
    for (const auto& [count, runs] : shortRuns) {
        profile.warnings.push_back(
            QStringLiteral("%1 %2 %3 %4, the model has %5 operators")
                .arg(runs.size() == 1 ? QStringLiteral("Run") : QStringLiteral("Runs"), runList(runs),
                    runs.size() == 1 ? QStringLiteral("has") : QStringLiteral("have"),
                    count == 1 ? QStringLiteral("1 layer") : QStringLiteral("%1 layers").arg(count))
                .arg(ops));
    }
    if (!neverEndedRuns.empty()) {
        profile.warnings.push_back(
            QStringLiteral("Layers that began but never ended in run%1 %2: those samples are left out")
                .arg(neverEndedRuns.size() == 1 ? QString() : QStringLiteral("s"), runList(neverEndedRuns)));
    }
    if (profile.samplesRejected > 0) {
        profile.warnings.push_back(QStringLiteral("%1 sample%2 rejected (never ended, wrapped counter or longer than "
                                                  "the whole run)")
                                       .arg(profile.samplesRejected)
                                       .arg(profile.samplesRejected == 1 ? QString() : QStringLiteral("s")));
    }
    if (!totalMismatchRuns.empty()) {
        profile.warnings.push_back(
            QStringLiteral("The reported total differs from the sum of the layers in run%1 %2 (by up to %3); "
                           "TinyScope uses the sum of the layers")
                .arg(totalMismatchRuns.size() == 1 ? QString() : QStringLiteral("s"), runList(totalMismatchRuns),
                    percent(worstMismatch)));
    }
    const int unmeasured = static_cast<int>(ops) - profile.measuredLayers();
    if (profile.runsUsed > 0 && unmeasured > 0) {
        profile.warnings.push_back(unmeasured == 1
                ? QStringLiteral("1 operator has no accepted sample")
                : QStringLiteral("%1 operators have no accepted sample").arg(unmeasured));
    }
    return profile;
}

LatencyComparison compareLatency(const LatencyProfile& a, const LatencyProfile& b)
{
    LatencyComparison c;
    c.inMilliseconds = a.hasTime() && b.hasTime();
    const std::size_t n = std::max(a.layers.size(), b.layers.size());
    c.layers.resize(n);
    const auto value = [&c](const LatencyProfile& p, std::size_t i) {
        if (i >= p.layers.size() || !p.layers[i].measured())
            return kNaN;
        return c.inMilliseconds ? p.ticksToMs(p.layers[i].medianTicks) : p.layers[i].medianTicks;
    };
    for (std::size_t i = 0; i < n; ++i) {
        LayerLatencyDelta& d = c.layers[i];
        d.medianA = value(a, i);
        d.medianB = value(b, i);
        if (std::isnan(d.medianA) || std::isnan(d.medianB))
            continue;
        d.delta = d.medianB - d.medianA;
        d.ratio = d.medianA > 0 ? d.medianB / d.medianA : kNaN;
        c.totalA += d.medianA;
        c.totalB += d.medianB;
        ++c.layersCompared;
    }

    if (a.layers.size() != b.layers.size()) {
        c.warnings.push_back(QStringLiteral("The profiles have %1 and %2 operators: only the first %3 are compared")
                                 .arg(a.layers.size())
                                 .arg(b.layers.size())
                                 .arg(std::min(a.layers.size(), b.layers.size())));
    }
    if (!a.boardName.isEmpty() && !b.boardName.isEmpty() && a.boardName != b.boardName)
        c.warnings.push_back(QStringLiteral("Different boards: %1 and %2").arg(a.boardName, b.boardName));
    if (!c.inMilliseconds) {
        c.warnings.push_back(a.hasTime() != b.hasTime()
                ? QStringLiteral("Only one side has a tick rate: both are compared in ticks")
                : QStringLiteral("Compared in ticks: neither side has a tick rate, so the two boards' ticks may "
                                 "differ in length"));
    }
    int oneSided = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool inA = i < a.layers.size() && a.layers[i].measured();
        const bool inB = i < b.layers.size() && b.layers[i].measured();
        if (inA != inB)
            ++oneSided;
    }
    if (oneSided > 0) {
        c.warnings.push_back(QStringLiteral("%1 operator%2 measured on one side only, left out of the totals")
                                 .arg(oneSided)
                                 .arg(oneSided == 1 ? QStringLiteral(" is") : QStringLiteral("s are")));
    }
    return c;
}

} // namespace Profiler
