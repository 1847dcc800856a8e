// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-cli: TinyScope without a display, for scripts and CI.
#include "commands.h"
#include "reportcommands.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

const char kUsage[] = "Usage: tinyscope-cli <command> [options]\n"
                      "\n"
                      "Commands:\n"
                      "  analyze MODEL [--json|--csv] [-o FILE] [--subgraph N]\n"
                      "          per-layer parameters, MACs, activation bytes and TFLM support\n"
                      "  memory MODEL [--json] [-o FILE]\n"
                      "          tensor arena: TFLM's plan, lower bound, best plan, reordering, timeline\n"
                      "  layout MODEL [--json] [-o FILE] [--subgraph N]\n"
                      "          the graph layout: node boxes, edge routes, crossings, time taken\n"
                      "  check MODEL --board NAME|FILE [--json]\n"
                      "          does it fit the board? exit 0 fits, 1 does not fit or unsupported operators\n"
                      "  report MODEL [--board NAME|FILE]... [--session LOG] [--tick-hz HZ] -o DIR\n"
                      "          report.html, layers.csv/json, memory.json, Model Explorer node data\n"
                      "  firmware-workload MODEL [-o FILE] [--scale N]\n"
                      "          C header of per-layer MAC loops for the example firmware (devices/stub/examples)\n"
                      "\n"
                      "Run 'tinyscope-cli <command> --help' for a command's options.\n"
                      "Exit codes: 0 success, 1 a check said no, 2 error (the message names the file and reason).\n";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tinyscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINYSCOPE_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") || args.at(1) == QLatin1String("-h")
        || args.at(1) == QLatin1String("help")) {
        (args.size() < 2 ? err : out) << kUsage;
        return args.size() < 2 ? Cli::ExitError : Cli::ExitOk;
    }
    if (args.at(1) == QLatin1String("--version")) {
        out << "tinyscope-cli " << QCoreApplication::applicationVersion() << '\n';
        return Cli::ExitOk;
    }
    const QString command = args.at(1);
    args.removeAt(1); // the parser of each command sees "tinyscope-cli <its options>"
    if (command == QLatin1String("analyze"))
        return Cli::runAnalyze(args, out, err);
    if (command == QLatin1String("memory"))
        return Cli::runMemory(args, out, err);
    if (command == QLatin1String("layout"))
        return Cli::runLayout(args, out, err);
    if (command == QLatin1String("check"))
        return Cli::runCheck(args, out, err);
    if (command == QLatin1String("report"))
        return Cli::runReport(args, out, err);
    if (command == QLatin1String("firmware-workload"))
        return Cli::runFirmwareWorkload(args, out, err);
    err << "tinyscope-cli: unknown command \"" << command << "\"\n\n" << kUsage;
    return Cli::ExitError;
}
