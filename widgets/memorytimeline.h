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

#include <array>
#include <memory>
#include <optional>

class QCPAxis;
class QCPGraph;
class QCPItemLine;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QComboBox;
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

/** Live arena memory over the operator steps of one run.
 *
 *  Live bytes are a filled area, stacked by the largest buffers (see TimelineData) with a legend; the peak is marked
 *  and labelled, the selected plan's arena size is a dashed line, the board's RAM budget a red line. A selector
 *  switches between the TFLM, best and reordered plans. Hovering shows the step's operator and largest buffers;
 *  clicking a step selects its operator in the SelectionHub; the hub's operator selection draws a cursor at its step
 *  and a tensor selection shades the tensor's lifetime.
 *
 *  The plan selection is per widget; to keep the timeline and the arena map on the same plan connect each one's
 *  planChanged() to the other's setPlan() (setting the current plan emits nothing, so this cannot loop). */
class MemoryTimeline : public QWidget
{
    Q_OBJECT

public:
    explicit MemoryTimeline(QWidget* parent = nullptr);
    ~MemoryTimeline() override;

    void setDocument(Profiler::ModelDocumentPtr document);
    Profiler::ModelDocumentPtr document() const { return m_document; }
    void setSelectionHub(SelectionHub* hub);

    PlanKind plan() const { return m_plan; }
    qint64 ramBudget() const { return m_ramBudget; }

    /** What is plotted for the current plan; empty without a document. */
    const TimelineData& data() const { return m_data; }
    /** The plot, for tests and image export. */
    QCustomPlot* plot() const { return m_plot; }
    QComboBox* planSelector() const { return m_planCombo; }
    /** The one-line summary above the plot ("Arena 73 728 B · ..."). */
    QString summaryText() const;

    /** Stacked series graphs, bottom first ("other" last when present), as plotted (cumulative values). */
    QList<QCPGraph*> seriesGraphs() const { return m_seriesGraphs; }
    /** The live-bytes outline graph. */
    QCPGraph* totalGraph() const { return m_totalGraph; }

    /** y (bytes) of the arena line of the current plan, the RAM budget line, or -1 when not shown. */
    double arenaLineBytes() const;
    double ramBudgetLineBytes() const;
    /** Step under the selection cursor, -1 when no cursor is drawn. */
    int cursorStep() const { return m_cursorStep; }
    /** Text of the peak marker; empty without data. */
    QString peakText() const;

    /** Step at a widget position of the plot (nearest step under x), -1 outside the data. */
    int stepAt(const QPoint& plotPosition) const;
    /** Hover text for `step`. */
    QString toolTipForStep(int step) const;

public Q_SLOTS:
    void setPlan(Widgets::PlanKind kind);
    /** Board RAM available for the arena; 0 hides the line. */
    void setRamBudget(qint64 bytes);
    /** What a click on `step` does: selects its operator in the hub (the entry step clears the operator). */
    void selectStep(int step);

Q_SIGNALS:
    void planChanged(Widgets::PlanKind kind);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void updateRanges();
    void updateXTicks();
    void updatePeakMarker();
    void updateHorizontalLines();
    void setCursorStep(int step);
    void followOperator(int subgraph, int op);
    void followTensor(int subgraph, int tensor);
    void followHub(); ///< shows what the hub has selected now
    const Profiler::MemoryProblem* problem() const;

    Profiler::ModelDocumentPtr m_document;
    QPointer<SelectionHub> m_hub;
    PlanKind m_plan = PlanKind::Tflm;
    qint64 m_ramBudget = 0;
    std::array<std::optional<TimelineData>, 3> m_cache; // per PlanKind, computed on first use
    TimelineData m_data;

    QComboBox* m_planCombo = nullptr;
    QLabel* m_summary = nullptr;
    QCustomPlot* m_plot = nullptr;
    QList<QCPGraph*> m_seriesGraphs;
    QCPGraph* m_totalGraph = nullptr;
    QCPItemStraightLine* m_arenaLine = nullptr;
    QCPItemText* m_arenaText = nullptr;
    QCPItemStraightLine* m_budgetLine = nullptr;
    QCPItemText* m_budgetText = nullptr;
    QCPItemText* m_peakText = nullptr;
    QCPItemLine* m_peakArrow = nullptr;
    QCPItemStraightLine* m_cursor = nullptr;
    QCPItemRect* m_lifetimeBand = nullptr;
    int m_cursorStep = -1;
    int m_hoverStep = -1;
    QPoint m_pressPos;
};

} // namespace Widgets
