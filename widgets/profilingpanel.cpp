// SPDX-License-Identifier: GPL-3.0-or-later
#include "profilingpanel.h"

#include "categorycolors.h"
#include "session/portcatalog.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace Widgets {

namespace {

constexpr int kPortRole = Qt::UserRole; ///< what QSerialPort opens, behind the display name
constexpr int kRefreshMs = 500;
constexpr int kMaxRunsPerRequest = 1'000'000;

QString hzText(quint32 hz)
{
    if (hz == 0)
        return QStringLiteral("unknown");
    if (hz % 1'000'000 == 0)
        return QStringLiteral("%1 MHz").arg(hz / 1'000'000);
    if (hz >= 1'000'000)
        return QStringLiteral("%1 MHz").arg(static_cast<double>(hz) / 1e6, 0, 'f', 3);
    if (hz % 1000 == 0)
        return QStringLiteral("%1 kHz").arg(hz / 1000);
    return QStringLiteral("%1 Hz").arg(hz);
}

QString modelIdText(quint32 id)
{
    return QStringLiteral("0x%1").arg(id, 8, 16, QLatin1Char('0'));
}

QColor warningColor()
{
    return paletteIsDark() ? QColor(0xff, 0xb3, 0x00) : QColor(0xb2, 0x5f, 0x00);
}

QColor okColor()
{
    return paletteIsDark() ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
}

void setTextColor(QLabel* label, const QColor& color)
{
    if (!color.isValid()) {
        label->setPalette(QPalette()); // nothing resolved: back to the inherited colours
        return;
    }
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, color);
    label->setPalette(p);
}

} // namespace

/** A one-line label that cuts its text in the middle to the width it is given, instead of widening the panel (a
 *  session file's name has no spaces to wrap at); the whole text is in the tooltip. */
class ElidedLabel final : public QLabel
{
public:
    explicit ElidedLabel(QWidget* parent)
        : QLabel(parent)
    {
        setTextFormat(Qt::PlainText);
        setTextInteractionFlags(Qt::TextSelectableByMouse);
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }

    void setFullText(const QString& text, const QString& toolTip)
    {
        m_full = text;
        setToolTip(toolTip);
        updateShown();
    }

    const QString& fullText() const { return m_full; }

    QSize minimumSizeHint() const override { return { 0, QLabel::minimumSizeHint().height() }; }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        QLabel::resizeEvent(event);
        updateShown();
    }

private:
    void updateShown()
    {
        const QString shown = fontMetrics().elidedText(m_full, Qt::ElideMiddle, std::max(0, contentsRect().width()));
        if (shown != text())
            setText(shown);
    }

    QString m_full;
};

ProfilingPanel::ProfilingPanel(QWidget* parent)
    : QWidget(parent)
    , m_refreshTimer(new QTimer(this))
{
    auto* layout = new QVBoxLayout(this);

    const auto textLabel = [this](const QString& objectName) {
        auto* label = new QLabel(this);
        label->setObjectName(objectName);
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };

    // Connection: port, baud, connect.
    auto* connectionBox = new QGroupBox(QStringLiteral("Connection"), this);
    auto* connectionForm = new QFormLayout(connectionBox);
    m_portCombo = new QComboBox(this);
    m_portCombo->setObjectName(QStringLiteral("portCombo"));
    m_portCombo->setEditable(true); // pseudo-terminals are never listed: the path is typed
    m_portCombo->setInsertPolicy(QComboBox::NoInsert);
    m_portCombo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_portCombo->lineEdit()->setPlaceholderText(QStringLiteral("/dev/ttyACM0, /dev/pts/3, COM5"));
    m_refreshButton = new QToolButton(this);
    m_refreshButton->setObjectName(QStringLiteral("refreshPortsButton"));
    m_refreshButton->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refreshButton->setToolTip(QStringLiteral("List the serial ports again"));
    auto* portRow = new QHBoxLayout;
    portRow->addWidget(m_portCombo, 1);
    portRow->addWidget(m_refreshButton);
    connectionForm->addRow(QStringLiteral("Port:"), portRow);

    m_baudCombo = new QComboBox(this);
    m_baudCombo->setObjectName(QStringLiteral("baudCombo"));
    m_baudCombo->setEditable(true);
    for (int baud : { 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000, 2000000 })
        m_baudCombo->addItem(QString::number(baud));
    m_baudCombo->setCurrentText(QStringLiteral("115200"));
    connectionForm->addRow(QStringLiteral("Baud:"), m_baudCombo);

    m_connectButton = new QPushButton(QStringLiteral("Connect"), this);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    m_disconnectButton = new QPushButton(QStringLiteral("Disconnect"), this);
    m_disconnectButton->setObjectName(QStringLiteral("disconnectButton"));
    auto* connectRow = new QHBoxLayout;
    connectRow->addWidget(m_connectButton);
    connectRow->addWidget(m_disconnectButton);
    connectRow->addStretch(1);
    connectionForm->addRow(connectRow);
    layout->addWidget(connectionBox);

    // State: one bold line, the detail under it, and the app's note.
    m_stateLabel = textLabel(QStringLiteral("stateLabel"));
    QFont stateFont = m_stateLabel->font();
    stateFont.setBold(true);
    stateFont.setPointSizeF(stateFont.pointSizeF() * 1.25);
    m_stateLabel->setFont(stateFont);
    m_stateDetail = textLabel(QStringLiteral("stateDetail"));
    m_noteLabel = textLabel(QStringLiteral("noteLabel"));
    QFont noteFont = m_noteLabel->font();
    noteFont.setItalic(true);
    m_noteLabel->setFont(noteFont);
    m_noteLabel->hide();
    layout->addWidget(m_stateLabel);
    layout->addWidget(m_stateDetail);
    layout->addWidget(m_noteLabel);

    // The board, as its Hello described it.
    auto* boardBox = new QGroupBox(QStringLiteral("Board"), this);
    auto* boardForm = new QFormLayout(boardBox);
    m_boardLabel = textLabel(QStringLiteral("boardLabel"));
    m_ratesLabel = textLabel(QStringLiteral("ratesLabel"));
    m_modelLabel = textLabel(QStringLiteral("modelCheckLabel"));
    boardForm->addRow(QStringLiteral("Name:"), m_boardLabel);
    boardForm->addRow(QStringLiteral("Clocks:"), m_ratesLabel);
    boardForm->addRow(QStringLiteral("Model:"), m_modelLabel);
    layout->addWidget(boardBox);

    // Runs.
    auto* runsBox = new QGroupBox(QStringLiteral("Runs"), this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    auto* runsRow = new QHBoxLayout;
    m_runsSpin = new QSpinBox(this);
    m_runsSpin->setObjectName(QStringLiteral("runsSpin"));
    m_runsSpin->setRange(0, kMaxRunsPerRequest);
    m_runsSpin->setValue(20);
    m_runsSpin->setSpecialValueText(QStringLiteral("until stop"));
    m_runsSpin->setToolTip(QStringLiteral("How many inferences to ask the board for; 0 runs until Stop"));
    m_startButton = new QPushButton(QStringLiteral("Start"), this);
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_stopButton = new QPushButton(QStringLiteral("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    runsRow->addWidget(new QLabel(QStringLiteral("Runs:"), this));
    runsRow->addWidget(m_runsSpin, 1);
    runsRow->addWidget(m_startButton);
    runsRow->addWidget(m_stopButton);
    runsLayout->addLayout(runsRow);
    m_runsLabel = textLabel(QStringLiteral("runsLabel"));
    runsLayout->addWidget(m_runsLabel);
    layout->addWidget(runsBox);

    // The line and the file.
    auto* lineBox = new QGroupBox(QStringLiteral("Line and recording"), this);
    auto* lineForm = new QFormLayout(lineBox);
    m_lineLabel = textLabel(QStringLiteral("lineLabel"));
    m_lastEventLabel = textLabel(QStringLiteral("lastEventLabel"));
    m_fileLabel = new ElidedLabel(this);
    m_fileLabel->setObjectName(QStringLiteral("sessionFileLabel"));
    lineForm->addRow(QStringLiteral("Problems:"), m_lineLabel);
    lineForm->addRow(QStringLiteral("Last message:"), m_lastEventLabel);
    lineForm->addRow(QStringLiteral("Session file:"), m_fileLabel);
    layout->addWidget(lineBox);
    layout->addStretch(1);

    connect(m_refreshButton, &QToolButton::clicked, this, &ProfilingPanel::refreshPorts);
    connect(m_connectButton, &QPushButton::clicked, this, &ProfilingPanel::connectToBoard);
    connect(m_disconnectButton, &QPushButton::clicked, this, &ProfilingPanel::disconnectFromBoard);
    connect(m_startButton, &QPushButton::clicked, this, &ProfilingPanel::startRuns);
    connect(m_stopButton, &QPushButton::clicked, this, &ProfilingPanel::stop);
    connect(m_portCombo, &QComboBox::currentTextChanged, this, &ProfilingPanel::updateButtons);
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &ProfilingPanel::refresh);

    refreshPorts();
    refresh();
}

ProfilingPanel::~ProfilingPanel() = default;

void ProfilingPanel::setSession(Devices::SerialSession* session)
{
    for (const auto& c : m_sessionConnections)
        disconnect(c);
    m_sessionConnections.clear();
    m_session = session;
    m_lastLineEvent.clear();
    m_lastError.clear();
    if (session) {
        m_sessionConnections.push_back(
            connect(session, &Devices::SerialSession::stateChanged, this, &ProfilingPanel::onStateChanged));
        m_sessionConnections.push_back(
            connect(session, &Devices::SerialSession::boardIdentified, this, &ProfilingPanel::onBoardIdentified));
        m_sessionConnections.push_back(
            connect(session, &Devices::SerialSession::runCaptured, this, &ProfilingPanel::refresh));
        m_sessionConnections.push_back(
            connect(session, &Devices::SerialSession::lineEvent, this, &ProfilingPanel::onLineEvent));
        m_sessionConnections.push_back(
            connect(session, &Devices::SerialSession::errorOccurred, this, [this](const QString& text) {
                m_lastError = text;
                refresh();
            }));
        onStateChanged(session->state());
    }
    updateModelCheck();
    refresh();
}

void ProfilingPanel::setExpectedModelId(std::optional<quint32> modelId)
{
    m_expectedModelId = modelId;
    updateModelCheck();
}

QString ProfilingPanel::portName() const
{
    // A listed port shows its display name; what QSerialPort opens is behind it. Anything typed is taken as is.
    const QString text = m_portCombo->currentText().trimmed();
    const int index = m_portCombo->findText(text);
    if (index >= 0)
        return m_portCombo->itemData(index, kPortRole).toString();
    return text;
}

void ProfilingPanel::setPortName(const QString& port)
{
    for (int i = 0; i < m_portCombo->count(); ++i) {
        if (m_portCombo->itemData(i, kPortRole).toString() == port) {
            m_portCombo->setCurrentIndex(i);
            return;
        }
    }
    m_portCombo->setEditText(port);
}

qint32 ProfilingPanel::baudRate() const
{
    bool ok = false;
    const int baud = m_baudCombo->currentText().trimmed().toInt(&ok);
    return ok && baud > 0 ? baud : 115200;
}

void ProfilingPanel::setBaudRate(qint32 baud)
{
    m_baudCombo->setCurrentText(QString::number(baud));
}

quint32 ProfilingPanel::runCount() const
{
    return static_cast<quint32>(m_runsSpin->value());
}

void ProfilingPanel::setRunCount(quint32 count)
{
    m_runsSpin->setValue(static_cast<int>(std::min<quint32>(count, kMaxRunsPerRequest)));
}

void ProfilingPanel::setNote(const QString& note)
{
    m_noteLabel->setText(note);
    m_noteLabel->setVisible(!note.isEmpty());
}

QString ProfilingPanel::stateText() const
{
    return m_stateLabel->text();
}

QString ProfilingPanel::boardText() const
{
    return m_boardLabel->text() + QLatin1Char('\n') + m_ratesLabel->text();
}

QString ProfilingPanel::modelCheckText() const
{
    return m_modelLabel->text();
}

QString ProfilingPanel::runsText() const
{
    return m_runsLabel->text();
}

QString ProfilingPanel::lineText() const
{
    return m_lineLabel->text();
}

QString ProfilingPanel::sessionFileText() const
{
    return m_fileLabel->toolTip().isEmpty() ? m_fileLabel->fullText() : m_fileLabel->toolTip();
}

QString ProfilingPanel::noteText() const
{
    return m_noteLabel->text();
}

void ProfilingPanel::refreshPorts()
{
    const QString keep = portName();
    const QSignalBlocker blocker(m_portCombo);
    m_portCombo->clear();
    for (const Devices::PortEntry& entry : Devices::availablePorts()) {
        m_portCombo->addItem(entry.displayName());
        m_portCombo->setItemData(m_portCombo->count() - 1, entry.portName, kPortRole);
        QStringList tip { entry.systemLocation };
        if (!entry.description.isEmpty())
            tip << entry.description;
        if (!entry.manufacturer.isEmpty())
            tip << entry.manufacturer;
        if (!entry.serialNumber.isEmpty())
            tip << QStringLiteral("serial number %1").arg(entry.serialNumber);
        m_portCombo->setItemData(m_portCombo->count() - 1, tip.join(QLatin1Char('\n')), Qt::ToolTipRole);
    }
    if (!keep.isEmpty())
        setPortName(keep);
    else if (m_portCombo->count() == 0)
        m_portCombo->setEditText(QString());
    updateButtons();
}

void ProfilingPanel::connectToBoard()
{
    Devices::SerialSession* session = m_session.data();
    if (!session)
        return;
    Devices::SerialSettings settings = session->settings();
    settings.portName = portName();
    settings.baudRate = baudRate();
    if (settings.portName.isEmpty()) {
        m_lastError = QStringLiteral("Choose a serial port or type its path first.");
        refresh();
        return;
    }
    m_lastError.clear();
    m_lastLineEvent.clear();
    Q_EMIT aboutToConnect(settings);
    session->setSettings(settings);
    session->connectToBoard();
    refresh();
}

void ProfilingPanel::disconnectFromBoard()
{
    if (Devices::SerialSession* session = m_session.data())
        session->disconnectFromBoard();
    refresh();
}

void ProfilingPanel::startRuns()
{
    if (Devices::SerialSession* session = m_session.data())
        session->startRuns(runCount());
    refresh();
}

void ProfilingPanel::stop()
{
    if (Devices::SerialSession* session = m_session.data())
        session->stop();
    refresh();
}

void ProfilingPanel::onStateChanged(Devices::SessionState state)
{
    if (state == Devices::SessionState::Disconnected || state == Devices::SessionState::Failed)
        m_refreshTimer->stop();
    else if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
    refresh();
}

void ProfilingPanel::onBoardIdentified(const Devices::BoardIdentity&)
{
    updateModelCheck();
    refresh();
}

void ProfilingPanel::onLineEvent(const QString& text)
{
    m_lastLineEvent = text;
    m_lastEventLabel->setText(text);
}

void ProfilingPanel::updateModelCheck()
{
    const Devices::SerialSession* session = m_session.data();
    const std::optional<Devices::BoardIdentity> board
        = session ? session->capture().board : std::optional<Devices::BoardIdentity>();
    const bool wasMismatch = m_modelMismatch;
    m_modelMismatch = false;
    QString text;
    QColor color;
    if (!board) {
        text = QStringLiteral("no board yet");
    } else if (board->modelId == 0) {
        text = QStringLiteral("the board does not say which model it runs");
    } else if (!m_expectedModelId) {
        text = QStringLiteral("board runs model %1; no model is open").arg(modelIdText(board->modelId));
    } else if (board->modelId == *m_expectedModelId) {
        text = QStringLiteral("runs the open model (%1)").arg(modelIdText(board->modelId));
        color = okColor();
    } else {
        m_modelMismatch = true;
        text = QStringLiteral("runs a different model: board %1, open model %2. Latencies are mapped by layer index "
                              "and may belong to other operators.")
                   .arg(modelIdText(board->modelId), modelIdText(*m_expectedModelId));
        color = warningColor();
    }
    m_modelLabel->setText(text);
    setTextColor(m_modelLabel, color);
    if (m_modelMismatch && !wasMismatch)
        Q_EMIT modelMismatchFound(text);
}

void ProfilingPanel::updateButtons()
{
    const Devices::SerialSession* session = m_session.data();
    const Devices::SessionState state = session ? session->state() : Devices::SessionState::Disconnected;
    const bool idle = state == Devices::SessionState::Disconnected || state == Devices::SessionState::Failed;
    m_portCombo->setEnabled(session && idle);
    m_baudCombo->setEnabled(session && idle);
    m_connectButton->setEnabled(session && idle && !portName().isEmpty());
    m_disconnectButton->setEnabled(session && !idle);
    m_startButton->setEnabled(session && state == Devices::SessionState::Idle);
    m_stopButton->setEnabled(session && state == Devices::SessionState::Running);
    m_runsSpin->setEnabled(session != nullptr);
}

void ProfilingPanel::refresh()
{
    const Devices::SerialSession* session = m_session.data();
    updateButtons();
    if (!session) {
        m_stateLabel->setText(QStringLiteral("No session"));
        m_stateDetail->setText(QString());
        m_boardLabel->setText(QStringLiteral("-"));
        m_ratesLabel->setText(QStringLiteral("-"));
        m_runsLabel->setText(QString());
        m_lineLabel->setText(QString());
        m_fileLabel->setFullText(QString(), QString());
        return;
    }

    const Devices::Capture& capture = session->capture();
    int complete = 0;
    int cut = 0;
    for (const Devices::CapturedRun& run : capture.runs)
        (run.complete() ? complete : cut) += 1;
    const QString file = session->sessionFile();
    const QString port = session->settings().portName;
    const QString savedWhere
        = file.isEmpty() ? QStringLiteral("kept in memory (no session file)") : QStringLiteral("saved to %1").arg(file);

    const Devices::SessionState state = session->state();
    m_stateLabel->setText(Devices::sessionStateName(state));
    QString detail;
    QColor stateColor;
    switch (state) {
    case Devices::SessionState::Disconnected:
        detail = capture.runs.empty()
            ? QStringLiteral("Not connected.")
            : QStringLiteral("Not connected. %1 runs %2.").arg(capture.runs.size()).arg(savedWhere);
        break;
    case Devices::SessionState::Connecting:
        detail = QStringLiteral("Port %1 open; waiting for the board to answer.").arg(port);
        break;
    case Devices::SessionState::Idle:
        detail = QStringLiteral("Connected on %1. Press Start to profile.").arg(port);
        break;
    case Devices::SessionState::Running:
        detail = session->pendingRuns() > 0
            ? QStringLiteral("Profiling on %1: %2 runs to go.").arg(port).arg(session->pendingRuns())
            : QStringLiteral("Profiling on %1 until Stop.").arg(port);
        stateColor = okColor();
        break;
    case Devices::SessionState::Reconnecting:
        m_stateLabel->setText(QStringLiteral("Reconnecting... (%1 went away)").arg(port));
        detail
            = QStringLiteral("The port closed (unplugged?). Trying to reopen it every half second. %1 completed runs "
                             "%2.")
                  .arg(complete)
                  .arg(savedWhere);
        stateColor = warningColor();
        break;
    case Devices::SessionState::Failed:
        detail = session->errorText();
        stateColor = QColor(0xc6, 0x28, 0x28);
        break;
    }
    if (!m_lastError.isEmpty() && state != Devices::SessionState::Failed)
        detail += QLatin1Char('\n') + m_lastError;
    m_stateDetail->setText(detail);
    setTextColor(m_stateLabel, stateColor);

    if (capture.board) {
        const Devices::BoardIdentity& b = *capture.board;
        m_boardLabel->setText(
            QStringLiteral("%1 (protocol %2.%3)").arg(b.boardName).arg(b.versionMajor).arg(b.versionMinor));
        QString rates = QStringLiteral("CPU %1, ticks %2").arg(hzText(b.cpuHz), hzText(b.tickHz));
        if (b.arenaBytesUsed)
            rates += QStringLiteral(", arena used %1 B").arg(*b.arenaBytesUsed);
        m_ratesLabel->setText(rates);
    } else {
        m_boardLabel->setText(QStringLiteral("-"));
        m_ratesLabel->setText(QStringLiteral("-"));
    }
    updateModelCheck();

    m_runsLabel->setText(
        QStringLiteral("%1 runs captured: %2 complete, %3 cut short").arg(capture.runs.size()).arg(complete).arg(cut));
    const Devices::DecoderStats& stats = session->decoderStats();
    m_lineLabel->setText(QStringLiteral("%1 garbage bytes, %2 CRC errors, %3 lost frames, %4 unknown or bad frames")
                             .arg(stats.garbageBytes)
                             .arg(stats.crcErrors)
                             .arg(stats.lostFrames)
                             .arg(stats.unknownTypes + stats.badPayloads + stats.versionMismatches));
    const bool troubled = stats.garbageBytes + stats.crcErrors + stats.lostFrames > 0;
    setTextColor(m_lineLabel, troubled ? warningColor() : QColor());
    m_lastEventLabel->setText(m_lastLineEvent.isEmpty() ? QStringLiteral("-") : m_lastLineEvent);
    // The file's name, cut in the middle when the panel is narrow; where it is, in the tooltip.
    m_fileLabel->setFullText(file.isEmpty() ? QStringLiteral("none (runs are kept in memory only)") : QFileInfo(file).fileName(),
        file.isEmpty() ? QString() : QDir::toNativeSeparators(QFileInfo(file).absoluteFilePath()));
}

} // namespace Widgets
