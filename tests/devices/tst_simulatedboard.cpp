// SPDX-License-Identifier: GPL-3.0-or-later
// The simulated board on a real pseudo-terminal, seen from the host side exactly as the app sees a board: a
// QSerialPort on the slave path and the wire protocol's FrameDecoder.
#include "protocol/wireprotocol.h"
#include "sim/simulatedboard.h"

#include <QElapsedTimer>
#include <QSerialPort>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <optional>
#include <vector>

using namespace Devices;

namespace {

/** One run as the host received it. */
struct HostRun
{
    quint32 index = 0;
    std::vector<LayerBegin> begins;
    std::vector<LayerEnd> ends;
    std::optional<RunEnd> end;
};

/** The host end of the line: a QSerialPort, a decoder, and the runs assembled from what arrived. */
class Host : public QObject
{
public:
    explicit Host(const QString& path)
        : m_port(path)
    {
        connect(&m_port, &QSerialPort::errorOccurred, this, [this](QSerialPort::SerialPortError error) {
            if (error != QSerialPort::NoError)
                errors.push_back(error);
        });
    }

    bool open(bool readContinuously = true)
    {
        if (!m_port.open(QIODevice::ReadWrite))
            return false;
        m_port.setBaudRate(115200);
        if (readContinuously)
            startReading();
        return true;
    }
    void startReading()
    {
        connect(&m_port, &QSerialPort::readyRead, this, &Host::readAll, Qt::UniqueConnection);
        readAll();
    }
    void close() { m_port.close(); }
    QSerialPort& port() { return m_port; }

    void send(const Message& message)
    {
        m_port.write(m_encoder.encode(message));
        m_port.flush();
    }

    /** Pings every 200 ms, as the session does, until a Pong arrives; true when one did. */
    bool handshake(int timeoutMs = 5000)
    {
        const std::size_t before = pongs.size();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            send(Ping { ++m_token });
            if (QTest::qWaitFor([&] { return pongs.size() > before; }, 200))
                return true;
        }
        return false;
    }

    std::size_t completeRuns() const
    {
        std::size_t n = 0;
        for (const HostRun& run : runs)
            n += run.end ? 1 : 0;
        return n;
    }

    std::vector<Decoded> log; ///< every message, in order
    std::vector<Decoded> lineEvents; ///< everything else the decoder reported
    std::vector<HostRun> runs;
    std::vector<Pong> pongs;
    std::vector<Hello> hellos;
    std::vector<QSerialPort::SerialPortError> errors;
    quint64 bytesReceived = 0;
    FrameDecoder decoder;

private:
    void readAll()
    {
        const QByteArray bytes = m_port.readAll();
        bytesReceived += quint64(bytes.size());
        decoder.feed(bytes);
        for (Decoded& item : decoder.take()) {
            if (item.kind != DecodeKind::MessageReceived) {
                lineEvents.push_back(item);
                continue;
            }
            const Message& m = item.message;
            if (const auto* pong = std::get_if<Pong>(&m)) {
                pongs.push_back(*pong);
            } else if (const auto* hello = std::get_if<Hello>(&m)) {
                hellos.push_back(*hello);
            } else if (const auto* start = std::get_if<RunStart>(&m)) {
                HostRun run;
                run.index = start->runIndex;
                runs.push_back(run);
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
            log.push_back(std::move(item));
        }
    }

    QSerialPort m_port;
    FrameEncoder m_encoder;
    quint32 m_token = 0;
};

SimulatedBoardConfig makeConfig(std::vector<double> means, double timeScale = 0, double noise = 0.03)
{
    SimulatedBoardConfig config;
    config.boardName = QStringLiteral("Test board");
    config.cpuHz = 48'000'000;
    config.tickHz = 1'000'000;
    config.arenaBytesUsed = 12345;
    config.modelId = 0xC0FFEE42;
    config.noiseFraction = noise;
    config.timeScale = timeScale;
    const quint16 ops[] = { 3, 4, 9, 25 }; // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX
    for (std::size_t i = 0; i < means.size(); ++i) {
        SimulatedLayer layer;
        layer.opCode = ops[i % 4];
        layer.meanTicks = means[i];
        config.layers.push_back(layer);
    }
    return config;
}

/** Elapsed ticks of every layer of every complete run: the board's output that a seed must determine. */
std::vector<quint32> elapsedSequence(const Host& host)
{
    std::vector<quint32> out;
    for (const HostRun& run : host.runs) {
        for (const LayerEnd& end : run.ends)
            out.push_back(end.elapsedTicks);
        if (run.end)
            out.push_back(run.end->totalTicks);
    }
    return out;
}

} // namespace

class TestSimulatedBoard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handshakeAnswersPingWithPongAndHello()
    {
        SimulatedBoard board(makeConfig({ 1000, 2000 }));
        QVERIFY2(board.open(), qPrintable(board.errorText()));
        QVERIFY(board.slavePath().startsWith(QLatin1String("/dev/pts/")));
        QVERIFY(board.isOpen());
        QSignalSpy commands(&board, &SimulatedBoard::commandReceived);

        Host host(board.slavePath());
        QVERIFY2(host.open(), qPrintable(host.port().errorString()));
        QVERIFY(host.handshake());
        // The boot Hello may or may not still sit in the pty; the Hello that answers the ping follows the Pong.
        QTRY_VERIFY(!host.log.empty() && std::holds_alternative<Hello>(host.log.back().message));
        const Hello& hello = host.hellos.back();
        QCOMPARE(hello.versionMajor, Wire::kVersionMajor);
        QCOMPARE(hello.versionMinor, Wire::kVersionMinor);
        QCOMPARE(hello.boardName, QStringLiteral("Test board"));
        QCOMPARE(hello.cpuHz, 48'000'000u);
        QCOMPARE(hello.tickHz, 1'000'000u);
        QCOMPARE(hello.arenaBytesUsed, 12345u);
        QCOMPARE(hello.modelId, 0xC0FFEE42u);
        QVERIFY(commands.count() >= 1);
        QCOMPARE(commands.last().at(0).value<MessageType>(), MessageType::Ping);
        // The token comes back.
        QVERIFY(host.pongs.back().token >= 1);
        QCOMPARE(host.lineEvents.size(), std::size_t(0));
    }

    void unknownArenaIsSentAsUnknown()
    {
        SimulatedBoardConfig config = makeConfig({ 1000 });
        config.arenaBytesUsed.reset();
        SimulatedBoard board(config);
        QVERIFY2(board.open(), qPrintable(board.errorText()));
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        QTRY_VERIFY(!host.hellos.empty());
        QCOMPARE(host.hellos.back().arenaBytesUsed, Wire::kUnknown32);
    }

    void runsCarryEveryLayer_data()
    {
        QTest::addColumn<double>("timeScale");
        QTest::addColumn<QString>("customTag");
        QTest::addRow("as fast as the line takes them") << 0.0 << QString();
        QTest::addRow("paced in real time") << 1.0 << QString();
        QTest::addRow("paced, 10x faster than real time, custom op") << 0.1 << QStringLiteral("ethos-u");
    }
    void runsCarryEveryLayer()
    {
        QFETCH(double, timeScale);
        QFETCH(QString, customTag);
        // 1 MHz ticks: a run takes about 5 ms of simulated time.
        SimulatedBoardConfig config = makeConfig({ 1500, 400, 2500, 600 }, timeScale);
        config.layers[2].tag = customTag;
        config.startTicks = 0xFFFFF000u; // the counter wraps inside the first runs
        SimulatedBoard board(config);
        QVERIFY2(board.open(), qPrintable(board.errorText()));
        QSignalSpy completed(&board, &SimulatedBoard::runCompleted);
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());

        const quint32 runs = 5;
        host.send(StartRuns { runs });
        QTRY_COMPARE_WITH_TIMEOUT(host.completeRuns(), std::size_t(runs), 10000);
        // No sixth run.
        QTest::qWait(100);
        QCOMPARE(host.runs.size(), std::size_t(runs));
        QCOMPARE(board.runsCompleted(), runs);
        QCOMPARE(completed.count(), int(runs));
        QVERIFY(!board.running());

        const std::size_t layers = config.layers.size();
        for (quint32 r = 0; r < runs; ++r) {
            const HostRun& run = host.runs[r];
            QCOMPARE(run.index, r);
            QCOMPARE(run.end->runIndex, r);
            QCOMPARE(run.begins.size(), layers);
            QCOMPARE(run.ends.size(), layers);
            quint64 sum = 0;
            for (std::size_t i = 0; i < layers; ++i) {
                QCOMPARE(run.begins[i].layerIndex, quint16(i));
                QCOMPARE(run.ends[i].layerIndex, quint16(i));
                QCOMPARE(run.begins[i].opCode, config.layers[i].opCode);
                QCOMPARE(run.begins[i].tag, config.layers[i].tag);
                QVERIFY(run.ends[i].elapsedTicks > 0);
                sum += run.ends[i].elapsedTicks;
                // The free-running counter: the next layer begins after this one's ticks plus the gap (mod 2^32).
                if (i + 1 < layers)
                    QCOMPARE(quint32(run.begins[i + 1].ticks - run.begins[i].ticks),
                        run.ends[i].elapsedTicks + config.gapTicks);
            }
            QCOMPARE(quint64(run.end->totalTicks), sum + (layers + 1) * config.gapTicks);
        }
        // The host's decoder saw a clean stream: no garbage, no CRC errors, no lost frames.
        QCOMPARE(host.lineEvents.size(), std::size_t(0));
        // Idle again: a ping gets Pong and Hello.
        const std::size_t hellos = host.hellos.size();
        QVERIFY(host.handshake());
        QTRY_COMPARE(host.hellos.size(), hellos + 1);
    }

    void noiseFreeSamplesAreTheMeans()
    {
        // Hand-checkable: no noise, so the first run is round(mean x 1.5) and the others round(mean).
        SimulatedBoardConfig config = makeConfig({ 1234.4, 10.0, 99999.6 }, 0, 0);
        config.firstRunFactor = 1.5;
        config.gapTicks = 7;
        SimulatedBoard board(config);
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        host.send(StartRuns { 3 });
        QTRY_COMPARE(host.completeRuns(), std::size_t(3));
        const std::vector<quint32> first = { 1852, 15, 149999 };
        const std::vector<quint32> later = { 1234, 10, 100000 };
        for (std::size_t r = 0; r < 3; ++r) {
            const std::vector<quint32>& expected = r == 0 ? first : later;
            for (std::size_t i = 0; i < 3; ++i)
                QCOMPARE(host.runs[r].ends[i].elapsedTicks, expected[i]);
            QCOMPARE(host.runs[r].end->totalTicks, expected[0] + expected[1] + expected[2] + 4 * 7);
        }
    }

    void noiseStatisticsMatchTheConfiguration()
    {
        const std::vector<double> means = { 1000, 50000, 2000000 };
        const double noise = 0.05;
        const int runs = 401; // the first is the slow warm-up run
        SimulatedBoardConfig config = makeConfig(means, 0, noise);
        config.firstRunFactor = 1.3;
        config.seed = 1234;
        SimulatedBoard board(config);
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        host.send(StartRuns { quint32(runs) });
        QTRY_COMPARE_WITH_TIMEOUT(host.completeRuns(), std::size_t(runs), 30000);

        const int n = runs - 1;
        for (std::size_t i = 0; i < means.size(); ++i) {
            double sum = 0;
            double sumSquares = 0;
            for (int r = 1; r < runs; ++r) {
                const double x = host.runs[std::size_t(r)].ends[i].elapsedTicks;
                sum += x;
                sumSquares += x * x;
            }
            const double mean = sum / n;
            const double sd = std::sqrt((sumSquares - n * mean * mean) / (n - 1));
            const double expectedSd = noise * means[i];
            // The sample mean is within 4.5 standard errors (plus the 0.5 tick of rounding) of the configured mean.
            const double standardError = expectedSd / std::sqrt(double(n));
            QVERIFY2(std::abs(mean - means[i]) <= 4.5 * standardError + 0.5,
                qPrintable(QStringLiteral("layer %1: mean %2, configured %3").arg(i).arg(mean).arg(means[i])));
            // The sample standard deviation is within 20 % of noise x mean (its own standard error is ~3.5 %).
            QVERIFY2(std::abs(sd / expectedSd - 1) < 0.2,
                qPrintable(QStringLiteral("layer %1: sd %2, configured %3").arg(i).arg(sd).arg(expectedSd)));
            // The first run is slower by firstRunFactor (one sample: within 5 noise sigmas).
            const double first = host.runs[0].ends[i].elapsedTicks;
            QVERIFY2(std::abs(first / (means[i] * 1.3) - 1) < 5 * noise,
                qPrintable(QStringLiteral("layer %1: first run %2").arg(i).arg(first)));
        }
    }

    void sameSeedSameSamples()
    {
        auto capture = [](quint32 seed) {
            SimulatedBoardConfig config = makeConfig({ 3000, 700, 12000 }, 0, 0.1);
            config.seed = seed;
            SimulatedBoard board(config);
            std::vector<quint32> out;
            if (!board.open())
                return out;
            Host host(board.slavePath());
            if (!host.open() || !host.handshake())
                return out;
            host.send(StartRuns { 20 });
            if (!QTest::qWaitFor([&] { return host.completeRuns() == 20; }, 10000))
                return out;
            return elapsedSequence(host);
        };
        const std::vector<quint32> a = capture(42);
        const std::vector<quint32> b = capture(42);
        const std::vector<quint32> c = capture(43);
        QCOMPARE(a.size(), std::size_t(20 * 4));
        QCOMPARE(b, a);
        QCOMPARE(c.size(), a.size());
        QVERIFY(c != a);
    }

    void stopFinishesTheLayerAndEndsTheRun()
    {
        // Real time at 1 MHz: 50 ms per layer, so Stop arrives in the middle of run 1.
        SimulatedBoard board(makeConfig({ 50000, 50000, 50000, 50000 }, 1.0, 0));
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        host.send(StartRuns { 0 }); // until Stop
        QTRY_VERIFY_WITH_TIMEOUT(host.runs.size() == 2 && !host.runs[1].begins.empty(), 5000);
        QVERIFY(board.running());
        host.send(Stop {});
        QTRY_VERIFY_WITH_TIMEOUT(host.runs[1].end.has_value(), 5000);
        const HostRun& cut = host.runs[1];
        // Every layer that began also ended, and not all layers ran.
        QCOMPARE(cut.ends.size(), cut.begins.size());
        QVERIFY(cut.begins.size() < 4);
        quint64 sum = 0;
        for (const LayerEnd& end : cut.ends)
            sum += end.elapsedTicks;
        QCOMPARE(quint64(cut.end->totalTicks), sum + (cut.ends.size() + 1) * SimulatedBoardConfig {}.gapTicks);
        QVERIFY(host.runs[0].end.has_value());
        QCOMPARE(host.runs[0].ends.size(), std::size_t(4));
        QVERIFY(!board.running());
        QCOMPARE(board.runsCompleted(), 2u);
        // Idle: nothing more arrives, and a ping gets Hello again.
        QTest::qWait(250);
        QCOMPARE(host.runs.size(), std::size_t(2));
        const std::size_t hellos = host.hellos.size();
        QVERIFY(host.handshake());
        QTRY_COMPARE(host.hellos.size(), hellos + 1);
    }

    void pingDuringARunGetsPongOnly()
    {
        SimulatedBoard board(makeConfig({ 100000, 100000 }, 1.0, 0));
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        QTRY_VERIFY(!host.hellos.empty());
        host.send(StartRuns { 1 });
        QTRY_VERIFY(!host.runs.empty());
        const std::size_t hellos = host.hellos.size();
        QVERIFY(host.handshake());
        QTest::qWait(50);
        QCOMPARE(host.hellos.size(), hellos);
        QTRY_VERIFY_WITH_TIMEOUT(host.completeRuns() == 1, 5000);
    }

    void unplugIsSeenByTheHost()
    {
        SimulatedBoard board(makeConfig({ 20000, 20000 }, 1.0));
        QVERIFY(board.open());
        QSignalSpy closed(&board, &SimulatedBoard::closed);
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        host.send(StartRuns { 0 });
        QTRY_VERIFY_WITH_TIMEOUT(host.completeRuns() >= 1 && host.runs.size() >= 2, 5000);
        board.unplug();
        QCOMPARE(closed.count(), 1);
        QVERIFY(!board.isOpen());
        QVERIFY(!board.running());
        QTRY_VERIFY_WITH_TIMEOUT(!host.errors.empty(), 5000);
        const QSerialPort::SerialPortError error = host.errors.front();
        QVERIFY2(error == QSerialPort::ReadError || error == QSerialPort::ResourceError,
            qPrintable(QStringLiteral("error %1: %2").arg(int(error)).arg(host.port().errorString())));
        // The run completed before the plug was pulled arrived whole.
        QCOMPARE(host.runs[0].ends.size(), std::size_t(2));
        // Unplugging twice is harmless, and the board can be opened again (a new pty).
        board.unplug();
        QCOMPARE(closed.count(), 1);
        QVERIFY(board.open());
        QVERIFY(board.isOpen());
    }

    void resetSendsABootHelloAndDropsTheRun()
    {
        SimulatedBoardConfig config = makeConfig({ 40000, 40000, 40000 }, 1.0, 0);
        config.firstRunFactor = 2.0;
        SimulatedBoard board(config);
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        host.send(StartRuns { 0 });
        QTRY_VERIFY_WITH_TIMEOUT(host.runs.size() == 2 && !host.runs[1].begins.empty(), 5000);
        const std::size_t logBefore = host.log.size();
        board.reset();
        QVERIFY(!board.running());
        QTRY_VERIFY(host.log.size() > logBefore && std::holds_alternative<Hello>(host.log.back().message));
        // The boot Hello starts the board's sequence again.
        QCOMPARE(host.log.back().sequence, quint8(0));
        // The dropped run never ends, and nothing more of it arrives.
        QTest::qWait(150);
        QVERIFY(!host.runs[1].end.has_value());
        QVERIFY(std::holds_alternative<Hello>(host.log.back().message));
        // The next run is run 0 of the new boot, and slow again.
        host.send(StartRuns { 1 });
        QTRY_VERIFY_WITH_TIMEOUT(host.runs.size() == 3 && host.runs[2].end.has_value(), 5000);
        QCOMPARE(host.runs[2].index, 0u);
        QCOMPARE(host.runs[2].ends[0].elapsedTicks, 80000u);
    }

    void hostCanCloseAndReopenThePort()
    {
        SimulatedBoard board(makeConfig({ 1000 }));
        QVERIFY(board.open());
        {
            Host first(board.slavePath());
            QVERIFY(first.open());
            QVERIFY(first.handshake());
            first.close();
        }
        Host second(board.slavePath());
        QVERIFY2(second.open(), qPrintable(second.port().errorString()));
        QVERIFY(second.handshake());
        second.send(StartRuns { 2 });
        QTRY_COMPARE(second.completeRuns(), std::size_t(2));
        QVERIFY(second.errors.empty());
    }

    void injectedGarbageIsSkippedByTheHost()
    {
        SimulatedBoard board(makeConfig({ 1000 }));
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open());
        QVERIFY(host.handshake());
        QTRY_VERIFY(!host.hellos.empty());
        const quint64 garbageBefore = host.decoder.stats().garbageBytes;
        const QByteArray garbage("noise\x00\x13\xA5", 8);
        board.injectBytes(garbage);
        host.send(StartRuns { 1 });
        QTRY_COMPARE(host.completeRuns(), std::size_t(1));
        QCOMPARE(host.decoder.stats().garbageBytes - garbageBefore, quint64(garbage.size()));
        QCOMPARE(host.decoder.stats().crcErrors, quint64(0));
        QCOMPARE(host.runs[0].ends.size(), std::size_t(1));
    }

    void floodAtTimeScaleZeroLosesNoBytes()
    {
        const quint32 runs = 3000;
        SimulatedBoard board(makeConfig({ 5000, 800, 1200, 300, 9000, 450, 2500, 100, 7000, 60 }, 0));
        QVERIFY(board.open());
        Host host(board.slavePath());
        QVERIFY(host.open(false));
        // Let the host lag behind: QSerialPort takes at most 4 KB, the pty fills up and the board must wait.
        host.port().setReadBufferSize(4096);
        host.send(StartRuns { runs });
        QTRY_VERIFY_WITH_TIMEOUT(board.pendingBytes() > 0, 10000);
        const quint32 completedWhileBlocked = board.runsCompleted();
        QTest::qWait(100);
        QCOMPARE(board.runsCompleted(), completedWhileBlocked); // paused, not dropping
        QVERIFY(completedWhileBlocked < runs);

        QElapsedTimer timer;
        timer.start();
        host.port().setReadBufferSize(0);
        host.startReading();
        QTRY_VERIFY_WITH_TIMEOUT(host.completeRuns() == runs, 60000);
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        QTRY_COMPARE(host.bytesReceived, board.bytesSent());
        QCOMPARE(board.pendingBytes(), qsizetype(0));
        const DecoderStats& stats = host.decoder.stats();
        QCOMPARE(stats.garbageBytes, quint64(0));
        QCOMPARE(stats.crcErrors, quint64(0));
        QCOMPARE(stats.lostFrames, quint64(0));
        for (quint32 r = 0; r < runs; ++r) {
            QCOMPARE(host.runs[r].index, r);
            QCOMPARE(host.runs[r].ends.size(), std::size_t(10));
        }
        qInfo("flood: %u runs of 10 layers, %llu bytes, in %lld ms after the host started reading (%.0f runs/s)", runs,
            static_cast<unsigned long long>(host.bytesReceived), static_cast<long long>(ms),
            (runs - completedWhileBlocked) * 1000.0 / double(ms));
    }
};

QTEST_GUILESS_MAIN(TestSimulatedBoard)
#include "tst_simulatedboard.moc"
