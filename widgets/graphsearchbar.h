// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

class QLabel;
class QLineEdit;
class QToolButton;

namespace Widgets {

/** The find bar floating over the graph: a text field, "n of m", previous / next and close. Enter and F3 go to the
 *  next match, Shift+Enter and Shift+F3 to the previous one, Escape closes. It only reports; GraphView searches. */
class GraphSearchBar : public QFrame
{
    Q_OBJECT

public:
    explicit GraphSearchBar(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    /** Shows "current of count" (current is 0-based, -1 for none yet); "No matches" for a non-empty text. */
    void setResult(int current, int count);
    QString resultText() const;
    QLineEdit* lineEdit() const { return m_edit; }

public Q_SLOTS:
    void activate(); ///< shows the bar and selects its text for typing

Q_SIGNALS:
    void textEdited(const QString& text);
    void nextRequested();
    void previousRequested();
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QLineEdit* m_edit;
    QLabel* m_result;
    QToolButton* m_previous;
    QToolButton* m_next;
    QToolButton* m_close;
};

} // namespace Widgets
