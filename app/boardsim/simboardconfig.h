// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "boards/boardprofile.h"
#include "document/modeldocument.h"
#include "latency/costmodel.h"
#include "sim/simulatedboard.h"

#include <QByteArray>
#include <QString>

namespace BoardSim {

/*
 * The wiring between a model and a simulated board: the cost model (profiler/) gives each operator's cycles, the
 * board profile (devices/) gives the clock, and the result is a Devices::SimulatedBoardConfig. Used by
 * tinyscope-board-sim and by the desktop app's "Connect to simulated board". Details: docs/simulated-board.md.
 */

/** The board simulated when none is chosen: QEMU's mps2-an386, a 25 MHz Cortex-M4 (the emulated CI board). */
QString defaultSimulatedBoardId();

/** A built-in board profile by id, or a board profile JSON file when `idOrPath` ends in ".json". The error names
 *  the board (and lists the known ids) or the file, and the reason. */
Devices::BoardResult<Devices::BoardProfile> findBoardProfile(const QString& idOrPath);

/** What the user can choose about the simulation; the rest comes from the model and the board. */
struct SimulationOptions
{
    quint32 seed = 1;
    double noiseFraction = 0.03; ///< standard deviation of the noise per sample, as a fraction of the mean
    double firstRunFactor = 1.3; ///< the first run after boot is this much slower
    double timeScale = 1.0; ///< wall seconds per simulated second; 0: as fast as the line takes them
    int subgraph = 0; ///< the subgraph the board "runs"
    Profiler::CostModelParams cost;
};

/**
 * The board that runs `document` on `board`: one layer per operator of the subgraph (TFLite builtin code, the name
 * as tag for custom operators), mean ticks = estimated cycles x tickHz / cpuHz, the arena TFLM would use (head plan
 * plus persistent estimate) and `modelId` (Devices::modelIdForFile of the file's bytes). The tick counter runs at
 * the CPU clock (DWT or Xtensa CCOUNT; SysTick clocked from the processor on cores without one).
 */
Devices::SimulatedBoardConfig makeSimulatedBoardConfig(const Profiler::ModelDocument& document, quint32 modelId,
    const Devices::BoardProfile& board, const SimulationOptions& options = {});

} // namespace BoardSim
