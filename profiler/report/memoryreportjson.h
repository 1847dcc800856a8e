// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memory/memoryanalysis.h"
#include "model/model.h"

#include <QJsonObject>
#include <QString>

namespace Profiler {

/** The memory report as JSON (fields in docs/cli.md, "memory"). */
QJsonObject memoryToJson(const Model& model, const MemoryReport& report);

/** A readable label for a planned buffer: the tensor's name, or "scratch of op N (TYPE)". */
QString memoryBufferLabel(const Model& model, const MemoryBuffer& buffer);

} // namespace Profiler
