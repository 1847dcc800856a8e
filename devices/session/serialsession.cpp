// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/serialsession.h"

#include "session/sessionfile.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSerialPortInfo>
#include <QTimer>

#include <type_traits>

namespace Devices {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/** The text docs/protocol.md "Versioning" prescribes. */
QString versionMismatchText(quint8 boardMajor)
{
    return QStringLiteral("The board speaks TinyScope protocol version %1, but this TinyScope understands version %2 "
                          "only. Flash a matching profiling stub or update TinyScope.")
        .arg(boardMajor)
        .arg(Wire::kVersionMajor);
}

QString serialErrorName(QSerialPort::SerialPortError error)
{
    switch (error) {
    case QSerialPort::NoError:
        return QStringLiteral("no error");
    case QSerialPort::DeviceNotFoundError:
        return QStringLiteral("device not found");
    case QSerialPort::PermissionError:
        return QStringLiteral("permission denied or port in use");
    case QSerialPort::OpenError:
        return QStringLiteral("already open");
    case QSerialPort::WriteError:
        return QStringLiteral("write error");
    case QSerialPort::ReadError:
        return QStringLiteral("read error");
    case QSerialPort::ResourceError:
        return QStringLiteral("device removed");
    case QSerialPort::UnsupportedOperationError:
        return QStringLiteral("unsupported operation");
    case QSerialPort::TimeoutError:
        return QStringLiteral("timeout");
    case QSerialPort::NotOpenError:
        return QStringLiteral("not open");
    case QSerialPort::UnknownError:
        break;
    }
    return QStringLiteral("unknown error");
}

} // namespace

QString serialOpenFailure(const QString& portName, QSerialPort::SerialPortError error, const QString& qtText)
{
    const QString detail = QStringLiteral(" (%1: %2)").arg(serialErrorName(error), qtText);
    const QString location = QSerialPortInfo(portName).systemLocation();
    const QFileInfo file(location.isEmpty() ? portName : location);
    if (error == QSerialPort::DeviceNotFoundError && !file.exists())
        return QStringLiteral("no such port; is the board plugged in?") + detail;
    if (file.isDir())
        return QStringLiteral("%1 is a folder, not a serial port").arg(file.filePath()) + detail;
    if (file.exists() && file.isFile())
        return QStringLiteral("%1 is a regular file, not a serial port").arg(file.filePath()) + detail;
    if (error == QSerialPort::UnsupportedOperationError)
        return QStringLiteral("%1 is not a serial port (no terminal settings)").arg(file.filePath()) + detail;
    if (error == QSerialPort::PermissionError) {
#if defined(Q_OS_LINUX)
        if (file.exists() && !(file.isReadable() && file.isWritable())) {
            return QStringLiteral("no permission to use %1: serial ports belong to the dialout group; add yourself "
                                  "(sudo usermod -aG dialout $USER) and log in again")
                       .arg(file.filePath())
                + detail;
        }
#endif
        return QStringLiteral("%1 is in use by another program (a serial terminal or another TinyScope?)")
                   .arg(file.filePath())
            + detail;
    }
    return qtText + QStringLiteral(" (%1)").arg(serialErrorName(error));
}

namespace {

template <class... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

QString sessionStateName(SessionState state)
{
    switch (state) {
    case SessionState::Disconnected:
        return QStringLiteral("Disconnected");
    case SessionState::Connecting:
        return QStringLiteral("Connecting");
    case SessionState::Idle:
        return QStringLiteral("Idle");
    case SessionState::Running:
        return QStringLiteral("Running");
    case SessionState::Reconnecting:
        return QStringLiteral("Reconnecting");
    case SessionState::Failed:
        return QStringLiteral("Failed");
    }
    return QStringLiteral("Unknown");
}

SerialSession::SerialSession(QObject* parent)
    : QObject(parent)
    , m_pingTimer(new QTimer(this))
    , m_reopenTimer(new QTimer(this))
    , m_stopTimer(new QTimer(this))
    , m_silenceTimer(new QTimer(this))
{
    m_pingTimer->setInterval(kPingIntervalMs);
    m_reopenTimer->setInterval(kReopenIntervalMs);
    m_stopTimer->setInterval(kStopTimeoutMs);
    m_stopTimer->setSingleShot(true);
    connect(m_pingTimer, &QTimer::timeout, this, &SerialSession::sendPing);
    connect(m_reopenTimer, &QTimer::timeout, this, &SerialSession::tryReopen);
    connect(m_stopTimer, &QTimer::timeout, this, &SerialSession::onStopTimeout);
    m_silenceTimer->setInterval(kSilencePingMs);
    m_silenceTimer->setSingleShot(true);
    connect(m_silenceTimer, &QTimer::timeout, this, &SerialSession::onSilence);
}

SerialSession::~SerialSession()
{
    // Nobody listens any more, but the open run still belongs in the file.
    blockSignals(true);
    if (m_port && m_state == SessionState::Running) {
        send(Stop {});
        m_port->flush(); // a best effort, non-blocking
    }
    if (m_openRun)
        finishRun(RunCut::Stopped);
}

void SerialSession::setSettings(const SerialSettings& settings)
{
    m_settings = settings;
    emitStatus();
}

bool SerialSession::setSessionFile(const QString& path)
{
    m_file.reset();
    m_fileFailed = false;
    if (path.isEmpty())
        return true;
    if (m_capture.source.isEmpty() && !m_settings.portName.isEmpty())
        m_capture.source = QStringLiteral("serial ") + m_settings.portName;
    if (m_capture.startedMs == 0)
        m_capture.startedMs = nowMs();
    QString error;
    m_file = SessionFileWriter::create(path, m_capture, &error);
    if (!m_file) {
        m_errorText = error;
        emit errorOccurred(error);
        return false;
    }
    return true;
}

QString SerialSession::sessionFile() const
{
    return m_file ? m_file->path() : QString();
}

void SerialSession::setModel(const QString& path, const QString& sha256)
{
    m_capture.modelPath = path;
    m_capture.modelSha256 = sha256;
}

QString SerialSession::statusText() const
{
    const QString& port = m_settings.portName;
    switch (m_state) {
    case SessionState::Disconnected:
        return m_errorText.isEmpty() ? QStringLiteral("Disconnected")
                                     : QStringLiteral("Disconnected: %1").arg(m_errorText);
    case SessionState::Connecting:
        if (m_unansweredPings <= 1)
            return QStringLiteral("Connecting to %1").arg(port);
        return QStringLiteral("Connecting to %1: no answer to %2 pings yet (is the profiling stub running at %3 "
                              "baud?)")
            .arg(port)
            .arg(m_unansweredPings)
            .arg(m_settings.baudRate);
    case SessionState::Idle:
        if (m_capture.board && !m_capture.board->boardName.isEmpty())
            return QStringLiteral("Connected to %1 on %2").arg(m_capture.board->boardName, port);
        return QStringLiteral("Connected on %1").arg(port);
    case SessionState::Running:
        if (m_unbounded)
            return QStringLiteral("Running on %1 until stopped").arg(port);
        return QStringLiteral("Running on %1: %2 runs to go").arg(port).arg(m_pendingRuns);
    case SessionState::Reconnecting:
        return QStringLiteral("%1 lost; reopening every %2 ms (attempt %3%4)")
            .arg(port)
            .arg(kReopenIntervalMs)
            .arg(m_reopenAttempts)
            .arg(m_lastReopenError.isEmpty() ? QString() : QStringLiteral(": ") + m_lastReopenError);
    case SessionState::Failed:
        return QStringLiteral("Failed: %1").arg(m_errorText);
    }
    return {};
}

void SerialSession::setState(SessionState state)
{
    if (state == m_state)
        return;
    m_state = state;
    if (state == SessionState::Running)
        m_silenceTimer->start();
    else
        m_silenceTimer->stop();
    emit stateChanged(state);
    emitStatus();
}

void SerialSession::emitStatus()
{
    emit statusChanged(statusText());
}

// --- connection ------------------------------------------------------------------------------------------------

void SerialSession::connectToBoard()
{
    if (m_state != SessionState::Disconnected && m_state != SessionState::Failed)
        return;
    m_errorText.clear();
    if (m_settings.portName.isEmpty()) {
        fail(QStringLiteral("No serial port given"));
        return;
    }
    if (m_capture.source.isEmpty())
        m_capture.source = QStringLiteral("serial ") + m_settings.portName;
    if (m_capture.startedMs == 0)
        m_capture.startedMs = nowMs();
    if (!openPort()) {
        fail(QStringLiteral("Cannot open %1: %2").arg(m_settings.portName, m_lastReopenError));
        return;
    }
    note(QStringLiteral("opened %1 at %2 baud").arg(m_settings.portName).arg(m_settings.baudRate));
    beginHandshake();
}

void SerialSession::disconnectFromBoard()
{
    m_reopenTimer->stop();
    m_pingTimer->stop();
    m_stopTimer->stop();
    if (m_port) {
        if (m_state == SessionState::Running) {
            send(Stop {});
            m_port->flush();
        }
        closePort();
    }
    if (m_openRun)
        finishRun(RunCut::Stopped);
    if (m_state != SessionState::Disconnected)
        note(QStringLiteral("closed %1").arg(m_settings.portName));
    m_pendingRuns = 0;
    m_unbounded = false;
    m_stopRequested = false;
    m_errorText.clear();
    setState(SessionState::Disconnected);
}

bool SerialSession::openPort()
{
    closePort();
    auto* port = new QSerialPort(this);
    port->setPortName(m_settings.portName);
    port->setBaudRate(m_settings.baudRate);
    port->setDataBits(QSerialPort::Data8);
    port->setParity(QSerialPort::NoParity);
    port->setStopBits(QSerialPort::OneStop);
    port->setFlowControl(QSerialPort::NoFlowControl);
    connect(port, &QSerialPort::readyRead, this, &SerialSession::onReadyRead);
    connect(port, &QSerialPort::errorOccurred, this, &SerialSession::onPortError);
    m_opening = true;
    const bool opened = port->open(QIODevice::ReadWrite);
    m_opening = false;
    if (!opened) {
        m_lastReopenError = serialOpenFailure(m_settings.portName, port->error(), port->errorString());
        port->disconnect(this);
        delete port; // not inside any of its signals here
        return false;
    }
    m_lastReopenError.clear();
    m_port = port;
    return true;
}

void SerialSession::closePort()
{
    if (!m_port)
        return;
    QSerialPort* port = m_port;
    m_port = nullptr;
    port->disconnect(this);
    port->close();
    // We may be inside one of the port's own signals (errorOccurred during a read): delete it later.
    port->deleteLater();
}

void SerialSession::beginHandshake()
{
    m_decoder.reset();
    m_encoder.reset();
    m_lastWasStalePong = false;
    m_unansweredPings = 0;
    setState(SessionState::Connecting);
    sendPing();
    m_pingTimer->start();
}

void SerialSession::sendPing()
{
    if (!m_port || m_state != SessionState::Connecting) {
        m_pingTimer->stop();
        return;
    }
    send(Ping { m_pingToken++ });
    ++m_unansweredPings;
    // Say so, without flooding the log: after 2 s, then every 10 s.
    if (m_unansweredPings == 10 || (m_unansweredPings > 10 && (m_unansweredPings - 10) % 50 == 0)) {
        emit lineEvent(QStringLiteral("%1: no answer to %2 pings; still trying (is the profiling stub running, at %3 "
                                      "baud?)")
                           .arg(m_settings.portName)
                           .arg(m_unansweredPings)
                           .arg(m_settings.baudRate));
    }
    emitStatus();
}

void SerialSession::send(const Message& message)
{
    if (!m_port)
        return;
    const QByteArray frame = m_encoder.encode(message);
    if (m_port->write(frame) != frame.size())
        emit lineEvent(QStringLiteral("%1: could not queue a %2 frame: %3")
                           .arg(m_settings.portName, messageTypeName(static_cast<quint8>(messageType(message))),
                               m_port->errorString()));
}

void SerialSession::handshakeAnswered()
{
    m_pingTimer->stop();
    m_unansweredPings = 0;
    m_reopenAttempts = 0;
    if (m_state == SessionState::Connecting)
        setState(SessionState::Idle);
}

void SerialSession::onPortError(QSerialPort::SerialPortError error)
{
    if (error == QSerialPort::NoError || m_opening || !m_port)
        return;
    QString text = QStringLiteral("%1 (%2)").arg(m_port->errorString(), serialErrorName(error));
    switch (error) {
    case QSerialPort::ResourceError:
        // A read of 0 bytes: the device is gone or the other end closed (a pty master). Qt's errorString() then
        // holds a stale errno text ("Resource temporarily unavailable"), so say what it means.
        text = QStringLiteral("the device was removed or closed at the other end (QSerialPort: %1)")
                   .arg(m_port->errorString());
        portLost(text);
        return;
    case QSerialPort::ReadError:
    case QSerialPort::WriteError:
    case QSerialPort::DeviceNotFoundError:
    case QSerialPort::PermissionError:
        portLost(text);
        return;
    default:
        // DTR/RTS on a pseudo-terminal, timeouts: worth a line, not a reason to drop the board.
        emit lineEvent(QStringLiteral("%1: %2").arg(m_settings.portName, text));
        m_port->clearError();
        return;
    }
}

void SerialSession::portLost(const QString& reason)
{
    closePort();
    m_pingTimer->stop();
    m_stopTimer->stop();
    m_stopRequested = false;
    // The run that was streaming is kept, marked, and on disk before anything else happens.
    if (m_openRun)
        finishRun(RunCut::Disconnected);
    const QString text = QStringLiteral("disconnected: %1: %2").arg(m_settings.portName, reason);
    note(text);
    emit lineEvent(text);
    if (m_settings.reconnect) {
        m_reopenAttempts = 0;
        m_lastReopenError = reason;
        setState(SessionState::Reconnecting);
        m_reopenTimer->start();
    } else {
        m_errorText = QStringLiteral("%1: %2").arg(m_settings.portName, reason);
        setState(SessionState::Disconnected);
        emit errorOccurred(m_errorText);
    }
}

void SerialSession::tryReopen()
{
    if (m_state != SessionState::Reconnecting) {
        m_reopenTimer->stop();
        return;
    }
    ++m_reopenAttempts;
    const QString previousError = m_lastReopenError;
    if (!openPort()) {
        if (m_lastReopenError != previousError)
            emit lineEvent(QStringLiteral("%1: cannot reopen yet: %2").arg(m_settings.portName, m_lastReopenError));
        emitStatus();
        return;
    }
    m_reopenTimer->stop();
    const QString text = QStringLiteral("reopened %1 after %2 attempts").arg(m_settings.portName).arg(m_reopenAttempts);
    note(text);
    emit lineEvent(text);
    beginHandshake();
}

void SerialSession::fail(const QString& text)
{
    m_pingTimer->stop();
    m_reopenTimer->stop();
    m_stopTimer->stop();
    closePort();
    if (m_openRun)
        finishRun(RunCut::Protocol);
    m_pendingRuns = 0;
    m_unbounded = false;
    m_stopRequested = false;
    m_errorText = text;
    note(QStringLiteral("failed: ") + text);
    setState(SessionState::Failed);
    emit errorOccurred(text);
}

// --- runs ------------------------------------------------------------------------------------------------------

void SerialSession::startRuns(quint32 count)
{
    if (m_state != SessionState::Idle && m_state != SessionState::Running) {
        emit lineEvent(QStringLiteral("Cannot start runs while %1").arg(sessionStateName(m_state)));
        return;
    }
    m_unbounded = count == 0;
    m_pendingRuns = count;
    m_stopRequested = false;
    m_stopTimer->stop();
    requestRuns();
}

void SerialSession::requestRuns()
{
    send(StartRuns { m_unbounded ? 0u : m_pendingRuns });
    ++m_requests;
    // Pongs to pings sent before this request describe the board before it saw it.
    m_requestPingToken = m_pingToken;
    setState(SessionState::Running);
    emitStatus();
}

void SerialSession::resumePendingRuns()
{
    if (m_pendingRuns > 0 || m_unbounded) {
        emit lineEvent(m_unbounded
                ? QStringLiteral("%1: asking the board to run again until stopped").arg(m_settings.portName)
                : QStringLiteral("%1: asking the board for the %2 runs still pending")
                      .arg(m_settings.portName)
                      .arg(m_pendingRuns));
        requestRuns();
    } else if (!m_openRun && m_state == SessionState::Running) {
        setState(SessionState::Idle);
    }
}

void SerialSession::stop()
{
    if (m_state != SessionState::Running && m_state != SessionState::Idle)
        return;
    send(Stop {});
    m_pendingRuns = 0;
    m_unbounded = false;
    // A run in flight (open, or its RunStart still on the wire) ends after the current layer: partial.
    m_stopRequested = true;
    m_stopTimer->start();
    if (!m_openRun)
        setState(SessionState::Idle);
    emitStatus();
}

void SerialSession::onStopTimeout()
{
    if (m_openRun) {
        emit lineEvent(QStringLiteral("%1: no RunEnd %2 ms after Stop; the run is kept as stopped")
                           .arg(m_settings.portName)
                           .arg(kStopTimeoutMs));
        finishRun(RunCut::Stopped);
    }
    m_stopRequested = false;
    if (m_state == SessionState::Running)
        setState(SessionState::Idle);
}

void SerialSession::onSilence()
{
    if (m_state != SessionState::Running || !m_port)
        return;
    // A RunEnd lost on the line leaves the request open while the board sits idle: ask where it is.
    m_silencePingToken = m_pingToken;
    send(Ping { m_pingToken++ });
    emit lineEvent(QStringLiteral("%1: nothing received for %2 ms while running; pinging the board")
                       .arg(m_settings.portName)
                       .arg(kSilencePingMs));
    m_silenceTimer->start();
}

void SerialSession::clearCapture()
{
    m_capture.runs.clear();
}

CapturedRun& SerialSession::ensureOpenRun()
{
    if (!m_openRun) {
        // Its RunStart was lost: keep the samples in a run of its own, marked.
        CapturedRun run;
        run.runIndex = m_lastRunIndex ? *m_lastRunIndex + 1 : 0;
        m_openRun = std::move(run);
        m_openRunDamaged = true;
        emit lineEvent(QStringLiteral("%1: layer events without a RunStart; kept as run %2, marked incomplete")
                           .arg(m_settings.portName)
                           .arg(m_openRun->runIndex));
        if (m_state == SessionState::Idle)
            setState(SessionState::Running);
        emit runStarted(m_openRun->runIndex);
    }
    return *m_openRun;
}

void SerialSession::finishRun(RunCut cut)
{
    if (!m_openRun)
        return;
    CapturedRun run = std::move(*m_openRun);
    m_openRun.reset();
    m_openRunDamaged = false;
    run.cut = cut;
    run.receivedMs = nowMs();
    m_lastRunIndex = run.runIndex;
    if (cut == RunCut::Disconnected || cut == RunCut::BoardReset || cut == RunCut::Stopped)
        m_lastCutRunIndex = run.runIndex;
    m_capture.runs.push_back(std::move(run));
    if (m_file && !m_file->writeRun(m_capture.runs.back()))
        fileFailed();
    emit runCaptured(static_cast<int>(m_capture.runs.size()) - 1);
}

void SerialSession::note(const QString& text)
{
    if (m_file && !m_file->writeNote(nowMs(), text))
        fileFailed();
}

void SerialSession::fileFailed()
{
    if (m_fileFailed)
        return;
    m_fileFailed = true;
    emit errorOccurred(m_file->errorText() + QStringLiteral("; the runs are still kept in memory"));
}

// --- incoming bytes --------------------------------------------------------------------------------------------

void SerialSession::onReadyRead()
{
    if (!m_port)
        return;
    // Exactly what is buffered now: a flood is handled in slices, between which the event loop runs.
    const QByteArray bytes = m_port->readAll();
    m_bytesReceived += static_cast<quint64>(bytes.size());
    if (m_state == SessionState::Running)
        m_silenceTimer->start();
    m_decoder.feed(bytes);
    const std::vector<Decoded> items = m_decoder.take();
    for (const Decoded& item : items) {
        handle(item);
        if (!m_port) // failed (version mismatch) or closed by a slot connected to one of our signals
            break;
    }
}

void SerialSession::handle(const Decoded& decoded)
{
    switch (decoded.kind) {
    case DecodeKind::MessageReceived:
        handleMessage(decoded.message);
        return;
    case DecodeKind::VersionMismatch:
        fail(versionMismatchText(decoded.version));
        return;
    case DecodeKind::LostFrames:
        if (m_openRun)
            m_openRunDamaged = true;
        break;
    case DecodeKind::GarbageSkipped:
    case DecodeKind::CrcError:
    case DecodeKind::UnknownType:
    case DecodeKind::BadPayload:
        break;
    }
    emit lineEvent(QStringLiteral("%1: %2").arg(m_settings.portName, decoded.describe()));
}

void SerialSession::handleMessage(const Message& message)
{
    const bool afterStalePong = m_lastWasStalePong;
    const bool afterSilencePong = m_lastWasSilencePong;
    m_lastWasStalePong = false;
    m_lastWasSilencePong = false;
    // Any message proves the board is there; Pong and Hello are the documented answers, but a board already
    // streaming a run answers with Pong only and then keeps streaming.
    if (const auto* hello = std::get_if<Hello>(&message); hello && hello->versionMajor != Wire::kVersionMajor) {
        fail(versionMismatchText(hello->versionMajor));
        return;
    }
    // The first answer ends the handshake, and whoever waits for Idle may ask for runs right then, from inside
    // setState(): a request the board has not seen yet when it sent this message.
    const quint64 requestsBefore = m_requests;
    if (m_state == SessionState::Connecting)
        handshakeAnswered();

    std::visit(
        Overloaded {
            [&](const Pong& pong) {
                m_lastWasStalePong = pong.token < m_requestPingToken;
                m_lastWasSilencePong = m_silencePingToken && pong.token == *m_silencePingToken;
            },
            [&](const Hello& hello) {
                handleHello(hello, afterStalePong, afterSilencePong, m_requests != requestsBefore);
            },
            [&](const RunStart& start) {
                if (m_openRun) {
                    emit lineEvent(QStringLiteral("%1: run %2 ended without a RunEnd")
                                       .arg(m_settings.portName)
                                       .arg(m_openRun->runIndex));
                    finishRun(RunCut::Protocol);
                }
                CapturedRun run;
                run.runIndex = start.runIndex;
                m_openRun = std::move(run);
                m_openRunDamaged = false;
                if (m_state == SessionState::Idle)
                    setState(SessionState::Running);
                emit runStarted(start.runIndex);
            },
            [&](const LayerBegin& begin) {
                LayerSample sample;
                sample.layerIndex = begin.layerIndex;
                sample.opCode = begin.opCode;
                sample.tag = begin.tag;
                sample.beginTicks = begin.ticks;
                ensureOpenRun().layers.push_back(std::move(sample));
            },
            [&](const LayerEnd& end) {
                CapturedRun& run = ensureOpenRun();
                // The latest unfinished sample of this layer (layers may nest in custom profilers).
                auto it = std::find_if(run.layers.rbegin(), run.layers.rend(),
                    [&](const LayerSample& s) { return s.layerIndex == end.layerIndex && !s.elapsedTicks; });
                if (it == run.layers.rend()) {
                    LayerSample sample;
                    sample.layerIndex = end.layerIndex;
                    sample.elapsedTicks = end.elapsedTicks;
                    run.layers.push_back(std::move(sample));
                    m_openRunDamaged = true;
                    emit layerMeasured(run.runIndex, run.layers.back());
                } else {
                    it->elapsedTicks = end.elapsedTicks;
                    emit layerMeasured(run.runIndex, *it);
                }
            },
            [&](const RunEnd& end) {
                if (!m_openRun) {
                    if (m_lastCutRunIndex && *m_lastCutRunIndex == end.runIndex) {
                        emit lineEvent(QStringLiteral("%1: late RunEnd for run %2, which was already kept "
                                                      "as cut")
                                           .arg(m_settings.portName)
                                           .arg(end.runIndex));
                        return;
                    }
                    CapturedRun run;
                    run.runIndex = end.runIndex;
                    m_openRun = std::move(run);
                    m_openRunDamaged = true;
                }
                if (m_openRun->runIndex != end.runIndex) {
                    emit lineEvent(QStringLiteral("%1: RunEnd for run %2 inside run %3")
                                       .arg(m_settings.portName)
                                       .arg(end.runIndex)
                                       .arg(m_openRun->runIndex));
                    m_openRunDamaged = true;
                }
                m_openRun->totalTicks = end.totalTicks;
                if (m_pendingRuns > 0)
                    --m_pendingRuns;
                const RunCut cut = m_stopRequested ? RunCut::Stopped
                    : m_openRunDamaged             ? RunCut::Protocol
                                                   : RunCut::None;
                finishRun(cut);
                if (m_pendingRuns == 0 && !m_unbounded) {
                    m_stopRequested = false;
                    m_stopTimer->stop();
                    if (m_state == SessionState::Running)
                        setState(SessionState::Idle);
                } else {
                    emitStatus();
                }
            },
            [&](const LogText& log) {
                emit lineEvent(QStringLiteral("%1: board: %2").arg(m_settings.portName, log.text));
            },
            [&](const BoardError& error) {
                const QString text
                    = QStringLiteral("%1: board error %2: %3").arg(m_settings.portName).arg(error.code).arg(error.text);
                note(text);
                emit lineEvent(text);
                emit errorOccurred(text);
            },
            [&](const auto& hostCommand) {
                // Ping, StartRuns or Stop coming back: an echoing line or a loopback cable.
                using T = std::decay_t<decltype(hostCommand)>;
                emit lineEvent(
                    QStringLiteral("%1: received a host command (%2) from the board; is the line "
                                   "echoing?")
                        .arg(m_settings.portName, messageTypeName(static_cast<quint8>(messageType(Message { T {} })))));
            },
        },
        message);
}

void SerialSession::handleHello(const Hello& hello, bool afterStalePong, bool afterSilencePong,
    bool requestedMeanwhile)
{
    BoardIdentity board;
    board.versionMajor = hello.versionMajor;
    board.versionMinor = hello.versionMinor;
    board.boardName = hello.boardName;
    board.cpuHz = hello.cpuHz;
    board.tickHz = hello.tickHz;
    if (hello.arenaBytesUsed != Wire::kUnknown32)
        board.arenaBytesUsed = hello.arenaBytesUsed;
    board.modelId = hello.modelId;
    const bool changed = !m_capture.board || !(*m_capture.board == board);
    m_capture.board = board;
    if (changed && m_file && !m_file->writeBoard(board))
        fileFailed();
    emit boardIdentified(board);

    // A Hello that follows a Pong to a ping older than our last StartRuns described the board before it saw that
    // request: not a restart. Neither is the Hello that ended the handshake and led to a request while we handled it.
    if (afterStalePong || requestedMeanwhile)
        return;
    if (m_openRun && afterSilencePong) {
        // Idle, answering the ping we sent because the line went quiet: the run's RunEnd was lost, not the board.
        emit lineEvent(QStringLiteral("%1: run %2 ended without a RunEnd reaching us; the run is kept as cut")
                           .arg(m_settings.portName)
                           .arg(m_openRun->runIndex));
        finishRun(RunCut::Protocol);
    } else if (m_openRun) {
        const QString text = QStringLiteral("%1: the board restarted during run %2; the run is kept as cut")
                                 .arg(m_settings.portName)
                                 .arg(m_openRun->runIndex);
        note(text);
        emit lineEvent(text);
        finishRun(RunCut::BoardReset);
    }
    resumePendingRuns();
    emitStatus();
}

} // namespace Devices
