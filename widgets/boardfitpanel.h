// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "boards/boardfit.h"
#include "boards/boardprofile.h"
#include "document/modeldocument.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QListWidget;
class QProgressBar;

namespace Widgets {

/** Does the open model fit a development board? A board picker (built-in and user boards, "Add board..."), the
 *  board's facts, flash and RAM bars coloured by status, the verdict in words, unsupported operators and a
 *  suggestion. The last board chosen is remembered in QSettings. */
class BoardFitPanel : public QWidget
{
    Q_OBJECT

public:
    explicit BoardFitPanel(QWidget* parent = nullptr);
    ~BoardFitPanel() override;

    /** Judges what `document` needs (`need`, made by the app: Report::fitInputFromDocument()) against the current
     *  board; a null document clears the verdict. */
    void setDocument(Profiler::ModelDocumentPtr document, const Devices::FitInput& need);
    Profiler::ModelDocumentPtr document() const { return m_document; }

    QString currentBoardId() const;
    /** Selects a board by id; unknown ids are ignored. Emits boardChanged() when the board changes. */
    void selectBoard(const QString& id);
    /** The selected board, or null when no board could be loaded at all. */
    const Devices::BoardProfile* currentBoard() const;
    QStringList boardIds() const; ///< in combo box order

    /** The verdict shown; meaningful only when hasVerdict(). */
    const Devices::FitVerdict& verdict() const { return m_verdict; }
    bool hasVerdict() const { return m_hasVerdict; }

    /** Folder of user-defined boards (default: Devices::defaultUserBoardsDir()); setting it reloads the boards. */
    void setUserBoardsDirectory(const QString& dir);
    QString userBoardsDirectory() const { return m_userDir; }

    /** Saves `board` as a user board, reloads and selects it. What "Add board..." does after its dialog. */
    Devices::BoardResult<QString> addUserBoard(const Devices::BoardProfile& board);

    /** Problems met while loading boards or saving one, one line each. */
    QStringList boardErrors() const { return m_errors; }

    /** Opens the "Add board" dialog (non-blocking; it saves the board when accepted). */
    void openAddBoardDialog();

    /** An identifier for a new user board named `name` that no loaded board uses yet. */
    QString unusedBoardId(const QString& name) const;

signals:
    /** The selected board changed; the budgets are what the model may use (board minus reserved). */
    void boardChanged(const QString& id, qint64 ramBudgetBytes, qint64 flashBudgetBytes);

private:
    void reloadBoards(const QString& keepId);
    void rebuildCombo();
    void applyBoard(int boardIndex, bool notify);
    void onComboIndexChanged(int comboIndex);
    void showFacts();
    void updateVerdict();
    void showErrors();
    int boardIndexOf(const QString& id) const;

    std::vector<Devices::BoardProfile> m_boards; ///< built-ins first, then user boards
    int m_current = -1; ///< index into m_boards
    QString m_userDir;
    QStringList m_errors;
    Profiler::ModelDocumentPtr m_document;
    Devices::FitInput m_need;
    Devices::FitVerdict m_verdict;
    bool m_hasVerdict = false;

    QComboBox* m_combo = nullptr;
    QLabel* m_errorLabel = nullptr;
    QFormLayout* m_facts = nullptr;
    QLabel* m_mcuValue = nullptr;
    QLabel* m_coreValue = nullptr;
    QLabel* m_clockValue = nullptr;
    QLabel* m_sramValue = nullptr;
    QLabel* m_flashValue = nullptr;
    QLabel* m_extensionsValue = nullptr;
    QLabel* m_reservedValue = nullptr;
    QProgressBar* m_flashBar = nullptr;
    QProgressBar* m_ramBar = nullptr;
    QLabel* m_verdictLabel = nullptr;
    QLabel* m_sentencesLabel = nullptr;
    QLabel* m_warningsLabel = nullptr;
    QLabel* m_suggestionLabel = nullptr;
    QLabel* m_unsupportedHeading = nullptr;
    QListWidget* m_unsupportedList = nullptr;
    QLabel* m_detailsLabel = nullptr;
};

} // namespace Widgets
