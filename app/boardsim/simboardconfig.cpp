// SPDX-License-Identifier: GPL-3.0-or-later
#include "simboardconfig.h"

#include <QStringList>

#include <algorithm>
#include <limits>

namespace BoardSim {

QString defaultSimulatedBoardId()
{
    return QStringLiteral("qemu-mps2-an386");
}

Devices::BoardResult<Devices::BoardProfile> findBoardProfile(const QString& idOrPath)
{
    using Result = Devices::BoardResult<Devices::BoardProfile>;
    if (idOrPath.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return Devices::loadBoardProfileFile(idOrPath);
    const Devices::BoardList list = Devices::builtinBoards();
    QStringList ids;
    for (const Devices::BoardProfile& board : list.boards) {
        if (board.id == idOrPath)
            return Result::success(board);
        ids << board.id;
    }
    ids.sort();
    return Result::failure(QStringLiteral("Unknown board \"%1\": the built-in boards are %2 (or give a board profile "
                                          "file ending in .json)")
                               .arg(idOrPath, ids.join(QLatin1String(", "))));
}

Devices::SimulatedBoardConfig makeSimulatedBoardConfig(const Profiler::ModelDocument& document, quint32 modelId,
    const Devices::BoardProfile& board, const SimulationOptions& options)
{
    constexpr qint64 kMaxU32 = std::numeric_limits<quint32>::max();
    Devices::SimulatedBoardConfig config;
    // The Hello name has 32 bytes on the wire: the id is short and says which profile the clock came from.
    config.boardName = QStringLiteral("Simulated ") + board.id;
    config.cpuHz = quint32(std::clamp<qint64>(board.clockHz, 1, kMaxU32));
    config.tickHz = config.cpuHz;
    config.modelId = modelId;
    const qint64 arena = document.memory.tflm.arenaBytes + document.memory.persistent.totalBytes;
    if (arena > 0 && arena < kMaxU32)
        config.arenaBytesUsed = quint32(arena);
    config.noiseFraction = options.noiseFraction;
    config.firstRunFactor = options.firstRunFactor;
    config.seed = options.seed;
    config.timeScale = options.timeScale;

    if (options.subgraph < 0 || std::size_t(options.subgraph) >= document.model.subgraphs.size())
        return config; // no such subgraph: a board without layers
    const std::vector<double> cycles = Profiler::estimateOperatorCycles(document, options.subgraph, options.cost);
    const double ticksPerCycle = double(config.tickHz) / double(config.cpuHz);
    const auto& operators = document.model.subgraphs[std::size_t(options.subgraph)].operators;
    for (std::size_t i = 0; i < cycles.size() && i < operators.size(); ++i) {
        const Profiler::Operator& op = operators[i];
        Devices::SimulatedLayer layer;
        if (!op.isCustom && op.builtinCode >= 0 && op.builtinCode < Devices::Wire::kUnknownOp)
            layer.opCode = quint16(op.builtinCode);
        if (op.isCustom)
            layer.tag = op.type;
        layer.meanTicks = std::max(1.0, cycles[i] * ticksPerCycle);
        config.layers.push_back(layer);
    }
    return config;
}

} // namespace BoardSim
