// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>
#include <vector>

namespace Devices {

/*
 * What a profiling session captured from a board, as the board reported it. Plain data, no Qt objects: the serial
 * session fills it, the session file stores it, the app turns it into latency statistics (Profiler::LatencyProfile).
 */

/** The board as its Hello described it. */
struct BoardIdentity
{
    quint8 versionMajor = 0;
    quint8 versionMinor = 0;
    QString boardName;
    quint32 cpuHz = 0; ///< 0: unknown
    quint32 tickHz = 0; ///< 0: unknown
    std::optional<quint32> arenaBytesUsed;
    quint32 modelId = 0;
};
bool operator==(const BoardIdentity& a, const BoardIdentity& b);

/** One layer of one run: LayerBegin, and LayerEnd when it arrived. */
struct LayerSample
{
    quint16 layerIndex = 0;
    quint16 opCode = 0xFFFF; ///< TFLite BuiltinOperator, 0xFFFF when the board did not say
    QString tag; ///< op name the board sent (custom ops), usually empty
    quint32 beginTicks = 0; ///< free-running counter at LayerBegin
    std::optional<quint32> elapsedTicks; ///< from LayerEnd; empty when the layer never ended
};
bool operator==(const LayerSample& a, const LayerSample& b);

/** Why a run stopped before its RunEnd. */
enum class RunCut {
    None, ///< complete: RunEnd arrived
    Disconnected, ///< the port closed or failed (unplug, board power loss)
    BoardReset, ///< a Hello arrived mid-run: the board restarted
    Stopped, ///< the user stopped, or the session was closed
    Protocol, ///< frames were lost inside the run, or a new RunStart arrived before RunEnd
};
QString runCutName(RunCut cut); ///< "none", "disconnected", ... (stable: used in session files)
std::optional<RunCut> runCutFromName(const QString& name);

/** One inference run. */
struct CapturedRun
{
    quint32 runIndex = 0; ///< as the board numbered it
    std::vector<LayerSample> layers; ///< in arrival order
    std::optional<quint32> totalTicks; ///< from RunEnd
    RunCut cut = RunCut::None;
    qint64 receivedMs = 0; ///< host clock (ms since epoch) when the run ended or was cut

    bool complete() const { return cut == RunCut::None; }
};
bool operator==(const CapturedRun& a, const CapturedRun& b);

/** A whole capture: who was measured, and every run in arrival order. */
struct Capture
{
    QString source; ///< "serial /dev/ttyACM0", "simulated board", ...
    std::optional<BoardIdentity> board; ///< last Hello; empty until one arrived
    qint64 startedMs = 0; ///< host clock when the session started
    QString modelPath; ///< model open when the capture was made (may be empty)
    QString modelSha256; ///< hex, may be empty
    std::vector<CapturedRun> runs;
};

} // namespace Devices
