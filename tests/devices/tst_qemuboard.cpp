// SPDX-License-Identifier: GPL-3.0-or-later
// Real firmware on an emulated Cortex-M4: the example firmware (devices/stub/examples/qemu-mps2-an386, the stub plus
// MAC loops sized from the bundled example model) boots in QEMU mps2-an386 with -icount shift=0, and the host talks
// to it over QEMU's pseudo-terminal with QSerialPort, decoding with Devices::FrameDecoder. With a fixed instruction
// rate and tick-edge aligned SysTick reads, every layer's tick count must be the same in every run and every boot.
#include "protocol/modelid.h"
#include "protocol/wireprotocol.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSerialPort>
#include <QStandardPaths>
#include <QtTest/QTest>

#include <cmath>
#include <memory>

using namespace Devices;

namespace {

bool isCi()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

/** One row of the generated layers.h. */
struct WorkloadLayer
{
    quint16 opCode = 0;
    qint64 macs = 0;
    quint32 iterations = 0;
    QString tag;
};

struct Workload
{
    quint32 modelId = 0;
    std::vector<WorkloadLayer> layers;
};

/** Reads the header `tinyscope-cli firmware-workload` wrote for the firmware. */
bool readWorkload(const QString& path, Workload* w, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = path + QLatin1String(": cannot read: ") + f.errorString();
        return false;
    }
    const QString text = QString::fromUtf8(f.readAll());
    const auto id = QRegularExpression(QStringLiteral("#define TS_WORKLOAD_MODEL_ID 0x([0-9a-fA-F]{8})u")).match(text);
    const auto count = QRegularExpression(QStringLiteral("#define TS_WORKLOAD_LAYER_COUNT (\\d+)u")).match(text);
    if (!id.hasMatch() || !count.hasMatch()) {
        *error = path + QLatin1String(": no model id or layer count");
        return false;
    }
    w->modelId = id.captured(1).toUInt(nullptr, 16);
    const QRegularExpression row(QStringLiteral("^\\s*\\{ (\\d+)u, (\\d+)ull, (\\d+)u, (0|\"[^\"]*\") \\},"),
        QRegularExpression::MultilineOption);
    for (auto it = row.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        WorkloadLayer l;
        l.opCode = quint16(m.captured(1).toUInt());
        l.macs = m.captured(2).toLongLong();
        l.iterations = m.captured(3).toUInt();
        if (m.captured(4) != QLatin1String("0"))
            l.tag = m.captured(4).mid(1, m.captured(4).size() - 2);
        w->layers.push_back(l);
    }
    if (int(w->layers.size()) != count.captured(1).toInt() || w->layers.empty()) {
        *error = path
            + QStringLiteral(": %1 layer rows, but TS_WORKLOAD_LAYER_COUNT is %2")
                  .arg(w->layers.size())
                  .arg(count.captured(1));
        return false;
    }
    return true;
}

/** One run as the board reported it. */
struct MeasuredRun
{
    quint32 index = 0;
    std::vector<LayerBegin> begins;
    std::vector<quint32> ticks; ///< elapsed ticks per layer, in layer order
    quint32 totalTicks = 0;
};

/** QEMU running the firmware, and the host end of its serial port. Kills QEMU when destroyed. */
class QemuBoard
{
public:
    ~QemuBoard() { shutDown(); }

    bool start(const QString& qemu, const QString& firmware, QString* error)
    {
        QStringList args { QStringLiteral("-M"), QStringLiteral("mps2-an386"), QStringLiteral("-icount"),
            QStringLiteral("shift=0"), QStringLiteral("-display"), QStringLiteral("none"), QStringLiteral("-monitor"),
            QStringLiteral("none"), QStringLiteral("-serial"), QStringLiteral("pty"),
            QStringLiteral("-semihosting-config"), QStringLiteral("enable=on,target=native"), QStringLiteral("-kernel"),
            firmware };
        // A QEMU that outlives this test (the test killed by CTest) must still end: timeout(1) ends it.
        const QString timeoutTool = QStandardPaths::findExecutable(QStringLiteral("timeout"));
        m_qemu.setProcessChannelMode(QProcess::MergedChannels);
        if (timeoutTool.isEmpty()) {
            m_qemu.start(qemu, args);
        } else {
            m_qemu.start(
                timeoutTool, QStringList { QStringLiteral("--kill-after=5"), QStringLiteral("150"), qemu } + args);
        }
        if (!m_qemu.waitForStarted(10'000)) {
            *error = QLatin1String("cannot start ") + qemu + QLatin1String(": ") + m_qemu.errorString();
            return false;
        }
        // "char device redirected to /dev/pts/N (label serial0)"
        const QRegularExpression ptyLine(QStringLiteral("char device redirected to (\\S+)"));
        QByteArray console;
        QDeadlineTimer deadline(15'000);
        while (!deadline.hasExpired()) {
            m_qemu.waitForReadyRead(100);
            console += m_qemu.readAll();
            const auto m = ptyLine.match(QString::fromLocal8Bit(console));
            if (m.hasMatch()) {
                m_ptyPath = m.captured(1);
                break;
            }
            if (m_qemu.state() == QProcess::NotRunning)
                break;
        }
        if (m_ptyPath.isEmpty()) {
            *error = QLatin1String("QEMU printed no pseudo-terminal path: ") + QString::fromLocal8Bit(console);
            return false;
        }
        m_port = std::make_unique<QSerialPort>(m_ptyPath);
        if (!m_port->open(QIODevice::ReadWrite)) {
            *error = m_ptyPath + QLatin1String(": cannot open: ") + m_port->errorString();
            return false;
        }
        return true;
    }

    void shutDown()
    {
        if (m_port)
            m_port->close();
        m_port.reset();
        if (m_qemu.state() != QProcess::NotRunning) {
            m_qemu.terminate(); // timeout(1) passes SIGTERM on to QEMU, which exits at once
            if (!m_qemu.waitForFinished(5'000)) {
                m_qemu.kill();
                m_qemu.waitForFinished(5'000);
            }
        }
    }

    QString ptyPath() const { return m_ptyPath; }

    void send(const Message& m)
    {
        m_port->write(m_encoder.encode(m));
        m_port->flush();
    }

    /** Reads what arrived within ms, decodes it into the inbox, checks the stream is in order. */
    void pump(int ms)
    {
        if (!m_port)
            return;
        m_port->waitForReadyRead(ms);
        const QByteArray bytes = m_port->readAll();
        if (bytes.isEmpty())
            return;
        m_decoder.feed(bytes);
        for (const Decoded& d : m_decoder.take()) {
            if (d.kind != DecodeKind::MessageReceived) {
                // Before the first answer a frame may have been cut by QEMU dropping output while the port was closed.
                if (m_answered)
                    m_problems << d.describe();
                continue;
            }
            if (std::holds_alternative<Pong>(d.message))
                m_answered = true;
            if (std::holds_alternative<RunStart>(d.message))
                m_inRun = true;
            if (std::holds_alternative<RunEnd>(d.message))
                m_inRun = false;
            if (std::holds_alternative<Hello>(d.message) && m_inRun)
                m_problems << QStringLiteral("Hello during a run");
            m_inbox.push_back(d.message);
        }
    }

    /** Pings every 200 ms until a Pong and then a Hello arrive; returns the Hello. */
    bool handshake(Hello* hello, int* pings, QString* error)
    {
        QDeadlineTimer deadline(30'000);
        QElapsedTimer sincePing;
        quint32 token = 0;
        bool ponged = false;
        *pings = 0;
        while (!deadline.hasExpired()) {
            if (!ponged && (!sincePing.isValid() || sincePing.elapsed() >= 200)) {
                send(Ping { token++ });
                ++*pings;
                sincePing.start();
            }
            pump(20);
            for (const Message& m : take()) {
                if (std::holds_alternative<Pong>(m))
                    ponged = true;
                else if (const auto* h = std::get_if<Hello>(&m); h && ponged) {
                    *hello = *h;
                    return true;
                }
            }
        }
        *error = QStringLiteral("no Pong and Hello from %1 within 30 s (%2 pings)").arg(m_ptyPath).arg(*pings);
        return false;
    }

    /** Everything decoded since the last call. */
    std::vector<Message> take()
    {
        std::vector<Message> out;
        out.swap(m_inbox);
        return out;
    }

    /** Reads until `count` RunEnds arrived (or the deadline passed), keeping every message in `log`. */
    bool waitForRunEnds(int count, std::vector<Message>* log, QString* error)
    {
        QDeadlineTimer deadline(60'000);
        int ends = 0;
        while (ends < count && !deadline.hasExpired()) {
            pump(50);
            for (Message& m : take()) {
                if (std::holds_alternative<RunEnd>(m))
                    ++ends;
                log->push_back(std::move(m));
            }
            if (m_qemu.state() == QProcess::NotRunning) {
                *error = QStringLiteral("QEMU exited (code %1) during the runs").arg(m_qemu.exitCode());
                return false;
            }
        }
        if (ends < count) {
            *error = QStringLiteral("%1 of %2 runs arrived within 60 s").arg(ends).arg(count);
            return false;
        }
        return true;
    }

    const QStringList& problems() const { return m_problems; }

private:
    QProcess m_qemu;
    QString m_ptyPath;
    std::unique_ptr<QSerialPort> m_port;
    FrameDecoder m_decoder;
    FrameEncoder m_encoder;
    std::vector<Message> m_inbox;
    QStringList m_problems;
    bool m_answered = false;
    bool m_inRun = false;
};

/** Splits a message log into runs; false (with the reason) when the events are out of order. */
bool splitRuns(const std::vector<Message>& log, std::vector<MeasuredRun>* runs, QString* error)
{
    std::optional<MeasuredRun> run;
    for (const Message& m : log) {
        if (const auto* s = std::get_if<RunStart>(&m)) {
            if (run) {
                *error = QStringLiteral("RunStart %1 inside run %2").arg(s->runIndex).arg(run->index);
                return false;
            }
            run = MeasuredRun {};
            run->index = s->runIndex;
        } else if (const auto* b = std::get_if<LayerBegin>(&m)) {
            if (!run || b->layerIndex != run->begins.size() || run->ticks.size() != run->begins.size()) {
                *error = QStringLiteral("LayerBegin %1 out of order").arg(b->layerIndex);
                return false;
            }
            run->begins.push_back(*b);
        } else if (const auto* e = std::get_if<LayerEnd>(&m)) {
            if (!run || run->begins.empty() || e->layerIndex != run->begins.back().layerIndex
                || run->ticks.size() + 1 != run->begins.size()) {
                *error = QStringLiteral("LayerEnd %1 out of order").arg(e->layerIndex);
                return false;
            }
            run->ticks.push_back(e->elapsedTicks);
        } else if (const auto* r = std::get_if<RunEnd>(&m)) {
            if (!run || r->runIndex != run->index || run->ticks.size() != run->begins.size()) {
                *error = QStringLiteral("RunEnd %1 out of order").arg(r->runIndex);
                return false;
            }
            run->totalTicks = r->totalTicks;
            runs->push_back(*run);
            run.reset();
        }
    }
    return true;
}

QString ticksText(const std::vector<quint32>& ticks)
{
    QStringList parts;
    for (quint32 t : ticks)
        parts << QString::number(t);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestQemuBoard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void handshake();
    void runsGiveIdenticalTicks();
    void layersMatchTheWorkload();
    void ticksGrowWithLoopCounts();
    void stopEndsTheRun();
    void secondBootGivesIdenticalTicks();

private:
    void requireRuns();

    QString m_qemu;
    QString m_firmware;
    Workload m_workload;
    std::unique_ptr<QemuBoard> m_board;
    std::vector<MeasuredRun> m_runs;
};

void TestQemuBoard::initTestCase()
{
    m_qemu = QStandardPaths::findExecutable(QStringLiteral("qemu-system-arm"));
    m_firmware = QStringLiteral(TINYSCOPE_QEMU_FIRMWARE);
    QString missing;
    if (m_qemu.isEmpty())
        missing = QStringLiteral("qemu-system-arm not found (apt-get install qemu-system-arm)");
    else if (m_firmware.isEmpty())
        missing = QStringLiteral("the example firmware was not built: arm-none-eabi-gcc was not found at configure "
                                 "time (apt-get install gcc-arm-none-eabi)");
    else if (!QFile::exists(m_firmware))
        missing = m_firmware + QStringLiteral(" does not exist: build the target tinyscope_qemu_firmware");
    if (!missing.isEmpty()) {
        if (isCi())
            QFAIL(qPrintable(missing + QStringLiteral(", and CI=true requires the QEMU test")));
        QSKIP(qPrintable(missing + QStringLiteral(": skipping the emulated board")));
    }
    QString error;
    QVERIFY2(readWorkload(QStringLiteral(TINYSCOPE_QEMU_LAYERS_H), &m_workload, &error), qPrintable(error));
}

void TestQemuBoard::cleanupTestCase()
{
    m_board.reset(); // kills QEMU
}

void TestQemuBoard::handshake()
{
    m_board = std::make_unique<QemuBoard>();
    QString error;
    QVERIFY2(m_board->start(m_qemu, m_firmware, &error), qPrintable(error));
    Hello hello;
    int pings = 0;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(m_board->handshake(&hello, &pings, &error), qPrintable(error));
    qInfo("QEMU on %s answered after %d ping(s), %lld ms", qPrintable(m_board->ptyPath()), pings, timer.elapsed());

    QCOMPARE(hello.versionMajor, Wire::kVersionMajor);
    QCOMPARE(hello.versionMinor, Wire::kVersionMinor);
    QCOMPARE(hello.boardName, QStringLiteral("QEMU mps2-an386 (Cortex-M4)"));
    QCOMPARE(hello.cpuHz, 25'000'000u);
    QCOMPARE(hello.tickHz, 25'000'000u); // SysTick on the core clock: QEMU has no DWT cycle counter
    QCOMPARE(hello.arenaBytesUsed, Wire::kUnknown32);
    QFile model(QStringLiteral(TINYSCOPE_EXAMPLE_MODEL));
    QVERIFY2(model.open(QIODevice::ReadOnly), qPrintable(model.fileName()));
    const quint32 expectedId = modelIdForFile(model.readAll());
    QCOMPARE(hello.modelId, expectedId);
    QCOMPARE(m_workload.modelId, expectedId);
}

void TestQemuBoard::requireRuns()
{
    if (!m_board)
        QFAIL("QEMU is not running (see handshake)");
}

void TestQemuBoard::runsGiveIdenticalTicks()
{
    requireRuns();
    const int runCount = 5;
    m_board->send(StartRuns { runCount });
    std::vector<Message> log;
    QString error;
    QVERIFY2(m_board->waitForRunEnds(runCount, &log, &error), qPrintable(error));
    QVERIFY2(splitRuns(log, &m_runs, &error), qPrintable(error));
    QVERIFY2(m_board->problems().isEmpty(), qPrintable(m_board->problems().join(QLatin1Char('\n'))));
    QCOMPARE(int(m_runs.size()), runCount);
    for (const MeasuredRun& run : m_runs) {
        QCOMPARE(run.ticks.size(), m_workload.layers.size());
        QVERIFY2(run.ticks == m_runs.front().ticks,
            qPrintable(QStringLiteral("run %1: %2\nrun %3: %4")
                           .arg(run.index)
                           .arg(ticksText(run.ticks))
                           .arg(m_runs.front().index)
                           .arg(ticksText(m_runs.front().ticks))));
        quint64 sum = 0;
        for (quint32 t : run.ticks)
            sum += t;
        QVERIFY2(run.totalTicks >= sum, "a run's total covers its layers");
        qInfo("run %u: total %u ticks, layers %s", run.index, run.totalTicks, qPrintable(ticksText(run.ticks)));
    }
    for (std::size_t i = 1; i < m_runs.size(); ++i)
        QCOMPARE(m_runs[i].index, m_runs[i - 1].index + 1);
}

void TestQemuBoard::layersMatchTheWorkload()
{
    if (m_runs.empty())
        QFAIL("no runs measured (see runsGiveIdenticalTicks)");
    for (const MeasuredRun& run : m_runs) {
        QCOMPARE(run.begins.size(), m_workload.layers.size());
        for (std::size_t i = 0; i < run.begins.size(); ++i) {
            QCOMPARE(run.begins[i].opCode, m_workload.layers[i].opCode);
            QCOMPARE(run.begins[i].tag, m_workload.layers[i].tag);
        }
    }
    QStringList table;
    for (std::size_t i = 0; i < m_workload.layers.size(); ++i) {
        const WorkloadLayer& l = m_workload.layers[i];
        table << QStringLiteral("  layer %1  op %2  MACs %3  iterations %4  ticks %5")
                     .arg(i, 2)
                     .arg(l.opCode, 3)
                     .arg(l.macs, 9)
                     .arg(l.iterations, 6)
                     .arg(m_runs.front().ticks[i], 6);
    }
    qInfo("per-layer ticks (identical in every run):\n%s", qPrintable(table.join(QLatin1Char('\n'))));
}

void TestQemuBoard::ticksGrowWithLoopCounts()
{
    if (m_runs.empty())
        QFAIL("no runs measured (see runsGiveIdenticalTicks)");
    const std::vector<quint32>& ticks = m_runs.front().ticks;
    const auto& layers = m_workload.layers;
    // More iterations never take fewer ticks.
    for (std::size_t i = 0; i < layers.size(); ++i) {
        for (std::size_t j = 0; j < layers.size(); ++j) {
            if (layers[i].iterations > layers[j].iterations)
                QVERIFY2(ticks[i] >= ticks[j],
                    qPrintable(QStringLiteral("layer %1 (%2 iterations) took %3 ticks, layer %4 (%5 iterations) %6")
                                   .arg(i)
                                   .arg(layers[i].iterations)
                                   .arg(ticks[i])
                                   .arg(j)
                                   .arg(layers[j].iterations)
                                   .arg(ticks[j])));
        }
    }
    // Every iteration runs the same instructions, so ticks are a straight line in the iterations (least squares),
    // up to the rounding to whole ticks.
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const double x = layers[i].iterations, y = ticks[i];
        n += 1;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const double denominator = n * sxx - sx * sx;
    QVERIFY2(denominator > 0, "the workload needs layers with different loop counts");
    const double slope = (n * sxy - sx * sy) / denominator;
    const double intercept = (sy - slope * sx) / n;
    QVERIFY2(slope > 0, "ticks must grow with the loop counts");
    qInfo("ticks = %.4f + %.6f x iterations (%.1f instructions per iteration at 40 instructions per tick)", intercept,
        slope, slope * 40.0);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const double fitted = intercept + slope * layers[i].iterations;
        QVERIFY2(std::abs(ticks[i] - fitted) <= 2.0,
            qPrintable(QStringLiteral("layer %1: %2 ticks, the line says %3").arg(i).arg(ticks[i]).arg(fitted)));
    }
}

void TestQemuBoard::stopEndsTheRun()
{
    requireRuns();
    m_board->take();
    m_board->send(StartRuns { 0 }); // until Stop
    std::vector<Message> log;
    QString error;
    QVERIFY2(m_board->waitForRunEnds(2, &log, &error), qPrintable(error));
    m_board->send(Stop {});
    // The board answers a Ping with a Hello only when no run is in progress: ping until it does.
    QDeadlineTimer deadline(30'000);
    QElapsedTimer sincePing;
    bool idle = false;
    quint32 token = 1000;
    while (!idle && !deadline.hasExpired()) {
        if (!sincePing.isValid() || sincePing.elapsed() >= 200) {
            m_board->send(Ping { token++ });
            sincePing.start();
        }
        m_board->pump(20);
        for (Message& m : m_board->take()) {
            idle = idle || std::holds_alternative<Hello>(m);
            log.push_back(std::move(m));
        }
    }
    QVERIFY2(idle, "no Hello after Stop: the board kept running");
    // Once idle it stays idle: one more round trip brings no run events.
    m_board->send(Ping { 1 });
    bool answered = false;
    QDeadlineTimer again(10'000);
    while (!answered && !again.hasExpired()) {
        m_board->pump(20);
        for (Message& m : m_board->take()) {
            QVERIFY2(!std::holds_alternative<RunStart>(m) && !std::holds_alternative<LayerBegin>(m),
                "a run started after Stop");
            answered = answered || std::holds_alternative<Hello>(m);
        }
    }
    QVERIFY(answered);
    std::vector<MeasuredRun> runs;
    QVERIFY2(splitRuns(log, &runs, &error), qPrintable(error));
    QVERIFY(runs.size() >= 2);
    // Every complete run still gives the same ticks; the run the Stop cut short has the same ticks as far as it got.
    for (const MeasuredRun& run : runs) {
        for (std::size_t i = 0; i < run.ticks.size(); ++i)
            QCOMPARE(run.ticks[i], m_runs.front().ticks[i]);
    }
    QVERIFY2(m_board->problems().isEmpty(), qPrintable(m_board->problems().join(QLatin1Char('\n'))));
    qInfo("Stop after %d runs: the last run had %d of %d layers", int(runs.size()), int(runs.back().ticks.size()),
        int(m_workload.layers.size()));
}

void TestQemuBoard::secondBootGivesIdenticalTicks()
{
    if (m_runs.empty())
        QFAIL("no runs from the first boot (see runsGiveIdenticalTicks)");
    m_board.reset(); // kill the first QEMU
    QemuBoard second;
    QString error;
    QVERIFY2(second.start(m_qemu, m_firmware, &error), qPrintable(error));
    Hello hello;
    int pings = 0;
    QVERIFY2(second.handshake(&hello, &pings, &error), qPrintable(error));
    second.send(StartRuns { 3 });
    std::vector<Message> log;
    QVERIFY2(second.waitForRunEnds(3, &log, &error), qPrintable(error));
    std::vector<MeasuredRun> runs;
    QVERIFY2(splitRuns(log, &runs, &error), qPrintable(error));
    QCOMPARE(int(runs.size()), 3);
    QCOMPARE(runs.front().index, 0u); // a new boot counts runs from 0 again
    for (const MeasuredRun& run : runs) {
        QVERIFY2(run.ticks == m_runs.front().ticks,
            qPrintable(QStringLiteral("second boot, run %1: %2\nfirst boot: %3")
                           .arg(run.index)
                           .arg(ticksText(run.ticks))
                           .arg(ticksText(m_runs.front().ticks))));
    }
    QVERIFY2(second.problems().isEmpty(), qPrintable(second.problems().join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestQemuBoard)
#include "tst_qemuboard.moc"
