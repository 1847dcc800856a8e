// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/wireprotocol.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <optional>
#include <random>
#include <vector>

class QSocketNotifier;
class QTimer;

namespace Devices {

/** One layer the simulated board "runs". */
struct SimulatedLayer
{
    quint16 opCode = Wire::kUnknownOp; ///< TFLite BuiltinOperator
    QString tag; ///< sent only for custom operators
    double meanTicks = 1000; ///< expected latency in board ticks
};

/** What the simulated board is. The numbers come from a cost model (Profiler::estimateOperatorCycles, scaled by
 *  tickHz / cpuHz) in the tools that build one; the board itself knows nothing about models. Behaviour and
 *  rationale: docs/simulated-board.md. */
struct SimulatedBoardConfig
{
    QString boardName = QStringLiteral("TinyScope simulated board");
    quint32 cpuHz = 80'000'000;
    quint32 tickHz = 80'000'000;
    std::optional<quint32> arenaBytesUsed;
    quint32 modelId = 0;
    std::vector<SimulatedLayer> layers;
    double noiseFraction = 0.03; ///< standard deviation of the per-sample noise, as a fraction of meanTicks
    double firstRunFactor = 1.3; ///< the first run after boot is slower (caches, lazy init): warm-up
    quint32 seed = 1;
    /** Wall-clock time per simulated second: 1.0 streams runs in real time, 0 streams as fast as the line takes
     *  them. Never blocks the event loop either way. */
    double timeScale = 1.0;
    /** Ticks the interpreter spends between layers and around a run (outside every layer, so a run's total is
     *  the sum of its layers plus (layers + 1) x gapTicks). Not noisy. */
    quint32 gapTicks = 20;
    quint32 startTicks = 0; ///< the free-running counter at boot; near 2^32 to exercise counter wrap on the host
};

/**
 * A board running the TinyScope stub, on the master side of a pseudo-terminal. Whoever opens slavePath() (a
 * QSerialPort, a terminal) sees exactly what a real board sends: it answers Ping with Pong (+ Hello when idle),
 * runs StartRuns/Stop, streams RunStart/LayerBegin/LayerEnd/RunEnd with a free-running 32-bit tick counter.
 * Fault injection (for tests of the host side): unplug(), reset(), injectBytes().
 * Linux only (openpty); open() fails with a message elsewhere.
 */
class SimulatedBoard : public QObject
{
    Q_OBJECT
public:
    explicit SimulatedBoard(SimulatedBoardConfig config, QObject* parent = nullptr);
    ~SimulatedBoard() override;

    /** Opens a new pseudo-terminal and sends the boot Hello; false with errorText() on failure. */
    bool open();
    /** "/dev/pts/N" once open. */
    QString slavePath() const { return m_slavePath; }
    bool isOpen() const;
    QString errorText() const { return m_errorText; }
    const SimulatedBoardConfig& config() const { return m_config; }

    /** Runs completed since open() (RunEnd sent, also for a run ended early by Stop). */
    quint32 runsCompleted() const { return m_runsCompleted; }
    bool running() const { return m_running; }
    /** Bytes written to the pseudo-terminal since open() (what the host can read). */
    quint64 bytesSent() const { return m_bytesSent; }
    /** Bytes waiting because the pseudo-terminal was full (the host is not reading). The board pauses its runs
     *  while any are waiting, as a real board blocks in its UART write. */
    qsizetype pendingBytes() const { return m_pendingOutput.size(); }

public Q_SLOTS:
    /** Closes the pseudo-terminal at once, mid-frame if need be: what the host sees when the cable is pulled. */
    void unplug();
    /** Restarts the "firmware": drops the run in progress, sends a boot Hello, sequence numbers start at 0. */
    void reset();
    /** Writes raw bytes (noise, a cut frame) into the stream. */
    void injectBytes(const QByteArray& bytes);

Q_SIGNALS:
    void commandReceived(Devices::MessageType type);
    void runCompleted(quint32 runIndex);
    /** The pseudo-terminal was closed: unplug(), or it failed. */
    void closed();

private:
    /** Where the current run is: what step() sends next. */
    enum class Phase {
        RunStart,
        LayerBegin,
        LayerEnd,
        RunEnd,
    };

    void onReadable();
    void onWritable();
    void handle(const Message& message);
    void sendHello();
    void sendMessage(const Message& message);
    void writeRaw(const QByteArray& bytes);
    void startRuns(quint32 count);
    void stopRuns();
    void finishRun();
    void pump(); ///< sends every event that is due, then schedules the next pump
    quint32 step(); ///< sends the next event of the current run; returns the ticks until the one after it
    quint32 sampleTicks(int layer);
    double gaussian(); ///< standard normal deviate from m_rng (Box-Muller: the same numbers on every platform)
    void closePty();

    SimulatedBoardConfig m_config;
    QString m_errorText;
    QString m_slavePath;
    int m_master = -1;
    int m_slaveKeepAlive = -1; ///< keeps the pty alive between host opens, like a real USB CDC device
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    QTimer* m_stepTimer = nullptr;
    FrameDecoder m_decoder;
    FrameEncoder m_encoder;
    std::mt19937 m_rng;
    quint32 m_clock = 0; ///< free-running tick counter: the simulated time of the next event
    bool m_running = false;
    quint32 m_runsRemaining = 0; ///< runs still to start, counting the current one; unused when m_unbounded
    bool m_unbounded = false; ///< StartRuns 0: until Stop
    quint32 m_runsCompleted = 0;
    quint32 m_runIndex = 0; ///< of the current (or next) run; 0 after boot and reset
    Phase m_phase = Phase::RunStart;
    int m_layer = 0; ///< current layer of the current run
    quint32 m_layerElapsed = 0; ///< sampled ticks of the open layer
    quint32 m_runStartClock = 0;
    QByteArray m_pendingOutput; ///< bytes the pty would not take yet
    quint64 m_bytesSent = 0;
    QElapsedTimer m_wall; ///< paces the events when timeScale > 0
    double m_nextDueNs = 0; ///< m_wall time at which the next event is due (double: no rounding drift)
    qint64 m_idleSinceNs = 0; ///< m_wall time when the board went idle (the counter runs on while idle)
};

} // namespace Devices
