// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

namespace Cli {

/** `tinyscope-cli check MODEL --board NAME|FILE [--json]`: the fit verdict; exit 0 fits, 1 does not (or has
 *  operators TFLM cannot run), 2 error. */
int runCheck(const QStringList& arguments, QTextStream& out, QTextStream& err);

/** `tinyscope-cli report MODEL [--board NAME|FILE]... [--session FILE] [--tick-hz HZ] [--subgraph N] -o DIR`: the
 *  report folder (report.html, layers.csv/json, memory.json, Model Explorer node data, session.csv). */
int runReport(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace Cli
