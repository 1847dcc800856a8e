// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

namespace Cli {

/** `tinyscope-cli record PORT -o FILE.tsession [--runs N] [--model MODEL] [--timeout S] [--baud B]`: connects to a
 *  board running the profiling stub (or tinyscope-board-sim), asks for N runs and writes them to a session file as
 *  they arrive (docs/session-file.md). Exit 0 when all N runs arrived, 2 on error or timeout (the runs that did
 *  arrive stay in the file). */
int runRecord(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace Cli
