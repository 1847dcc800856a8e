// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace Devices {

/** The model id a board reports in Hello for a model file: the first 4 bytes of the file's SHA-256, read as a
 *  little-endian u32. Firmware builds compute the same value, so the host can tell whether the board runs the model
 *  that is open (docs/protocol.md). */
quint32 modelIdForFile(const QByteArray& contents);

} // namespace Devices
