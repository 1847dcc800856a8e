// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-cli: TinyScope without a display, for scripts and CI.
#include "commands.h"
#include "recordcommand.h"
#include "reportcommands.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <memory>

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
                      "  report MODEL [--board NAME|FILE]... [--session FILE] [--tick-hz HZ] [--images FMT] -o DIR\n"
                      "          report.html with graph and timeline images, layers.csv/json, memory.json,\n"
                      "          Model Explorer node data, session.csv; FILE: a .tsession or TFLM log,\n"
                      "          FMT: png (default), svg or none\n"
                      "  record PORT -o FILE.tsession [--runs N] [--model MODEL] [--timeout S]\n"
                      "          records runs from a board running the profiling stub into a session file\n"
                      "  firmware-workload MODEL [-o FILE] [--scale N]\n"
                      "          C header of per-layer MAC loops for the example firmware (devices/stub/examples)\n"
                      "\n"
                      "Run 'tinyscope-cli <command> --help' for a command's options.\n"
                      "Exit codes: 0 success, 1 a check said no, 2 error (the message names the file and reason).\n";

/** The offscreen platform's notes on what it does not implement (size hints of windows nobody sees) and a missing
 *  XDG_RUNTIME_DIR say nothing about the report: keep them off stderr, where errors go. */
void quietPlatformMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type == QtWarningMsg
        && (message.contains(QLatin1String("propagateSizeHints"))
            || message.startsWith(QLatin1String("QStandardPaths: "))))
        return;
    std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

/** Only `report` draws (graph and timeline images): it gets a QApplication on the offscreen platform unless the
 *  caller chose a platform. Every other command stays a QCoreApplication: no display, no GUI start-up cost. */
std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "report") == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        qInstallMessageHandler(quietPlatformMessages);
        // QGuiApplication takes its own options out of argv (-session, -style, -platform ... also spelt with two
        // dashes): `report --session FILE` must reach the command, so the application sees the program name only.
        static int appArgc = 1;
        static char* appArgv[] = { argv[0], nullptr };
        return std::make_unique<QApplication>(appArgc, appArgv);
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace

int main(int argc, char** argv)
{
    const std::unique_ptr<QCoreApplication> app = makeApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tinyscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINYSCOPE_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
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
    if (command == QLatin1String("record"))
        return Cli::runRecord(args, out, err);
    if (command == QLatin1String("firmware-workload"))
        return Cli::runFirmwareWorkload(args, out, err);
    err << "tinyscope-cli: unknown command \"" << command << "\"\n\n" << kUsage;
    return Cli::ExitError;
}
