// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "model/model.h"

#include <QByteArray>
#include <QString>

namespace Profiler {

/** Reads a TensorFlow Lite flatbuffer into the format-neutral Model. The data is verified with the flatbuffers
 *  Verifier before anything is read; every problem becomes an Error that names `displayName` and the reason. */
Result<Model> loadTfliteData(const QByteArray& data, const QString& displayName, const Progress& progress = {});

/** Reads the file at `path` (memory-mapped) and calls loadTfliteData(). */
Result<Model> loadTfliteFile(const QString& path, const Progress& progress = {});

/** True when `data` carries the "TFL3" identifier at byte 4. */
bool looksLikeTflite(const QByteArray& data);

/** Name of a builtin operator code ("CONV_2D"), or an empty string for codes the format does not define. */
QString builtinOperatorName(int code);

/** Code of a builtin operator name, or -1. */
int builtinOperatorCode(const QString& name);

/** Number of builtin operator codes the format defines (codes 0 .. count-1). */
int builtinOperatorCount();

} // namespace Profiler
