// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/wireprotocol.h"
#include "session/capture.h"

#include <QObject>
#include <QSerialPort>
#include <QString>

#include <memory>
#include <optional>

class QTimer;

namespace Devices {

class SessionFileWriter;

/** Connection state of a SerialSession. */
enum class SessionState {
    Disconnected, ///< no port open, not trying
    Connecting, ///< port open, pinging every 200 ms until the board answers (docs/protocol.md "Handshake")
    Idle, ///< board answered; no runs in progress
    Running, ///< runs requested and arriving
    Reconnecting, ///< the port went away (unplug): retrying to open it every 500 ms; captured runs are safe on disk
    Failed, ///< unrecoverable (port missing at connect, protocol major version mismatch); errorText() says why
};
QString sessionStateName(SessionState state); ///< "Disconnected", "Connecting", ... for a status line

/** Why a serial port did not open, in words a user can act on: the path is a folder, a file or another device, or
 *  the user lacks the rights (on Linux, the dialout group), or the port is held by another program; Qt's own text
 *  follows in brackets. `portName` as given (a path or a name such as ttyACM0 or COM5). */
QString serialOpenFailure(const QString& portName, QSerialPort::SerialPortError error, const QString& qtText);

/** Serial port settings. Only the path is required: pseudo-terminals are not listed by QSerialPortInfo. */
struct SerialSettings
{
    QString portName; ///< "/dev/ttyACM0", "/dev/pts/3", "COM5"
    qint32 baudRate = 115200;
    bool reconnect = true; ///< reopen the port after unplug
};

/**
 * One board connected over a serial line, speaking the TinyScope wire protocol.
 *
 * connectToBoard() opens the port and pings until the board answers (Pong or Hello), then waits in Idle.
 * startRuns(n) asks for n runs; every run that ends (RunEnd) or is cut short (unplug, board reset, stop) is
 * appended to capture() and, when a session file is set, written and flushed to it at once, so nothing completed
 * is lost. When the port fails (QSerialPort ReadError/ResourceError, or the peer closing a pty) the open run is
 * kept as cut (RunCut::Disconnected), the state becomes Reconnecting and the port is reopened every 500 ms; after
 * it reopens the session pings again and, if runs were requested and the board is idle, asks for the rest.
 * Errors that are not fatal (DTR/RTS unsupported on a pty, CRC errors, garbage) are reported through lineEvent().
 *
 * A Hello says the board is idle: unless it is the late answer to a ping sent before the last StartRuns, an open
 * run is cut (RunCut::BoardReset: the board restarted) and the runs still pending are asked for again. Frames lost
 * inside a run mark it RunCut::Protocol; its samples are kept. Runs that end after stop() are marked RunCut::Stopped
 * (the board stops after the current layer, so they are partial). Nothing here blocks: bytes are handled as readyRead
 * delivers them.
 */
class SerialSession : public QObject
{
    Q_OBJECT
public:
    explicit SerialSession(QObject* parent = nullptr);
    ~SerialSession() override;

    void setSettings(const SerialSettings& settings);
    const SerialSettings& settings() const { return m_settings; }

    /** Appends every run to this file as it arrives (format: docs/session-file.md). Empty path: no file.
     *  Returns false with errorText() set when the file cannot be created; the session still runs. */
    bool setSessionFile(const QString& path);
    QString sessionFile() const;

    /** Model the capture is made for; stored in the capture and its file. */
    void setModel(const QString& path, const QString& sha256);

    SessionState state() const { return m_state; }
    QString errorText() const { return m_errorText; }
    const Capture& capture() const { return m_capture; }
    const DecoderStats& decoderStats() const { return m_decoder.stats(); }
    /** Runs still expected from the current request; 0 when none or when unbounded (count 0). */
    quint32 pendingRuns() const { return m_pendingRuns; }
    /** Pings sent since the last answer (Connecting): a board that never answers shows here and in statusText(). */
    quint32 unansweredPings() const { return m_unansweredPings; }
    /** Bytes read from the port since construction (all connections). */
    quint64 bytesReceived() const { return m_bytesReceived; }
    /** One line for a status bar: the state, the port, and what the session is waiting for. */
    QString statusText() const;

    static constexpr int kPingIntervalMs = 200; ///< docs/protocol.md "Handshake"
    static constexpr int kReopenIntervalMs = 500;
    static constexpr int kStopTimeoutMs = 3000; ///< after Stop, wait this long for the open run's RunEnd
    /** Running and nothing arrived for this long: ping. A board that lost our RunEnd (line noise) and went idle
     *  answers Pong + Hello, and the runs still pending are asked for again; a board inside a long layer answers
     *  Pong only. */
    static constexpr int kSilencePingMs = 3000;

public Q_SLOTS:
    void connectToBoard();
    void disconnectFromBoard();
    /** Asks for count runs (0: until stop()). Only in Idle or Running. */
    void startRuns(quint32 count);
    void stop();
    /** Forgets the captured runs (not the file). */
    void clearCapture();

Q_SIGNALS:
    void stateChanged(Devices::SessionState state);
    void boardIdentified(const Devices::BoardIdentity& board);
    void runStarted(quint32 runIndex);
    void layerMeasured(quint32 runIndex, const Devices::LayerSample& sample);
    /** A run was appended to capture() (complete or cut); index is its position in capture().runs. */
    void runCaptured(int index);
    /** Non-fatal line trouble or board text: garbage, CRC errors, lost frames, Log and Error messages. */
    void lineEvent(const QString& text);
    void errorOccurred(const QString& text);
    /** statusText() changed (state, ping count, reconnect attempts). */
    void statusChanged(const QString& text);

private:
    void setState(SessionState state);
    void emitStatus();
    void onReadyRead();
    void onPortError(QSerialPort::SerialPortError error);
    void handle(const Decoded& decoded);
    void handleMessage(const Message& message);
    void handleHello(const Hello& hello, bool afterStalePong, bool afterSilencePong, bool requestedMeanwhile);
    void handshakeAnswered();
    void beginHandshake();
    void requestRuns();
    void resumePendingRuns();
    void sendPing();
    void send(const Message& message);
    CapturedRun& ensureOpenRun();
    void finishRun(RunCut cut);
    void onStopTimeout();
    void onSilence();
    void portLost(const QString& reason);
    void fail(const QString& text);
    void tryReopen();
    bool openPort();
    void closePort();
    void note(const QString& text);
    void fileFailed();

    SerialSettings m_settings;
    SessionState m_state = SessionState::Disconnected;
    QString m_errorText;
    QSerialPort* m_port = nullptr; ///< child of this; released with deleteLater (it may be inside its own signal)
    QTimer* m_pingTimer;
    QTimer* m_reopenTimer;
    QTimer* m_stopTimer;
    QTimer* m_silenceTimer; ///< restarted by every read while Running
    std::optional<quint32> m_silencePingToken; ///< token of the last ping sent because the line went quiet
    bool m_lastWasSilencePong = false; ///< the previous message was the Pong to that ping
    FrameDecoder m_decoder;
    FrameEncoder m_encoder;
    quint32 m_pingToken = 0;
    quint32 m_requestPingToken = 0; ///< first ping token sent after the last StartRuns: older Pongs are stale
    quint64 m_requests = 0; ///< StartRuns sent so far: tells a request made while a message is handled
    bool m_lastWasStalePong = false; ///< the previous message was a Pong to a ping sent before the last StartRuns
    quint32 m_unansweredPings = 0;
    quint32 m_reopenAttempts = 0;
    QString m_lastReopenError;
    bool m_opening = false;
    quint64 m_bytesReceived = 0;
    Capture m_capture;
    std::optional<CapturedRun> m_openRun;
    bool m_openRunDamaged = false; ///< frames were lost inside the open run
    std::optional<quint32> m_lastRunIndex;
    std::optional<quint32> m_lastCutRunIndex; ///< run the host cut itself (a late RunEnd for it is expected)
    quint32 m_pendingRuns = 0;
    bool m_unbounded = false;
    bool m_stopRequested = false;
    std::unique_ptr<SessionFileWriter> m_file;
    bool m_fileFailed = false;
};

} // namespace Devices
