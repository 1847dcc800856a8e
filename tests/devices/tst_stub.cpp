// SPDX-License-Identifier: GPL-3.0-or-later
// The board-side stub (C99, compiled as C into tinyscope_stub) and its TFLM adapter (C++), checked on the host: what
// it sends is decoded by the host's own Devices::FrameDecoder, and what the host sends it is encoded by
// Devices::encodeFrame. Also its size on a Cortex-M4, measured with arm-none-eabi-gcc/size when they are installed.
#include "analysis/layeranalysis.h"
#include "protocol/crc16.h"
#include "protocol/modelid.h"
#include "protocol/wireprotocol.h"
#include "sharedmodels.h"
#include "tflite/tfliteloader.h"
#include "tinyscope_stub.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QTest>

#include <cstring>
#include <memory>

// A stand-in for TFLM's tensorflow/lite/micro/micro_profiler_interface.h, with the same two virtual functions.
namespace tflite {
class MicroProfilerInterface
{
public:
    virtual ~MicroProfilerInterface() = default;
    virtual uint32_t BeginEvent(const char* tag) = 0;
    virtual void EndEvent(uint32_t event_handle) = 0;
};
} // namespace tflite

#define TINYSCOPE_TFLM_PROFILER_NO_TFLM_INCLUDE
#include "tinyscope_tflm_profiler.h"

using namespace Devices;

namespace {

/** A board for the stub to live on: a byte sink, a tick counter driven by a simulated clock, the stub itself, and a
 *  host-side decoder for everything it sends. Not movable: the stub keeps pointers to it. */
struct Board
{
    QByteArray out; ///< bytes the stub wrote and nobody has decoded yet
    quint64 time = 0; ///< true ticks since the clock started
    quint32 rawAtZero = 0; ///< counter reading at time 0
    ts_stub_config cfg {};
    ts_stub stub {};
    FrameDecoder decoder;
    FrameEncoder host;
    QStringList lineProblems; ///< anything the decoder reported besides messages
    quint64 timeAtInit = 0;

    Board() = default;
    Board(const Board&) = delete;
    Board& operator=(const Board&) = delete;

    quint32 raw() const
    {
        const quint64 mask = cfg.tick_bits >= 32 ? 0xFFFFFFFFull : ((1ull << cfg.tick_bits) - 1);
        const quint64 v = cfg.tick_down ? quint64(rawAtZero) - time : quint64(rawAtZero) + time;
        return quint32(v & mask);
    }

    static void write(void* user, const uint8_t* data, size_t len)
    {
        static_cast<Board*>(user)->out.append(reinterpret_cast<const char*>(data), qsizetype(len));
    }
    static uint32_t ticks(void* user) { return static_cast<Board*>(user)->raw(); }

    void start(const char* name = "test board", int bits = 32, bool down = false, quint32 raw0 = 0)
    {
        cfg.write = &Board::write;
        cfg.ticks = &Board::ticks;
        cfg.user = this;
        cfg.board_name = name;
        cfg.cpu_hz = 64'000'000;
        cfg.tick_hz = 1'000'000;
        cfg.arena_bytes_used = 23'456;
        cfg.model_id = 0x01020304u;
        cfg.tick_bits = uint8_t(bits);
        cfg.tick_down = down ? TS_TICKS_DOWN : TS_TICKS_UP;
        rawAtZero = raw0;
        timeAtInit = time;
        ts_stub_init(&stub, &cfg);
    }

    /** The stub's clock reading for the current time: ticks since init, modulo 2^32. */
    quint32 clock() const { return quint32(time - timeAtInit); }

    void feed(const QByteArray& bytes)
    {
        ts_stub_rx(&stub, reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()));
    }
    void command(const Message& m) { feed(host.encode(m)); }

    /** Decodes and clears everything sent so far. */
    std::vector<Message> take()
    {
        decoder.feed(out);
        out.clear();
        std::vector<Message> messages;
        for (const Decoded& d : decoder.take()) {
            if (d.kind == DecodeKind::MessageReceived)
                messages.push_back(d.message);
            else
                lineProblems << d.describe();
        }
        return messages;
    }
};

Hello expectedHello(const Board& b, const QString& name)
{
    Hello h;
    h.cpuHz = b.cfg.cpu_hz;
    h.tickHz = b.cfg.tick_hz;
    h.arenaBytesUsed = b.cfg.arena_bytes_used;
    h.modelId = b.cfg.model_id;
    h.boardName = name;
    return h;
}

QString describe(const Message& m)
{
    Decoded d;
    d.message = m;
    return d.describe();
}

QString describe(const std::vector<Message>& list)
{
    QStringList lines;
    for (const Message& m : list)
        lines << describe(m);
    return lines.join(QLatin1String(" | "));
}

/** Compares two message lists and says where they differ. */
#define COMPARE_MESSAGES(actual, expected)                                                                             \
    do {                                                                                                               \
        const std::vector<Message> a_ = (actual);                                                                      \
        const std::vector<Message> e_ = (expected);                                                                    \
        QVERIFY2(a_ == e_, qPrintable(QStringLiteral("\n   got: %1\nwanted: %2").arg(describe(a_), describe(e_))));    \
    } while (false)

template <typename T> std::vector<T> only(const std::vector<Message>& list)
{
    std::vector<T> out;
    for (const Message& m : list) {
        if (const T* t = std::get_if<T>(&m))
            out.push_back(*t);
    }
    return out;
}

LayerBegin layerBegin(quint16 index, quint16 op, quint32 ticks, const QString& tag = {})
{
    LayerBegin b;
    b.layerIndex = index;
    b.opCode = op;
    b.ticks = ticks;
    b.tag = tag;
    return b;
}

/** An interpreter stand-in: runs "operators" through a MicroProfilerInterface the way TFLM's ScopedMicroProfiler
 *  does (BeginEvent, the work, EndEvent with the handle). */
struct FakeInterpreter
{
    Board* board;
    tflite::MicroProfilerInterface* profiler;

    void op(const char* tag, quint64 ticks)
    {
        const uint32_t handle = profiler->BeginEvent(tag);
        board->time += ticks;
        profiler->EndEvent(handle);
    }
};

/** Pings that fit in the most a false frame header can swallow (header, longest accepted payload, CRC), plus the
 *  Ping that is then answered: what the host's 200 ms pinging may need after noise on the line. */
constexpr int kMaxPingsToResync = (6 + int(TS_STUB_MAX_COMMAND_PAYLOAD) + 2 + 11) / 12 + 1;

/** Sends Pings the way the host does until the stub answers one; returns how many it took (100: never). */
int pingsUntilAnswered(Board& b)
{
    for (int pings = 1; pings <= 100; ++pings) {
        b.command(Ping { quint32(1000 + pings) });
        ts_stub_poll(&b.stub);
        if (!only<Pong>(b.take()).empty())
            return pings;
    }
    return 100;
}

struct ArmSize
{
    qint64 text = -1, data = -1, bss = -1;
};

/** Berkeley-format numbers of arm-none-eabi-size for one file. */
ArmSize armSize(const QString& sizeTool, const QString& file, QString* error)
{
    QProcess p;
    p.start(sizeTool, { file });
    if (!p.waitForFinished(30'000) || p.exitCode() != 0) {
        *error = sizeTool + QLatin1String(" failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
        return {};
    }
    const QStringList lines = QString::fromLocal8Bit(p.readAllStandardOutput()).split(QLatin1Char('\n'));
    if (lines.size() < 2) {
        *error = QStringLiteral("unexpected output of arm-none-eabi-size");
        return {};
    }
    const QStringList f = lines.at(1).simplified().split(QLatin1Char(' '));
    if (f.size() < 3) {
        *error = QStringLiteral("unexpected output of arm-none-eabi-size: ") + lines.at(1);
        return {};
    }
    return { f.at(0).toLongLong(), f.at(1).toLongLong(), f.at(2).toLongLong() };
}

} // namespace

class TestStub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initSendsHello_data();
    void initSendsHello();
    void runEvents_data();
    void runEvents();
    void startRunsCountsRuns();
    void pingWhenIdleGivesPongAndHello();
    void pingDuringRunGivesPongOnly();
    void commandsInAnySplit_data();
    void commandsInAnySplit();
    void crcErrorIsIgnored();
    void resyncAfterGarbage_data();
    void resyncAfterGarbage();
    void resyncAfterRandomNoise();
    void cutFrameCostsAtMostTheNextFrame();
    void stopDuringLayerEndsRunAfterIt();
    void stopBetweenLayersEndsRunAtOnce();
    void stopAndStartKeepTheirOrder();
    void untilStopRunsForever();
    void layerCallsOutsideRunSendNothing();
    void logAndErrorTexts();
    void sequenceNumbersWrap();
    void tflmAdapterReportsLayers();
    void tflmAdapterNestedEvents();
    void tflmAdapterOutsideRun();
    void tflmOpCodesMatchSchema();
    void sizeOnCortexM4();
    void firmwareWorkloadHeader();
    void firmwareWorkloadErrors_data();
    void firmwareWorkloadErrors();
};

void TestStub::initSendsHello_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QString>("expected");
    QTest::addRow("short name") << QByteArray("nucleo-l4r5zi") << QStringLiteral("nucleo-l4r5zi");
    QTest::addRow("no name") << QByteArray() << QString();
    const QByteArray ascii40(40, 'x');
    QTest::addRow("cut at 32 bytes") << ascii40 << QString::fromLatin1(ascii40.left(TS_STUB_MAX_NAME));
    // 31 ASCII bytes then a 2-byte character: it does not fit whole, so the name ends before it.
    const QByteArray utf8 = QByteArray(31, 'a') + QStringLiteral("\u00e9t\u00e9").toUtf8();
    QTest::addRow("cut on a UTF-8 boundary") << utf8 << QString::fromUtf8(utf8.left(31));
    const QByteArray exact = QByteArray(30, 'b') + QStringLiteral("\u00e9").toUtf8();
    QTest::addRow("exactly 32 bytes") << exact << QString::fromUtf8(exact);
}

void TestStub::initSendsHello()
{
    QFETCH(QByteArray, name);
    QFETCH(QString, expected);
    Board b;
    b.start(name.isNull() ? nullptr : name.constData());
    const auto messages = b.take();
    COMPARE_MESSAGES(messages, std::vector<Message> { expectedHello(b, expected) });
    QVERIFY2(b.lineProblems.isEmpty(), qPrintable(b.lineProblems.join(QLatin1Char('\n'))));
    // A known answer from the other side: the first bytes of the frame.
    Board c;
    c.start("q");
    QCOMPARE(c.out.left(6).toHex(), QByteArray("a55a01810013"));
}

void TestStub::runEvents_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("down");
    QTest::addColumn<quint32>("rawAtStart");
    QTest::addColumn<QList<quint64>>("layers"); // ticks each layer takes
    QTest::addColumn<quint64>("gap"); // ticks between layers (the interpreter's own work)

    QTest::addRow("32-bit up-counter (DWT CYCCNT)")
        << 32 << false << 1000u << QList<quint64> { 3500, 1400, 525, 17 } << quint64(40);
    QTest::addRow("32-bit up-counter wraps inside a layer")
        << 32 << false << 0xFFFFF000u << QList<quint64> { 0x800, 0x2000, 0x10 } << quint64(3);
    QTest::addRow("24-bit down-counter (SysTick)")
        << 24 << true << 0xFFFFFFu << QList<quint64> { 3500, 1400, 525, 17 } << quint64(40);
    QTest::addRow("24-bit down-counter wraps inside a layer")
        << 24 << true << 100u << QList<quint64> { 5000, 0xFFFFFE, 1 } << quint64(0);
    QTest::addRow("24-bit down-counter, run longer than its period")
        << 24 << true << 0x123456u << QList<quint64> { 12'000'000, 12'000'000, 12'000'000 } << quint64(7);
    QTest::addRow("16-bit up-counting timer")
        << 16 << false << 0xFF00u << QList<quint64> { 300, 65535, 2 } << quint64(1);
    QTest::addRow("zero-tick layers") << 32 << false << 5u << QList<quint64> { 0, 0 } << quint64(0);
}

void TestStub::runEvents()
{
    QFETCH(int, bits);
    QFETCH(bool, down);
    QFETCH(quint32, rawAtStart);
    QFETCH(QList<quint64>, layers);
    QFETCH(quint64, gap);

    Board b;
    b.time = 777; // the clock has been running since long before
    b.start("board", bits, down, down ? rawAtStart + 777u : rawAtStart - 777u);
    QCOMPARE(b.raw(), rawAtStart & quint32(bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1));
    b.take();

    std::vector<Message> expected;
    b.time += 11;
    ts_stub_run_begin(&b.stub);
    const quint64 runStart = b.time;
    expected.push_back(RunStart { 0 });
    for (int i = 0; i < layers.size(); ++i) {
        b.time += gap;
        const quint16 op = quint16(i == 1 ? TS_OP_UNKNOWN : 3 + i);
        const QString tag = i == 1 ? QStringLiteral("MY_CUSTOM_OP") : QString();
        ts_stub_layer_begin(&b.stub, quint16(i), op, i == 1 ? "MY_CUSTOM_OP" : nullptr);
        expected.push_back(layerBegin(quint16(i), op, b.clock(), tag));
        b.time += layers.at(i);
        ts_stub_layer_end(&b.stub, quint16(i));
        expected.push_back(LayerEnd { quint16(i), quint32(layers.at(i)) });
    }
    b.time += gap;
    ts_stub_run_end(&b.stub);
    expected.push_back(RunEnd { 0, quint32(b.time - runStart) });

    COMPARE_MESSAGES(b.take(), expected);
    QVERIFY2(b.lineProblems.isEmpty(), qPrintable(b.lineProblems.join(QLatin1Char('\n'))));
    QVERIFY(!ts_stub_in_run(&b.stub));
}

void TestStub::startRunsCountsRuns()
{
    Board b;
    b.start();
    b.take();
    QVERIFY(!ts_stub_should_run(&b.stub));
    b.command(StartRuns { 3 });
    QVERIFY(b.take().empty()); // StartRuns has no answer
    int runs = 0;
    while (ts_stub_should_run(&b.stub) && runs < 10) {
        ts_stub_run_begin(&b.stub);
        ts_stub_layer_begin(&b.stub, 0, 9, nullptr);
        b.time += 100;
        ts_stub_layer_end(&b.stub, 0);
        ts_stub_run_end(&b.stub);
        ++runs;
    }
    QCOMPARE(runs, 3);
    const auto ends = only<RunEnd>(b.take());
    QCOMPARE(int(ends.size()), 3);
    for (quint32 i = 0; i < 3; ++i)
        QCOMPARE(ends[i].runIndex, i);
    // A new StartRuns continues the run numbering.
    b.command(StartRuns { 1 });
    QVERIFY(ts_stub_should_run(&b.stub));
    ts_stub_run_begin(&b.stub);
    ts_stub_run_end(&b.stub);
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(b.take(), (std::vector<Message> { RunStart { 3 }, RunEnd { 3, 0 } }));
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::pingWhenIdleGivesPongAndHello()
{
    Board b;
    b.start("idle board");
    b.take();
    b.command(Ping { 0xCAFEF00Du });
    QVERIFY2(b.out.isEmpty(), "ts_stub_rx must not write: it may run in an interrupt while a frame is going out");
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(
        b.take(), (std::vector<Message> { Pong { 0xCAFEF00Du }, expectedHello(b, QStringLiteral("idle board")) }));
    // Answered once: polling again sends nothing.
    ts_stub_poll(&b.stub);
    QVERIFY(b.take().empty());
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::pingDuringRunGivesPongOnly()
{
    Board b;
    b.start();
    b.take();
    ts_stub_run_begin(&b.stub);
    ts_stub_layer_begin(&b.stub, 0, 3, nullptr);
    b.command(Ping { 7 });
    b.time += 50;
    ts_stub_layer_end(&b.stub, 0); // the Pong goes out after the LayerEnd, outside the measured time
    ts_stub_run_end(&b.stub);
    COMPARE_MESSAGES(b.take(),
        (std::vector<Message> {
            RunStart { 0 }, layerBegin(0, 3, 0), LayerEnd { 0, 50 }, Pong { 7 }, RunEnd { 0, 50 } }));
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::commandsInAnySplit_data()
{
    QTest::addColumn<int>("chunk"); // bytes per ts_stub_rx call; 0: everything at once
    QTest::addRow("whole") << 0;
    QTest::addRow("byte by byte") << 1;
    QTest::addRow("2 bytes") << 2;
    QTest::addRow("5 bytes") << 5;
    QTest::addRow("7 bytes") << 7;
}

void TestStub::commandsInAnySplit()
{
    QFETCH(int, chunk);
    Board b;
    b.start("split");
    b.take();
    QByteArray stream;
    stream += b.host.encode(Ping { 1 });
    stream += b.host.encode(StartRuns { 2 });
    stream += b.host.encode(Ping { 0xFFFFFFFFu });
    if (chunk == 0) {
        b.feed(stream);
    } else {
        for (qsizetype i = 0; i < stream.size(); i += chunk)
            b.feed(stream.mid(i, chunk));
    }
    // Two Pings before one poll: the newer token is answered (a lost Pong costs the host one ping interval).
    QVERIFY(ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(
        b.take(), (std::vector<Message> { Pong { 0xFFFFFFFFu }, expectedHello(b, QStringLiteral("split")) }));
    int runs = 0;
    while (ts_stub_should_run(&b.stub) && runs < 10) {
        ts_stub_run_begin(&b.stub);
        ts_stub_run_end(&b.stub);
        ++runs;
    }
    QCOMPARE(runs, 2);

    // Each command answered on its own when the board polls between them, fed byte by byte.
    for (quint32 token = 10; token < 14; ++token) {
        const QByteArray ping = b.host.encode(Ping { token });
        for (char c : ping)
            b.feed(QByteArray(1, c));
        ts_stub_poll(&b.stub);
    }
    const auto pongs = only<Pong>(b.take());
    QCOMPARE(int(pongs.size()), 4);
    for (quint32 i = 0; i < 4; ++i)
        QCOMPARE(pongs[i].token, 10 + i);
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::crcErrorIsIgnored()
{
    // Every single-bit error in a frame (header, payload, CRC) is caught; the stub answers again within the pings
    // that cover the longest frame it accepts.
    for (int byte = 2; byte < 12; ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            const QString where = QStringLiteral("bit %1 of byte %2 flipped").arg(bit).arg(byte);
            Board b;
            b.start();
            b.take();
            QByteArray bad = b.host.encode(Ping { 0x11223344u });
            bad[byte] = char(bad[byte] ^ (1 << bit));
            b.feed(bad);
            QVERIFY2(!ts_stub_should_run(&b.stub), qPrintable(where));
            QVERIFY2(b.take().empty(), qPrintable(QStringLiteral("answered a frame with ") + where));
            const int pings = pingsUntilAnswered(b);
            QVERIFY2(pings <= kMaxPingsToResync, qPrintable(where + QStringLiteral(": %1 pings").arg(pings)));
        }
    }
}

void TestStub::resyncAfterGarbage_data()
{
    QTest::addColumn<QByteArray>("garbage");
    QTest::addRow("text") << QByteArray("TinyScope stub garbage\r\n");
    QTest::addRow("zeros") << QByteArray(300, '\0');
    QTest::addRow("repeated first SOF byte") << QByteArray::fromHex("a5a5a5");
    QTest::addRow("SOF then wrong version") << QByteArray::fromHex("a55a07");
    QTest::addRow("SOF, version, a board type") << QByteArray::fromHex("a55a0181");
    QTest::addRow("SOF, version, type 0") << QByteArray::fromHex("a55a0100");
    QTest::addRow("length over 240") << QByteArray::fromHex("a55a010100f5");
    QTest::addRow("length over the stub's command limit") << QByteArray::fromHex("a55a01010021");
    QTest::addRow("a board's own frame echoed back") << encodeFrame(Pong { 3 }, 0);
    QTest::addRow("a frame of protocol version 2") << [] {
        QByteArray f = encodeFrame(Ping { 3 }, 0);
        f[2] = 2;
        const QByteArray body = f.mid(2, f.size() - 4);
        const quint16 crc
            = ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(body.constData()), size_t(body.size()));
        f[f.size() - 2] = char(crc & 0xFF);
        f[f.size() - 1] = char(crc >> 8);
        return f;
    }();
    QTest::addRow("a host command of a newer minor version") << [] {
        QByteArray f = encodeFrame(Ping { 3 }, 0);
        f[3] = 0x10; // unknown host type: the stub skips it
        const QByteArray body = f.mid(2, f.size() - 4);
        const quint16 crc
            = ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(body.constData()), size_t(body.size()));
        f[f.size() - 2] = char(crc & 0xFF);
        f[f.size() - 1] = char(crc >> 8);
        return f;
    }();
}

void TestStub::resyncAfterGarbage()
{
    QFETCH(QByteArray, garbage);
    Board b;
    b.start("resync");
    b.take();
    b.feed(garbage);
    ts_stub_poll(&b.stub);
    QVERIFY2(b.take().empty(), "garbage must not be answered");
    b.command(Ping { 99 });
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(b.take(), (std::vector<Message> { Pong { 99 }, expectedHello(b, QStringLiteral("resync")) }));
}

void TestStub::resyncAfterRandomNoise()
{
    QRandomGenerator rng(20240501);
    int worst = 0;
    for (int trial = 0; trial < 500; ++trial) {
        Board b;
        b.start();
        b.take();
        QByteArray noise(int(rng.bounded(1, 600)), Qt::Uninitialized);
        for (char& c : noise)
            c = char(rng.bounded(256));
        b.feed(noise);
        const int pings = pingsUntilAnswered(b);
        worst = std::max(worst, pings);
        QVERIFY2(pings <= kMaxPingsToResync, qPrintable(QStringLiteral("trial %1: %2 pings").arg(trial).arg(pings)));
        QVERIFY(b.lineProblems.isEmpty());
    }
    qInfo("after random noise the stub answered within %d ping(s) (bound %d)", worst, kMaxPingsToResync);
}

void TestStub::cutFrameCostsAtMostTheNextFrame()
{
    Board b;
    b.start();
    b.take();
    const QByteArray cut = b.host.encode(Ping { 0x01010101u }).left(7); // header and one payload byte
    b.feed(cut);
    b.command(Ping { 0x02020202u }); // its first bytes complete the cut frame, whose CRC then fails
    b.command(Ping { 0x03030303u });
    ts_stub_poll(&b.stub);
    const auto pongs = only<Pong>(b.take());
    QCOMPARE(int(pongs.size()), 1);
    QCOMPARE(pongs.front().token, 0x03030303u);
}

void TestStub::stopDuringLayerEndsRunAfterIt()
{
    Board b;
    b.start();
    b.take();
    b.command(StartRuns { 5 });
    QVERIFY(ts_stub_should_run(&b.stub));
    ts_stub_run_begin(&b.stub);
    ts_stub_layer_begin(&b.stub, 0, 3, nullptr);
    b.command(Stop {});
    b.time += 123;
    ts_stub_layer_end(&b.stub, 0); // finishes the layer, then the run
    QVERIFY(!ts_stub_in_run(&b.stub));
    // The firmware goes on with its inference; the stub sends nothing more for it.
    ts_stub_layer_begin(&b.stub, 1, 4, nullptr);
    b.time += 10;
    ts_stub_layer_end(&b.stub, 1);
    ts_stub_run_end(&b.stub);
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(b.take(),
        (std::vector<Message> { RunStart { 0 }, layerBegin(0, 3, 0), LayerEnd { 0, 123 }, RunEnd { 0, 123 } }));
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::stopBetweenLayersEndsRunAtOnce()
{
    Board b;
    b.start();
    b.take();
    b.command(StartRuns { 0 });
    QVERIFY(ts_stub_should_run(&b.stub));
    ts_stub_run_begin(&b.stub);
    ts_stub_layer_begin(&b.stub, 0, 3, nullptr);
    b.time += 20;
    ts_stub_layer_end(&b.stub, 0);
    b.time += 5;
    b.command(Stop {});
    ts_stub_layer_begin(&b.stub, 1, 4, nullptr); // sees the Stop first: RunEnd instead of LayerBegin
    ts_stub_layer_end(&b.stub, 1);
    ts_stub_run_end(&b.stub);
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(
        b.take(), (std::vector<Message> { RunStart { 0 }, layerBegin(0, 3, 0), LayerEnd { 0, 20 }, RunEnd { 0, 25 } }));
}

void TestStub::stopAndStartKeepTheirOrder()
{
    Board b;
    b.start();
    b.take();
    // Stop then StartRuns, read in one go: the runs happen.
    b.feed(b.host.encode(Stop {}) + b.host.encode(StartRuns { 1 }));
    QVERIFY(ts_stub_should_run(&b.stub));
    ts_stub_run_begin(&b.stub);
    ts_stub_run_end(&b.stub);
    QVERIFY(!ts_stub_should_run(&b.stub));
    // StartRuns then Stop: nothing runs.
    b.feed(b.host.encode(StartRuns { 4 }) + b.host.encode(Stop {}));
    QVERIFY(!ts_stub_should_run(&b.stub));
    // Stop when idle: harmless, no answer.
    b.command(Stop {});
    QVERIFY(!ts_stub_should_run(&b.stub));
    COMPARE_MESSAGES(b.take(), (std::vector<Message> { RunStart { 0 }, RunEnd { 0, 0 } }));
}

void TestStub::untilStopRunsForever()
{
    Board b;
    b.start();
    b.take();
    b.command(StartRuns { 0 });
    int runs = 0;
    while (ts_stub_should_run(&b.stub) && runs < 1000) {
        ts_stub_run_begin(&b.stub);
        b.time += 3;
        ts_stub_run_end(&b.stub);
        if (++runs == 300)
            b.command(Stop {});
    }
    QCOMPARE(runs, 300);
    const auto ends = only<RunEnd>(b.take());
    QCOMPARE(int(ends.size()), 300);
    QCOMPARE(ends.back().runIndex, 299u);
    QCOMPARE(ends.back().totalTicks, 3u);
    QVERIFY(b.lineProblems.isEmpty()); // 300+ frames: the sequence number wrapped without a gap
}

void TestStub::layerCallsOutsideRunSendNothing()
{
    Board b;
    b.start();
    b.take();
    ts_stub_layer_begin(&b.stub, 0, 3, "x");
    ts_stub_layer_end(&b.stub, 0);
    ts_stub_run_end(&b.stub);
    QVERIFY(b.take().empty());
    // An end for a layer that is not the open one is ignored too.
    ts_stub_run_begin(&b.stub);
    ts_stub_layer_begin(&b.stub, 4, 3, nullptr);
    ts_stub_layer_end(&b.stub, 5);
    b.time += 9;
    ts_stub_layer_end(&b.stub, 4);
    ts_stub_run_end(&b.stub);
    COMPARE_MESSAGES(
        b.take(), (std::vector<Message> { RunStart { 0 }, layerBegin(4, 3, 0), LayerEnd { 4, 9 }, RunEnd { 0, 9 } }));
}

void TestStub::logAndErrorTexts()
{
    Board b;
    b.start();
    b.take();
    ts_stub_log(&b.stub, "AllocateTensors: 93184 bytes");
    ts_stub_log(&b.stub, "");
    ts_stub_log(&b.stub, nullptr);
    // 199 ASCII bytes then a 3-byte character: cut before it.
    const QByteArray longText = QByteArray(199, 'L') + QStringLiteral("\u20ac tail").toUtf8();
    ts_stub_log(&b.stub, longText.constData());
    ts_stub_error(&b.stub, 0xBEEF, "Invoke failed");
    const QByteArray tooLong(300, 'E');
    ts_stub_error(&b.stub, 1, tooLong.constData());
    COMPARE_MESSAGES(b.take(),
        (std::vector<Message> { LogText { QStringLiteral("AllocateTensors: 93184 bytes") }, LogText {}, LogText {},
            LogText { QString::fromUtf8(longText.left(199)) }, BoardError { 0xBEEF, QStringLiteral("Invoke failed") },
            BoardError { 1, QString::fromLatin1(tooLong.left(TS_STUB_MAX_TEXT)) } }));
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::sequenceNumbersWrap()
{
    Board b;
    b.start();
    for (int i = 0; i < 600; ++i)
        ts_stub_log(&b.stub, "x");
    QByteArray all = b.out;
    QCOMPARE(int(b.take().size()), 601);
    QVERIFY(b.lineProblems.isEmpty());
    // Frame 257 (Hello is frame 0) carries sequence 1 again.
    const int frameBytes = 8 + 1;
    QCOMPARE(quint8(all.at(6 + 18 + int(std::strlen("test board")) + 2 + 256 * frameBytes + 4)), quint8(1));
}

void TestStub::tflmAdapterReportsLayers()
{
    Board b;
    b.start();
    b.take();
    tinyscope::TflmProfiler profiler(&b.stub);
    tflite::MicroProfilerInterface* asTflm = &profiler; // what MicroInterpreter holds
    FakeInterpreter interpreter { &b, asTflm };
    std::vector<Message> expected;
    for (quint32 run = 0; run < 2; ++run) {
        profiler.BeginRun();
        expected.push_back(RunStart { run });
        const quint64 runStart = b.time;
        const quint32 c0 = b.clock();
        interpreter.op("CONV_2D", 3500);
        interpreter.op("DEPTHWISE_CONV_2D", 1400);
        interpreter.op("MyVendorOp", 77);
        interpreter.op("FULLY_CONNECTED", 525);
        interpreter.op("SOFTMAX", 17);
        profiler.EndRun();
        QCOMPARE(profiler.layersThisRun(), quint16(5));
        expected.push_back(layerBegin(0, 3, c0));
        expected.push_back(LayerEnd { 0, 3500 });
        expected.push_back(layerBegin(1, 4, c0 + 3500));
        expected.push_back(LayerEnd { 1, 1400 });
        expected.push_back(layerBegin(2, TS_OP_UNKNOWN, c0 + 4900, QStringLiteral("MyVendorOp")));
        expected.push_back(LayerEnd { 2, 77 });
        expected.push_back(layerBegin(3, 9, c0 + 4977));
        expected.push_back(LayerEnd { 3, 525 });
        expected.push_back(layerBegin(4, 25, c0 + 5502));
        expected.push_back(LayerEnd { 4, 17 });
        expected.push_back(RunEnd { run, quint32(b.time - runStart) });
    }
    COMPARE_MESSAGES(b.take(), expected);
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::tflmAdapterNestedEvents()
{
    Board b;
    b.start();
    b.take();
    tinyscope::TflmProfiler profiler(&b.stub);
    tflite::MicroProfilerInterface* p = &profiler;
    profiler.BeginRun();
    // A WHILE operator runs its body subgraph: the body's operators are events inside the WHILE's event.
    const uint32_t outer = p->BeginEvent("WHILE");
    b.time += 10;
    const uint32_t inner1 = p->BeginEvent("ADD");
    b.time += 100;
    p->EndEvent(inner1);
    const uint32_t inner2 = p->BeginEvent("MUL");
    const uint32_t innermost = p->BeginEvent("kernel detail");
    b.time += 50;
    p->EndEvent(innermost);
    p->EndEvent(inner2);
    b.time += 5;
    p->EndEvent(outer);
    // Unbalanced calls: an EndEvent nobody began, a repeated EndEvent.
    p->EndEvent(outer);
    p->EndEvent(12345);
    const uint32_t next = p->BeginEvent("RESHAPE");
    b.time += 2;
    p->EndEvent(next);
    profiler.EndRun();
    COMPARE_MESSAGES(b.take(),
        (std::vector<Message> { RunStart { 0 }, layerBegin(0, 119, 0), LayerEnd { 0, 165 }, layerBegin(1, 22, 165),
            LayerEnd { 1, 2 }, RunEnd { 0, 167 } }));
    QVERIFY(b.lineProblems.isEmpty());
}

void TestStub::tflmAdapterOutsideRun()
{
    Board b;
    b.start();
    b.take();
    tinyscope::TflmProfiler profiler(&b.stub);
    tflite::MicroProfilerInterface* p = &profiler;
    // Events before any run (e.g. a profiled Init or Prepare) send nothing and are not counted.
    const uint32_t h = p->BeginEvent("CONV_2D");
    p->EndEvent(h);
    QVERIFY(b.take().empty());
    profiler.BeginRun();
    const uint32_t first = p->BeginEvent("CONV_2D");
    QCOMPARE(first, 0u);
    p->EndEvent(first);
    profiler.EndRun();
    QCOMPARE(int(only<LayerBegin>(b.take()).size()), 1);
}

void TestStub::tflmOpCodesMatchSchema()
{
    // Every tag the adapter maps must map to the schema's code for that name; and the operators of the usual TinyML
    // models are all known.
    int mapped = 0;
    for (int code = 0; code < Profiler::builtinOperatorCount(); ++code) {
        const QByteArray name = Profiler::builtinOperatorName(code).toLatin1();
        if (name.isEmpty())
            continue;
        const uint16_t op = tinyscope::tflmOpCode(name.constData());
        if (op == TS_OP_UNKNOWN)
            continue;
        QVERIFY2(op == code,
            qPrintable(
                QStringLiteral("%1 maps to %2, the schema says %3").arg(QString::fromLatin1(name)).arg(op).arg(code)));
        ++mapped;
    }
    QVERIFY2(mapped >= 50, qPrintable(QStringLiteral("only %1 operators mapped").arg(mapped)));
    for (const char* common : { "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D",
             "SOFTMAX", "RESHAPE", "ADD", "MUL", "QUANTIZE", "DEQUANTIZE", "MEAN", "PAD", "CONCATENATION", "LOGISTIC",
             "TRANSPOSE_CONV", "UNIDIRECTIONAL_SEQUENCE_LSTM" }) {
        QCOMPARE(int(tinyscope::tflmOpCode(common)), Profiler::builtinOperatorCode(QString::fromLatin1(common)));
    }
    QCOMPARE(tinyscope::tflmOpCode("conv_2d"), uint16_t(TS_OP_UNKNOWN)); // TFLM's names are exact
    QCOMPARE(tinyscope::tflmOpCode(nullptr), uint16_t(TS_OP_UNKNOWN));
}

void TestStub::sizeOnCortexM4()
{
    const QString gcc = QStandardPaths::findExecutable(QStringLiteral("arm-none-eabi-gcc"));
    const QString size = QStandardPaths::findExecutable(QStringLiteral("arm-none-eabi-size"));
    if (gcc.isEmpty() || size.isEmpty()) {
        if (TestHelpers::isCi())
            QFAIL("arm-none-eabi-gcc/arm-none-eabi-size not found, and CI=true requires them "
                  "(apt-get install gcc-arm-none-eabi)");
        QSKIP("arm-none-eabi-gcc not found: the stub's size on Cortex-M4 is not measured");
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString src = QStringLiteral(TINYSCOPE_SOURCE_DIR);
    const QString probe = dir.filePath(QStringLiteral("probe.c"));
    {
        QFile f(probe);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // .bss = sizeof(ts_stub), .rodata (counted in "text") = sizeof(ts_stub_config) on the target
        f.write("#include \"tinyscope_stub.h\"\nts_stub tinyscope_probe_state;\n"
                "const ts_stub_config tinyscope_probe_config = { 0 };\n");
    }
    const QStringList common { QStringLiteral("-std=c99"), QStringLiteral("-mcpu=cortex-m4"), QStringLiteral("-mthumb"),
        QStringLiteral("-Os"), QStringLiteral("-ffunction-sections"), QStringLiteral("-fdata-sections"),
        QStringLiteral("-Wall"), QStringLiteral("-Wextra"), QStringLiteral("-Werror"),
        QStringLiteral("-I") + src + QStringLiteral("/devices/stub"),
        QStringLiteral("-I") + src + QStringLiteral("/devices/protocol"), QStringLiteral("-c") };
    const auto compile = [&](const QString& in, const QString& out) {
        QProcess p;
        p.start(gcc, common + QStringList { in, QStringLiteral("-o"), out });
        const bool ok = p.waitForFinished(60'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        return ok ? QString() : QString::fromLocal8Bit(p.readAllStandardError() + p.readAllStandardOutput());
    };
    const QString stubObj = dir.filePath(QStringLiteral("tinyscope_stub.o"));
    const QString probeObj = dir.filePath(QStringLiteral("probe.o"));
    QString error = compile(src + QStringLiteral("/devices/stub/tinyscope_stub.c"), stubObj);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = compile(probe, probeObj);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const ArmSize stub = armSize(size, stubObj, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const ArmSize state = armSize(size, probeObj, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(stub.text > 0);
    QVERIFY(state.bss > 0);

    const qint64 flash = stub.text + stub.data; // Berkeley "text" includes .rodata
    const qint64 ram = stub.data + stub.bss + state.bss;
    qInfo("stub on Cortex-M4 (-Os): flash %lld bytes (text %lld incl. rodata, data %lld), RAM %lld bytes "
          "(data %lld, bss %lld, ts_stub state %lld); the caller's ts_stub_config is %lld bytes (const: flash)",
        flash, stub.text, stub.data, ram, stub.data, stub.bss, state.bss, state.text);
    QVERIFY2(flash <= 2048, qPrintable(QStringLiteral("flash %1 > 2048 bytes").arg(flash)));
    QVERIFY2(ram <= 256, qPrintable(QStringLiteral("RAM %1 > 256 bytes").arg(ram)));
    QCOMPARE(stub.data + stub.bss, qint64(0)); // no hidden state: everything is in the caller's ts_stub
}

void TestStub::firmwareWorkloadHeader()
{
    // The header the QEMU firmware is built from, checked against TinyScope's own analysis of the model.
    const QString model = QStringLiteral(TINYSCOPE_EXAMPLE_MODEL);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString header = dir.filePath(QStringLiteral("layers.h"));
    QProcess cli;
    cli.start(QStringLiteral(TINYSCOPE_CLI),
        { QStringLiteral("firmware-workload"), model, QStringLiteral("-o"), header, QStringLiteral("--scale"),
            QStringLiteral("1000") });
    QVERIFY(cli.waitForFinished(60'000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    QFile f(header);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());

    QFile modelFile(model);
    QVERIFY(modelFile.open(QIODevice::ReadOnly));
    const quint32 id = Devices::modelIdForFile(modelFile.readAll());
    QVERIFY2(text.contains(QStringLiteral("#define TS_WORKLOAD_MODEL_ID 0x%1u").arg(id, 8, 16, QLatin1Char('0'))),
        "model id");
    QVERIFY(text.contains(QLatin1String("#define TS_WORKLOAD_SCALE 1000u")));

    auto loaded = Profiler::loadTfliteFile(model);
    QVERIFY(loaded.ok());
    const Profiler::Model m = std::move(loaded).value();
    const Profiler::ModelAnalysis analysis = Profiler::analyzeModel(m, 0);
    QVERIFY(text.contains(QStringLiteral("#define TS_WORKLOAD_LAYER_COUNT %1u").arg(analysis.layers.size())));
    const QRegularExpression row(
        QStringLiteral("^\\s*\\{ (\\d+)u, (\\d+)ull, (\\d+)u, 0 \\}, /\\* (\\d+) (\\S+) \\*/$"),
        QRegularExpression::MultilineOption);
    std::size_t i = 0;
    qint64 totalIterations = 0;
    for (auto it = row.globalMatch(text); it.hasNext(); ++i) {
        const auto match = it.next();
        QVERIFY(i < analysis.layers.size());
        const Profiler::LayerInfo& layer = analysis.layers[i];
        const Profiler::Operator& op = m.subgraphs.front().operators[std::size_t(layer.index)];
        QCOMPARE(match.captured(1).toInt(), op.builtinCode);
        QCOMPARE(match.captured(2).toLongLong(), layer.macs);
        const qint64 work = layer.macs > 0 ? layer.macs : layer.outputBytes;
        const qint64 iterations = std::max<qint64>(1, qint64(std::llround(double(work) / 1000.0)));
        QCOMPARE(match.captured(3).toLongLong(), iterations);
        QCOMPARE(match.captured(5), layer.type);
        totalIterations += iterations;
    }
    QCOMPARE(i, analysis.layers.size());
    QVERIFY(text.contains(QStringLiteral("#define TS_WORKLOAD_TOTAL_ITERATIONS %1u").arg(totalIterations)));

    // Without --scale, a run stays within the iteration budget.
    cli.start(QStringLiteral(TINYSCOPE_CLI), { QStringLiteral("firmware-workload"), model });
    QVERIFY(cli.waitForFinished(60'000));
    QCOMPARE(cli.exitCode(), 0);
    const auto total = QRegularExpression(QStringLiteral("TS_WORKLOAD_TOTAL_ITERATIONS (\\d+)u"))
                           .match(QString::fromUtf8(cli.readAllStandardOutput()));
    QVERIFY(total.hasMatch());
    QVERIFY(total.captured(1).toLongLong() <= 200'000);
    QVERIFY(total.captured(1).toLongLong() >= 1000);
}

void TestStub::firmwareWorkloadErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString model = QStringLiteral(TINYSCOPE_EXAMPLE_MODEL);
    QTest::addRow("missing file") << QStringList { QStringLiteral("/nonexistent/model.tflite") }
                                  << QStringLiteral("/nonexistent/model.tflite");
    QTest::addRow("not a model") << QStringList {
        QStringLiteral(TINYSCOPE_SOURCE_DIR "/devices/stub/tinyscope_stub.c")
    } << QStringLiteral("tinyscope_stub.c");
    QTest::addRow("scale 0") << QStringList { model, QStringLiteral("--scale"), QStringLiteral("0") }
                             << QStringLiteral("--scale");
    QTest::addRow("scale not a number") << QStringList { model, QStringLiteral("--scale"), QStringLiteral("x") }
                                        << QStringLiteral("--scale");
    QTest::addRow("json") << QStringList { model, QStringLiteral("--json") } << QStringLiteral("C header");
    QTest::addRow("no model") << QStringList {} << QStringLiteral("model");
}

void TestStub::firmwareWorkloadErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QProcess cli;
    cli.start(QStringLiteral(TINYSCOPE_CLI), QStringList { QStringLiteral("firmware-workload") } + arguments);
    QVERIFY(cli.waitForFinished(60'000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 2);
    const QString err = QString::fromLocal8Bit(cli.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(cli.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(TestStub)
#include "tst_stub.moc"
