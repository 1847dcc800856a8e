// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "timelinedata.h"

#include <QColor>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QStringList>
#include <QWidget>

class QCPAxis;
class QCustomPlot;
class QComboBox;
class QHBoxLayout;
class QLabel;

namespace Widgets {

class SelectionHub;

/** Styling shared by the memory plots (timeline and arena map): palette colours, a byte axis on the left (ticks in
 *  B / KiB / MiB, powers of two) and operator-step ticks on the bottom. */
namespace MemoryPlotStyle {
/** Applies the application palette and fonts to `plot`; `yAxis` gets the byte ticker. */
void apply(QCustomPlot* plot);
/** Puts a labelled tick on every k-th visible step of `axis` (k chosen so labels never overlap), labels from
 *  `stepLabels`; `extraTicks` adds fixed ticks (position, label) such as the "never runs" column. */
void updateStepTicks(QCPAxis* axis, const QStringList& stepLabels, const QList<QPair<double, QString>>& extraTicks);
/** `a` mixed with `share` (0..1) of `b`: greys and muted colours that follow the palette. */
QColor blend(const QColor& a, const QColor& b, double share);
/** Fills the planner selector with the report's three plans, arena sizes in the item text. */
void fillPlanCombo(QComboBox* combo, const Profiler::MemoryReport* report);
} // namespace MemoryPlotStyle

/** What the memory plots (MemoryTimeline, ArenaMap) share: a plan selector and a one-line summary above a plot whose
 *  legend has a column of its own on the right, the document with its plan, and the link to a SelectionHub.
 *
 *  The plan selection is per widget; to keep the timeline and the arena map on the same plan connect each one's
 *  planChanged() to the other's setPlan() (setting the current plan emits nothing, so this cannot loop). */
class MemoryPlotWidget : public QWidget
{
    Q_OBJECT

public:
    ~MemoryPlotWidget() override;

    virtual void setDocument(Profiler::ModelDocumentPtr document);
    Profiler::ModelDocumentPtr document() const { return m_document; }
    void setSelectionHub(SelectionHub* hub);

    PlanKind plan() const { return m_plan; }
    /** The plot, for tests and image export. */
    QCustomPlot* plot() const { return m_plot; }
    QComboBox* planSelector() const { return m_planCombo; }
    /** The one-line summary above the plot ("Arena 73 728 B · ..."). */
    QString summaryText() const;

public Q_SLOTS:
    void setPlan(Widgets::PlanKind kind);

Q_SIGNALS:
    void planChanged(Widgets::PlanKind kind);

protected:
    explicit MemoryPlotWidget(QWidget* parent);

    /** Redraws the plot for the current document and plan, then shows what the hub has selected. */
    virtual void rebuild() = 0;
    /** Shows the hub's selection: operator `op` or tensor `tensor` of `subgraph` (-1 for none). */
    virtual void followOperator(int subgraph, int op) = 0;
    virtual void followTensor(int subgraph, int tensor) = 0;
    /** The memory problem of the current plan; nullptr without a document. */
    const Profiler::MemoryProblem* problem() const;

    Profiler::ModelDocumentPtr m_document;
    QPointer<SelectionHub> m_hub;
    PlanKind m_plan = PlanKind::Tflm;

    QComboBox* m_planCombo = nullptr;
    QHBoxLayout* m_bar = nullptr; ///< the row above the plot: plan selector, summary; subclasses add their switches
    QLabel* m_summary = nullptr;
    QCustomPlot* m_plot = nullptr;
};

} // namespace Widgets
