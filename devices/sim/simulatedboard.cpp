// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/simulatedboard.h"

#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>
#endif

namespace Devices {

namespace {

/** Events sent per pump before the event loop gets control back (timeScale 0, or when catching up): about 4 KB of
 *  frames, so host commands and timers stay responsive during a flood. */
constexpr int kEventsPerPump = 256;
constexpr int kReadChunk = 4096;
/** Samples are kept below half the counter range: the host rejects larger ones as wrapped. */
constexpr double kMaxSampleTicks = 2147483647.0;
constexpr double kPi = 3.14159265358979323846;

} // namespace

SimulatedBoard::SimulatedBoard(SimulatedBoardConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_stepTimer(new QTimer(this))
{
    m_stepTimer->setSingleShot(true);
    m_stepTimer->setTimerType(Qt::PreciseTimer);
    connect(m_stepTimer, &QTimer::timeout, this, &SimulatedBoard::pump);
}

SimulatedBoard::~SimulatedBoard()
{
    closePty();
}

bool SimulatedBoard::isOpen() const
{
    return m_master >= 0;
}

bool SimulatedBoard::open()
{
    if (isOpen())
        return true;
#ifdef Q_OS_LINUX
    int master = -1;
    int slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
        m_errorText = QStringLiteral("Cannot create a pseudo-terminal for the simulated board: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    char name[256] = {};
    if (::ptsname_r(master, name, sizeof name) != 0) {
        m_errorText = QStringLiteral("Cannot name the simulated board's pseudo-terminal: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::close(master);
        ::close(slave);
        return false;
    }
    // Raw bytes both ways: no echo, no line editing, no CR/LF translation (QSerialPort sets the same on open, but
    // a terminal program or `cat` may not).
    termios tio {};
    if (::tcgetattr(slave, &tio) == 0) {
        ::cfmakeraw(&tio);
        ::tcsetattr(slave, TCSANOW, &tio);
    }
    ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
    ::fcntl(master, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave, F_SETFD, FD_CLOEXEC);

    m_master = master;
    m_slaveKeepAlive = slave;
    m_slavePath = QString::fromLocal8Bit(name);
    m_errorText.clear();

    m_readNotifier = new QSocketNotifier(qintptr(m_master), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &SimulatedBoard::onReadable);
    m_writeNotifier = new QSocketNotifier(qintptr(m_master), QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &SimulatedBoard::onWritable);

    m_rng.seed(m_config.seed);
    m_clock = m_config.startTicks;
    m_runsCompleted = 0;
    m_runIndex = 0;
    m_running = false;
    m_phase = Phase::RunStart;
    m_bytesSent = 0;
    m_pendingOutput.clear();
    m_decoder.reset();
    m_encoder.reset();
    m_wall.start();
    m_idleSinceNs = 0;
    sendHello(); // the boot banner: a courtesy, the host must not rely on it
    return true;
#else
    m_errorText = QStringLiteral("The simulated board needs Linux pseudo-terminals (openpty)");
    return false;
#endif
}

void SimulatedBoard::closePty()
{
    m_stepTimer->stop();
    m_running = false;
    m_pendingOutput.clear();
    // The notifiers may be the sender of the slot we are in (a command that unplugs): disable now, delete later.
    for (QSocketNotifier** notifier : { &m_readNotifier, &m_writeNotifier }) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
#ifdef Q_OS_LINUX
    if (m_master >= 0)
        ::close(m_master);
    if (m_slaveKeepAlive >= 0)
        ::close(m_slaveKeepAlive);
#endif
    m_master = -1;
    m_slaveKeepAlive = -1;
}

void SimulatedBoard::unplug()
{
    if (!isOpen())
        return;
    closePty();
    Q_EMIT closed();
}

void SimulatedBoard::reset()
{
    if (!isOpen())
        return;
    m_stepTimer->stop();
    m_running = false;
    m_unbounded = false;
    m_runsRemaining = 0;
    m_phase = Phase::RunStart;
    m_runIndex = 0; // the next run is a first run after boot again: slow
    m_clock = m_config.startTicks;
    m_idleSinceNs = m_wall.nsecsElapsed();
    m_decoder.reset();
    m_encoder.reset();
    // Bytes already in the pty stay there: they were on the wire before the reset.
    sendHello();
}

void SimulatedBoard::injectBytes(const QByteArray& bytes)
{
    writeRaw(bytes);
}

void SimulatedBoard::onReadable()
{
#ifdef Q_OS_LINUX
    char buffer[kReadChunk];
    for (;;) {
        if (m_master < 0)
            return;
        const ssize_t n = ::read(m_master, buffer, sizeof buffer);
        if (n > 0) {
            m_decoder.feed(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // EOF or EIO: cannot happen while the keep-alive slave is open, so the pty is broken.
        unplug();
        return;
    }
    for (const Decoded& item : m_decoder.take()) {
        if (!isOpen())
            return; // a slot connected to commandReceived unplugged the board
        if (item.kind == DecodeKind::MessageReceived)
            handle(item.message);
        // Garbage, CRC errors and unknown commands are ignored, as the stub does: the host retries.
    }
#endif
}

void SimulatedBoard::onWritable()
{
#ifdef Q_OS_LINUX
    while (!m_pendingOutput.isEmpty() && m_master >= 0) {
        const ssize_t n = ::write(m_master, m_pendingOutput.constData(), size_t(m_pendingOutput.size()));
        if (n > 0) {
            m_bytesSent += quint64(n);
            m_pendingOutput.remove(0, qsizetype(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; // still full: wait for the next notification
        unplug();
        return;
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (m_running) {
        // Time went on while the line was blocked; do not send a burst to catch up with it.
        m_nextDueNs = std::max(m_nextDueNs, double(m_wall.nsecsElapsed()));
        pump();
    }
#endif
}

void SimulatedBoard::writeRaw(const QByteArray& bytes)
{
#ifdef Q_OS_LINUX
    if (m_master < 0 || bytes.isEmpty())
        return;
    if (!m_pendingOutput.isEmpty()) {
        m_pendingOutput += bytes; // keep the order: behind what is already waiting
        return;
    }
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(m_master, bytes.constData() + written, size_t(bytes.size() - written));
        if (n > 0) {
            written += qsizetype(n);
            m_bytesSent += quint64(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_pendingOutput = bytes.mid(written);
            if (m_writeNotifier)
                m_writeNotifier->setEnabled(true);
            return;
        }
        unplug();
        return;
    }
#else
    Q_UNUSED(bytes)
#endif
}

void SimulatedBoard::sendMessage(const Message& message)
{
    writeRaw(m_encoder.encode(message));
}

void SimulatedBoard::sendHello()
{
    Hello hello;
    hello.cpuHz = m_config.cpuHz;
    hello.tickHz = m_config.tickHz;
    hello.arenaBytesUsed = m_config.arenaBytesUsed.value_or(Wire::kUnknown32);
    hello.modelId = m_config.modelId;
    hello.boardName = m_config.boardName;
    sendMessage(hello);
}

void SimulatedBoard::handle(const Message& message)
{
    const MessageType type = messageType(message);
    if (const auto* ping = std::get_if<Ping>(&message)) {
        sendMessage(Pong { ping->token });
        if (!m_running)
            sendHello();
    } else if (const auto* start = std::get_if<StartRuns>(&message)) {
        startRuns(start->count);
    } else if (std::holds_alternative<Stop>(message)) {
        stopRuns();
    }
    // Board-to-host types coming back (a loopback, a confused host) are ignored.
    Q_EMIT commandReceived(type);
}

void SimulatedBoard::startRuns(quint32 count)
{
    if (m_running) {
        // A new request replaces what is left of the old one; a run in progress is finished first.
        const bool midRun = m_phase != Phase::RunStart;
        m_unbounded = count == 0;
        m_runsRemaining = count + (midRun ? 1u : 0u);
        return;
    }
    const double now = double(m_wall.nsecsElapsed());
    if (m_config.timeScale > 0 && m_config.tickHz > 0) {
        // The counter is free-running: idle time shows up as a jump between the last RunEnd and this RunStart.
        const double idleTicks = (now - double(m_idleSinceNs)) / 1e9 / m_config.timeScale * m_config.tickHz;
        m_clock += quint32(std::fmod(std::max(0.0, idleTicks), 4294967296.0));
    }
    m_unbounded = count == 0;
    m_runsRemaining = count;
    m_running = true;
    m_phase = Phase::RunStart;
    m_nextDueNs = now;
    pump();
}

void SimulatedBoard::stopRuns()
{
    if (!m_running)
        return;
    if (m_phase == Phase::LayerEnd)
        step(); // finish the layer that is running
    if (m_phase == Phase::LayerBegin)
        m_phase = Phase::RunEnd; // skip the layers not started
    if (m_phase == Phase::RunEnd)
        finishRun();
    m_stepTimer->stop();
    m_running = false;
    m_unbounded = false;
    m_runsRemaining = 0;
    m_phase = Phase::RunStart;
    m_idleSinceNs = m_wall.nsecsElapsed();
}

void SimulatedBoard::finishRun()
{
    RunEnd end;
    end.runIndex = m_runIndex;
    end.totalTicks = m_clock - m_runStartClock; // modulo 2^32: the counter may wrap inside a run
    sendMessage(end);
    const quint32 finished = m_runIndex++;
    ++m_runsCompleted;
    m_phase = Phase::RunStart;
    if (!m_unbounded && m_runsRemaining > 0 && --m_runsRemaining == 0) {
        m_running = false;
        m_stepTimer->stop();
        m_idleSinceNs = m_wall.nsecsElapsed();
    }
    Q_EMIT runCompleted(finished);
}

quint32 SimulatedBoard::step()
{
    const int layerCount = int(m_config.layers.size());
    quint32 untilNext = m_config.gapTicks;
    switch (m_phase) {
    case Phase::RunStart:
        m_runStartClock = m_clock;
        m_layer = 0;
        sendMessage(RunStart { m_runIndex });
        m_phase = layerCount > 0 ? Phase::LayerBegin : Phase::RunEnd;
        break;
    case Phase::LayerBegin: {
        const SimulatedLayer& layer = m_config.layers[std::size_t(m_layer)];
        m_layerElapsed = sampleTicks(m_layer);
        LayerBegin begin;
        begin.layerIndex = quint16(m_layer);
        begin.opCode = layer.opCode;
        begin.ticks = m_clock;
        begin.tag = layer.tag;
        sendMessage(begin);
        m_phase = Phase::LayerEnd;
        untilNext = m_layerElapsed;
        break;
    }
    case Phase::LayerEnd:
        sendMessage(LayerEnd { quint16(m_layer), m_layerElapsed });
        ++m_layer;
        m_phase = m_layer < layerCount ? Phase::LayerBegin : Phase::RunEnd;
        break;
    case Phase::RunEnd:
        finishRun();
        break;
    }
    m_clock += untilNext;
    return untilNext;
}

void SimulatedBoard::pump()
{
    if (!m_running || !isOpen() || !m_pendingOutput.isEmpty())
        return; // a full line resumes through onWritable()
    const double scale = m_config.timeScale;
    if (scale <= 0 || m_config.tickHz == 0) {
        for (int i = 0; i < kEventsPerPump && m_running && m_pendingOutput.isEmpty(); ++i)
            step();
        if (m_running && m_pendingOutput.isEmpty())
            m_stepTimer->start(0);
        return;
    }
    const double nsPerTick = 1e9 * scale / m_config.tickHz;
    const double now = double(m_wall.nsecsElapsed());
    int sent = 0;
    while (m_running && m_pendingOutput.isEmpty() && m_nextDueNs <= now && sent < kEventsPerPump) {
        m_nextDueNs += step() * nsPerTick;
        ++sent;
    }
    if (!m_running || !m_pendingOutput.isEmpty())
        return;
    const double waitMs = std::ceil((m_nextDueNs - now) / 1e6);
    m_stepTimer->start(int(std::clamp(waitMs, 0.0, 3'600'000.0)));
}

double SimulatedBoard::gaussian()
{
    // u1 in (0, 1] so the logarithm is finite; u2 in [0, 1).
    const double u1 = (double(m_rng()) + 1.0) / 4294967296.0;
    const double u2 = double(m_rng()) / 4294967296.0;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

quint32 SimulatedBoard::sampleTicks(int layer)
{
    double mean = m_config.layers[std::size_t(layer)].meanTicks;
    if (m_runIndex == 0)
        mean *= m_config.firstRunFactor;
    double ticks = mean;
    if (m_config.noiseFraction > 0)
        ticks = mean * (1.0 + m_config.noiseFraction * gaussian());
    // A layer takes at least a tick, and never a negative time however large the noise.
    const double minTicks = std::min(std::max(1.0, std::round(0.05 * mean)), kMaxSampleTicks);
    if (!std::isfinite(ticks))
        ticks = minTicks;
    return quint32(std::clamp(std::round(ticks), minTicks, kMaxSampleTicks));
}

} // namespace Devices
