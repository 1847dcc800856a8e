// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphsearchbar.h"

#include "graphicons.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace Widgets {

namespace {

QToolButton* makeButton(QWidget* parent, GraphIcon icon, const QString& toolTip)
{
    auto* button = new QToolButton(parent);
    button->setIcon(graphIcon(icon, parent->palette().color(QPalette::ButtonText)));
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    return button;
}

} // namespace

GraphSearchBar::GraphSearchBar(QWidget* parent)
    : QFrame(parent)
    , m_edit(new QLineEdit(this))
    , m_result(new QLabel(this))
    , m_previous(makeButton(this, GraphIcon::Up, tr("Previous match (Shift+Enter)")))
    , m_next(makeButton(this, GraphIcon::Down, tr("Next match (Enter)")))
    , m_close(makeButton(this, GraphIcon::Close, tr("Close (Escape)")))
{
    setObjectName(QStringLiteral("graphSearchBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Window);

    m_edit->setPlaceholderText(tr("Find operator by name or type"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setMinimumWidth(220);
    m_edit->installEventFilter(this);
    m_result->setMinimumWidth(m_result->fontMetrics().horizontalAdvance(tr("No matches")) + 8);
    m_result->setAlignment(Qt::AlignCenter);
    m_result->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 4);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_result);
    layout->addWidget(m_previous);
    layout->addWidget(m_next);
    layout->addWidget(m_close);

    connect(m_edit, &QLineEdit::textEdited, this, &GraphSearchBar::textEdited);
    connect(m_previous, &QToolButton::clicked, this, &GraphSearchBar::previousRequested);
    connect(m_next, &QToolButton::clicked, this, &GraphSearchBar::nextRequested);
    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT closed();
    });
    setResult(-1, 0);
}

QString GraphSearchBar::text() const
{
    return m_edit->text();
}

void GraphSearchBar::setText(const QString& text)
{
    m_edit->setText(text);
}

void GraphSearchBar::setResult(int current, int count)
{
    if (m_edit->text().trimmed().isEmpty())
        m_result->clear();
    else if (count == 0)
        m_result->setText(tr("No matches"));
    else if (current < 0)
        m_result->setText(count == 1 ? tr("1 match") : tr("%1 matches").arg(count));
    else
        m_result->setText(tr("%1 of %2").arg(current + 1).arg(count));
    m_previous->setEnabled(count > 0);
    m_next->setEnabled(count > 0);
}

QString GraphSearchBar::resultText() const
{
    return m_result->text();
}

void GraphSearchBar::activate()
{
    show();
    raise();
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void GraphSearchBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        const QColor color = palette().color(QPalette::ButtonText);
        m_previous->setIcon(graphIcon(GraphIcon::Up, color));
        m_next->setIcon(graphIcon(GraphIcon::Down, color));
        m_close->setIcon(graphIcon(GraphIcon::Close, color));
    }
    QFrame::changeEvent(event);
}

bool GraphSearchBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const bool shift = key->modifiers() & Qt::ShiftModifier;
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_F3:
            if (shift)
                Q_EMIT previousRequested();
            else
                Q_EMIT nextRequested();
            return true;
        case Qt::Key_Escape:
            hide();
            Q_EMIT closed();
            return true;
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace Widgets
