// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <vector>

class QAction;
class QCheckBox;
class QItemSelection;
class QLabel;
class QLineEdit;
class QTableView;

namespace Widgets {

class LayerTableModel;
class LayerTableProxy;
class SelectionHub;

/** The per-layer table of one subgraph with a text filter and an "unsupported only" switch. Follows and drives a
 *  SelectionHub; Ctrl+C and the context menu copy the selected rows as tab-separated values. */
class LayerTableView : public QWidget
{
    Q_OBJECT

public:
    explicit LayerTableView(QWidget* parent = nullptr);

    /** Shows `document`, in the hub's current subgraph (subgraph 0 without a hub). */
    void setDocument(Profiler::ModelDocumentPtr document);
    /** Follows `hub` from now on and reports clicks to it; nullptr detaches. */
    void setSelectionHub(SelectionHub* hub);
    /** Fills the latency columns (nullptr empties them). The latency columns are hidden while there is no latency
     *  and appear when it arrives; columns the user hid from the header's menu stay hidden. Sorting, selection and
     *  scrolling are kept, so this can follow every new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);
    /** Hides or shows `column` as the header's context menu does (a user choice that latency updates keep). */
    void setColumnHiddenByUser(int column, bool hidden);

    LayerTableModel* model() const { return m_model; }
    LayerTableProxy* proxy() const { return m_proxy; }
    QTableView* tableView() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QCheckBox* unsupportedOnlyBox() const { return m_unsupportedOnly; }
    QAction* copyAction() const { return m_copyAction; }

    /** The selected rows in display order as TSV: a header line, then one line per row, plain numbers; the visible
     *  columns only. */
    QString selectedRowsAsTsv() const;

public Q_SLOTS:
    void showSubgraph(int subgraph);
    /** Copies selectedRowsAsTsv() to the clipboard (nothing when no row is selected). */
    void copySelection();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter(const std::function<void()>& change);
    void onSelectionChanged();
    void onHubOperatorSelected(int subgraph, int op);
    void selectOperatorRow(int op);
    void updateCountLabel();
    void updateColumnVisibility();
    void showHeaderMenu(const QPoint& pos);

    Profiler::ModelDocumentPtr m_document;
    QPointer<SelectionHub> m_hub;
    LayerTableModel* m_model = nullptr;
    LayerTableProxy* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QCheckBox* m_unsupportedOnly = nullptr;
    QLabel* m_count = nullptr;
    QAction* m_copyAction = nullptr;
    std::vector<bool> m_userHidden; ///< per column: hidden from the header's menu
    bool m_followingHub = false; ///< set while the view changes its selection for the hub: do not echo it back
};

} // namespace Widgets
