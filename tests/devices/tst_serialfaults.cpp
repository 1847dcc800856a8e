// SPDX-License-Identifier: GPL-3.0-or-later
// Serial faults (issue 7, item 4): SerialSession against the simulated board on real pseudo-terminals. Unplug and
// replug mid-run, garbage bursts and cut frames mid-run, a board reset mid-run, bit errors at several rates (a wrong
// baud rate, simulated by a relay that flips bits), a flood of 10,000 runs and a session file whose disk fills up.
// The byte-exact cases with a scripted board are in tst_session; here the board is the real simulator.
#include "protocol/wireprotocol.h"
#include "session/serialsession.h"
#include "session/sessionfile.h"
#include "sim/simulatedboard.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QTest>

#include <csignal>
#include <fcntl.h>
#include <map>
#include <memory>
#include <pty.h>
#include <random>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

using namespace Devices;

namespace {

SimulatedBoardConfig boardConfig(int layers, double meanTicks, double timeScale, quint32 seed = 7)
{
    SimulatedBoardConfig config;
    config.boardName = QStringLiteral("fault board");
    config.cpuHz = 64'000'000;
    config.tickHz = 1'000'000;
    config.timeScale = timeScale;
    config.noiseFraction = 0.05;
    config.seed = seed;
    const quint16 ops[] = { 3, 4, 9, 25, 0 }; // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX, ADD
    for (int i = 0; i < layers; ++i) {
        SimulatedLayer layer;
        layer.opCode = ops[i % 5];
        layer.meanTicks = meanTicks * (1 + i % 3);
        config.layers.push_back(layer);
    }
    return config;
}

/** What the simulated board guarantees about every run it sends (docs/simulated-board.md): layers in order with the
 *  configured op codes, each LayerBegin gapTicks after the previous layer ended, and a total of the layers plus
 *  (layers + 1) gaps. `layersSent` < 0: the whole run. Returns an empty string when `run` is such a run. */
QString inconsistency(const CapturedRun& run, const SimulatedBoardConfig& config, int layersSent = -1)
{
    const std::size_t expected = layersSent < 0 ? config.layers.size() : static_cast<std::size_t>(layersSent);
    const QString where = QStringLiteral("run %1 (%2): ").arg(run.runIndex).arg(runCutName(run.cut));
    if (run.layers.size() < expected || (layersSent < 0 && run.layers.size() != expected))
        return where + QStringLiteral("%1 layers, expected %2").arg(run.layers.size()).arg(expected);
    quint32 sum = 0;
    for (std::size_t i = 0; i < expected; ++i) {
        const LayerSample& s = run.layers[i];
        if (s.layerIndex != i || s.opCode != config.layers[i].opCode || !s.elapsedTicks)
            return where
                + QStringLiteral("layer %1 is #%2 op %3%4")
                      .arg(i)
                      .arg(s.layerIndex)
                      .arg(s.opCode)
                      .arg(s.elapsedTicks ? QString() : QStringLiteral(" without an end"));
        if (i > 0) {
            const LayerSample& prev = run.layers[i - 1];
            if (s.beginTicks != prev.beginTicks + *prev.elapsedTicks + config.gapTicks)
                return where
                    + QStringLiteral("layer %1 begins at %2, expected %3")
                          .arg(i)
                          .arg(s.beginTicks)
                          .arg(prev.beginTicks + *prev.elapsedTicks + config.gapTicks);
        }
        sum += *s.elapsedTicks;
    }
    if (layersSent < 0) {
        const quint32 total = sum + static_cast<quint32>(config.layers.size() + 1) * config.gapTicks;
        if (run.totalTicks != total)
            return where + QStringLiteral("total %1, expected %2").arg(run.totalTicks.value_or(0)).arg(total);
    }
    return {};
}

/** Checks every complete run of the capture; returns the first problem, or an empty string. */
QString completeRunsInconsistent(const Capture& capture, const SimulatedBoardConfig& config)
{
    for (const CapturedRun& run : capture.runs) {
        if (!run.complete())
            continue;
        const QString problem = inconsistency(run, config);
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

int completeRuns(const Capture& capture)
{
    return static_cast<int>(
        std::count_if(capture.runs.begin(), capture.runs.end(), [](const CapturedRun& r) { return r.complete(); }));
}

/**
 * A pseudo-terminal between the simulated board and the session that damages the board's bytes: each bit is
 * flipped with probability `bitErrorRate`, as a receiver at the wrong baud rate (or a noisy cable) would see it.
 * The board's clean bytes are decoded on the side: they are what the board really measured. The host's commands
 * pass through intact, so the board does run everything the host asked for.
 */
class NoisyRelay : public QObject
{
public:
    ~NoisyRelay() override { close(); }

    bool open(const QString& boardPath, double bitErrorRate, quint64 seed)
    {
        m_rate = bitErrorRate;
        m_rng.seed(seed);
        m_board = ::open(QFile::encodeName(boardPath).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (m_board < 0)
            return false;
        termios t {};
        tcgetattr(m_board, &t);
        cfmakeraw(&t);
        tcsetattr(m_board, TCSANOW, &t);
        char name[128] = {};
        int slave = -1;
        if (openpty(&m_host, &slave, name, nullptr, nullptr) != 0)
            return false;
        tcgetattr(slave, &t);
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
        m_hostSlaveKeepAlive = slave;
        fcntl(m_host, F_SETFL, fcntl(m_host, F_GETFL) | O_NONBLOCK);
        m_hostPath = QString::fromLocal8Bit(name);
        m_boardNotifier = new QSocketNotifier(m_board, QSocketNotifier::Read, this);
        connect(m_boardNotifier, &QSocketNotifier::activated, this, [this] { fromBoard(); });
        m_hostNotifier = new QSocketNotifier(m_host, QSocketNotifier::Read, this);
        connect(m_hostNotifier, &QSocketNotifier::activated, this, [this] { fromHost(); });
        m_writeNotifier = new QSocketNotifier(m_host, QSocketNotifier::Write, this);
        m_writeNotifier->setEnabled(false);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] { flushToHost(); });
        return true;
    }

    void close()
    {
        for (QSocketNotifier** n : { &m_boardNotifier, &m_hostNotifier, &m_writeNotifier }) {
            delete *n;
            *n = nullptr;
        }
        for (int* fd : { &m_board, &m_host, &m_hostSlaveKeepAlive }) {
            if (*fd >= 0)
                ::close(*fd);
            *fd = -1;
        }
    }

    QString hostPath() const { return m_hostPath; }
    /** Bytes handed to the host's pseudo-terminal so far. */
    quint64 forwarded() const { return m_forwarded; }
    qsizetype waiting() const { return m_toHost.size() - m_toHostPos; }
    quint64 flippedBits() const { return m_flipped; }
    /** The runs as the board sent them, by run index (no resets in the tests that use this). */
    const std::map<quint32, CapturedRun>& truth() const { return m_truth; }

private:
    void fromBoard()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(m_board, buffer, sizeof buffer);
            if (n <= 0)
                break;
            m_clean.feed(buffer, n);
            QByteArray damaged(buffer, n);
            for (qsizetype i = 0; i < damaged.size(); ++i) {
                for (int bit = 0; bit < 8; ++bit) {
                    if (m_uniform(m_rng) < m_rate) {
                        damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
                        ++m_flipped;
                    }
                }
            }
            m_toHost += damaged;
        }
        recordTruth();
        flushToHost();
    }

    void fromHost()
    {
        char buffer[1024];
        for (;;) {
            const ssize_t n = ::read(m_host, buffer, sizeof buffer);
            if (n <= 0)
                break;
            // Commands are a few bytes: the board's pty always takes them.
            if (::write(m_board, buffer, static_cast<size_t>(n)) != n)
                qWarning("relay: a command did not reach the board");
        }
    }

    void flushToHost()
    {
        while (m_toHostPos < m_toHost.size()) {
            const ssize_t n = ::write(
                m_host, m_toHost.constData() + m_toHostPos, static_cast<size_t>(m_toHost.size() - m_toHostPos));
            if (n <= 0)
                break;
            m_toHostPos += n;
            m_forwarded += static_cast<quint64>(n);
        }
        if (m_toHostPos >= m_toHost.size()) {
            m_toHost.clear();
            m_toHostPos = 0;
        }
        m_writeNotifier->setEnabled(m_toHostPos < m_toHost.size());
    }

    void recordTruth()
    {
        for (const Decoded& d : m_clean.take()) {
            if (d.kind != DecodeKind::MessageReceived)
                continue;
            if (const auto* start = std::get_if<RunStart>(&d.message)) {
                CapturedRun run;
                run.runIndex = start->runIndex;
                m_open = start->runIndex;
                m_truth[run.runIndex] = run;
            } else if (const auto* begin = std::get_if<LayerBegin>(&d.message)) {
                LayerSample s;
                s.layerIndex = begin->layerIndex;
                s.opCode = begin->opCode;
                s.tag = begin->tag;
                s.beginTicks = begin->ticks;
                m_truth[m_open].layers.push_back(s);
            } else if (const auto* end = std::get_if<LayerEnd>(&d.message)) {
                m_truth[m_open].layers.back().elapsedTicks = end->elapsedTicks;
            } else if (const auto* runEnd = std::get_if<RunEnd>(&d.message)) {
                m_truth[runEnd->runIndex].totalTicks = runEnd->totalTicks;
            }
        }
    }

    double m_rate = 0;
    std::mt19937_64 m_rng;
    std::uniform_real_distribution<double> m_uniform { 0.0, 1.0 };
    int m_board = -1;
    int m_host = -1;
    int m_hostSlaveKeepAlive = -1;
    QString m_hostPath;
    QSocketNotifier* m_boardNotifier = nullptr;
    QSocketNotifier* m_hostNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    QByteArray m_toHost;
    qsizetype m_toHostPos = 0;
    quint64 m_forwarded = 0;
    quint64 m_flipped = 0;
    FrameDecoder m_clean;
    quint32 m_open = 0;
    std::map<quint32, CapturedRun> m_truth;
};

/** Same run, same measurements (the host's receive time and the cut aside). */
bool sameMeasurements(const CapturedRun& a, const CapturedRun& b)
{
    return a.runIndex == b.runIndex && a.layers == b.layers && a.totalTicks == b.totalTicks;
}

QString describe(const CapturedRun& run)
{
    QStringList layers;
    for (const LayerSample& s : run.layers)
        layers << QStringLiteral("%1@%2+%3")
                      .arg(s.layerIndex)
                      .arg(s.beginTicks)
                      .arg(s.elapsedTicks ? QString::number(*s.elapsedTicks) : QStringLiteral("?"));
    return QStringLiteral("run %1 %2 total %3 [%4]")
        .arg(run.runIndex)
        .arg(runCutName(run.cut))
        .arg(run.totalTicks ? QString::number(*run.totalTicks) : QStringLiteral("-"))
        .arg(layers.join(QLatin1Char(' ')));
}

/** Restores the file size limit and SIGXFSZ however the test ends. */
struct FileSizeLimit
{
    rlimit saved {};
    void (*savedHandler)(int) = SIG_DFL;
    bool active = false;

    bool set(rlim_t bytes)
    {
        if (getrlimit(RLIMIT_FSIZE, &saved) != 0)
            return false;
        // Past the limit write() fails with EFBIG, as on a full disk, instead of killing the process.
        savedHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved;
        limit.rlim_cur = bytes;
        active = setrlimit(RLIMIT_FSIZE, &limit) == 0;
        return active;
    }
    void restore()
    {
        if (!active)
            return;
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, savedHandler);
        active = false;
    }
    ~FileSizeLimit() { restore(); }
};

} // namespace

class TestSerialFaults : public QObject
{
    Q_OBJECT

private:
    /** Opens the session on `port` and waits for the handshake. */
    void connectSession(SerialSession& session, const QString& port)
    {
        SerialSettings settings;
        settings.portName = port;
        session.setSettings(settings);
        session.connectToBoard();
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Idle, 10000);
    }

private Q_SLOTS:
    void unplugMidRunThenReplug();
    void lineNoiseMidRun_data();
    void lineNoiseMidRun();
    void boardResetMidRun();
    void bitErrors_data();
    void bitErrors();
    void floodOfTenThousandRuns();
    void sessionFileDiskFull();
};

void TestSerialFaults::unplugMidRunThenReplug()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The port path the session knows: a link we control, as udev's /dev/ttyACM0 comes and goes with the board.
    const QString link = dir.filePath(QStringLiteral("ttyBOARD"));
    const QString file = dir.filePath(QStringLiteral("unplug.tsession"));
    // 6 layers of 2-6 ms in real time: the session is never far behind the board.
    const SimulatedBoardConfig config = boardConfig(6, 2000, 1.0);
    auto board = std::make_unique<SimulatedBoard>(config);
    QVERIFY2(board->open(), qPrintable(board->errorText()));
    QVERIFY(QFile::link(board->slavePath(), link));

    SerialSession session;
    QSignalSpy states(&session, &SerialSession::stateChanged);
    connectSession(session, link);
    QVERIFY2(session.setSessionFile(file), qPrintable(session.errorText()));

    // Pull the plug in the middle of the fourth run, once its third layer has been measured.
    bool unplugged = false;
    connect(&session, &SerialSession::layerMeasured, this, [&](quint32, const LayerSample& sample) {
        if (unplugged || session.capture().runs.size() < 3 || sample.layerIndex != 2)
            return;
        unplugged = true;
        board->unplug();
        // /dev/pts numbers are reused: the link must not point at whatever pseudo-terminal gets this one next.
        QFile::remove(link);
    });
    constexpr quint32 kRuns = 8;
    session.startRuns(kRuns);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Reconnecting, 10000);
    QVERIFY(unplugged);

    // The completed runs are in the capture and on disk; the run in flight is kept and marked.
    const std::vector<CapturedRun> before = session.capture().runs;
    QCOMPARE(before.size(), size_t(4));
    for (std::size_t i = 0; i < 3; ++i) {
        QVERIFY2(before[i].complete(), qPrintable(describe(before[i])));
        QCOMPARE(before[i].runIndex, quint32(i));
    }
    QCOMPARE(before[3].cut, RunCut::Disconnected);
    QCOMPARE(before[3].runIndex, 3u);
    QVERIFY2(inconsistency(before[3], config, 3).isEmpty(), qPrintable(inconsistency(before[3], config, 3)));
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));
    SessionFileResult read = readSessionFile(file);
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(read.value->capture.runs, before);
    QCOMPARE(session.pendingRuns(), kRuns - 3);

    // The session keeps trying while the board is away.
    QTRY_VERIFY_WITH_TIMEOUT(session.statusText().contains(QStringLiteral("attempt 2")), 5000);
    QCOMPARE(session.state(), SessionState::Reconnecting);

    // Replug: a board that booted again (a new pseudo-terminal behind the same path).
    board = std::make_unique<SimulatedBoard>(config);
    QVERIFY2(board->open(), qPrintable(board->errorText()));
    QVERIFY(QFile::link(board->slavePath(), link));
    QTRY_VERIFY_WITH_TIMEOUT(
        session.state() == SessionState::Idle && completeRuns(session.capture()) == int(kRuns), 20000);
    QCOMPARE(session.capture().runs.size(), size_t(kRuns + 1));
    // The rebooted board numbers its runs from 0 again.
    for (std::size_t i = 4; i < session.capture().runs.size(); ++i)
        QCOMPARE(session.capture().runs[i].runIndex, quint32(i - 4));
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));
    QCOMPARE(session.decoderStats().lostFrames, 0u);

    QList<SessionState> seen;
    for (const QList<QVariant>& args : states)
        seen.push_back(args.at(0).value<SessionState>());
    const qsizetype lost = seen.indexOf(SessionState::Reconnecting);
    QVERIFY(lost > 0);
    QVERIFY(seen.indexOf(SessionState::Connecting, lost) > lost);
    QCOMPARE(seen.back(), SessionState::Idle);

    read = readSessionFile(file);
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(read.value->capture.runs, session.capture().runs);
}

void TestSerialFaults::lineNoiseMidRun_data()
{
    QTest::addColumn<bool>("garbage");
    QTest::addColumn<bool>("cutFrames");
    QTest::addRow("garbage bursts") << true << false;
    QTest::addRow("frames cut at random bytes") << false << true;
    QTest::addRow("both") << true << true;
}

void TestSerialFaults::lineNoiseMidRun()
{
    QFETCH(bool, garbage);
    QFETCH(bool, cutFrames);
    const SimulatedBoardConfig config = boardConfig(8, 300, 1.0);
    SimulatedBoard board(config);
    QVERIFY2(board.open(), qPrintable(board.errorText()));
    SerialSession session;
    QSignalSpy lines(&session, &SerialSession::lineEvent);
    connectSession(session, board.slavePath());

    // Every few milliseconds, between two of the board's frames, something that is not a frame: random bytes
    // rich in start-of-frame markers, or the first bytes of a frame whose rest never comes (a cable glitch).
    std::mt19937 rng(4242);
    quint64 injected = 0;
    int bursts = 0;
    QTimer noise;
    noise.setInterval(3);
    connect(&noise, &QTimer::timeout, this, [&] {
        if (!board.running())
            return;
        QByteArray bytes;
        const bool cut = garbage && cutFrames ? rng() % 2 == 0 : cutFrames;
        if (cut) {
            LayerEnd end;
            end.layerIndex = static_cast<quint16>(rng() % 8);
            end.elapsedTicks = rng();
            const QByteArray frame = encodeFrame(end, static_cast<quint8>(rng()));
            bytes = frame.left(1 + static_cast<qsizetype>(rng() % static_cast<quint32>(frame.size() - 1)));
        } else {
            const int length = 1 + static_cast<int>(rng() % 64);
            for (int i = 0; i < length; ++i) {
                const quint32 r = rng() % 8;
                bytes += r == 0 ? '\xA5' : r == 1 ? '\x5A' : static_cast<char>(rng());
            }
        }
        board.injectBytes(bytes);
        injected += static_cast<quint64>(bytes.size());
        ++bursts;
    });
    noise.start();
    constexpr quint32 kRuns = 60;
    session.startRuns(kRuns);
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == SessionState::Idle, 60000);
    noise.stop();

    // Noise between frames costs nothing: every run is complete and exactly as the board measured it.
    QCOMPARE(session.capture().runs.size(), size_t(kRuns));
    QCOMPARE(completeRuns(session.capture()), int(kRuns));
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));
    const DecoderStats& stats = session.decoderStats();
    qInfo("%d bursts, %llu bytes injected; decoder: %llu garbage bytes, %llu CRC errors, %llu lost frames", bursts,
        static_cast<unsigned long long>(injected), static_cast<unsigned long long>(stats.garbageBytes),
        static_cast<unsigned long long>(stats.crcErrors), static_cast<unsigned long long>(stats.lostFrames));
    QVERIFY(bursts >= 10);
    QCOMPARE(stats.lostFrames, 0u);
    QCOMPARE(stats.garbageBytes, injected); // every byte that was not a frame, and no byte of a frame
    bool reported = false;
    for (const QList<QVariant>& args : lines)
        reported = reported || args.at(0).toString().contains(QStringLiteral("Skipped"));
    QVERIFY(reported);
}

void TestSerialFaults::boardResetMidRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const SimulatedBoardConfig config = boardConfig(6, 2000, 1.0);
    SimulatedBoard board(config);
    QVERIFY2(board.open(), qPrintable(board.errorText()));
    QSignalSpy commands(&board, &SimulatedBoard::commandReceived);
    SerialSession session;
    connectSession(session, board.slavePath());
    const QString file = dir.filePath(QStringLiteral("reset.tsession"));
    QVERIFY(session.setSessionFile(file));

    // The board restarts (watchdog, brown-out) during the third run, after its fourth layer.
    bool wasReset = false;
    connect(&session, &SerialSession::layerMeasured, this, [&](quint32, const LayerSample& sample) {
        if (wasReset || session.capture().runs.size() < 2 || sample.layerIndex != 3)
            return;
        wasReset = true;
        board.reset();
    });
    constexpr quint32 kRuns = 6;
    session.startRuns(kRuns);
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == SessionState::Idle && wasReset, 20000);

    // Two complete runs, the cut one, then the four still pending, numbered from 0 by the restarted board.
    const std::vector<CapturedRun>& runs = session.capture().runs;
    QCOMPARE(runs.size(), size_t(kRuns + 1));
    QCOMPARE(runs[2].cut, RunCut::BoardReset);
    QCOMPARE(runs[2].runIndex, 2u);
    QVERIFY2(inconsistency(runs[2], config, 4).isEmpty(), qPrintable(inconsistency(runs[2], config, 4)));
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (i == 2)
            continue;
        QVERIFY2(runs[i].complete(), qPrintable(describe(runs[i])));
        QCOMPARE(runs[i].runIndex, quint32(i < 2 ? i : i - 3));
    }
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));
    QCOMPARE(session.decoderStats().lostFrames, 0u); // the boot Hello restarts the sequence: not a gap

    // The host asked twice: all six, then the four still pending.
    int starts = 0;
    for (const QList<QVariant>& args : commands)
        starts += args.at(0).value<MessageType>() == MessageType::StartRuns ? 1 : 0;
    QCOMPARE(starts, 2);

    const SessionFileResult read = readSessionFile(file);
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(read.value->capture.runs, runs);
}

void TestSerialFaults::bitErrors_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<int>("runs");
    QTest::addRow("1e-5 per bit") << 1e-5 << 300;
    QTest::addRow("1e-4 per bit") << 1e-4 << 300;
    QTest::addRow("1e-3 per bit") << 1e-3 << 300;
    QTest::addRow("1e-2 per bit (wrong baud)") << 1e-2 << 60;
}

void TestSerialFaults::bitErrors()
{
    QFETCH(double, rate);
    QFETCH(int, runs);
    const SimulatedBoardConfig config = boardConfig(4, 500, 0); // as fast as the line takes it
    SimulatedBoard board(config);
    QVERIFY2(board.open(), qPrintable(board.errorText()));
    NoisyRelay relay;
    QVERIFY(relay.open(board.slavePath(), rate, 99));
    SerialSession session;
    QSignalSpy errors(&session, &SerialSession::errorOccurred);
    connectSession(session, relay.hostPath());
    session.startRuns(static_cast<quint32>(runs));

    // A RunEnd lost on the line leaves runs pending while the board sits idle; the session notices the silence,
    // pings, and asks for the rest. Up to 1e-3 it gets there in a few rounds; at 1e-2 almost every run is damaged,
    // so there wait only until the board has run what was asked at first and the session has read all of it.
    const bool recovers = rate <= 1e-3;
    QTRY_VERIFY_WITH_TIMEOUT(relay.waiting() == 0 && session.bytesReceived() == relay.forwarded()
            && (recovers ? session.state() == SessionState::Idle : board.runsCompleted() >= static_cast<quint32>(runs)),
        90000);
    if (recovers)
        QCOMPARE(session.pendingRuns(), 0u);

    // The CRC keeps damaged frames out: a run marked complete has exactly the board's numbers. Damaged runs are
    // kept, marked, with what arrived intact.
    int complete = 0;
    for (const CapturedRun& run : session.capture().runs) {
        if (!run.complete())
            continue;
        ++complete;
        const auto truth = relay.truth().find(run.runIndex);
        QVERIFY2(truth != relay.truth().end(), qPrintable(QStringLiteral("the board never sent ") + describe(run)));
        QVERIFY2(sameMeasurements(run, truth->second),
            qPrintable(QStringLiteral("received %1, the board sent %2").arg(describe(run), describe(truth->second))));
    }
    const DecoderStats& stats = session.decoderStats();
    qInfo("bit error rate %g: %llu bits flipped; %u runs asked, the board ran %u; %d complete, %zu kept as cut; %llu "
          "CRC errors, %llu lost frames, %llu garbage bytes; state %s, %u runs still pending",
        rate, static_cast<unsigned long long>(relay.flippedBits()), static_cast<quint32>(runs), board.runsCompleted(),
        complete, session.capture().runs.size() - static_cast<std::size_t>(complete),
        static_cast<unsigned long long>(stats.crcErrors), static_cast<unsigned long long>(stats.lostFrames),
        static_cast<unsigned long long>(stats.garbageBytes), qPrintable(sessionStateName(session.state())),
        session.pendingRuns());
    QVERIFY(session.state() == SessionState::Idle || session.state() == SessionState::Running);
    QCOMPARE(errors.count(), 0);
    if (relay.flippedBits() > 0)
        QVERIFY(stats.crcErrors + stats.garbageBytes > 0);
    if (rate <= 1e-4)
        QVERIFY2(complete >= runs * 8 / 10, qPrintable(QString::number(complete)));
}

void TestSerialFaults::floodOfTenThousandRuns()
{
    const SimulatedBoardConfig config = boardConfig(4, 400, 0); // timeScale 0: as fast as the line takes it
    SimulatedBoard board(config);
    QVERIFY2(board.open(), qPrintable(board.errorText()));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SerialSession session;
    connectSession(session, board.slavePath());
    QVERIFY(session.setSessionFile(dir.filePath(QStringLiteral("flood.tsession"))));

    // A 10 ms timer, as a GUI's repaint or progress timer: it must keep firing while the flood is handled.
    int fired = 0;
    int firedWhileCapturing = 0;
    constexpr quint32 kRuns = 10'000;
    QTimer tick;
    tick.setInterval(10);
    connect(&tick, &QTimer::timeout, this, [&] {
        ++fired;
        const std::size_t captured = session.capture().runs.size();
        if (captured > 0 && captured < kRuns)
            ++firedWhileCapturing;
    });
    tick.start();
    session.startRuns(kRuns);
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == SessionState::Idle && session.capture().runs.size() == kRuns, 240000);
    tick.stop();

    QCOMPARE(completeRuns(session.capture()), int(kRuns));
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));
    QCOMPARE(session.decoderStats().lostFrames, 0u);
    QCOMPARE(session.decoderStats().garbageBytes, 0u);
    qInfo("flood: %u runs, %llu messages, %llu bytes; the 10 ms timer fired %d times, %d of them mid-flood", kRuns,
        static_cast<unsigned long long>(session.decoderStats().messages),
        static_cast<unsigned long long>(session.bytesReceived()), fired, firedWhileCapturing);
    QVERIFY2(firedWhileCapturing > 0, "the event loop did not turn while the flood was handled");

    const SessionFileResult read = readSessionFile(session.sessionFile());
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(read.value->capture.runs.size(), size_t(kRuns));
}

void TestSerialFaults::sessionFileDiskFull()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const SimulatedBoardConfig config = boardConfig(4, 400, 0);
    SimulatedBoard board(config);
    QVERIFY2(board.open(), qPrintable(board.errorText()));
    SerialSession session;
    QSignalSpy errors(&session, &SerialSession::errorOccurred);
    connectSession(session, board.slavePath());
    const QString file = dir.filePath(QStringLiteral("full.tsession"));
    QVERIFY(session.setSessionFile(file));
    const qint64 headerBytes = QFileInfo(file).size();
    QVERIFY(headerBytes > 0);

    // The disk fills up a few kilobytes into the session: writes past that fail (EFBIG, like ENOSPC).
    FileSizeLimit limit;
    QVERIFY(limit.set(static_cast<rlim_t>(headerBytes + 4000)));
    constexpr quint32 kRuns = 200;
    session.startRuns(kRuns);
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == SessionState::Idle && session.capture().runs.size() == kRuns, 60000);
    limit.restore();

    // The session went on; the failure was said once, naming the file; nothing captured was lost from memory.
    QCOMPARE(errors.count(), 1);
    const QString error = errors.at(0).at(0).toString();
    QVERIFY2(error.contains(file) && error.contains(QStringLiteral("still kept in memory")), qPrintable(error));
    QCOMPARE(completeRuns(session.capture()), int(kRuns));
    QVERIFY2(completeRunsInconsistent(session.capture(), config).isEmpty(),
        qPrintable(completeRunsInconsistent(session.capture(), config)));

    // The file holds the runs written before the disk filled up, each one intact.
    const SessionFileResult read = readSessionFile(file);
    QVERIFY2(read.ok(), qPrintable(read.error));
    const std::vector<CapturedRun>& onDisk = read.value->capture.runs;
    qInfo("%zu of %u runs reached the file before it filled up (%lld bytes); %zu warnings reading it", onDisk.size(),
        kRuns, static_cast<long long>(QFileInfo(file).size()), read.value->warnings.size());
    QVERIFY(!onDisk.empty());
    QVERIFY(onDisk.size() < kRuns);
    for (std::size_t i = 0; i < onDisk.size(); ++i)
        QCOMPARE(onDisk[i], session.capture().runs[i]);
}

QTEST_GUILESS_MAIN(TestSerialFaults)
#include "tst_serialfaults.moc"
