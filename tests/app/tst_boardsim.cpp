// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-board-sim as a user runs it: a separate process on a real pseudo-terminal, read through QSerialPort
// (raw, and through the app's SerialSession), stopped with a signal.
#include "fixtures.h"
#include "processrun.h"
#include "protocol/modelid.h"
#include "protocol/wireprotocol.h"
#include "session/serialsession.h"
#include "simboardconfig.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSerialPort>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <optional>
#include <vector>

#include <sys/types.h>

using namespace Devices;

namespace {

const QString kLinePrefix = QStringLiteral("TinyScope simulated board: ");

/** The simulator process; killed if a test ends early. */
class SimProcess
{
public:
    ~SimProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    /** Starts the simulator and reads its first stdout line; false with `error` set on failure. */
    bool start(const QStringList& args, QString* error)
    {
        process.start(QStringLiteral(TINYSCOPE_BOARD_SIM), args);
        if (!process.waitForStarted(10000)) {
            *error = process.errorString();
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (!process.canReadLine() && timer.elapsed() < 20000) {
            if (!process.waitForReadyRead(1000) && process.state() == QProcess::NotRunning)
                break;
        }
        const QString line = QString::fromUtf8(process.readLine()).trimmed();
        if (!line.startsWith(kLinePrefix)) {
            *error = QStringLiteral("first line \"%1\", stderr \"%2\"")
                         .arg(line, QString::fromUtf8(process.readAllStandardError()));
            return false;
        }
        ptyPath = line.mid(kLinePrefix.size());
        return true;
    }

    /** Sends `signalNumber` and waits; the exit code, or -1 for a crash or a hang. */
    int stop(int signalNumber)
    {
        ::kill(pid_t(process.processId()), signalNumber);
        if (!process.waitForFinished(10000))
            return -1;
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    QProcess process;
    QString ptyPath;
};

TestHelpers::ProcessResult runToEnd(const QStringList& args)
{
    return TestHelpers::runProcess(QStringLiteral(TINYSCOPE_BOARD_SIM), args, 30000);
}

struct HostRun
{
    quint32 index = 0;
    std::vector<LayerBegin> begins;
    std::vector<LayerEnd> ends;
    std::optional<RunEnd> end;
};

} // namespace

class TestBoardSim : public QObject
{
    Q_OBJECT

private:
    QString m_modelPath;
    QByteArray m_modelBytes;
    Profiler::ModelDocumentPtr m_doc;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(QStringLiteral(TINYSCOPE_BOARD_SIM)), TINYSCOPE_BOARD_SIM);
        m_modelPath = TestHelpers::exampleModelPath();
        QFile file(m_modelPath);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(m_modelPath));
        m_modelBytes = file.readAll();
        auto doc = Profiler::openModelDocument(m_modelPath);
        QVERIFY2(doc.ok(), qPrintable(doc.ok() ? QString() : doc.error().userMessage));
        m_doc = doc.value();
        QVERIFY(!m_doc->model.subgraphs.at(0).operators.empty());
    }

    void twentyRunsThroughQSerialPort()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString link = dir.filePath(QStringLiteral("board"));
        SimProcess sim;
        QString error;
        QVERIFY2(
            sim.start({ QStringLiteral("--model"), m_modelPath, QStringLiteral("--time-scale"), QStringLiteral("0"),
                          QStringLiteral("--noise"), QStringLiteral("0"), QStringLiteral("--first-run-factor"),
                          QStringLiteral("1"), QStringLiteral("--link"), link },
                &error),
            qPrintable(error));
        QVERIFY(sim.ptyPath.startsWith(QLatin1String("/dev/pts/")));
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(QFileInfo(link).symLinkTarget(), sim.ptyPath);

        // What the board should be: the same wiring, computed here from the library.
        const auto board = BoardSim::findBoardProfile(BoardSim::defaultSimulatedBoardId());
        QVERIFY2(board.ok(), qPrintable(board.error));
        BoardSim::SimulationOptions options;
        options.noiseFraction = 0;
        options.firstRunFactor = 1;
        const SimulatedBoardConfig expected
            = BoardSim::makeSimulatedBoardConfig(*m_doc, modelIdForFile(m_modelBytes), *board.value, options);
        const auto& operators = m_doc->model.subgraphs.at(0).operators;
        QCOMPARE(expected.layers.size(), operators.size());

        QSerialPort port(link); // through the stable name
        QVERIFY2(port.open(QIODevice::ReadWrite), qPrintable(port.errorString()));
        FrameDecoder decoder;
        FrameEncoder encoder;
        std::vector<Hello> hellos;
        std::vector<Pong> pongs;
        std::vector<HostRun> runs;
        int lineTrouble = 0;
        QObject::connect(&port, &QSerialPort::readyRead, &port, [&] {
            decoder.feed(port.readAll());
            for (const Decoded& item : decoder.take()) {
                if (item.kind != DecodeKind::MessageReceived) {
                    ++lineTrouble;
                    continue;
                }
                const Message& m = item.message;
                if (const auto* hello = std::get_if<Hello>(&m)) {
                    hellos.push_back(*hello);
                } else if (const auto* pong = std::get_if<Pong>(&m)) {
                    pongs.push_back(*pong);
                } else if (const auto* start = std::get_if<RunStart>(&m)) {
                    runs.push_back(HostRun { start->runIndex, {}, {}, {} });
                } else if (const auto* begin = std::get_if<LayerBegin>(&m)) {
                    if (!runs.empty())
                        runs.back().begins.push_back(*begin);
                } else if (const auto* layerEnd = std::get_if<LayerEnd>(&m)) {
                    if (!runs.empty())
                        runs.back().ends.push_back(*layerEnd);
                } else if (const auto* runEnd = std::get_if<RunEnd>(&m)) {
                    if (!runs.empty())
                        runs.back().end = *runEnd;
                }
            }
        });
        auto send = [&](const Message& message) {
            port.write(encoder.encode(message));
            port.waitForBytesWritten(1000);
        };

        // Host-driven handshake: ping every 200 ms until the board answers.
        quint32 token = 0;
        QElapsedTimer timer;
        timer.start();
        while (pongs.empty() && timer.elapsed() < 10000) {
            send(Ping { ++token });
            [[maybe_unused]] const bool answered = QTest::qWaitFor([&] { return !pongs.empty(); }, 200);
        }
        QVERIFY(!pongs.empty());
        QTRY_VERIFY(!hellos.empty());
        const Hello& hello = hellos.back();
        QCOMPARE(hello.modelId, modelIdForFile(m_modelBytes));
        QCOMPARE(hello.cpuHz, 25'000'000u); // QEMU mps2-an386, the default board
        QCOMPARE(hello.tickHz, 25'000'000u);
        QCOMPARE(hello.boardName, QStringLiteral("Simulated qemu-mps2-an386"));
        QCOMPARE(hello.arenaBytesUsed, quint32(m_doc->memory.tflm.arenaBytes + m_doc->memory.persistent.totalBytes));

        send(StartRuns { 20 });
        QTRY_VERIFY_WITH_TIMEOUT(runs.size() == 20 && runs.back().end.has_value(), 30000);
        QTest::qWait(100);
        QCOMPARE(runs.size(), std::size_t(20));
        QCOMPARE(lineTrouble, 0);
        for (quint32 r = 0; r < 20; ++r) {
            const HostRun& run = runs[r];
            QCOMPARE(run.index, r);
            QVERIFY(run.end.has_value());
            QCOMPARE(run.begins.size(), operators.size());
            QCOMPARE(run.ends.size(), operators.size());
            for (std::size_t i = 0; i < operators.size(); ++i) {
                QCOMPARE(run.begins[i].layerIndex, quint16(i));
                QCOMPARE(int(run.begins[i].opCode), operators[i].builtinCode);
                // No noise: every sample is the cost model's mean, rounded to a tick.
                QCOMPARE(run.ends[i].elapsedTicks, quint32(std::llround(expected.layers[i].meanTicks)));
            }
        }
        port.close();

        QCOMPARE(sim.stop(SIGTERM), 0);
        QVERIFY(!QFileInfo(link).isSymLink()); // removed on exit
    }

    void twentyRunsThroughSerialSession()
    {
        SimProcess sim;
        QString error;
        QVERIFY2(sim.start({ QStringLiteral("--model"), m_modelPath, QStringLiteral("--time-scale"),
                               QStringLiteral("0"), QStringLiteral("--seed"), QStringLiteral("11") },
                     &error),
            qPrintable(error));

        SerialSession session;
        SerialSettings settings;
        settings.portName = sim.ptyPath;
        settings.reconnect = false;
        session.setSettings(settings);
        QSignalSpy identified(&session, &SerialSession::boardIdentified);
        session.connectToBoard();
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Idle, 10000);
        QTRY_VERIFY(identified.count() >= 1);
        const auto identity = identified.last().at(0).value<BoardIdentity>();
        QCOMPARE(identity.modelId, modelIdForFile(m_modelBytes));

        session.startRuns(20);
        QTRY_VERIFY_WITH_TIMEOUT(session.capture().runs.size() >= 20, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Idle, 5000);
        const std::size_t layers = m_doc->model.subgraphs.at(0).operators.size();
        const auto& captured = session.capture().runs;
        QCOMPARE(captured.size(), std::size_t(20));
        for (const CapturedRun& run : captured) {
            QVERIFY(run.complete());
            QCOMPARE(run.layers.size(), layers);
            for (const LayerSample& sample : run.layers)
                QVERIFY(sample.elapsedTicks.has_value());
        }
        session.disconnectFromBoard();
        QCOMPARE(sim.stop(SIGINT), 0);
    }

    // The GUI and `tinyscope-cli record` ask for runs the moment the handshake ends, while the board's answers
    // to the other handshake pings are still on the wire: exactly the runs asked for must come back.
    void runsAskedForAtTheFirstIdleAreExactlyThoseRun_data()
    {
        QTest::addColumn<QString>("timeScale");
        QTest::newRow("real time") << QStringLiteral("1");
        QTest::newRow("as fast as possible") << QStringLiteral("0");
    }

    void runsAskedForAtTheFirstIdleAreExactlyThoseRun()
    {
        QFETCH(QString, timeScale);
        SimProcess sim;
        QString error;
        QVERIFY2(sim.start({ QStringLiteral("--model"), m_modelPath, QStringLiteral("--time-scale"), timeScale },
                     &error),
            qPrintable(error));
        // Let the boot banner and the answers to a few handshake pings pile up before the session reads them.
        QTest::qWait(50);

        SerialSession session;
        SerialSettings settings;
        settings.portName = sim.ptyPath;
        settings.reconnect = false;
        session.setSettings(settings);
        constexpr quint32 kRuns = 6;
        bool asked = false;
        connect(&session, &SerialSession::stateChanged, this, [&](SessionState state) {
            if (state == SessionState::Idle && !asked) {
                asked = true;
                session.startRuns(kRuns);
            }
        });
        session.connectToBoard();
        QTRY_VERIFY_WITH_TIMEOUT(asked, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session.capture().runs.size() >= kRuns, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Idle, 5000);
        QTest::qWait(500); // anything more the board would send
        const auto& captured = session.capture().runs;
        QCOMPARE(captured.size(), std::size_t(kRuns));
        for (const CapturedRun& run : captured)
            QVERIFY2(run.complete(), qPrintable(QStringLiteral("run %1 is cut").arg(run.runIndex)));
        QCOMPARE(session.state(), SessionState::Idle);
        session.disconnectFromBoard();
        QCOMPARE(sim.stop(SIGINT), 0);
    }

    void badModelPathExitsWithTwo()
    {
        const QString missing = QStringLiteral("/nonexistent/folder/model-that-is-not-there.tflite");
        const TestHelpers::ProcessResult f = runToEnd({ QStringLiteral("--model"), missing });
        QCOMPARE(f.exitCode, 2);
        QVERIFY2(QString::fromUtf8(f.err).contains(missing), f.err.constData());
    }

    void fileThatIsNotAModelExitsWithTwo()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.tflite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("these are notes, not a model");
        file.close();
        const TestHelpers::ProcessResult f = runToEnd({ QStringLiteral("--model"), path });
        QCOMPARE(f.exitCode, 2);
        QVERIFY2(f.err.contains("notes.tflite"), f.err.constData());
    }

    void badOptionsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("hint");
        QTest::addRow("unknown board") << QStringList { QStringLiteral("--board"), QStringLiteral("no-such-board") }
                                       << QStringLiteral("Unknown board");
        QTest::addRow("negative noise") << QStringList { QStringLiteral("--noise"), QStringLiteral("-0.1") }
                                        << QStringLiteral("--noise");
        QTest::addRow("time scale not a number")
            << QStringList { QStringLiteral("--time-scale"), QStringLiteral("fast") } << QStringLiteral("--time-scale");
        QTest::addRow("missing subgraph")
            << QStringList { QStringLiteral("--subgraph"), QStringLiteral("7") } << QStringLiteral("no subgraph 7");
        QTest::addRow("unknown option") << QStringList { QStringLiteral("--colour") } << QStringLiteral("colour");
    }
    void badOptionsExitWithTwo()
    {
        QFETCH(QStringList, extra);
        QFETCH(QString, hint);
        const TestHelpers::ProcessResult f = runToEnd(QStringList { QStringLiteral("--model"), m_modelPath } + extra);
        QCOMPARE(f.exitCode, 2);
        QVERIFY2(QString::fromUtf8(f.err).contains(hint), f.err.constData());
    }

    void missingModelOptionExitsWithTwo()
    {
        const TestHelpers::ProcessResult f = runToEnd({});
        QCOMPARE(f.exitCode, 2);
        QVERIFY2(f.err.contains("--model"), f.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestBoardSim)
#include "tst_boardsim.moc"
