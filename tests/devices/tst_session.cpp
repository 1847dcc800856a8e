// SPDX-License-Identifier: GPL-3.0-or-later
// SerialSession over real pseudo-terminals: a fake board in this file sits on the master side, decodes what the
// host sends and answers with FrameEncoder. Handshake, runs, version mismatch, line noise, byte-wise splits, board
// reset, unplug and replug, floods; plus the USB port catalogue.
#include "protocol/crc16.h"
#include "protocol/wireprotocol.h"
#include "session/portcatalog.h"
#include "session/serialsession.h"
#include "session/sessionfile.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QTest>

#include <cerrno>
#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

using namespace Devices;

namespace {

/** Ticks the fake board reports, so every test can compute what it expects. */
quint32 beginTicksOf(quint32 run, int layer)
{
    return run * 100'000u + static_cast<quint32>(layer) * 1'000u;
}
quint32 elapsedTicksOf(quint32 run, int layer)
{
    return 100u + static_cast<quint32>(layer) * 10u + run;
}
quint16 opCodeOf(int layer)
{
    return static_cast<quint16>(layer % 4 == 3 ? Wire::kUnknownOp : layer % 4); // ADD, AVERAGE_POOL_2D, CONCAT..
}
QString tagOf(int layer)
{
    return layer % 4 == 3 ? QStringLiteral("MyOp\u00e9") : QString();
}
quint32 totalTicksOf(quint32 run, int layers)
{
    quint32 total = 0;
    for (int i = 0; i < layers; ++i)
        total += elapsedTicksOf(run, i);
    return total;
}

/** A board running the profiling stub, as seen from the master side of a pseudo-terminal. */
class FakeBoard : public QObject
{
public:
    ~FakeBoard() override { unplug(); }

    bool open()
    {
        char name[128] = {};
        if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0)
            return false;
        termios t {};
        tcgetattr(m_slave, &t);
        cfmakeraw(&t);
        tcsetattr(m_slave, TCSANOW, &t);
        fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK);
        m_slavePath = QString::fromLocal8Bit(name);
        m_readNotifier = new QSocketNotifier(m_master, QSocketNotifier::Read, this);
        connect(m_readNotifier, &QSocketNotifier::activated, this, [this] { onReadable(); });
        m_writeNotifier = new QSocketNotifier(m_master, QSocketNotifier::Write, this);
        m_writeNotifier->setEnabled(false);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] { flushOut(); });
        return true;
    }
    QString slavePath() const { return m_slavePath; }
    bool isOpen() const { return m_master >= 0; }

    /** Pulls the plug: the master closes, as when a USB board goes away. */
    void unplug()
    {
        delete m_readNotifier;
        m_readNotifier = nullptr;
        delete m_writeNotifier;
        m_writeNotifier = nullptr;
        if (m_master >= 0)
            ::close(m_master);
        if (m_slave >= 0)
            ::close(m_slave);
        m_master = m_slave = -1;
        m_out.clear();
        m_outPos = 0;
    }

    // Behaviour.
    int ignoreFirstPings = 0;
    bool autoRun = false; ///< stream requested runs by itself; otherwise the test sends them
    int layersPerRun = 3;
    quint8 helloMajor = Wire::kVersionMajor; ///< the version field in Hello's payload
    quint8 frameVersion = Wire::kVersionMajor; ///< the version byte in every frame header
    bool busy = false; ///< mid-run: answer pings with Pong only
    bool holdAnswers = false; ///< keep ping answers until releaseAnswer(): a slow line, or a board busy booting
    quint32 nextRunIndex = 0;

    // What the board received.
    std::vector<quint32> pingTokens;
    std::vector<quint32> startRequests;
    int stopsReceived = 0;
    DecoderStats hostStats() const { return m_decoder.stats(); }

    /** Bytes queued or written so far (the session has read everything when its bytesReceived() matches). */
    quint64 bytesSent() const { return m_bytesSent; }

    QByteArray frame(const Message& message)
    {
        QByteArray bytes = m_encoder.encode(message);
        if (frameVersion != Wire::kVersionMajor) {
            bytes[2] = static_cast<char>(frameVersion);
            const quint16 crc = ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(bytes.constData()) + 2,
                static_cast<size_t>(bytes.size() - 4));
            bytes[bytes.size() - 2] = static_cast<char>(crc & 0xFFu);
            bytes[bytes.size() - 1] = static_cast<char>(crc >> 8);
        }
        return bytes;
    }
    void send(const Message& message) { sendRaw(frame(message)); }
    void sendRaw(const QByteArray& bytes)
    {
        m_out += bytes;
        m_bytesSent += static_cast<quint64>(bytes.size());
        flushOut();
    }

    Hello hello() const
    {
        Hello h;
        h.versionMajor = helloMajor;
        h.cpuHz = 64'000'000;
        h.tickHz = 1'000'000;
        h.arenaBytesUsed = 21'504;
        h.modelId = 0xC0FFEE01u;
        h.boardName = QStringLiteral("fake board");
        return h;
    }

    /** The frames of one run; layers [0, stopAfter) only and no RunEnd when stopAfter >= 0. */
    QByteArray runFrames(quint32 run, int layers, int stopAfter = -1)
    {
        QByteArray bytes = frame(RunStart { run });
        const int count = stopAfter >= 0 ? stopAfter : layers;
        for (int i = 0; i < count; ++i) {
            LayerBegin begin;
            begin.layerIndex = static_cast<quint16>(i);
            begin.opCode = opCodeOf(i);
            begin.ticks = beginTicksOf(run, i);
            begin.tag = tagOf(i);
            bytes += frame(begin);
            bytes += frame(LayerEnd { static_cast<quint16>(i), elapsedTicksOf(run, i) });
        }
        if (stopAfter < 0)
            bytes += frame(RunEnd { run, totalTicksOf(run, layers) });
        return bytes;
    }

    /** Sends the oldest held ping answer; false when none is held. */
    bool releaseAnswer()
    {
        if (m_held.empty())
            return false;
        sendRaw(m_held.front());
        m_held.erase(m_held.begin());
        return true;
    }

    /** Restarts like a real board: sequence numbers from 0, a boot Hello, run numbering from 0. */
    void reboot()
    {
        m_encoder.reset();
        busy = false;
        nextRunIndex = 0;
        send(hello());
    }

private:
    void onReadable()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(m_master, buffer, sizeof buffer);
            if (n <= 0)
                break;
            m_decoder.feed(buffer, n);
        }
        for (const Decoded& d : m_decoder.take()) {
            if (d.kind != DecodeKind::MessageReceived)
                continue;
            if (const auto* ping = std::get_if<Ping>(&d.message)) {
                pingTokens.push_back(ping->token);
                if (static_cast<int>(pingTokens.size()) <= ignoreFirstPings)
                    continue;
                QByteArray answer = frame(Pong { ping->token });
                if (!busy)
                    answer += frame(hello());
                if (holdAnswers)
                    m_held.push_back(answer);
                else
                    sendRaw(answer);
            } else if (const auto* start = std::get_if<StartRuns>(&d.message)) {
                startRequests.push_back(start->count);
                if (autoRun) {
                    for (quint32 i = 0; i < start->count; ++i)
                        sendRaw(runFrames(nextRunIndex++, layersPerRun));
                }
            } else if (std::holds_alternative<Stop>(d.message)) {
                ++stopsReceived;
            }
        }
    }

    void flushOut()
    {
        if (m_master < 0)
            return;
        while (m_outPos < m_out.size()) {
            const ssize_t n
                = ::write(m_master, m_out.constData() + m_outPos, static_cast<size_t>(m_out.size() - m_outPos));
            if (n <= 0)
                break; // EAGAIN: the pty is full; the write notifier calls back
            m_outPos += n;
        }
        if (m_outPos >= m_out.size()) {
            m_out.clear();
            m_outPos = 0;
        }
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(!m_out.isEmpty());
    }

    int m_master = -1;
    int m_slave = -1; ///< held open so the pty stays usable while the session reopens it
    QString m_slavePath;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    FrameDecoder m_decoder;
    FrameEncoder m_encoder;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    quint64 m_bytesSent = 0;
    std::vector<QByteArray> m_held;
};

/** Checks a run against what the fake board sent for it. */
bool runMatches(const CapturedRun& run, quint32 index, int layers, RunCut cut, int layersSent = -1)
{
    const int sent = layersSent >= 0 ? layersSent : layers;
    if (run.runIndex != index || run.cut != cut || static_cast<int>(run.layers.size()) != sent)
        return false;
    for (int i = 0; i < sent; ++i) {
        const LayerSample& s = run.layers[static_cast<size_t>(i)];
        if (s.layerIndex != i || s.opCode != opCodeOf(i) || s.tag != tagOf(i) || s.beginTicks != beginTicksOf(index, i)
            || s.elapsedTicks != elapsedTicksOf(index, i))
            return false;
    }
    if (layersSent < 0 && cut == RunCut::None)
        return run.totalTicks == totalTicksOf(index, layers);
    return true;
}

QString describeRun(const CapturedRun& run)
{
    return QStringLiteral("run %1 cut %2 layers %3 total %4")
        .arg(run.runIndex)
        .arg(runCutName(run.cut))
        .arg(run.layers.size())
        .arg(run.totalTicks ? QString::number(*run.totalTicks) : QStringLiteral("-"));
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private:
    /** A session on the board's pty, connected and through the handshake. */
    void connectSession(SerialSession& session, FakeBoard& board, const QString& path = {})
    {
        SerialSettings settings;
        settings.portName = path.isEmpty() ? board.slavePath() : path;
        session.setSettings(settings);
        session.connectToBoard();
        QCOMPARE(session.state(), SessionState::Connecting);
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QVERIFY(session.capture().board.has_value());
    }

private Q_SLOTS:
    void handshakeAfterUnansweredPings()
    {
        FakeBoard board;
        QVERIFY(board.open());
        board.ignoreFirstPings = 4;
        SerialSession session;
        QSignalSpy status(&session, &SerialSession::statusChanged);
        QSignalSpy identified(&session, &SerialSession::boardIdentified);
        SerialSettings settings;
        settings.portName = board.slavePath();
        session.setSettings(settings);
        session.connectToBoard();
        QCOMPARE(session.state(), SessionState::Connecting);

        // The board stays silent for four pings; the session keeps pinging and says so.
        QTRY_VERIFY(session.unansweredPings() >= 3);
        QCOMPARE(session.state(), SessionState::Connecting);
        QVERIFY2(session.statusText().contains(QStringLiteral("no answer to")), qPrintable(session.statusText()));
        QTRY_COMPARE(session.state(), SessionState::Idle);

        QVERIFY(board.pingTokens.size() >= 5);
        for (size_t i = 1; i < board.pingTokens.size(); ++i)
            QCOMPARE(board.pingTokens[i], board.pingTokens[i - 1] + 1);
        QCOMPARE(board.hostStats().garbageBytes, 0u);
        QCOMPARE(session.unansweredPings(), 0u);
        QTRY_COMPARE(identified.count(), 1);
        const BoardIdentity id = session.capture().board.value();
        QCOMPARE(id.boardName, QStringLiteral("fake board"));
        QCOMPARE(id.tickHz, 1'000'000u);
        QCOMPARE(id.arenaBytesUsed, std::optional<quint32>(21'504u));
        QCOMPARE(id.modelId, 0xC0FFEE01u);
        QVERIFY(session.statusText().contains(QStringLiteral("fake board")));
        bool sawWaiting = false;
        for (const QList<QVariant>& args : status)
            sawWaiting = sawWaiting || args.at(0).toString().contains(QStringLiteral("no answer to"));
        QVERIFY(sawWaiting);

        // No more pings once answered.
        const size_t pings = board.pingTokens.size();
        QTest::qWait(3 * SerialSession::kPingIntervalMs);
        QCOMPARE(board.pingTokens.size(), pings);
    }

    void twentyRunsCompleteAndOnDisk()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        FakeBoard board;
        QVERIFY(board.open());
        board.autoRun = true;
        board.layersPerRun = 7;
        SerialSession session;
        const QString file = dir.filePath(QStringLiteral("twenty.tsession"));
        session.setModel(QStringLiteral("/models/kws.tflite"), QStringLiteral("ab12"));
        QSignalSpy captured(&session, &SerialSession::runCaptured);
        QSignalSpy measured(&session, &SerialSession::layerMeasured);
        connectSession(session, board);
        QVERIFY2(session.setSessionFile(file), qPrintable(session.errorText()));
        QCOMPARE(session.sessionFile(), file);

        session.startRuns(20);
        QCOMPARE(session.state(), SessionState::Running);
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QCOMPARE(board.startRequests, std::vector<quint32> { 20 });
        const Capture& capture = session.capture();
        QCOMPARE(capture.runs.size(), size_t(20));
        QCOMPARE(captured.count(), 20);
        QCOMPARE(measured.count(), 20 * 7);
        for (quint32 i = 0; i < 20; ++i)
            QVERIFY2(runMatches(capture.runs[i], i, 7, RunCut::None), qPrintable(describeRun(capture.runs[i])));
        QCOMPARE(session.pendingRuns(), 0u);
        QCOMPARE(session.decoderStats().lostFrames, 0u);

        // Every run is already on disk while the session is still open.
        const SessionFileResult read = readSessionFile(file);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QVERIFY(read.value->warnings.empty());
        QCOMPARE(read.value->capture.runs, capture.runs);
        QCOMPARE(read.value->capture.board, capture.board);
        QCOMPARE(read.value->capture.modelPath, QStringLiteral("/models/kws.tflite"));
        QCOMPARE(read.value->capture.source, QStringLiteral("serial ") + board.slavePath());
    }

    void lateAnswerToAnOldPingIsNotAReset()
    {
        FakeBoard board;
        QVERIFY(board.open());
        board.holdAnswers = true;
        SerialSession session;
        SerialSettings settings;
        settings.portName = board.slavePath();
        session.setSettings(settings);
        session.connectToBoard();
        QTRY_VERIFY(board.pingTokens.size() >= 2);
        QVERIFY(board.releaseAnswer()); // Pong + Hello for the first ping
        QTRY_COMPARE(session.state(), SessionState::Idle);
        session.startRuns(3);
        QTRY_COMPARE(board.startRequests, std::vector<quint32> { 3 });
        // The board answers the second ping now, before it saw StartRuns: Pong + Hello again. That Hello describes
        // the board before the request, not a restart, so nothing is asked twice.
        QVERIFY(board.releaseAnswer());
        for (quint32 run = 0; run < 3; ++run)
            board.sendRaw(board.runFrames(run, 2));
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QCOMPARE(board.startRequests, std::vector<quint32> { 3 });
        QCOMPARE(session.capture().runs.size(), size_t(3));
        for (quint32 run = 0; run < 3; ++run)
            QVERIFY(runMatches(session.capture().runs[run], run, 2, RunCut::None));
    }

    void versionMismatchFails_data()
    {
        QTest::addColumn<bool>("inHeader");
        QTest::addRow("frame header says version 2") << true;
        QTest::addRow("Hello payload says version 2") << false;
    }

    void versionMismatchFails()
    {
        QFETCH(bool, inHeader);
        FakeBoard board;
        QVERIFY(board.open());
        if (inHeader)
            board.frameVersion = 2;
        else
            board.helloMajor = 2;
        SerialSession session;
        QSignalSpy errors(&session, &SerialSession::errorOccurred);
        QSignalSpy states(&session, &SerialSession::stateChanged);
        SerialSettings settings;
        settings.portName = board.slavePath();
        session.setSettings(settings);
        session.connectToBoard();
        QTRY_COMPARE(session.state(), SessionState::Failed);
        QCOMPARE(states.at(0).at(0).value<SessionState>(), SessionState::Connecting);
        // A version 2 frame fails at once. A version 1 Pong followed by a Hello saying 2 passes through Idle.
        QCOMPARE(states.count(), inHeader ? 2 : 3);
        const QString expected = QStringLiteral("The board speaks TinyScope protocol version 2, but this TinyScope "
                                                "understands version 1 only. Flash a matching profiling stub or "
                                                "update TinyScope.");
        QCOMPARE(session.errorText(), expected);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), expected);
        QVERIFY(!session.capture().board.has_value() || !inHeader);

        // The host sends nothing more to such a board.
        const size_t pings = board.pingTokens.size();
        QTest::qWait(3 * SerialSession::kPingIntervalMs);
        QCOMPARE(board.pingTokens.size(), pings);
        QVERIFY(board.startRequests.empty());
        session.startRuns(5);
        QTest::qWait(50);
        QVERIFY(board.startRequests.empty());
    }

    void missingPortFails()
    {
        QTemporaryDir dir;
        SerialSession session;
        SerialSettings settings;
        settings.portName = dir.filePath(QStringLiteral("no-such-tty"));
        session.setSettings(settings);
        session.connectToBoard();
        QCOMPARE(session.state(), SessionState::Failed);
        QVERIFY2(session.errorText().contains(settings.portName), qPrintable(session.errorText()));
        QVERIFY2(session.errorText().contains(QStringLiteral("no such port; is the board plugged in?")),
            qPrintable(session.errorText()));
    }

    void notASerialPortSaysWhat()
    {
        // A path typed by hand that is something else: the error says what it is, not only an ioctl's name.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("model.tflite"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("TFL3");
        }
        const struct {
            QString path;
            QString says;
        } cases[] = {
            { dir.path(), dir.path() + QStringLiteral(" is a folder, not a serial port") },
            { file, file + QStringLiteral(" is a regular file, not a serial port") },
            { QStringLiteral("/dev/null"), QStringLiteral("/dev/null is not a serial port (no terminal settings)") },
        };
        for (const auto& c : cases) {
            SerialSession session;
            SerialSettings settings;
            settings.portName = c.path;
            session.setSettings(settings);
            session.connectToBoard();
            QCOMPARE(session.state(), SessionState::Failed);
            QVERIFY2(session.errorText().startsWith(QStringLiteral("Cannot open %1: ").arg(c.path)),
                qPrintable(session.errorText()));
            QVERIFY2(session.errorText().contains(c.says), qPrintable(session.errorText()));
        }
        // The rights and the port held by another program are told apart by whether the device is readable.
        QVERIFY(serialOpenFailure(file, QSerialPort::PermissionError, QStringLiteral("Permission denied"))
                    .contains(QStringLiteral("regular file")));
        const QString held = serialOpenFailure(
            QStringLiteral("/dev/null"), QSerialPort::PermissionError, QStringLiteral("Device or resource busy"));
        QVERIFY2(held.contains(QStringLiteral("/dev/null is in use by another program")), qPrintable(held));
        QVERIFY2(held.endsWith(QStringLiteral("(permission denied or port in use: Device or resource busy)")),
            qPrintable(held));
    }

    void garbageAndCrcErrorsBetweenFrames()
    {
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        QSignalSpy lines(&session, &SerialSession::lineEvent);
        connectSession(session, board);
        session.startRuns(6);
        QTRY_COMPARE(board.startRequests.size(), size_t(1));

        const QByteArray noise = QByteArray::fromHex("00ff13a5a55a0102a55affee") + QByteArray(300, '\x55');
        QByteArray corrupt = encodeFrame(LogText { QStringLiteral("never seen") }, 77);
        corrupt[9] = static_cast<char>(corrupt[9] ^ 0x20); // CRC no longer matches; no sequence number used
        for (quint32 run = 0; run < 5; ++run) {
            board.sendRaw(noise);
            QByteArray frames = board.runFrames(run, 4);
            // Noise and a corrupted frame in the middle of the run, between two frames (RunStart is 12 bytes).
            frames.insert(12, corrupt + noise.left(7));
            board.sendRaw(frames);
        }
        // Run 5 loses one frame (the second LayerEnd): its samples are kept, the run is marked.
        QByteArray lossy = board.runFrames(5, 4);
        const qsizetype secondLayerEnd = 12 + 16 + 14 + 16; // RunStart, LayerBegin, LayerEnd, LayerBegin
        lossy.remove(secondLayerEnd, 14);
        board.sendRaw(noise);
        board.sendRaw(lossy);

        QTRY_COMPARE(session.capture().runs.size(), size_t(6));
        QCOMPARE(session.state(), SessionState::Idle);
        for (quint32 run = 0; run < 5; ++run) {
            const CapturedRun& r = session.capture().runs[run];
            QVERIFY2(runMatches(r, run, 4, RunCut::None), qPrintable(describeRun(r)));
        }
        const CapturedRun& lossyRun = session.capture().runs[5];
        QCOMPARE(lossyRun.cut, RunCut::Protocol);
        QCOMPARE(lossyRun.layers.size(), size_t(4));
        QCOMPARE(lossyRun.layers[1].elapsedTicks, std::optional<quint32>());
        QCOMPARE(lossyRun.layers[2].elapsedTicks, std::optional<quint32>(elapsedTicksOf(5, 2)));
        QCOMPARE(lossyRun.totalTicks, std::optional<quint32>(totalTicksOf(5, 4)));

        const DecoderStats& stats = session.decoderStats();
        QVERIFY(stats.crcErrors >= 5);
        QVERIFY(stats.garbageBytes >= 6 * static_cast<quint64>(noise.size()));
        QCOMPARE(stats.lostFrames, 1u);
        bool sawGarbage = false, sawCrc = false, sawLost = false;
        for (const QList<QVariant>& args : lines) {
            const QString text = args.at(0).toString();
            sawGarbage = sawGarbage || text.contains(QStringLiteral("Skipped"));
            sawCrc = sawCrc || text.contains(QStringLiteral("bad CRC"));
            sawLost = sawLost || text.contains(QStringLiteral("Lost 1 frames"));
        }
        QVERIFY(sawGarbage);
        QVERIFY(sawCrc);
        QVERIFY(sawLost);
    }

    void runCutAtEveryByteBoundary()
    {
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        connectSession(session, board);
        const int layers = 4; // includes a tagged custom op
        const int length = static_cast<int>(FakeBoard().runFrames(0, layers).size());
        session.startRuns(static_cast<quint32>(length - 1));
        QTRY_COMPARE(board.startRequests.size(), size_t(1));

        for (int cut = 1; cut < length; ++cut) {
            const quint32 run = static_cast<quint32>(cut);
            const QByteArray frames = board.runFrames(run, layers);
            QCOMPARE(frames.size(), length);
            board.sendRaw(frames.left(cut));
            // The session has read the first part (one read, or more) before the rest exists.
            QVERIFY(QTest::qWaitFor([&] { return session.bytesReceived() == board.bytesSent(); }, 5000));
            QCOMPARE(session.capture().runs.size(), size_t(cut - 1));
            board.sendRaw(frames.mid(cut));
            QVERIFY(QTest::qWaitFor([&] { return session.capture().runs.size() == size_t(cut); }, 5000));
            const CapturedRun& r = session.capture().runs.back();
            QVERIFY2(runMatches(r, run, layers, RunCut::None), qPrintable(describeRun(r)));
        }
        const DecoderStats& stats = session.decoderStats();
        QCOMPARE(stats.garbageBytes, 0u);
        QCOMPARE(stats.crcErrors, 0u);
        QCOMPARE(stats.lostFrames, 0u);
        QTRY_COMPARE(session.state(), SessionState::Idle);
    }

    void boardResetMidRun()
    {
        QTemporaryDir dir;
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        connectSession(session, board);
        const QString file = dir.filePath(QStringLiteral("reset.tsession"));
        QVERIFY(session.setSessionFile(file));
        session.startRuns(5);
        QTRY_COMPARE(board.startRequests.size(), size_t(1));

        board.sendRaw(board.runFrames(0, 3));
        board.sendRaw(board.runFrames(1, 3));
        board.sendRaw(board.runFrames(2, 3, 2));
        board.busy = true;
        QTRY_COMPARE(session.bytesReceived(), board.bytesSent());
        QCOMPARE(session.capture().runs.size(), size_t(2));
        QVERIFY(runMatches(session.capture().runs[0], 0, 3, RunCut::None));
        QVERIFY(runMatches(session.capture().runs[1], 1, 3, RunCut::None));
        QCOMPARE(session.state(), SessionState::Running);

        board.reboot(); // Hello with sequence 0, mid-run
        QTRY_COMPARE(board.startRequests.size(), size_t(2));
        QCOMPARE(board.startRequests[1], 3u); // the runs still pending
        QCOMPARE(session.capture().runs.size(), size_t(3));
        const CapturedRun& cut = session.capture().runs[2];
        QVERIFY2(runMatches(cut, 2, 3, RunCut::BoardReset, 2), qPrintable(describeRun(cut)));
        QCOMPARE(session.state(), SessionState::Running);
        QCOMPARE(session.decoderStats().lostFrames, 0u); // a Hello restarts the sequence, it is not a gap

        for (quint32 run = 0; run < 3; ++run)
            board.sendRaw(board.runFrames(run, 3));
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QCOMPARE(session.capture().runs.size(), size_t(6));
        for (quint32 run = 0; run < 3; ++run)
            QVERIFY(runMatches(session.capture().runs[3 + run], run, 3, RunCut::None));
        QCOMPARE(board.startRequests.size(), size_t(2));

        const SessionFileResult read = readSessionFile(file);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(read.value->capture.runs, session.capture().runs);
        QVERIFY(std::any_of(read.value->notes.begin(), read.value->notes.end(),
            [](const QString& n) { return n.contains(QStringLiteral("restarted")); }));
    }

    void unplugMidRunThenReplug()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString link = dir.filePath(QStringLiteral("ttyBOARD"));
        const QString file = dir.filePath(QStringLiteral("unplug.tsession"));
        auto board = std::make_unique<FakeBoard>();
        QVERIFY(board->open());
        QVERIFY(QFile::link(board->slavePath(), link));

        SerialSession session;
        QSignalSpy states(&session, &SerialSession::stateChanged);
        connectSession(session, *board, link);
        QVERIFY(session.setSessionFile(file));
        session.startRuns(5);
        QTRY_COMPARE(board->startRequests.size(), size_t(1));
        board->sendRaw(board->runFrames(0, 3));
        board->sendRaw(board->runFrames(1, 3));
        board->sendRaw(board->runFrames(2, 3, 2));
        QTRY_COMPARE(session.bytesReceived(), board->bytesSent());

        QElapsedTimer sinceUnplug;
        sinceUnplug.start();
        board->unplug();
        // The device node goes away with the device (udev removes /dev/ttyACM0). Without this the link would point
        // at a freed /dev/pts/N that the kernel may hand to another process's pseudo-terminal.
        QVERIFY(QFile::remove(link));
        QTRY_COMPARE(session.state(), SessionState::Reconnecting);
        const qint64 detectMs = sinceUnplug.elapsed();
        const QString why = session.statusText();
        qInfo(
            "pty peer closed: the session saw it after %lld ms; %s", static_cast<long long>(detectMs), qPrintable(why));

        // Completed runs in the capture and on disk; the partial run kept and marked.
        QCOMPARE(session.capture().runs.size(), size_t(3));
        QVERIFY(runMatches(session.capture().runs[0], 0, 3, RunCut::None));
        QVERIFY(runMatches(session.capture().runs[1], 1, 3, RunCut::None));
        QVERIFY2(runMatches(session.capture().runs[2], 2, 3, RunCut::Disconnected, 2),
            qPrintable(describeRun(session.capture().runs[2])));
        SessionFileResult read = readSessionFile(file);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(read.value->capture.runs, session.capture().runs);
        QVERIFY(std::any_of(read.value->notes.begin(), read.value->notes.end(),
            [](const QString& n) { return n.startsWith(QStringLiteral("disconnected: ")); }));
        QVERIFY2(session.statusText().contains(QStringLiteral("lost")), qPrintable(session.statusText()));

        // The old device is gone; the session keeps trying without giving up.
        QTRY_VERIFY(session.statusText().contains(QStringLiteral("attempt 2")));
        QCOMPARE(session.state(), SessionState::Reconnecting);

        // Replug: a new pty behind the same path. The board booted again and is idle.
        board = std::make_unique<FakeBoard>();
        QVERIFY(board->open());
        board->autoRun = true;
        QVERIFY(QFile::link(board->slavePath(), link));
        QTRY_COMPARE_WITH_TIMEOUT(board->startRequests.size(), size_t(1), 10000);
        QCOMPARE(board->startRequests[0], 3u);
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QCOMPARE(session.capture().runs.size(), size_t(6));
        for (quint32 run = 0; run < 3; ++run)
            QVERIFY(runMatches(session.capture().runs[3 + run], run, 3, RunCut::None));

        QList<SessionState> seen;
        for (const QList<QVariant>& args : states)
            seen.push_back(args.at(0).value<SessionState>());
        QVERIFY(seen.contains(SessionState::Reconnecting));
        QVERIFY(seen.indexOf(SessionState::Connecting, seen.indexOf(SessionState::Reconnecting)) > 0);

        read = readSessionFile(file);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(read.value->capture.runs, session.capture().runs);
        QVERIFY(std::any_of(read.value->notes.begin(), read.value->notes.end(),
            [](const QString& n) { return n.startsWith(QStringLiteral("reopened ")); }));
    }

    void unplugWithoutReconnect()
    {
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        SerialSettings settings;
        settings.portName = board.slavePath();
        settings.reconnect = false;
        session.setSettings(settings);
        QSignalSpy errors(&session, &SerialSession::errorOccurred);
        session.connectToBoard();
        QTRY_COMPARE(session.state(), SessionState::Idle);
        board.unplug();
        QTRY_COMPARE(session.state(), SessionState::Disconnected);
        QVERIFY2(session.errorText().contains(board.slavePath()), qPrintable(session.errorText()));
        QCOMPARE(errors.count(), 1);
    }

    void stopMarksTheOpenRun()
    {
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        connectSession(session, board);
        session.startRuns(0); // until stopped
        QTRY_COMPARE(board.startRequests, std::vector<quint32> { 0 });
        QCOMPARE(session.statusText().contains(QStringLiteral("until stopped")), true);
        board.sendRaw(board.runFrames(0, 3));
        board.sendRaw(board.runFrames(1, 3, 1));
        QTRY_COMPARE(session.bytesReceived(), board.bytesSent());
        QCOMPARE(session.state(), SessionState::Running);

        session.stop();
        QTRY_COMPARE(board.stopsReceived, 1);
        QCOMPARE(session.state(), SessionState::Running); // until the board ends the run
        board.send(RunEnd { 1, 4242 });
        QTRY_COMPARE(session.state(), SessionState::Idle);
        QCOMPARE(session.capture().runs.size(), size_t(2));
        QVERIFY(runMatches(session.capture().runs[0], 0, 3, RunCut::None));
        const CapturedRun& stopped = session.capture().runs[1];
        QCOMPARE(stopped.cut, RunCut::Stopped);
        QCOMPARE(stopped.layers.size(), size_t(1));
        QCOMPARE(stopped.totalTicks, std::optional<quint32>(4242u));
    }

    void floodKeepsTheEventLoopTurning()
    {
        QTemporaryDir dir;
        FakeBoard board;
        QVERIFY(board.open());
        board.autoRun = true;
        board.layersPerRun = 25;
        const quint32 runs = 2000; // 2000 x (25 x 2 + 2) = 104,000 events
        SerialSession session;
        connectSession(session, board);
        QVERIFY(session.setSessionFile(dir.filePath(QStringLiteral("flood.tsession"))));

        // A timer of the test's own: if the session swallowed the flood in one go, it would barely tick.
        int heartbeats = 0;
        int capturedAtLastBeat = 0;
        int beatsWhileCapturing = 0;
        QTimer heartbeat;
        heartbeat.setInterval(0);
        connect(&heartbeat, &QTimer::timeout, this, [&] {
            ++heartbeats;
            const int now = static_cast<int>(session.capture().runs.size());
            if (now != capturedAtLastBeat && now < static_cast<int>(runs))
                ++beatsWhileCapturing;
            capturedAtLastBeat = now;
        });
        heartbeat.start();

        QElapsedTimer clock;
        clock.start();
        session.startRuns(runs);
        QTRY_VERIFY_WITH_TIMEOUT(
            session.state() == SessionState::Idle && session.capture().runs.size() == runs, 120000);
        const qint64 ms = clock.elapsed();
        heartbeat.stop();

        for (quint32 i = 0; i < runs; i += 97)
            QVERIFY(runMatches(session.capture().runs[i], i, 25, RunCut::None));
        QVERIFY(std::all_of(session.capture().runs.begin(), session.capture().runs.end(),
            [](const CapturedRun& r) { return r.complete() && r.layers.size() == 25; }));
        QCOMPARE(session.decoderStats().lostFrames, 0u);
        QCOMPARE(session.decoderStats().garbageBytes, 0u);
        QCOMPARE(session.bytesReceived(), board.bytesSent());
        // The runs arrived in many slices with the test's timer running in between.
        QVERIFY2(beatsWhileCapturing >= 20, qPrintable(QString::number(beatsWhileCapturing)));
        qInfo("flood: %u runs, %llu bytes, %llu events in %lld ms; %d heartbeats, %d of them between slices", runs,
            static_cast<unsigned long long>(board.bytesSent()),
            static_cast<unsigned long long>(session.decoderStats().messages), static_cast<long long>(ms), heartbeats,
            beatsWhileCapturing);

        const SessionFileResult read = readSessionFile(session.sessionFile());
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(read.value->capture.runs.size(), size_t(runs));
        QCOMPARE(read.value->capture.runs.back(), session.capture().runs.back());
    }

    void disconnectKeepsTheOpenRun()
    {
        FakeBoard board;
        QVERIFY(board.open());
        SerialSession session;
        connectSession(session, board);
        session.startRuns(2);
        QTRY_COMPARE(board.startRequests.size(), size_t(1));
        board.sendRaw(board.runFrames(0, 3, 2));
        QTRY_COMPARE(session.bytesReceived(), board.bytesSent());
        session.disconnectFromBoard();
        QCOMPARE(session.state(), SessionState::Disconnected);
        QCOMPARE(session.capture().runs.size(), size_t(1));
        QVERIFY(runMatches(session.capture().runs[0], 0, 3, RunCut::Stopped, 2));
        QTRY_COMPARE(board.stopsReceived, 1);
    }

    void knownUsbDevices_data()
    {
        QTest::addColumn<int>("vid");
        QTest::addColumn<int>("pid");
        QTest::addColumn<QString>("name");
        QTest::addRow("ST-LINK/V2") << 0x0483 << 0x3748 << QStringLiteral("ST-LINK/V2");
        QTest::addRow("ST-LINK/V2-1") << 0x0483 << 0x374b << QStringLiteral("ST-LINK/V2-1");
        QTest::addRow("STLINK-V3E") << 0x0483 << 0x374e << QStringLiteral("STLINK-V3");
        QTest::addRow("STLINK-V3SET") << 0x0483 << 0x374f << QStringLiteral("STLINK-V3");
        QTest::addRow("STLINK-V3 2VCP") << 0x0483 << 0x3753 << QStringLiteral("STLINK-V3");
        QTest::addRow("J-Link any") << 0x1366 << 0x1015 << QStringLiteral("SEGGER J-Link");
        QTest::addRow("DAPLink") << 0x0d28 << 0x0204 << QStringLiteral("DAPLink CMSIS-DAP");
        QTest::addRow("Keil CMSIS-DAP") << 0xc251 << 0xf002 << QStringLiteral("Keil CMSIS-DAP");
        QTest::addRow("Arduino Uno") << 0x2341 << 0x0043 << QStringLiteral("Arduino Uno");
        QTest::addRow("Arduino other") << 0x2341 << 0x1234 << QStringLiteral("Arduino");
        QTest::addRow("Arduino.org") << 0x2a03 << 0x0043 << QStringLiteral("Arduino");
        QTest::addRow("Pico MicroPython") << 0x2e8a << 0x0005 << QStringLiteral("Raspberry Pi Pico (MicroPython)");
        QTest::addRow("Pico stdio") << 0x2e8a << 0x000a << QStringLiteral("Raspberry Pi Pico (stdio USB)");
        QTest::addRow("Debug Probe") << 0x2e8a << 0x000c << QStringLiteral("Raspberry Pi Debug Probe");
        QTest::addRow("Espressif") << 0x303a << 0x1001 << QStringLiteral("Espressif USB JTAG/serial");
        QTest::addRow("CP210x") << 0x10c4 << 0xea60 << QStringLiteral("Silicon Labs CP210x");
        QTest::addRow("FT232R") << 0x0403 << 0x6001 << QStringLiteral("FTDI FT232R");
        QTest::addRow("FT2232") << 0x0403 << 0x6010 << QStringLiteral("FTDI FT2232");
        QTest::addRow("FT232H") << 0x0403 << 0x6014 << QStringLiteral("FTDI FT232H");
        QTest::addRow("FT-X") << 0x0403 << 0x6015 << QStringLiteral("FTDI FT-X");
        QTest::addRow("CH340") << 0x1a86 << 0x7523 << QStringLiteral("WCH CH340");
        QTest::addRow("Nordic") << 0x1915 << 0x520f << QStringLiteral("Nordic Semiconductor");
        QTest::addRow("unknown") << 0x1234 << 0x5678 << QString();
        QTest::addRow("FTDI unknown product") << 0x0403 << 0x1111 << QString();
    }

    void knownUsbDevices()
    {
        QFETCH(int, vid);
        QFETCH(int, pid);
        QFETCH(QString, name);
        QCOMPARE(knownUsbDeviceName(static_cast<quint16>(vid), static_cast<quint16>(pid)), name);
    }

    void portEntryDisplayName()
    {
        PortEntry e;
        e.portName = QStringLiteral("/dev/ttyACM0");
        e.vendorId = 0x0483;
        e.productId = 0x374b;
        e.probeName = knownUsbDeviceName(0x0483, 0x374b);
        QCOMPARE(e.displayName(), QStringLiteral("ttyACM0 \u2014 ST-LINK/V2-1 (0483:374b)"));
        PortEntry plain;
        plain.portName = QStringLiteral("/dev/ttyS0");
        QCOMPARE(plain.displayName(), QStringLiteral("ttyS0"));
        plain.description = QStringLiteral("16550A");
        QCOMPARE(plain.displayName(), QStringLiteral("ttyS0 \u2014 16550A"));
    }

    void availablePortsSortsKnownFirst()
    {
        const std::vector<PortEntry> ports = availablePorts();
        bool seenUnknown = false;
        for (const PortEntry& p : ports) {
            QVERIFY(!p.portName.isEmpty());
            QVERIFY(!p.displayName().isEmpty());
            if (p.probeName.isEmpty())
                seenUnknown = true;
            else
                QVERIFY2(!seenUnknown, qPrintable(p.displayName())); // a known probe after an unknown port
            QVERIFY(!p.portName.startsWith(QStringLiteral("/dev/pts/"))); // ptys are never listed
        }
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
