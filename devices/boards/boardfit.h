// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "boards/boardprofile.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace Devices {

/** How a need compares with a budget: within 90 %, above 90 % but within 100 %, or above. */
enum class FitStatus {
    Fits,
    Tight, ///< more than 90 % of the budget
    DoesNotFit,
};

QString fitStatusName(FitStatus status); ///< "fits", "tight", "does not fit"

/** Usage above this share of the budget (exclusive) counts as tight. */
inline constexpr int kTightPercent = 90;

/** What a model needs, as plain numbers (no profiler types: devices/ does not see profiler/). */
struct FitInput
{
    qint64 modelBytes = 0; ///< the model stored in flash (the .tflite file, weights included)
    qint64 runtimeCodeBytes = 0; ///< estimate of the inference runtime's code
    qint64 arenaBytes = 0; ///< arena head: the activations' plan
    qint64 persistentBytes = 0; ///< arena tail: the runtime's persistent allocations
    qint64 reorderedArenaBytes = -1; ///< head with a better operator order (and plan); -1 when unknown
    QStringList unsupportedOperators; ///< operator names the runtime has no kernel for

    qint64 flashNeeded() const { return modelBytes + runtimeCodeBytes; }
    qint64 ramNeeded() const { return arenaBytes + persistentBytes; }
};

/** One bar of the verdict: bytes used against the bytes available. */
struct FitBar
{
    qint64 usedBytes = 0;
    qint64 budgetBytes = 0;
    double percent = 0.0; ///< 100 * used / budget; infinity when the budget is 0 and something is needed
    FitStatus status = FitStatus::Fits;
};

/** The verdict for one model on one board, with the sentences that explain it. */
struct FitVerdict
{
    FitBar flash;
    FitBar ram;
    FitStatus overall = FitStatus::Fits; ///< the worse of flash and RAM
    QString headline; ///< "Fits", "Fits, but tight", "Does not fit" (plus a note on unsupported operators)
    QStringList sentences; ///< "RAM: 412 KiB needed, 304 KiB available: does not fit (135 %)", flash first
    QStringList details; ///< how the numbers are made up
    QStringList warnings; ///< memory problems the bars do not show (e.g. no RAM block large enough for the arena)
    QStringList unsupportedOperators;
    QString unsupportedSentence; ///< "2 operators are not supported by TFLM's kernels: A, B."; empty when none
    qint64 reorderSavingBytes = 0; ///< arena bytes a better operator order saves; 0 when none
    std::optional<FitStatus> reorderedRamStatus; ///< RAM status with the reordered arena, when it saves bytes
    QString
        suggestion; ///< "Reordering the operators (with TinyScope's arena plan) saves 1.9 KiB: then it fits (88 %)."
};

/** Fits / Tight / DoesNotFit for `used` bytes of `budget` (exact integer comparison: 90 % itself still fits). */
FitStatus classifyUsage(qint64 used, qint64 budget);

/** 100 * used / budget; 0 when nothing is used, infinity when the budget is 0. */
double usagePercent(qint64 used, qint64 budget);

/** Judges whether the model fits the board. Pure. */
FitVerdict judgeFit(const FitInput& input, const BoardProfile& board);

/** "512 B", "1.9 KiB", "304 KiB", "3.44 MiB". */
QString formatByteSize(qint64 bytes);

/** "135 %", "90.4 %" (one decimal when the rounded value would hide which side of 90 % or 100 % it is). */
QString formatPercent(double percent);

/** TFLM code sizes per kernel, loaded from tflm_code_size.json. Rough estimates; see that file's note. */
struct TflmCodeSizeTable
{
    qint64 interpreterBytes = 0;
    qint64 defaultKernelBytes = 0;
    std::map<QString, qint64> kernelBytes; ///< by operator name ("CONV_2D")
    QString note;
    QStringList sources;
};

/** Parses a table in the tflm_code_size.json format; errors name `sourceName` and the reason. */
BoardResult<TflmCodeSizeTable> loadTflmCodeSizes(const QByteArray& json, const QString& sourceName);

/** The built-in table from :/tinyscope/boards/tflm_code_size.json (an empty table if it failed to load). */
const TflmCodeSizeTable& tflmCodeSizes();

/** A code size estimate split into its parts. */
struct CodeSizeEstimate
{
    qint64 totalBytes = 0;
    qint64 interpreterBytes = 0;
    std::vector<std::pair<QString, qint64>> kernels; ///< each distinct operator once, in first-use order
    QStringList unknownOperators; ///< operators the table does not list (counted with the default size)
};

/** Interpreter plus one kernel per distinct operator type in `operatorTypes`. */
CodeSizeEstimate estimateTflmCodeSize(const QStringList& operatorTypes, const TflmCodeSizeTable& table);
CodeSizeEstimate estimateTflmCodeSize(const QStringList& operatorTypes);

} // namespace Devices
