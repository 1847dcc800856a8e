// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memoryplotwidget.h"

#include <vector>

class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;

namespace Widgets {

class ArenaRectsLayer;

/** Where each buffer sits in the arena over time: x = operator step, y = arena offset, one rectangle per buffer
 *  (lifetime x size), filled with the category colour of the operator that writes it (scratch buffers grey and
 *  hatched, subgraph inputs neutral). Buffers of subgraphs that never run sit in a column left of step 0.
 *
 *  The rectangles are drawn by one QCustomPlot plottable per colour group that paints them directly (no item per
 *  buffer), so models with thousands of buffers stay responsive; labels appear inside rectangles large enough.
 *  Hovering shows the buffer; clicking selects its tensor in the SelectionHub (a scratch buffer selects its
 *  operator, empty space clears the selection). The hub's tensor selection outlines that tensor's rectangle; its
 *  operator selection shades the operator's step and fades the buffers not alive there.
 *
 *  The plan selector (setPlan() / planChanged()) is MemoryPlotWidget's, as in MemoryTimeline: per widget; connect
 *  the two widgets both ways to keep them on one plan. */
class ArenaMap : public MemoryPlotWidget
{
    Q_OBJECT

public:
    explicit ArenaMap(QWidget* parent = nullptr);
    ~ArenaMap() override;

    /** The rectangles of the current plan, indexed by buffer. */
    const std::vector<ArenaRect>& rects() const { return m_rects; }

    /** y (bytes) of the arena-top line, -1 when not shown. */
    double arenaTopBytes() const;
    /** Buffers drawn highlighted (selected tensor, or alive at the selected step); empty when nothing is. */
    std::vector<int> highlightedBuffers() const;
    /** Step shaded for the hub's operator selection, -1 for none. */
    int highlightedStep() const { return m_highlightStep; }

    /** Buffer under a widget position of the plot, -1 for none. */
    int bufferAt(const QPoint& plotPosition) const;
    /** Hover text of `buffer`. */
    QString toolTipForBuffer(int buffer) const;

public Q_SLOTS:
    /** What a click on `buffer` does: selects its tensor (or a scratch buffer's operator) in the hub; -1 clears. */
    void selectBuffer(int buffer);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild() override;
    void resetRanges();
    void followOperator(int subgraph, int op) override;
    void followTensor(int subgraph, int tensor) override;
    void applyHighlight();

    std::vector<ArenaRect> m_rects;
    std::vector<bool> m_highlighted; // per buffer; empty = nothing highlighted
    int m_highlightStep = -1;
    std::int64_t m_arenaBytes = 0;
    double m_minX = -0.5;
    double m_maxX = 0.5;

    std::vector<ArenaRectsLayer*> m_layers;
    QCPItemStraightLine* m_topLine = nullptr;
    QCPItemText* m_topText = nullptr;
    QCPItemRect* m_stepBand = nullptr;
    int m_hoverBuffer = -1;
    QPoint m_pressPos;
};

} // namespace Widgets
