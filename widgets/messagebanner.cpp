// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace Widgets {

MessageBanner::MessageBanner(QWidget* parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Close"));
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::dismiss);
    hide();
}

void MessageBanner::showMessage(Severity severity, const QString& text, const QString& details)
{
    m_severity = severity;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QColor background(0xdd, 0xee, 0xff);
    if (severity == Severity::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        background = QColor(0xff, 0xf1, 0xc8);
    } else if (severity == Severity::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        background = QColor(0xfb, 0xd9, 0xd7);
    }
    QPalette pal = palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(20, 20));
    m_label->setText(text);
    m_label->setToolTip(details);
    show();
}

QString MessageBanner::text() const
{
    return m_label->text();
}

void MessageBanner::dismiss()
{
    hide();
    Q_EMIT dismissed();
}

} // namespace Widgets
