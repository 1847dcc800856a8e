// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace Widgets {

class SelectionHub;

/** Property/value tree of the selected operator (options, numbers, support, its tensors) or tensor (quantization,
 *  producer, consumers, lifetime, arena offset). Lines that name another tensor or operator are links: clicking one
 *  selects it in the hub. */
class PropertiesPanel : public QWidget
{
    Q_OBJECT

public:
    enum ItemRoles {
        LinkKindRole = Qt::UserRole + 1, ///< int(LinkKind) on column 0 of every item
        LinkIndexRole, ///< operator, tensor or subgraph index the line links to
    };
    enum class LinkKind { None, Operator, Tensor, Subgraph };

    explicit PropertiesPanel(QWidget* parent = nullptr);

    /** Shows what the hub has selected in `document` (nothing without a hub). */
    void setDocument(Profiler::ModelDocumentPtr document);
    /** Follows `hub` from now on and reports link clicks to it; nullptr detaches. */
    void setSelectionHub(SelectionHub* hub);
    /** Adds a "Measured latency" section to operators of the profiled subgraph, and shows the session's summary when
     *  nothing is selected; nullptr removes both. Keeps the scroll position and collapsed sections, so this can
     *  follow every new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);

    QTreeWidget* tree() const { return m_tree; }
    /** True while the panel shows its "nothing selected" text instead of the tree. */
    bool isShowingEmptyState() const;
    /** One line above the tree saying what is shown ("Operator 3 · CONV_2D"); empty in the empty state. */
    QString title() const;

public Q_SLOTS:
    void showOperator(int subgraph, int op);
    void showTensor(int subgraph, int tensor);
    void showNothing();

private:
    void followLink(QTreeWidgetItem* item);
    void openLink(LinkKind kind, int index);
    void showTree(const QString& title);
    void showSession();
    void refresh(); ///< shows the current selection again with the current latency
    /** Subgraph `subgraph` of the document when it and its analysis exist; nullptr otherwise. */
    const Profiler::Subgraph* subgraphAt(int subgraph) const;

    Profiler::ModelDocumentPtr m_document;
    QPointer<SelectionHub> m_hub;
    QLabel* m_title = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_empty = nullptr;
    QTreeWidget* m_tree = nullptr;
    int m_subgraph = 0;
    Profiler::LatencyProfilePtr m_latency;
    enum class Shown { Nothing, Operator, Tensor };
    Shown m_shown = Shown::Nothing;
    int m_shownIndex = -1;
};

} // namespace Widgets
