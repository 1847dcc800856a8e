// SPDX-License-Identifier: GPL-3.0-or-later
#include "boardfitpanel.h"

#include "categorycolors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace Widgets {

namespace {

const QString kSettingsKey = QStringLiteral("boardFit/boardId");
constexpr int kIdRole = Qt::UserRole;
constexpr int kBoardIndexRole = Qt::UserRole + 1; ///< index into m_boards; -1 on the "Add board..." item
constexpr int kAddBoardItem = -1;
constexpr int kBarSteps = 1000; ///< the bars show per mille

QSettings tinyScopeSettings()
{
    // Explicit names so that tests and tools that do not set the application name share the app's settings.
    return QSettings(QStringLiteral("TinyScope"), QStringLiteral("TinyScope"));
}

/** Bar and headline colour of a status; darker on light palettes so that text stays readable. */
QColor statusColor(Devices::FitStatus status)
{
    const bool dark = paletteIsDark();
    switch (status) {
    case Devices::FitStatus::Fits:
        return dark ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
    case Devices::FitStatus::Tight:
        return dark ? QColor(0xff, 0xb3, 0x00) : QColor(0xc7, 0x7c, 0x00);
    case Devices::FitStatus::DoesNotFit:
        return dark ? QColor(0xef, 0x53, 0x50) : QColor(0xc6, 0x28, 0x28);
    }
    return {};
}

QString clockText(qint64 hz)
{
    const double mhz = static_cast<double>(hz) / 1e6;
    QString text = QString::number(mhz, 'f', mhz == std::floor(mhz) ? 0 : 2);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return text + QStringLiteral(" MHz");
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

QString sramText(const Devices::BoardProfile& b)
{
    QString text = Devices::formatByteSize(b.sramBytes);
    const Devices::RamRegion block = b.largestContiguousRam();
    if (block.bytes >= b.sramBytes)
        text += QStringLiteral(" (one contiguous block)");
    else
        text += QStringLiteral(" (largest block: ") + block.name + QStringLiteral(", ")
            + Devices::formatByteSize(block.bytes) + QLatin1Char(')');
    if (b.externalRam.bytes > 0)
        text += QStringLiteral("\n+ ") + Devices::formatByteSize(b.externalRam.bytes)
            + (b.externalRam.inBudget ? QStringLiteral(" external") : QStringLiteral(" external (not counted)"));
    return text;
}

QString flashText(const Devices::BoardProfile& b)
{
    QString text;
    if (b.flashBytes > 0)
        text = Devices::formatByteSize(b.flashBytes) + QStringLiteral(" internal");
    if (b.externalFlash.bytes > 0) {
        if (!text.isEmpty())
            text += QStringLiteral(" + ");
        text += Devices::formatByteSize(b.externalFlash.bytes)
            + (b.externalFlash.inBudget ? QStringLiteral(" external") : QStringLiteral(" external (not counted)"));
    }
    return text;
}

/** QProgressBar::setValue() repaints at once, and a synchronous repaint paints the whole window (a large graph
 *  included) inside whatever set the document; with updates off the paint is left to the event loop. */
void setBarValue(QProgressBar* bar, int value)
{
    bar->setUpdatesEnabled(false);
    bar->setValue(value);
    bar->setUpdatesEnabled(true);
}

void setBar(QProgressBar* bar, const QString& what, const Devices::FitBar* data)
{
    QPalette palette = bar->palette();
    if (!data) {
        setBarValue(bar, 0);
        bar->setFormat(what + QStringLiteral(": no model"));
        bar->setPalette(QPalette());
        return;
    }
    const double permille = std::isinf(data->percent) ? kBarSteps : data->percent * 10.0;
    setBarValue(bar, static_cast<int>(std::clamp(std::lround(permille), 0L, static_cast<long>(kBarSteps))));
    QString text = what + QStringLiteral(": ") + Devices::formatByteSize(data->usedBytes) + QStringLiteral(" of ")
        + Devices::formatByteSize(data->budgetBytes);
    if (data->budgetBytes > 0)
        text += QStringLiteral(" (") + Devices::formatPercent(data->percent) + QLatin1Char(')');
    bar->setFormat(text);
    palette.setColor(QPalette::Highlight, statusColor(data->status));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    bar->setPalette(palette);
    bar->setToolTip(text);
}

/** The "Add board" dialog: the facts a fit verdict needs, saved as a user board when accepted. */
QDialog* createAddBoardDialog(BoardFitPanel* panel)
{
    auto* dialog = new QDialog(panel);
    dialog->setObjectName(QStringLiteral("addBoardDialog"));
    dialog->setWindowTitle(QStringLiteral("Add board"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);

    auto* form = new QFormLayout;
    auto* name = new QLineEdit(dialog);
    name->setObjectName(QStringLiteral("boardName"));
    name->setPlaceholderText(QStringLiteral("My custom board"));
    auto* vendor = new QLineEdit(dialog);
    vendor->setObjectName(QStringLiteral("boardVendor"));
    auto* mcu = new QLineEdit(dialog);
    mcu->setObjectName(QStringLiteral("boardMcu"));
    auto* core = new QComboBox(dialog);
    core->setObjectName(QStringLiteral("boardCore"));
    core->setEditable(true);
    core->addItems({ QStringLiteral("Cortex-M0+"), QStringLiteral("Cortex-M3"), QStringLiteral("Cortex-M4"),
        QStringLiteral("Cortex-M7"), QStringLiteral("Cortex-M33"), QStringLiteral("Cortex-M55"),
        QStringLiteral("Cortex-M85"), QStringLiteral("Xtensa LX7"), QStringLiteral("RISC-V") });
    core->setCurrentText(QStringLiteral("Cortex-M4"));
    auto* clock = new QDoubleSpinBox(dialog);
    clock->setObjectName(QStringLiteral("boardClockMHz"));
    clock->setRange(1, 2000);
    clock->setDecimals(1);
    clock->setSuffix(QStringLiteral(" MHz"));
    clock->setValue(100);
    const auto kibBox = [dialog](const QString& objectName, int minimum, int value) {
        auto* box = new QSpinBox(dialog);
        box->setObjectName(objectName);
        box->setRange(minimum, 4 * 1024 * 1024);
        box->setSuffix(QStringLiteral(" KiB"));
        box->setValue(value);
        return box;
    };
    auto* sram = kibBox(QStringLiteral("boardSramKiB"), 1, 256);
    auto* flash = kibBox(QStringLiteral("boardFlashKiB"), 1, 1024);
    auto* reservedRam
        = kibBox(QStringLiteral("boardReservedRamKiB"), 0, static_cast<int>(Devices::kDefaultReservedRamBytes / 1024));
    auto* reservedFlash = kibBox(
        QStringLiteral("boardReservedFlashKiB"), 0, static_cast<int>(Devices::kDefaultReservedFlashBytes / 1024));
    auto* fpu = new QComboBox(dialog);
    fpu->setObjectName(QStringLiteral("boardFpu"));
    for (const auto kind :
        { Devices::FpuKind::None, Devices::FpuKind::SinglePrecision, Devices::FpuKind::DoublePrecision })
        fpu->addItem(Devices::fpuKindLabel(kind), static_cast<int>(kind));
    auto* dsp = new QCheckBox(QStringLiteral("DSP / SIMD instructions"), dialog);
    dsp->setObjectName(QStringLiteral("boardDsp"));
    auto* helium = new QCheckBox(QStringLiteral("Helium (MVE)"), dialog);
    helium->setObjectName(QStringLiteral("boardHelium"));
    auto* notes = new QLineEdit(dialog);
    notes->setObjectName(QStringLiteral("boardNotes"));

    form->addRow(QStringLiteral("Name:"), name);
    form->addRow(QStringLiteral("Vendor:"), vendor);
    form->addRow(QStringLiteral("MCU:"), mcu);
    form->addRow(QStringLiteral("Core:"), core);
    form->addRow(QStringLiteral("Clock:"), clock);
    form->addRow(QStringLiteral("SRAM for data:"), sram);
    form->addRow(QStringLiteral("Flash:"), flash);
    form->addRow(QStringLiteral("FPU:"), fpu);
    form->addRow(QString(), dsp);
    form->addRow(QString(), helium);
    form->addRow(QStringLiteral("Reserved RAM:"), reservedRam);
    form->addRow(QStringLiteral("Reserved flash:"), reservedFlash);
    form->addRow(QStringLiteral("Notes:"), notes);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    ok->setText(QStringLiteral("Save board"));
    ok->setEnabled(false);
    QObject::connect(
        name, &QLineEdit::textChanged, ok, [ok](const QString& text) { ok->setEnabled(!text.trimmed().isEmpty()); });
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);

    auto* hint = new QLabel(QStringLiteral("Reserved memory is what the application needs besides the model "
                                           "(stack, heap, drivers, code)."),
        dialog);
    hint->setWordWrap(true);
    auto* layout = new QVBoxLayout(dialog);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(buttons);

    QObject::connect(dialog, &QDialog::accepted, panel, [=] {
        Devices::BoardProfile b;
        b.name = name->text().trimmed();
        b.id = panel->unusedBoardId(b.name);
        b.vendor = vendor->text().trimmed();
        b.mcu = mcu->text().trimmed();
        b.core = core->currentText().trimmed();
        b.clockHz = std::llround(clock->value() * 1e6);
        b.sramBytes = qint64(sram->value()) * 1024;
        b.ramRegions.push_back(Devices::RamRegion { QStringLiteral("SRAM"), b.sramBytes, -1, true, {} });
        b.flashBytes = qint64(flash->value()) * 1024;
        b.fpu = static_cast<Devices::FpuKind>(fpu->currentData().toInt());
        b.dsp = dsp->isChecked();
        b.helium = helium->isChecked();
        b.reservedRamBytes = qint64(reservedRam->value()) * 1024;
        b.reservedFlashBytes = qint64(reservedFlash->value()) * 1024;
        b.notes = notes->text().trimmed();
        b.sources = { QStringLiteral("Entered by the user in TinyScope") };
        panel->addUserBoard(b); // errors are shown in the panel
    });
    return dialog;
}

} // namespace

BoardFitPanel::BoardFitPanel(QWidget* parent)
    : QWidget(parent)
    , m_userDir(Devices::defaultUserBoardsDir())
{
    // The answer first (verdict, its reasons, the memory bars), then what stands in the way, then the board's facts:
    // in a short dock the verdict is what must show without scrolling.
    auto* layout = new QVBoxLayout(this);

    auto* pickRow = new QHBoxLayout;
    auto* pickLabel = new QLabel(QStringLiteral("Board:"), this);
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("boardCombo"));
    m_combo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    pickLabel->setBuddy(m_combo);
    pickRow->addWidget(pickLabel);
    pickRow->addWidget(m_combo, 1);
    layout->addLayout(pickRow);

    // Plain, wrapped, selectable text: the error, the board's facts and the verdict's sentences.
    const auto textLabel = [this](const QString& objectName) {
        auto* label = new QLabel(this);
        label->setObjectName(objectName);
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };

    m_errorLabel = textLabel(QStringLiteral("boardErrorLabel"));
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    auto* factsBox = new QGroupBox(QStringLiteral("Board"), this);
    m_facts = new QFormLayout(factsBox);
    m_mcuValue = textLabel(QStringLiteral("mcuValue"));
    m_coreValue = textLabel(QStringLiteral("coreValue"));
    m_clockValue = textLabel(QStringLiteral("clockValue"));
    m_sramValue = textLabel(QStringLiteral("sramValue"));
    m_flashValue = textLabel(QStringLiteral("flashValue"));
    m_extensionsValue = textLabel(QStringLiteral("extensionsValue"));
    m_reservedValue = textLabel(QStringLiteral("reservedValue"));
    m_facts->addRow(QStringLiteral("MCU:"), m_mcuValue);
    m_facts->addRow(QStringLiteral("Core:"), m_coreValue);
    m_facts->addRow(QStringLiteral("Clock:"), m_clockValue);
    m_facts->addRow(QStringLiteral("SRAM:"), m_sramValue);
    m_facts->addRow(QStringLiteral("Flash:"), m_flashValue);
    m_facts->addRow(QStringLiteral("Extensions:"), m_extensionsValue);
    m_facts->addRow(QStringLiteral("Reserved:"), m_reservedValue);

    auto* memoryBox = new QGroupBox(QStringLiteral("Memory needed by the model"), this);
    auto* memoryLayout = new QVBoxLayout(memoryBox);
    const auto makeBar = [this](const QString& objectName) {
        auto* bar = new QProgressBar(this);
        bar->setObjectName(objectName);
        bar->setRange(0, kBarSteps);
        bar->setTextVisible(true);
        bar->setAlignment(Qt::AlignCenter);
        bar->setMinimumHeight(bar->fontMetrics().height() * 3 / 2);
        return bar;
    };
    m_flashBar = makeBar(QStringLiteral("flashBar"));
    m_ramBar = makeBar(QStringLiteral("ramBar"));
    memoryLayout->addWidget(m_flashBar);
    memoryLayout->addWidget(m_ramBar);

    m_verdictLabel = new QLabel(this);
    m_verdictLabel->setObjectName(QStringLiteral("verdictLabel"));
    m_verdictLabel->setTextFormat(Qt::PlainText);
    m_verdictLabel->setWordWrap(true);
    QFont verdictFont = m_verdictLabel->font();
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.8);
    verdictFont.setBold(true);
    m_verdictLabel->setFont(verdictFont);
    layout->addWidget(m_verdictLabel);

    m_sentencesLabel = textLabel(QStringLiteral("sentencesLabel"));
    m_warningsLabel = textLabel(QStringLiteral("warningsLabel"));
    m_suggestionLabel = textLabel(QStringLiteral("suggestionLabel"));
    QFont suggestionFont = m_suggestionLabel->font();
    suggestionFont.setItalic(true);
    m_suggestionLabel->setFont(suggestionFont);
    layout->addWidget(m_sentencesLabel);
    layout->addWidget(memoryBox);
    layout->addWidget(m_warningsLabel);
    layout->addWidget(m_suggestionLabel);

    m_unsupportedHeading = new QLabel(this);
    m_unsupportedHeading->setObjectName(QStringLiteral("unsupportedHeading"));
    m_unsupportedHeading->setTextFormat(Qt::PlainText);
    m_unsupportedList = new QListWidget(this);
    m_unsupportedList->setObjectName(QStringLiteral("unsupportedList"));
    layout->addWidget(m_unsupportedHeading);
    layout->addWidget(m_unsupportedList);
    layout->addWidget(factsBox); // what the board is: reference, below the answer

    m_detailsLabel = textLabel(QStringLiteral("detailsLabel"));
    QPalette detailsPalette = m_detailsLabel->palette();
    detailsPalette.setColor(QPalette::WindowText, detailsPalette.color(QPalette::PlaceholderText));
    m_detailsLabel->setPalette(detailsPalette);
    layout->addWidget(m_detailsLabel);
    layout->addStretch(1);

    connect(m_combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &BoardFitPanel::onComboIndexChanged);

    reloadBoards(tinyScopeSettings().value(kSettingsKey, Devices::defaultBoardId()).toString());
}

BoardFitPanel::~BoardFitPanel() = default;

void BoardFitPanel::setDocument(Profiler::ModelDocumentPtr document, const Devices::FitInput& need)
{
    m_document = std::move(document);
    m_need = m_document ? need : Devices::FitInput {};
    updateVerdict();
}

QString BoardFitPanel::currentBoardId() const
{
    const auto* board = currentBoard();
    return board ? board->id : QString();
}

const Devices::BoardProfile* BoardFitPanel::currentBoard() const
{
    return m_current >= 0 && m_current < static_cast<int>(m_boards.size()) ? &m_boards[std::size_t(m_current)]
                                                                           : nullptr;
}

QStringList BoardFitPanel::boardIds() const
{
    QStringList ids;
    for (int i = 0; i < m_combo->count(); ++i) {
        const QString id = m_combo->itemData(i, kIdRole).toString();
        if (!id.isEmpty())
            ids << id;
    }
    return ids;
}

void BoardFitPanel::selectBoard(const QString& id)
{
    const int index = boardIndexOf(id);
    if (index >= 0)
        applyBoard(index, true);
}

void BoardFitPanel::setUserBoardsDirectory(const QString& dir)
{
    m_userDir = dir;
    reloadBoards(currentBoardId());
}

Devices::BoardResult<QString> BoardFitPanel::addUserBoard(const Devices::BoardProfile& board)
{
    auto saved = Devices::saveUserBoard(board, m_userDir);
    if (!saved) {
        m_errors = { saved.error };
        showErrors();
        return saved;
    }
    reloadBoards(currentBoardId());
    selectBoard(board.id);
    return saved;
}

void BoardFitPanel::openAddBoardDialog()
{
    QDialog* dialog = createAddBoardDialog(this);
    dialog->open();
}

QString BoardFitPanel::unusedBoardId(const QString& name) const
{
    const QString base = Devices::makeBoardId(name);
    QString id = base;
    for (int n = 2; boardIndexOf(id) >= 0; ++n)
        id = base + QLatin1Char('-') + QString::number(n);
    return id;
}

void BoardFitPanel::reloadBoards(const QString& keepId)
{
    const QString before = currentBoardId();
    Devices::BoardList builtins = Devices::builtinBoards();
    Devices::BoardList users = Devices::loadUserBoards(m_userDir);
    m_errors = builtins.errors + users.errors;
    m_boards = std::move(builtins.boards);
    for (auto& board : users.boards) {
        if (boardIndexOf(board.id) >= 0) {
            m_errors << board.sourcePath + QStringLiteral(": board id \"") + board.id
                    + QStringLiteral("\" is already used by a built-in board; rename the id");
            continue;
        }
        m_boards.push_back(std::move(board));
    }
    m_current = -1;
    rebuildCombo();

    int index = boardIndexOf(keepId);
    if (index < 0)
        index = boardIndexOf(Devices::defaultBoardId());
    if (index < 0 && !m_boards.empty())
        index = 0;
    applyBoard(index, false);
    showErrors();
    if (!before.isEmpty() && currentBoardId() != before) {
        const auto* board = currentBoard();
        emit boardChanged(currentBoardId(), board ? board->ramBudgetBytes() : 0, board ? board->flashBudgetBytes() : 0);
    }
}

void BoardFitPanel::rebuildCombo()
{
    const QSignalBlocker blocker(m_combo);
    m_combo->clear();
    bool userSection = false;
    for (std::size_t i = 0; i < m_boards.size(); ++i) {
        const auto& board = m_boards[i];
        if (!board.builtin && !userSection) {
            m_combo->insertSeparator(m_combo->count());
            userSection = true;
        }
        const QString text = board.builtin ? board.name : board.name + QStringLiteral(" (user board)");
        m_combo->addItem(text);
        const int row = m_combo->count() - 1;
        m_combo->setItemData(row, board.id, kIdRole);
        m_combo->setItemData(row, static_cast<int>(i), kBoardIndexRole);
        QString tip = board.mcu.isEmpty() ? board.core : board.mcu + QStringLiteral(", ") + board.core;
        if (!board.sources.isEmpty())
            tip += QStringLiteral("\nSources: ") + board.sources.join(QStringLiteral("; "));
        m_combo->setItemData(row, tip, Qt::ToolTipRole);
    }
    m_combo->insertSeparator(m_combo->count());
    m_combo->addItem(QStringLiteral("Add board..."));
    m_combo->setItemData(m_combo->count() - 1, kAddBoardItem, kBoardIndexRole);
}

void BoardFitPanel::applyBoard(int boardIndex, bool notify)
{
    const bool changed = boardIndex != m_current;
    m_current = boardIndex;
    {
        const QSignalBlocker blocker(m_combo);
        for (int i = 0; i < m_combo->count(); ++i) {
            const QVariant itemBoard = m_combo->itemData(i, kBoardIndexRole);
            if (itemBoard.isValid() && itemBoard.toInt() == boardIndex && boardIndex >= 0) {
                m_combo->setCurrentIndex(i);
                break;
            }
        }
    }
    showFacts();
    updateVerdict();
    const auto* board = currentBoard();
    if (changed && notify && board) {
        tinyScopeSettings().setValue(kSettingsKey, board->id);
        emit boardChanged(board->id, board->ramBudgetBytes(), board->flashBudgetBytes());
    }
}

void BoardFitPanel::onComboIndexChanged(int comboIndex)
{
    const QVariant itemBoard = m_combo->itemData(comboIndex, kBoardIndexRole);
    if (!itemBoard.isValid())
        return;
    if (itemBoard.toInt() == kAddBoardItem) {
        // Keep showing the current board; the dialog adds and selects the new one if the user saves it.
        applyBoard(m_current, false);
        QTimer::singleShot(0, this, &BoardFitPanel::openAddBoardDialog);
        return;
    }
    applyBoard(itemBoard.toInt(), true);
}

void BoardFitPanel::showFacts()
{
    const auto* b = currentBoard();
    if (!b) {
        for (QLabel* label :
            { m_mcuValue, m_coreValue, m_clockValue, m_sramValue, m_flashValue, m_extensionsValue, m_reservedValue })
            label->clear();
        return;
    }
    m_mcuValue->setText(b->vendor.isEmpty() ? b->mcu : b->mcu + QStringLiteral(" (") + b->vendor + QLatin1Char(')'));
    m_coreValue->setText(b->core);
    m_clockValue->setText(clockText(b->clockHz));
    m_sramValue->setText(sramText(*b));
    m_sramValue->setToolTip(b->sramNote);
    m_flashValue->setText(flashText(*b));
    m_flashValue->setToolTip(b->externalFlash.kind);
    m_extensionsValue->setText(QStringLiteral("FPU: ") + Devices::fpuKindLabel(b->fpu).toLower()
        + QStringLiteral(" · DSP: ") + yesNo(b->dsp) + QStringLiteral(" · Helium: ") + yesNo(b->helium));
    m_reservedValue->setText(Devices::formatByteSize(b->reservedRamBytes) + QStringLiteral(" RAM, ")
        + Devices::formatByteSize(b->reservedFlashBytes) + QStringLiteral(" flash for the application"));
    m_reservedValue->setToolTip(b->notes);
    m_combo->setToolTip(b->notes);
}

void BoardFitPanel::updateVerdict()
{
    const auto* board = currentBoard();
    m_hasVerdict = m_document && board;
    m_unsupportedList->clear();
    if (!m_hasVerdict) {
        m_verdict = {};
        setBar(m_flashBar, QStringLiteral("Flash"), nullptr);
        setBar(m_ramBar, QStringLiteral("RAM"), nullptr);
        m_verdictLabel->setText(board ? QStringLiteral("No model open") : QStringLiteral("No board"));
        m_verdictLabel->setPalette(QPalette());
        for (QLabel* label : { m_sentencesLabel, m_warningsLabel, m_suggestionLabel, m_detailsLabel })
            label->hide();
        m_unsupportedHeading->hide();
        m_unsupportedList->hide();
        return;
    }

    m_verdict = Devices::judgeFit(m_need, *board);
    setBar(m_flashBar, QStringLiteral("Flash"), &m_verdict.flash);
    setBar(m_ramBar, QStringLiteral("RAM"), &m_verdict.ram);

    m_verdictLabel->setText(m_verdict.headline);
    QPalette verdictPalette = m_verdictLabel->palette();
    // A model that fits the budgets but cannot run, or whose arena fits no RAM block, is not good news: amber.
    const bool caveat = !m_verdict.unsupportedOperators.isEmpty() || !m_verdict.warnings.isEmpty();
    const Devices::FitStatus shown
        = caveat && m_verdict.overall == Devices::FitStatus::Fits ? Devices::FitStatus::Tight : m_verdict.overall;
    verdictPalette.setColor(QPalette::WindowText, statusColor(shown));
    m_verdictLabel->setPalette(verdictPalette);

    m_sentencesLabel->setText(m_verdict.sentences.join(QLatin1Char('\n')));
    m_sentencesLabel->show();
    m_warningsLabel->setText(m_verdict.warnings.join(QLatin1Char('\n')));
    QPalette warningPalette = m_warningsLabel->palette();
    warningPalette.setColor(QPalette::WindowText, statusColor(Devices::FitStatus::Tight));
    m_warningsLabel->setPalette(warningPalette);
    m_warningsLabel->setVisible(!m_verdict.warnings.isEmpty());
    m_suggestionLabel->setText(m_verdict.suggestion);
    m_suggestionLabel->setVisible(!m_verdict.suggestion.isEmpty());
    m_detailsLabel->setText(m_verdict.details.join(QLatin1Char('\n')));
    m_detailsLabel->show();

    // One row per unsupported operator type, with how many layers use it and why TFLM refuses it.
    std::map<QString, std::pair<int, QString>> layers;
    for (const auto& analysis : m_document->analyses) {
        for (const auto& layer : analysis.layers) {
            if (layer.support.status != Profiler::SupportStatus::Unsupported)
                continue;
            auto& entry = layers[layer.type];
            ++entry.first;
            if (entry.second.isEmpty())
                entry.second = layer.support.reason;
        }
    }
    for (const QString& type : m_verdict.unsupportedOperators) {
        const auto it = layers.find(type);
        const int count = it == layers.end() ? 1 : it->second.first;
        auto* item = new QListWidgetItem(
            type + (count == 1 ? QStringLiteral(" (1 layer)") : QStringLiteral(" (%1 layers)").arg(count)));
        if (it != layers.end())
            item->setToolTip(it->second.second);
        m_unsupportedList->addItem(item);
    }
    const int rows = m_unsupportedList->count();
    const bool anyUnsupported = rows > 0;
    if (anyUnsupported) {
        m_unsupportedHeading->setText(rows == 1
                ? QStringLiteral("1 operator is not supported by TFLM's kernels:")
                : QStringLiteral("%1 operators are not supported by TFLM's kernels:").arg(rows));
        // As tall as its rows, up to six; then it scrolls.
        const int rowHeight
            = std::max(m_unsupportedList->sizeHintForRow(0), m_unsupportedList->fontMetrics().lineSpacing() + 2);
        m_unsupportedList->setFixedHeight(rowHeight * std::min(rows, 6) + 2 * m_unsupportedList->frameWidth() + 6);
    }
    m_unsupportedHeading->setVisible(anyUnsupported);
    m_unsupportedList->setVisible(anyUnsupported);
}

void BoardFitPanel::showErrors()
{
    m_errorLabel->setText(m_errors.join(QLatin1Char('\n')));
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, statusColor(Devices::FitStatus::DoesNotFit));
    m_errorLabel->setPalette(palette);
    m_errorLabel->setVisible(!m_errors.isEmpty());
}

int BoardFitPanel::boardIndexOf(const QString& id) const
{
    for (std::size_t i = 0; i < m_boards.size(); ++i) {
        if (m_boards[i].id == id)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace Widgets
