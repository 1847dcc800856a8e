// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordcommand.h"

#include "commands.h"
#include "reportinput.h"
#include "session/serialsession.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace Cli {

namespace {

/** Time for the rest of the handshake's answers after the first one (pings go out every 200 ms). */

int fail(QTextStream& err, const QString& message)
{
    err << "tinyscope-cli record: " << message << Qt::endl;
    return ExitError;
}

} // namespace

int runRecord(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Records runs from a board running the TinyScope profiling stub (or tinyscope-board-sim) into a session "
        "file, written as the runs arrive."));
    parser.addPositionalArgument(
        QStringLiteral("port"), QStringLiteral("Serial port: /dev/ttyACM0, /dev/pts/3, COM5."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption outputOpt({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The session file to write (.tsession)."), QStringLiteral("file"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Runs to record (default 20)."),
        QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption modelOpt(QStringLiteral("model"),
        QStringLiteral("The model the board runs: its name and SHA-256 go into the session file."),
        QStringLiteral("file"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout"),
        QStringLiteral("Give up after this many seconds (default 60)."), QStringLiteral("s"), QStringLiteral("60"));
    const QCommandLineOption baudOpt(QStringLiteral("baud"), QStringLiteral("Baud rate (default 115200)."),
        QStringLiteral("rate"), QStringLiteral("115200"));
    const QCommandLineOption verboseOpt(QStringLiteral("verbose"),
        QStringLiteral("Print what the session notes (port, handshake, lost frames) on stderr."));
    parser.addOptions({ outputOpt, runsOpt, modelOpt, timeoutOpt, baudOpt, verboseOpt });
    if (!parser.parse(arguments))
        return fail(err, parser.errorText());
    if (parser.isSet(help)) {
        out << parser.helpText();
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(err, QStringLiteral("expected exactly one serial port (see --help)"));
    if (parser.value(outputOpt).isEmpty())
        return fail(err, QStringLiteral("-o FILE is required (see --help)"));
    bool ok = false;
    const int runs = parser.value(runsOpt).toInt(&ok);
    if (!ok || runs < 1)
        return fail(err, QStringLiteral("--runs takes a number >= 1, not \"%1\"").arg(parser.value(runsOpt)));
    const double timeout = parser.value(timeoutOpt).toDouble(&ok);
    if (!ok || !(timeout > 0) || !std::isfinite(timeout))
        return fail(err, QStringLiteral("--timeout takes seconds > 0, not \"%1\"").arg(parser.value(timeoutOpt)));
    const int baud = parser.value(baudOpt).toInt(&ok);
    if (!ok || baud <= 0)
        return fail(err, QStringLiteral("--baud takes a rate > 0, not \"%1\"").arg(parser.value(baudOpt)));

    const QString port = parser.positionalArguments().constFirst();
    const QString file = parser.value(outputOpt);
    Devices::SerialSession session;
    Devices::SerialSettings settings;
    settings.portName = port;
    settings.baudRate = baud;
    settings.reconnect = true; // an unplugged board is waited for until the timeout; completed runs are on disk
    session.setSettings(settings);
    if (parser.isSet(modelOpt)) {
        QString error;
        const QString sha = Report::sha256OfFile(parser.value(modelOpt), &error);
        if (sha.isEmpty())
            return fail(err, error);
        session.setModel(QFileInfo(parser.value(modelOpt)).absoluteFilePath(), sha);
    }
    if (!session.setSessionFile(file))
        return fail(
            err, session.errorText().isEmpty() ? QStringLiteral("%1: cannot write").arg(file) : session.errorText());

    QEventLoop loop;
    QString failure;
    bool asked = false;
    const auto captured = [&] { return static_cast<int>(session.capture().runs.size()); };
    QObject::connect(&session, &Devices::SerialSession::stateChanged, &loop, [&](Devices::SessionState state) {
        if (state == Devices::SessionState::Idle && !asked) {
            // The board answered. After a reconnect the session asks for the runs still missing by itself.
            asked = true;
            session.startRuns(static_cast<quint32>(runs));
        } else if (state == Devices::SessionState::Idle && captured() >= runs) {
            loop.quit(); // the board finished: no run is cut by leaving
        } else if (state == Devices::SessionState::Failed) {
            failure = session.errorText().isEmpty() ? QStringLiteral("%1: the session failed").arg(port)
                                                    : session.errorText();
            loop.quit();
        }
    });
    QTimer::singleShot(static_cast<int>(std::min(timeout * 1000.0, 2.0e9)), &loop, [&] {
        failure = QStringLiteral("%1: %2 of %3 runs within %4 s (%5)")
                      .arg(port)
                      .arg(captured())
                      .arg(runs)
                      .arg(timeout)
                      .arg(Devices::sessionStateName(session.state()));
        loop.quit();
    });
    if (parser.isSet(verboseOpt)) {
        QObject::connect(
            &session, &Devices::SerialSession::lineEvent, &loop, [&](const QString& text) { err << text << Qt::endl; });
    }
    session.connectToBoard();
    if (session.state() != Devices::SessionState::Failed)
        loop.exec();
    else
        failure = session.errorText();
    const int got = captured();
    if (session.state() == Devices::SessionState::Running)
        session.stop();
    session.disconnectFromBoard();
    if (!failure.isEmpty()) {
        err << "tinyscope-cli record: " << failure;
        if (got > 0)
            err << "; the " << got << " runs received are in " << file;
        err << Qt::endl;
        return ExitError;
    }
    out << file << ": " << got << " runs";
    if (const auto& board = session.capture().board)
        out << " from " << board->boardName;
    out << '\n';
    out.flush();
    return ExitOk;
}

} // namespace Cli
