// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

namespace Widgets {

/** The one place where "what is selected" lives. Every view reports the user's clicks here and follows the
 *  signals, so selecting a node selects its table row and its timeline step, and the other way round. Setting
 *  what is already selected emits nothing, so views that echo a selection back cause no loops. */
class SelectionHub : public QObject
{
    Q_OBJECT

public:
    explicit SelectionHub(QObject* parent = nullptr);

    // Out of line on purpose: views hold the hub in a QPointer, and GCC's -Wnull-dereference flags inline reads
    // through it even after a null check.
    int subgraph() const;
    int op() const;     ///< -1: no operator selected
    int tensor() const; ///< -1: no tensor selected

public Q_SLOTS:
    /** Shows subgraph `subgraph` and clears the operator and tensor selection. */
    void selectSubgraph(int subgraph);
    /** Selects operator `op` of `subgraph` (-1 clears it); the tensor selection is cleared. */
    void selectOperator(int subgraph, int op);
    /** Selects tensor `tensor` of `subgraph`; the operator selection is cleared. */
    void selectTensor(int subgraph, int tensor);
    void clear();

Q_SIGNALS:
    void subgraphChanged(int subgraph);
    void operatorSelected(int subgraph, int op);
    void tensorSelected(int subgraph, int tensor);

private:
    int m_subgraph = 0;
    int m_op = -1;
    int m_tensor = -1;
};

} // namespace Widgets
