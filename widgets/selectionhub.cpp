// SPDX-License-Identifier: GPL-3.0-or-later
#include "selectionhub.h"

namespace Widgets {

SelectionHub::SelectionHub(QObject* parent)
    : QObject(parent)
{
}

int SelectionHub::subgraph() const
{
    return m_subgraph;
}

int SelectionHub::op() const
{
    return m_op;
}

int SelectionHub::tensor() const
{
    return m_tensor;
}

void SelectionHub::selectSubgraph(int subgraph)
{
    if (subgraph == m_subgraph)
        return;
    m_subgraph = subgraph;
    m_op = -1;
    m_tensor = -1;
    Q_EMIT subgraphChanged(subgraph);
}

void SelectionHub::selectOperator(int subgraph, int op)
{
    if (subgraph != m_subgraph)
        selectSubgraph(subgraph);
    if (op == m_op && m_tensor == -1)
        return;
    m_op = op;
    m_tensor = -1;
    Q_EMIT operatorSelected(subgraph, op);
}

void SelectionHub::selectTensor(int subgraph, int tensor)
{
    if (subgraph != m_subgraph)
        selectSubgraph(subgraph);
    if (tensor == m_tensor && m_op == -1)
        return;
    m_tensor = tensor;
    m_op = -1;
    Q_EMIT tensorSelected(subgraph, tensor);
}

void SelectionHub::clear()
{
    if (m_op == -1 && m_tensor == -1)
        return;
    m_op = -1;
    m_tensor = -1;
    Q_EMIT operatorSelected(m_subgraph, -1);
}

} // namespace Widgets
