// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencysources.h"

#include "session/sessionfile.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace LatencySources {

namespace {

/** At most this many dropped-sample warnings per conversion: a model mismatch would otherwise give one per run. */
constexpr int kMaxDroppedWarnings = 20;

} // namespace

Profiler::MeasuredRun measuredRunFromCapture(const Devices::CapturedRun& run, int operatorCount, QStringList* warnings)
{
    const auto n = static_cast<std::size_t>(std::max(operatorCount, 0));
    Profiler::MeasuredRun measured;
    measured.runIndex = static_cast<int>(run.runIndex);
    measured.ticks.assign(n, std::nullopt);
    measured.neverEnded.assign(n, false);
    std::vector<bool> seen(n, false);
    if (run.totalTicks)
        measured.reportedTotalTicks = *run.totalTicks;
    measured.complete = run.complete();
    for (const Devices::LayerSample& sample : run.layers) {
        const std::size_t layer = sample.layerIndex;
        if (layer >= n) {
            if (warnings) {
                warnings->append(QStringLiteral("run %1: layer %2 is outside the model's %3 operators; its sample was "
                                                "dropped")
                                     .arg(run.runIndex)
                                     .arg(sample.layerIndex)
                                     .arg(operatorCount));
            }
            continue;
        }
        if (seen[layer]) {
            if (warnings) {
                warnings->append(QStringLiteral("run %1: layer %2 was reported twice; the first sample is kept")
                                     .arg(run.runIndex)
                                     .arg(sample.layerIndex));
            }
            continue;
        }
        seen[layer] = true;
        if (sample.elapsedTicks)
            measured.ticks[layer] = *sample.elapsedTicks;
        else
            measured.neverEnded[layer] = true;
    }
    return measured;
}

Conversion fromCapture(const Devices::Capture& capture, int operatorCount)
{
    Conversion out;
    out.modelSha256 = capture.modelSha256;
    Profiler::MeasuredSession& session = out.session;
    session.source = capture.source;
    if (capture.board) {
        session.boardName = capture.board->boardName;
        session.tickHz = capture.board->tickHz;
        session.cpuHz = capture.board->cpuHz;
    }
    session.runs.reserve(capture.runs.size());
    QStringList dropped;
    for (const Devices::CapturedRun& run : capture.runs)
        session.runs.push_back(measuredRunFromCapture(run, operatorCount, &dropped));
    if (dropped.size() > kMaxDroppedWarnings) {
        const auto more = dropped.size() - kMaxDroppedWarnings;
        dropped.erase(dropped.begin() + kMaxDroppedWarnings, dropped.end());
        dropped.append(QStringLiteral("... and %1 more samples that did not fit the model").arg(more));
    }
    out.warnings += dropped;
    return out;
}

Conversion fromTflmLog(
    const Devices::TflmLog& log, const std::vector<QString>& operatorTypes, const QString& source, double tickHz)
{
    Conversion out;
    Profiler::MeasuredSession& session = out.session;
    session.source = source;
    session.tickHz = tickHz;
    const std::size_t n = operatorTypes.size();
    int runNumber = 0;
    for (const Devices::TflmRun& run : log.runs) {
        const Devices::TflmOperatorMapping mapping = Devices::mapEventsToOperators(operatorTypes, run);
        Profiler::MeasuredRun measured;
        measured.runIndex = runNumber;
        measured.ticks.assign(n, std::nullopt);
        measured.neverEnded.assign(n, false);
        measured.complete = !run.truncated;
        for (std::size_t i = 0; i < n && i < mapping.operators.size(); ++i) {
            const Devices::TflmOperatorTiming& timing = mapping.operators[i];
            if (timing.ticks) {
                measured.ticks[i] = timing.ticks;
                continue;
            }
            // Rejected events of the right operator still count, as rejected samples, in the statistics.
            if (i >= run.events.size())
                continue;
            const Devices::TflmEvent& event = run.events[i];
            if (event.tag.compare(operatorTypes[i], Qt::CaseInsensitive) != 0)
                continue;
            if (event.rejectReason == Devices::TflmRejectReason::NeverEnded)
                measured.neverEnded[i] = true;
            else if (event.rejectReason == Devices::TflmRejectReason::Wrapped)
                measured.ticks[i] = event.ticks;
        }
        for (const QString& w : mapping.warnings)
            out.warnings.append(QStringLiteral("run %1: %2").arg(runNumber).arg(w));
        session.runs.push_back(std::move(measured));
        ++runNumber;
    }
    for (const Devices::TflmWarning& w : log.warnings) {
        out.warnings.append(w.line > 0 ? QStringLiteral("line %1: %2").arg(w.line).arg(w.message) : w.message);
    }
    return out;
}

FileConversion fromTflmLogFile(const QString& path, const std::vector<QString>& operatorTypes, double tickHz)
{
    FileConversion out;
    Devices::TflmLogParserOptions options;
    // Log() lines carry no event index: the model's operator count splits them into runs reliably.
    options.expectedEventsPerRun = static_cast<int>(operatorTypes.size());
    const Devices::TflmLogFileResult parsed = Devices::parseTflmLogFile(path, options);
    if (!parsed.ok()) {
        out.error = parsed.error.isEmpty() ? QStringLiteral("%1: cannot read the TFLM log").arg(path) : parsed.error;
        return out;
    }
    const Devices::TflmLog& log = *parsed.value;
    if (log.runs.empty()) {
        out.error = QStringLiteral("%1: no profiled runs in the TFLM log (only per-tag totals, which cannot be "
                                   "mapped to operators)")
                        .arg(path);
        return out;
    }
    Conversion conversion
        = fromTflmLog(log, operatorTypes, QStringLiteral("TFLM log %1").arg(QFileInfo(path).fileName()), tickHz);
    for (QString& w : conversion.warnings)
        w = QFileInfo(path).fileName() + QStringLiteral(": ") + w;
    out.value = std::move(conversion);
    return out;
}

FileConversion fromSessionFile(const QString& path, int operatorCount)
{
    FileConversion out;
    const Devices::SessionFileResult read = Devices::readSessionFile(path);
    if (!read.ok()) {
        out.error = read.error.isEmpty() ? QStringLiteral("%1: cannot read the session file").arg(path) : read.error;
        return out;
    }
    const Devices::SessionFileContents& contents = *read.value;
    Conversion conversion = fromCapture(contents.capture, operatorCount);
    conversion.session.source = QStringLiteral("session %1").arg(QFileInfo(path).fileName());
    QStringList warnings;
    for (const QString& w : contents.warnings)
        warnings.append(w);
    for (const QString& w : conversion.warnings)
        warnings.append(QFileInfo(path).fileName() + QStringLiteral(": ") + w);
    conversion.warnings = warnings;
    out.value = std::move(conversion);
    return out;
}

bool isSessionFile(const QString& path)
{
    if (!QFileInfo(path).isFile())
        return false; // the reader that follows says what it is instead
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = file.read(256);
    return head.trimmed().startsWith('{') && head.contains("tinyscope-session");
}

} // namespace LatencySources
