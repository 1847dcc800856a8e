// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace TestHelpers {

/** How a program run by a test ended. */
struct ProcessResult
{
    int exitCode = -1; ///< -1: it crashed, could not start or did not finish in time
    QByteArray out;
    QByteArray err;
};

/** Runs `program` with `args` to its end (killed after `timeoutMs`) and collects its exit code and output. */
ProcessResult runProcess(const QString& program, const QStringList& args, int timeoutMs = 60000);

} // namespace TestHelpers
