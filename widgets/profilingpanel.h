// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/serialsession.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

namespace Widgets {

class ElidedLabel;

/**
 * The live profiling dock: pick a serial port (listed ports with their probe names, or a typed path such as a
 * pseudo-terminal), a baud rate, connect; see the session's state, the board's Hello, whether it runs the open model,
 * how many runs arrived, what went wrong on the line and where the runs are saved; start and stop runs.
 *
 * The panel drives a Devices::SerialSession it is given and owns nothing of the app's policy: where session files go
 * and what happens to the measurements is decided by whoever handles aboutToConnect() and the session's signals.
 */
class ProfilingPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProfilingPanel(QWidget* parent = nullptr);
    ~ProfilingPanel() override;

    /** The session the buttons drive and the labels show; not owned. nullptr disables the controls. */
    void setSession(Devices::SerialSession* session);
    Devices::SerialSession* session() const { return m_session; }

    /** Model id of the open model (Devices::modelIdForFile), to check the board's Hello against; empty: no model. */
    void setExpectedModelId(std::optional<quint32> modelId);
    /** True when a board said which model it runs (a non-zero id) and that id is not the open model's. */
    bool modelMismatch() const { return m_modelMismatch; }

    /** The port to connect to: the typed path, or the listed port chosen. */
    QString portName() const;
    /** Shows `port` in the port box (selecting it when listed, as typed text otherwise). */
    void setPortName(const QString& port);
    qint32 baudRate() const;
    void setBaudRate(qint32 baud);
    /** Runs to ask for on Start; 0 means until Stop. */
    quint32 runCount() const;
    void setRunCount(quint32 count);

    /** An extra line under the state, for the app ("showing the imported log; live runs are still recorded"). */
    void setNote(const QString& note);

    // What the labels show, for tests and accessibility.
    QString stateText() const;
    QString boardText() const;
    QString modelCheckText() const;
    QString runsText() const;
    QString lineText() const;
    QString sessionFileText() const; ///< the session file's path (the panel shows its name, cut to fit)
    QString noteText() const;

    QComboBox* portCombo() const { return m_portCombo; }
    QComboBox* baudCombo() const { return m_baudCombo; }
    QSpinBox* runsSpin() const { return m_runsSpin; }
    QPushButton* connectButton() const { return m_connectButton; }
    QPushButton* disconnectButton() const { return m_disconnectButton; }
    QPushButton* startButton() const { return m_startButton; }
    QPushButton* stopButton() const { return m_stopButton; }

public Q_SLOTS:
    /** Lists the serial ports again, keeping the current choice or typed path. */
    void refreshPorts();
    /** Emits aboutToConnect() with the chosen settings, hands them to the session and connects. */
    void connectToBoard();
    void disconnectFromBoard();
    /** Asks the session for runCount() runs. */
    void startRuns();
    void stop();
    /** Re-reads everything shown from the session (also done on its signals and twice a second while connected). */
    void refresh();

Q_SIGNALS:
    /** Emitted (synchronously) just before the session connects with `settings`: the moment to choose its session
     *  file and model. */
    void aboutToConnect(const Devices::SerialSettings& settings);
    /** The board identified itself with a model id that is not the open model's; text says both. */
    void modelMismatchFound(const QString& text);

private:
    void onStateChanged(Devices::SessionState state);
    void onBoardIdentified(const Devices::BoardIdentity& board);
    void onLineEvent(const QString& text);
    void updateModelCheck();
    void updateButtons();

    QPointer<Devices::SerialSession> m_session;
    std::optional<quint32> m_expectedModelId;
    bool m_modelMismatch = false;
    QString m_lastLineEvent;
    QString m_lastError;

    QComboBox* m_portCombo = nullptr;
    QToolButton* m_refreshButton = nullptr;
    QComboBox* m_baudCombo = nullptr;
    QPushButton* m_connectButton = nullptr;
    QPushButton* m_disconnectButton = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_stateDetail = nullptr;
    QLabel* m_noteLabel = nullptr;
    QLabel* m_boardLabel = nullptr;
    QLabel* m_ratesLabel = nullptr;
    QLabel* m_modelLabel = nullptr;
    QSpinBox* m_runsSpin = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_runsLabel = nullptr;
    QLabel* m_lineLabel = nullptr;
    QLabel* m_lastEventLabel = nullptr;
    ElidedLabel* m_fileLabel = nullptr;
    QTimer* m_refreshTimer = nullptr;
    std::vector<QMetaObject::Connection> m_sessionConnections;
};

} // namespace Widgets
