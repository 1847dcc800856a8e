// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "latency/latency.h"
#include "memoryplotwidget.h"

#include <QList>

#include <array>
#include <optional>
#include <vector>

class QCheckBox;

class QCPGraph;
class QCPItemLine;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;

namespace Widgets {

/** What the memory timeline's x axis counts. */
enum class TimelineAxis {
    Steps, ///< one unit per operator step
    MeasuredTime, ///< each step as wide as its operator's median measured latency (ms, or ticks without a tick rate)
};

/** Live arena memory over the operator steps of one run.
 *
 *  Live bytes are a filled area, stacked by the largest buffers (see TimelineData) with a legend; the peak is marked
 *  and labelled, the selected plan's arena size is a dashed line, the board's RAM budget a red line. A selector
 *  switches between the TFLM, best and reordered plans. Hovering shows the step's operator and largest buffers;
 *  clicking a step selects its operator in the SelectionHub; the hub's operator selection draws a cursor at its step
 *  and a tensor selection shades the tensor's lifetime. */
class MemoryTimeline : public MemoryPlotWidget
{
    Q_OBJECT

public:
    explicit MemoryTimeline(QWidget* parent = nullptr);
    ~MemoryTimeline() override;

    void setDocument(Profiler::ModelDocumentPtr document) override;

    /** Measured latency for the measured-time axis (nullptr: none; the axis falls back to steps). Keeps the zoom (as a
     *  range of operators), the cursor and the hover: call it on every new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);
    Profiler::LatencyProfilePtr latency() const { return m_latency; }
    /** Switches the x axis; MeasuredTime takes effect while there is latency for the model's main graph. */
    void setTimeAxis(TimelineAxis axis);
    /** The axis shown now (Steps while there is no latency, whatever was asked). */
    TimelineAxis timeAxis() const;
    /** The switch above the plot (disabled without latency). */
    QCheckBox* timeAxisSwitch() const { return m_axisSwitch; }
    /** x of the left edge of `step` and of the right edge of the last step on the current axis. */
    double stepLeft(int step) const;
    double stepRight(int step) const;

    qint64 ramBudget() const { return m_ramBudget; }

    /** What is plotted for the current plan; empty without a document. */
    const TimelineData& data() const { return m_data; }

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
    /** Board RAM available for the arena; 0 hides the line. */
    void setRamBudget(qint64 bytes);
    /** What a click on `step` does: selects its operator in the hub (the entry step clears the operator). */
    void selectStep(int step);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild() override;
    void updateRanges();
    /** The top of the byte axis at the plot's present size: the data, the lines and room for their labels. */
    double yRangeTop() const;
    /** A RAM budget so far above the data (over 4x) that its line is left off and a note at the top says so. */
    bool budgetAboveThePlot() const;
    void updateXTicks();
    void updatePeakMarker();
    void updateHorizontalLines();
    void setCursorStep(int step);
    void followOperator(int subgraph, int op) override;
    void followTensor(int subgraph, int tensor) override;
    void followHub(); ///< shows what the hub has selected now
    /** Step edges on the current axis: m_edges[s] .. m_edges[s + 1] is step s. */
    void updateStepEdges();
    double stepCentre(int step) const;
    /** Fractional step under axis position x (for keeping the zoom when the edges move). */
    double stepPosition(double x) const;
    double axisPosition(double step) const;
    const Profiler::LatencyProfile* usableLatency() const;

    qint64 m_ramBudget = 0;
    std::array<std::optional<TimelineData>, 3> m_cache; // per PlanKind, computed on first use
    TimelineData m_data;

    QList<QCPGraph*> m_seriesGraphs;
    QCPGraph* m_totalGraph = nullptr;
    QCPItemStraightLine* m_arenaLine = nullptr;
    QCPItemText* m_arenaText = nullptr;
    QCPItemStraightLine* m_budgetLine = nullptr;
    QCPItemText* m_budgetText = nullptr;
    QCPItemText* m_peakText = nullptr;
    double m_fittedTop = -1; ///< the byte axis' top as last fitted by yRangeTop()
    QCPItemLine* m_peakArrow = nullptr;
    QCPItemStraightLine* m_cursor = nullptr;
    QCPItemRect* m_lifetimeBand = nullptr;
    int m_cursorStep = -1;
    int m_hoverStep = -1;
    Profiler::LatencyProfilePtr m_latency;
    TimelineAxis m_axis = TimelineAxis::Steps; ///< as asked
    std::vector<double> m_edges;
    QCheckBox* m_axisSwitch = nullptr;
    QPoint m_pressPos;
};

} // namespace Widgets
