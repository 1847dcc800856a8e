// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QToolButton;

namespace Widgets {

/** A non-modal strip at the top of the window for errors and notices: it names the file and the reason and stays
 *  until the user closes it or a newer message replaces it. Never blocks the window. */
class MessageBanner : public QWidget
{
    Q_OBJECT

public:
    enum class Severity { Information, Warning, Error };

    explicit MessageBanner(QWidget* parent = nullptr);

    void showMessage(Severity severity, const QString& text, const QString& details = {});
    QString text() const;
    Severity severity() const { return m_severity; }

public Q_SLOTS:
    void dismiss();

Q_SIGNALS:
    void dismissed();

private:
    QLabel* m_icon;
    QLabel* m_label;
    QToolButton* m_close;
    Severity m_severity = Severity::Information;
};

} // namespace Widgets
