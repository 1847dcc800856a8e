// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace Widgets {

class LatencyComparisonModel;

/** Two measured sessions of one model side by side: per layer the median of A and of B, the difference B - A and the
 *  ratio B / A, with totals and the comparison's warnings. Rows where B is faster or slower are coloured (and signed,
 *  so the colour is never the only cue). Sortable by any column; the totals row stays last. */
class LatencyComparisonView : public QWidget
{
    Q_OBJECT

public:
    enum Columns { IndexColumn, NameColumn, TypeColumn, AColumn, BColumn, DeltaColumn, RatioColumn, ColumnCount };
    enum Roles {
        SortRole = Qt::UserRole + 1, ///< raw value: double (NaN where not measured) or QString
        OperatorRole, ///< operator index; -1 on the totals row
        TotalsRowRole, ///< true on the totals row
    };

    explicit LatencyComparisonView(QWidget* parent = nullptr);
    ~LatencyComparisonView() override;

    /** Shows `comparison` of `subgraph` of `document` (names and types of the layers; without a document the rows
     *  say "operator N"). `labelA`/`labelB` name the sessions in the headers. */
    void setComparison(const Profiler::LatencyComparison& comparison, Profiler::ModelDocumentPtr document, int subgraph,
        const QString& labelA, const QString& labelB);
    /** Empties the table. */
    void clear();

    /** The rows in execution order plus the totals row (the source of the table's sorting proxy). */
    QAbstractItemModel* model() const;
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* tableView() const { return m_table; }
    /** The warnings as shown above the table, one per line; empty when there are none. */
    QString warningsText() const;

Q_SIGNALS:
    /** The user clicked the row of operator `op` of `subgraph`. */
    void operatorClicked(int subgraph, int op);

private:
    LatencyComparisonModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_summary;
    QLabel* m_warnings;
    int m_subgraph = 0;
};

} // namespace Widgets
