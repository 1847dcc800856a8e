// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-board-sim: a board running the TinyScope stub, simulated on a pseudo-terminal, so that live profiling
// can be tried and tested without hardware. docs/simulated-board.md.
#include "protocol/modelid.h"
#include "sim/simulatedboard.h"
#include "simboardconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

int g_signalWriteFd = -1; ///< write end of the self-pipe; the handler only writes one byte to it

void onTerminationSignal(int signalNumber)
{
    const int savedErrno = errno;
    const char byte = char(signalNumber);
    [[maybe_unused]] const ssize_t written = ::write(g_signalWriteFd, &byte, 1);
    errno = savedErrno;
}

int fail(const QString& message)
{
    std::fprintf(stderr, "tinyscope-board-sim: %s\n", qUtf8Printable(message));
    return kExitError;
}

/** Parses a finite number >= minimum; false when it is not one. */
bool parseNumber(const QString& text, double minimum, double* value)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < minimum)
        return false;
    *value = v;
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tinyscope-board-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINYSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A board running the TinyScope profiling stub, simulated on a pseudo-terminal. Prints the terminal's path "
        "and answers the TinyScope wire protocol there until SIGINT or SIGTERM. Latencies come from a simple cost "
        "model plus noise: an estimate for trying things out, not a measurement of any board."));
    const QCommandLineOption modelOption(
        QStringLiteral("model"), QStringLiteral("The .tflite model the board runs (required)."), QStringLiteral("M"));
    const QCommandLineOption boardOption(QStringLiteral("board"),
        QStringLiteral("Board profile id, or a board profile .json file, for the clock (default: %1).")
            .arg(BoardSim::defaultSimulatedBoardId()),
        QStringLiteral("ID"), BoardSim::defaultSimulatedBoardId());
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Seed of the noise (default: 1)."),
        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption noiseOption(QStringLiteral("noise"),
        QStringLiteral("Standard deviation of each sample as a fraction of its mean (default: 0.03)."),
        QStringLiteral("F"), QStringLiteral("0.03"));
    const QCommandLineOption timeScaleOption(QStringLiteral("time-scale"),
        QStringLiteral("Wall-clock seconds per simulated second; 0 streams as fast as the reader takes the bytes "
                       "(default: 1)."),
        QStringLiteral("F"), QStringLiteral("1"));
    const QCommandLineOption firstRunOption(QStringLiteral("first-run-factor"),
        QStringLiteral("How much slower the first run after boot is (default: 1.3)."), QStringLiteral("F"),
        QStringLiteral("1.3"));
    const QCommandLineOption subgraphOption(QStringLiteral("subgraph"),
        QStringLiteral("The subgraph the board runs (default: 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption linkOption(QStringLiteral("link"),
        QStringLiteral("Also create a symbolic link PATH to the pseudo-terminal (a stable name), removed on exit."),
        QStringLiteral("PATH"));
    parser.addOptions({ modelOption, boardOption, seedOption, noiseOption, timeScaleOption, firstRunOption,
        subgraphOption, linkOption });
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();

    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet(helpOption)) {
        std::fputs(qUtf8Printable(parser.helpText()), stdout);
        return kExitOk;
    }
    if (parser.isSet(versionOption)) {
        std::printf("tinyscope-board-sim %s\n", qUtf8Printable(QCoreApplication::applicationVersion()));
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()));
    if (!parser.isSet(modelOption))
        return fail(QStringLiteral("--model is required (the .tflite file the simulated board runs)"));

    BoardSim::SimulationOptions options;
    bool ok = false;
    options.seed = parser.value(seedOption).toUInt(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed must be a whole number from 0 to 4294967295, not \"%1\"")
                        .arg(parser.value(seedOption)));
    if (!parseNumber(parser.value(noiseOption), 0.0, &options.noiseFraction))
        return fail(QStringLiteral("--noise must be a number >= 0 (0.03 is 3 percent), not \"%1\"")
                        .arg(parser.value(noiseOption)));
    if (!parseNumber(parser.value(timeScaleOption), 0.0, &options.timeScale))
        return fail(
            QStringLiteral("--time-scale must be a number >= 0, not \"%1\"").arg(parser.value(timeScaleOption)));
    if (!parseNumber(parser.value(firstRunOption), 0.0, &options.firstRunFactor) || options.firstRunFactor <= 0)
        return fail(
            QStringLiteral("--first-run-factor must be a number > 0, not \"%1\"").arg(parser.value(firstRunOption)));
    options.subgraph = parser.value(subgraphOption).toInt(&ok);
    if (!ok || options.subgraph < 0)
        return fail(
            QStringLiteral("--subgraph must be a whole number >= 0, not \"%1\"").arg(parser.value(subgraphOption)));

    const QString modelPath = parser.value(modelOption);
    if (QFileInfo::exists(modelPath) && !QFileInfo(modelPath).isFile())
        return fail(QStringLiteral("%1: not a regular file (a folder, a device or a pipe?)").arg(modelPath));
    QFile modelFile(modelPath);
    if (!modelFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read %1: %2").arg(modelPath, modelFile.errorString()));
    const QByteArray modelBytes = modelFile.readAll();
    modelFile.close();
    const auto document = Profiler::openModelDocument(modelPath);
    if (!document)
        return fail(document.error().userMessage);
    const Profiler::ModelDocument& doc = *document.value();
    if (std::size_t(options.subgraph) >= doc.model.subgraphs.size())
        return fail(QStringLiteral("%1 has no subgraph %2 (it has %3)")
                        .arg(modelPath)
                        .arg(options.subgraph)
                        .arg(doc.model.subgraphs.size()));
    if (doc.model.subgraphs[std::size_t(options.subgraph)].operators.empty())
        return fail(QStringLiteral("%1: subgraph %2 has no operators, so there is nothing to profile")
                        .arg(modelPath)
                        .arg(options.subgraph));

    const auto board = BoardSim::findBoardProfile(parser.value(boardOption));
    if (!board)
        return fail(board.error);

    const Devices::SimulatedBoardConfig config
        = BoardSim::makeSimulatedBoardConfig(doc, Devices::modelIdForFile(modelBytes), *board.value, options);
    Devices::SimulatedBoard sim(config);

    // SIGINT/SIGTERM end the event loop through a self-pipe: the handler itself only writes one byte.
    int signalPipe[2] = { -1, -1 };
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, signalPipe) != 0)
        return fail(
            QStringLiteral("cannot set up signal handling: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    g_signalWriteFd = signalPipe[0];
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    QSocketNotifier signalNotifier(qintptr(signalPipe[1]), QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        [[maybe_unused]] const ssize_t n = ::read(signalPipe[1], &byte, 1);
        QCoreApplication::exit(kExitOk);
    });

    if (!sim.open())
        return fail(sim.errorText());

    const QString linkPath = parser.value(linkOption);
    bool linked = false;
    if (!linkPath.isEmpty()) {
        const QFileInfo existing(linkPath);
        if (existing.isSymLink()) {
            QFile::remove(linkPath); // left behind by a simulator that was killed
        } else if (existing.exists()) {
            return fail(
                QStringLiteral("Cannot create the link %1: it exists and is not a symbolic link").arg(linkPath));
        }
        if (!QFile::link(sim.slavePath(), linkPath))
            return fail(QStringLiteral("Cannot create the link %1 to %2").arg(linkPath, sim.slavePath()));
        linked = true;
    }

    const QMetaObject::Connection closedConnection
        = QObject::connect(&sim, &Devices::SimulatedBoard::closed, &app, [&] {
              std::fprintf(stderr, "tinyscope-board-sim: the pseudo-terminal %s failed; stopping\n",
                  qUtf8Printable(sim.slavePath()));
              QCoreApplication::exit(kExitError);
          });

    double runTicks = 0;
    for (const Devices::SimulatedLayer& layer : config.layers)
        runTicks += layer.meanTicks;
    std::printf("TinyScope simulated board: %s\n", qUtf8Printable(sim.slavePath()));
    std::fflush(stdout);
    std::fprintf(stderr,
        "tinyscope-board-sim: %s on %s (%.0f MHz): %zu layers, about %.3f ms per run (estimate, not a measurement); "
        "seed %u, noise %g, time scale %g%s%s. Stop with Ctrl+C.\n",
        qUtf8Printable(QFileInfo(modelPath).fileName()), qUtf8Printable(board.value->name), double(config.cpuHz) / 1e6,
        config.layers.size(), runTicks / double(config.tickHz) * 1e3, options.seed, options.noiseFraction,
        options.timeScale, linked ? ", link " : "", linked ? qUtf8Printable(linkPath) : "");

    const int exitCode = QCoreApplication::exec();

    QObject::disconnect(closedConnection);
    sim.unplug();
    if (linked && QFileInfo(linkPath).isSymLink())
        QFile::remove(linkPath);
    ::close(signalPipe[0]);
    ::close(signalPipe[1]);
    return exitCode;
}
