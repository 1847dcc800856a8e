// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

namespace Cli {

/** Exit codes shared by every command. */
enum ExitCode {
    ExitOk = 0,
    ExitFailed = 1, ///< the command ran and the answer is "no" (e.g. `check`: does not fit)
    ExitError = 2, ///< bad input, unreadable file, bad usage
};

/** `tinyscope-cli analyze MODEL [--json|--csv] [-o FILE] [--subgraph N]` */
int runAnalyze(const QStringList& arguments, QTextStream& out, QTextStream& err);

/** `tinyscope-cli layout MODEL [--json] [-o FILE] [--subgraph N]` */
int runLayout(const QStringList& arguments, QTextStream& out, QTextStream& err);

/** `tinyscope-cli memory MODEL [--json] [-o FILE]` */
int runMemory(const QStringList& arguments, QTextStream& out, QTextStream& err);

/** `tinyscope-cli firmware-workload MODEL [-o FILE] [--scale N]`: the example firmware's per-layer workload header
 *  (devices/stub/examples, docs/board-stub.md). */
int runFirmwareWorkload(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace Cli
