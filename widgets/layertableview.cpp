// SPDX-License-Identifier: GPL-3.0-or-later
#include "layertableview.h"

#include "layertablemodel.h"
#include "selectionhub.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScopedValueRollback>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace Widgets {

LayerTableView::LayerTableView(QWidget* parent)
    : QWidget(parent)
    , m_model(new LayerTableModel(this))
    , m_proxy(new LayerTableProxy(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_unsupportedOnly(new QCheckBox(tr("Unsupported only"), this))
    , m_count(new QLabel(this))
    , m_copyAction(new QAction(tr("Copy"), this))
{
    m_proxy->setSourceModel(m_model);

    m_filter->setPlaceholderText(tr("Filter by name or type"));
    m_filter->setClearButtonEnabled(true);
    m_unsupportedOnly->setToolTip(tr("Show only the operators TFLM's reference kernels cannot run"));
    m_count->setForegroundRole(QPalette::PlaceholderText);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_unsupportedOnly);
    bar->addWidget(m_count);

    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(
        m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &LayerTableView::showHeaderMenu);
    m_userHidden.assign(LayerTableModel::ColumnCount, false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Column widths from the visible rows and a sample of 250 others, not 1000: the sizing is a third of the time
    // the table takes to show a 50,000-operator model.
    m_table->horizontalHeader()->setResizeContentsPrecision(250);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LayerTableModel::IndexColumn, Qt::AscendingOrder);

    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyAction->setEnabled(false);
    m_table->addAction(m_copyAction);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    // QAbstractItemView copies only the current cell on Ctrl+C; take the key first when the shortcut did not fire.
    m_table->installEventFilter(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_filter, &QLineEdit::textChanged, this,
        [this](const QString& text) { applyFilter([&] { m_proxy->setFilterText(text); }); });
    connect(m_unsupportedOnly, &QCheckBox::toggled, this,
        [this](bool on) { applyFilter([&] { m_proxy->setUnsupportedOnly(on); }); });
    connect(m_copyAction, &QAction::triggered, this, &LayerTableView::copySelection);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LayerTableView::onSelectionChanged);
    updateCountLabel();
    updateColumnVisibility();
}

void LayerTableView::setLatency(Profiler::LatencyProfilePtr latency)
{
    const bool hadLatency = m_model->shownLatency() != nullptr;
    m_model->setLatency(std::move(latency));
    updateColumnVisibility();
    if (!hadLatency && m_model->shownLatency()) {
        for (int c = LayerTableModel::LatencyMsColumn; c <= LayerTableModel::CyclesPerMacColumn; ++c)
            m_table->resizeColumnToContents(c);
    }
}

void LayerTableView::setColumnHiddenByUser(int column, bool hidden)
{
    if (column < 0 || column >= LayerTableModel::ColumnCount)
        return;
    m_userHidden[static_cast<std::size_t>(column)] = hidden;
    updateColumnVisibility();
}

void LayerTableView::updateColumnVisibility()
{
    for (int c = 0; c < LayerTableModel::ColumnCount; ++c) {
        bool hidden = m_userHidden[static_cast<std::size_t>(c)];
        if (LayerTableModel::isLatencyColumn(c))
            hidden = hidden || !m_model->hasLatencyValues(c);
        if (m_table->isColumnHidden(c) != hidden)
            m_table->setColumnHidden(c, hidden);
    }
}

void LayerTableView::showHeaderMenu(const QPoint& pos)
{
    QMenu menu(this);
    for (int c = 0; c < LayerTableModel::ColumnCount; ++c) {
        // Latency columns without values have nothing to show: offer them once there is latency.
        if (LayerTableModel::isLatencyColumn(c) && !m_model->hasLatencyValues(c))
            continue;
        QAction* action = menu.addAction(m_model->headerData(c, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!m_userHidden[static_cast<std::size_t>(c)]);
        connect(action, &QAction::toggled, this, [this, c](bool on) { setColumnHiddenByUser(c, !on); });
    }
    menu.exec(m_table->horizontalHeader()->viewport()->mapToGlobal(pos));
}

void LayerTableView::setDocument(Profiler::ModelDocumentPtr document)
{
    m_document = std::move(document);
    showSubgraph(m_hub ? m_hub->subgraph() : 0);
}

void LayerTableView::setSelectionHub(SelectionHub* hub)
{
    if (m_hub)
        disconnect(m_hub, nullptr, this, nullptr);
    m_hub = hub;
    if (!hub)
        return;
    connect(hub, &SelectionHub::subgraphChanged, this, &LayerTableView::showSubgraph);
    connect(hub, &SelectionHub::operatorSelected, this, &LayerTableView::onHubOperatorSelected);
    // A tensor selection clears the hub's operator: mirror that without telling the hub.
    connect(
        hub, &SelectionHub::tensorSelected, this, [this](int subgraph, int) { onHubOperatorSelected(subgraph, -1); });
    if (m_document)
        showSubgraph(hub->subgraph());
}

void LayerTableView::showSubgraph(int subgraph)
{
    {
        const QScopedValueRollback<bool> guard(m_followingHub, true);
        m_model->setDocument(m_document, subgraph);
    }
    updateColumnVisibility();
    m_table->resizeColumnsToContents();
    // Layer names from converters can be hundreds of characters: keep the numbers in view, the tooltip has it all.
    const int nameWidth
        = std::min(m_table->columnWidth(LayerTableModel::NameColumn), 34 * fontMetrics().averageCharWidth());
    m_table->setColumnWidth(LayerTableModel::NameColumn, std::max(nameWidth, 12 * fontMetrics().averageCharWidth()));
    updateCountLabel();
    if (m_hub && m_hub->subgraph() == subgraph && m_hub->op() >= 0)
        selectOperatorRow(m_hub->op());
}

void LayerTableView::applyFilter(const std::function<void()>& change)
{
    // Hiding the selected row is no new selection: keep the hub's, and show it again when its row comes back.
    {
        const QScopedValueRollback<bool> guard(m_followingHub, true);
        change();
    }
    if (m_hub && m_hub->subgraph() == m_model->subgraph() && m_hub->op() >= 0)
        selectOperatorRow(m_hub->op());
    updateCountLabel();
}

void LayerTableView::onHubOperatorSelected(int subgraph, int op)
{
    if (subgraph != m_model->subgraph())
        showSubgraph(subgraph);
    selectOperatorRow(op);
}

void LayerTableView::selectOperatorRow(int op)
{
    const QScopedValueRollback<bool> guard(m_followingHub, true);
    const int sourceRow = m_model->rowOfOperator(op);
    const QModelIndex proxyIndex = sourceRow < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    QItemSelectionModel* selection = m_table->selectionModel();
    if (!proxyIndex.isValid()) {
        selection->clearSelection();
        return;
    }
    selection->setCurrentIndex(proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(proxyIndex, QAbstractItemView::EnsureVisible);
}

void LayerTableView::onSelectionChanged()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_copyAction->setEnabled(!rows.isEmpty());
    if (m_followingHub || !m_hub || !m_model->document())
        return;
    // With several rows selected (for copying), the one the user clicked last is the selected operator.
    QModelIndex row;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (current.isValid() && m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
        row = current;
    else if (rows.size() == 1)
        row = rows.first();
    if (!row.isValid()) {
        if (rows.isEmpty())
            m_hub->clear();
        return;
    }
    const int op = row.data(LayerTableModel::OperatorRole).toInt();
    if (op >= 0)
        m_hub->selectOperator(m_model->subgraph(), op);
}

QString LayerTableView::selectedRowsAsTsv() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    auto clean = [](QString s) {
        s.replace(QLatin1Char('\t'), QLatin1Char(' '));
        s.replace(QLatin1Char('\n'), QLatin1Char(' '));
        return s;
    };
    QStringList lines;
    QStringList header;
    std::vector<int> columns;
    for (int c = 0; c < LayerTableModel::ColumnCount; ++c) {
        if (!m_table->isColumnHidden(c))
            columns.push_back(c);
    }
    for (int c : columns)
        header << clean(m_proxy->headerData(c, Qt::Horizontal).toString());
    lines << header.join(QLatin1Char('\t'));
    for (const QModelIndex& row : std::as_const(rows)) {
        QStringList cells;
        for (int c : columns)
            cells << clean(m_proxy->index(row.row(), c).data(LayerTableModel::ExportRole).toString());
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void LayerTableView::copySelection()
{
    const QString tsv = selectedRowsAsTsv();
    if (!tsv.isEmpty())
        QGuiApplication::clipboard()->setText(tsv);
}

bool LayerTableView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Copy)) {
            copySelection();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LayerTableView::updateCountLabel()
{
    const int total = m_model->operatorCount();
    // The totals row is always shown and is no operator.
    const int shown = std::max(0, m_proxy->rowCount() - (m_model->document() ? 1 : 0));
    if (!m_model->document())
        m_count->clear();
    else if (shown == total)
        m_count->setText(total == 1 ? tr("1 operator") : tr("%1 operators").arg(total));
    else
        m_count->setText(tr("%1 of %2 operators").arg(shown).arg(total));
}

} // namespace Widgets
