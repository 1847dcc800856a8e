// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/wireprotocol.h"

#include <QObject>
#include <QString>

#include <memory>
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

/** What the simulated board is. The numbers come from a cost model (Profiler::estimateLayerTicks) in the tools that
 *  build one; the board itself knows nothing about models. */
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

    /** Opens a new pseudo-terminal; false with errorText() on failure. */
    bool open();
    /** "/dev/pts/N" once open. */
    QString slavePath() const { return m_slavePath; }
    bool isOpen() const;
    QString errorText() const { return m_errorText; }
    const SimulatedBoardConfig& config() const { return m_config; }

    /** Runs completed since open() (RunEnd sent). */
    quint32 runsCompleted() const { return m_runsCompleted; }
    bool running() const { return m_running; }

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

private:
    void onReadable();
    void handle(const Message& message);
    void sendMessage(const Message& message);
    void writeRaw(const QByteArray& bytes);
    void step(); ///< advances the current run by one layer event
    quint32 sampleTicks(int layer);

    SimulatedBoardConfig m_config;
    QString m_errorText;
    QString m_slavePath;
    int m_master = -1;
    int m_slaveKeepAlive = -1; ///< keeps the pty alive between host opens, like a real USB CDC device
    QSocketNotifier* m_notifier = nullptr;
    QTimer* m_stepTimer = nullptr;
    FrameDecoder m_decoder;
    FrameEncoder m_encoder;
    std::mt19937 m_rng;
    quint32 m_clock = 0; ///< free-running tick counter
    bool m_running = false;
    quint32 m_runsRequested = 0; ///< 0 with m_running: until Stop
    quint32 m_runsCompleted = 0;
    quint32 m_runIndex = 0;
    int m_layer = -1; ///< -1: before RunStart
    bool m_layerOpen = false;
    quint32 m_layerBegin = 0;
    quint64 m_runTotal = 0;
    QByteArray m_pendingOutput; ///< bytes the pty would not take yet
};

} // namespace Devices
