// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "latency/latency.h"
#include "protocol/tflmlogparser.h"
#include "session/capture.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

/*
 * Part of tinyscope_report so that the desktop app and tinyscope-cli read measurements the same way.
 * The app is the one place that sees both devices/ (what a board or a log reported) and profiler/ (the statistics):
 * these pure functions turn every measurement source into the source-neutral Profiler::MeasuredSession. They only
 * re-shape data; the statistics (warm-up, wrapped samples, shares) stay in Profiler::computeLatency.
 */
namespace LatencySources {

/** A converted session and what did not fit the model on the way ("run 3: layer 17 is outside the model's 13
 *  operators; its sample was dropped"). */
struct Conversion
{
    Profiler::MeasuredSession session;
    QStringList warnings;
    QString modelSha256; ///< of the model the capture was made for, when the source says (session files)
};

/** A conversion, or an error naming the file and the reason. */
struct FileConversion
{
    std::optional<Conversion> value;
    QString error;
    bool ok() const { return value.has_value(); }
};

/**
 * One captured run as a measured run of a model with operatorCount operators in subgraph 0. The board's layer index
 * is the operator index. Samples of layers outside the model are dropped (a warning each, prefixed with the run);
 * a layer that began without ending is marked neverEnded; a layer reported twice keeps its first sample.
 */
Profiler::MeasuredRun measuredRunFromCapture(const Devices::CapturedRun& run, int operatorCount, QStringList* warnings);

/** A whole capture (serial session, session file): every run, the board's name and tick/CPU rates from its Hello. */
Conversion fromCapture(const Devices::Capture& capture, int operatorCount);

/**
 * The runs of a TFLM MicroProfiler log mapped onto a model's operators (operatorTypes: subgraph 0 in execution order,
 * TFLM registration names such as CONV_2D) by Devices::mapEventsToOperators. Events that never ended are marked
 * neverEnded; wrapped samples are passed on so that the statistics count them as rejected. Printed totals are not
 * used. TFLM logs carry no tick rate: pass tickHz (0 = unknown, the views then show ticks only).
 */
Conversion fromTflmLog(
    const Devices::TflmLog& log, const std::vector<QString>& operatorTypes, const QString& source, double tickHz = 0);

/** Reads and converts a TFLM log file (Log(), LogCsv() or LogTicksPerTagCsv() output). Fails when the file is
 *  missing, unreadable, or holds no profiler lines or no runs; the error names the file. */
FileConversion fromTflmLogFile(const QString& path, const std::vector<QString>& operatorTypes, double tickHz = 0);

/** Reads and converts a TinyScope session file (.tsession); lines the reader skipped become warnings. */
FileConversion fromSessionFile(const QString& path, int operatorCount);

/** True when path looks like a session file (by its first bytes), so "Compare with..." accepts logs and sessions. */
bool isSessionFile(const QString& path);

} // namespace LatencySources
