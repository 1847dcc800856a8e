// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/modelid.h"

#include <QCryptographicHash>
#include <QtEndian>

namespace Devices {

quint32 modelIdForFile(const QByteArray& contents)
{
    const QByteArray digest = QCryptographicHash::hash(contents, QCryptographicHash::Sha256);
    return qFromLittleEndian<quint32>(digest.constData());
}

} // namespace Devices
