// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/capture.h"

#include <array>
#include <utility>

namespace Devices {

bool operator==(const BoardIdentity& a, const BoardIdentity& b)
{
    return a.versionMajor == b.versionMajor && a.versionMinor == b.versionMinor && a.boardName == b.boardName
        && a.cpuHz == b.cpuHz && a.tickHz == b.tickHz && a.arenaBytesUsed == b.arenaBytesUsed && a.modelId == b.modelId;
}

bool operator==(const LayerSample& a, const LayerSample& b)
{
    return a.layerIndex == b.layerIndex && a.opCode == b.opCode && a.tag == b.tag && a.beginTicks == b.beginTicks
        && a.elapsedTicks == b.elapsedTicks;
}

bool operator==(const CapturedRun& a, const CapturedRun& b)
{
    return a.runIndex == b.runIndex && a.layers == b.layers && a.totalTicks == b.totalTicks && a.cut == b.cut
        && a.receivedMs == b.receivedMs;
}

namespace {

// The names are written into session files: never rename one, only add.
constexpr std::array<std::pair<RunCut, const char*>, 5> kCutNames { {
    { RunCut::None, "none" },
    { RunCut::Disconnected, "disconnected" },
    { RunCut::BoardReset, "board-reset" },
    { RunCut::Stopped, "stopped" },
    { RunCut::Protocol, "protocol" },
} };

} // namespace

QString runCutName(RunCut cut)
{
    for (const auto& [value, name] : kCutNames) {
        if (value == cut)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("unknown");
}

std::optional<RunCut> runCutFromName(const QString& name)
{
    for (const auto& [value, text] : kCutNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace Devices
