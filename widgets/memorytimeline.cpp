// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorytimeline.h"

#include "categorycolors.h"
#include "heatscale.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"

#include <QCheckBox>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace Widgets {

namespace {

// Above this many samples the stacked graphs are drawn without antialiasing.
constexpr int kSmoothSamples = 600;

/** A stacked series: a filled band whose legend icon is a square swatch of the fill, not QCPGraph's thin strip. */
class StackGraph : public QCPGraph
{
public:
    using QCPGraph::QCPGraph;

protected:
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override
    {
        const double side = std::min(rect.width(), rect.height() - 2);
        const QRectF swatch(rect.left(), rect.center().y() - side / 2, side, side);
        painter->setPen(pen());
        painter->setBrush(brush());
        painter->drawRect(swatch);
    }
};

// Distinct fills for the stacked buffers, bottom first; "other" is grey.
QColor seriesColor(int index, bool dark)
{
    static const int hues[] = { 210, 28, 135, 350, 265, 48, 180, 315, 95, 0 };
    const int hue = hues[static_cast<std::size_t>(index) % (sizeof(hues) / sizeof(hues[0]))];
    return dark ? QColor::fromHsv(hue, 170, 190) : QColor::fromHsv(hue, 130, 235);
}

QColor textColor(const QWidget* w)
{
    return w->palette().color(QPalette::Text);
}

} // namespace

MemoryTimeline::MemoryTimeline(QWidget* parent)
    : MemoryPlotWidget(parent)
{
    m_plot->yAxis->setLabel(tr("live arena memory"));
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_axisSwitch = new QCheckBox(tr("&Measured time"), this);
    m_axisSwitch->setObjectName(QStringLiteral("timeAxisSwitch"));
    m_axisSwitch->setEnabled(false);
    m_axisSwitch->setToolTip(
        tr("Make each operator as wide as its measured median latency (needs a measured session)"));
    m_bar->addWidget(m_axisSwitch);
    connect(m_axisSwitch, &QCheckBox::toggled, this,
        [this](bool on) { setTimeAxis(on ? TimelineAxis::MeasuredTime : TimelineAxis::Steps); });
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& r) {
        // Never scroll past the run, never zoom in further than three steps (a thousandth of the run in time); a run
        // of fewer steps is shown whole, without an empty step on the right.
        const double lo = m_edges.empty() ? -0.5 : m_edges.front();
        const double hi = m_edges.empty() ? -0.5 : m_edges.back();
        const double least = timeAxis() == TimelineAxis::Steps ? std::clamp(hi - lo, 1.0, 3.0)
                                                               : std::max(1e-9, (hi - lo) / 1000);
        QCPRange fixed = r;
        if (fixed.size() > hi - lo)
            fixed = QCPRange(lo, hi);
        fixed.upper = std::max(fixed.upper, fixed.lower + least);
        if (fixed.lower < lo)
            fixed = QCPRange(lo, lo + fixed.size());
        if (fixed.upper > hi && hi - lo >= least)
            fixed = QCPRange(hi - fixed.size(), hi);
        if (fixed != r)
            m_plot->xAxis->setRange(fixed);
    });
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) { m_pressPos = e->pos(); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* e) {
        if (e->button() != Qt::LeftButton || (e->pos() - m_pressPos).manhattanLength() > 4)
            return;
        const int step = stepAt(e->pos());
        if (step >= 0)
            selectStep(step);
    });
    // The head room above the data is counted in pixels, so it is known once the plot is laid out at its size; a
    // byte range the user zoomed or dragged is left alone.
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        if (m_plot->viewport() != m_plot->rect())
            return; // laid out for an exported image, at another size: the widget keeps its own axis
        const QCPRange shown = m_plot->yAxis->range();
        if (shown.lower != 0 || shown.upper != m_fittedTop)
            return;
        const double top = yRangeTop();
        if (top != m_fittedTop) {
            m_fittedTop = top;
            m_plot->yAxis->setRange(0, top);
        }
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        updateRanges();
        m_plot->replot();
    });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const int step = stepAt(e->pos());
        if (step == m_hoverStep)
            return;
        m_hoverStep = step;
        if (step < 0)
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), toolTipForStep(step), m_plot);
    });
    rebuild();
}

MemoryTimeline::~MemoryTimeline() = default;

const Profiler::LatencyProfile* MemoryTimeline::usableLatency() const
{
    const Profiler::LatencyProfile* p = m_latency.get();
    return p && m_document && p->measuredLayers() > 0 ? p : nullptr;
}

TimelineAxis MemoryTimeline::timeAxis() const
{
    return m_axis == TimelineAxis::MeasuredTime && usableLatency() ? TimelineAxis::MeasuredTime : TimelineAxis::Steps;
}

void MemoryTimeline::setLatency(Profiler::LatencyProfilePtr latency)
{
    const TimelineAxis before = timeAxis();
    const QCPRange range = m_plot->xAxis->range();
    const bool whole
        = m_edges.empty() || (range.lower <= m_edges.front() + 1e-12 && range.upper >= m_edges.back() - 1e-12);
    const double first = stepPosition(range.lower);
    const double last = stepPosition(range.upper);
    m_latency = std::move(latency);
    {
        const QSignalBlocker blocker(m_axisSwitch);
        m_axisSwitch->setEnabled(usableLatency() != nullptr);
        m_axisSwitch->setChecked(m_axis == TimelineAxis::MeasuredTime);
    }
    if (before == TimelineAxis::Steps && timeAxis() == TimelineAxis::Steps)
        return; // nothing on the plot depends on latency
    rebuild();
    // Keep the zoom as the same range of operators.
    if (!whole)
        m_plot->xAxis->setRange(axisPosition(first), axisPosition(last));
    m_plot->replot();
}

void MemoryTimeline::setTimeAxis(TimelineAxis axis)
{
    if (axis == m_axis)
        return;
    m_axis = axis;
    {
        const QSignalBlocker blocker(m_axisSwitch);
        m_axisSwitch->setChecked(axis == TimelineAxis::MeasuredTime);
    }
    rebuild();
}

void MemoryTimeline::updateStepEdges()
{
    const int n = std::max(0, m_data.stepCount);
    m_edges.assign(static_cast<std::size_t>(n) + 1, 0.0);
    const Profiler::LatencyProfile* latency = timeAxis() == TimelineAxis::MeasuredTime ? usableLatency() : nullptr;
    const Profiler::MemoryProblem* p = problem();
    if (!latency || !p || p->steps.size() != static_cast<std::size_t>(n)) {
        for (int s = 0; s <= n; ++s)
            m_edges[static_cast<std::size_t>(s)] = s - 0.5;
        return;
    }
    // Entry steps and operators without a measurement take no time; operators of called subgraphs run inside their
    // caller's measured time.
    for (int s = 0; s < n; ++s) {
        const Profiler::MemoryStep& step = p->steps[static_cast<std::size_t>(s)];
        double width = 0;
        if (step.subgraph == latency->subgraph && step.op >= 0
            && static_cast<std::size_t>(step.op) < latency->layers.size()) {
            const Profiler::LayerLatency& l = latency->layers[static_cast<std::size_t>(step.op)];
            if (l.measured())
                width = latency->hasTime() ? latency->ticksToMs(l.medianTicks) : l.medianTicks;
        }
        m_edges[static_cast<std::size_t>(s) + 1] = m_edges[static_cast<std::size_t>(s)] + width;
    }
}

double MemoryTimeline::stepLeft(int step) const
{
    if (m_edges.empty())
        return 0;
    return m_edges[static_cast<std::size_t>(std::clamp(step, 0, static_cast<int>(m_edges.size()) - 1))];
}

double MemoryTimeline::stepRight(int step) const
{
    return stepLeft(step + 1);
}

double MemoryTimeline::stepCentre(int step) const
{
    return (stepLeft(step) + stepRight(step)) / 2;
}

double MemoryTimeline::stepPosition(double x) const
{
    if (m_edges.size() < 2)
        return 0;
    const auto it = std::upper_bound(m_edges.begin(), m_edges.end(), x);
    if (it == m_edges.begin())
        return 0;
    if (it == m_edges.end())
        return static_cast<double>(m_edges.size() - 1);
    const std::size_t s = static_cast<std::size_t>(it - m_edges.begin()) - 1;
    const double width = m_edges[s + 1] - m_edges[s];
    return static_cast<double>(s) + (width > 0 ? (x - m_edges[s]) / width : 0.0);
}

double MemoryTimeline::axisPosition(double step) const
{
    if (m_edges.size() < 2)
        return 0;
    const double clamped = std::clamp(step, 0.0, static_cast<double>(m_edges.size() - 1));
    const auto s = std::min(static_cast<std::size_t>(clamped), m_edges.size() - 2);
    return m_edges[s] + (clamped - static_cast<double>(s)) * (m_edges[s + 1] - m_edges[s]);
}

void MemoryTimeline::setDocument(Profiler::ModelDocumentPtr document)
{
    m_cache = {};
    m_cursorStep = -1;
    MemoryPlotWidget::setDocument(std::move(document));
    m_axisSwitch->setEnabled(usableLatency() != nullptr);
}

void MemoryTimeline::followHub()
{
    // One read of the guarded pointer: the compiler cannot tell that QPointer stays non-null between reads.
    const SelectionHub* hub = m_hub.data();
    if (!hub)
        return;
    if (hub->op() >= 0)
        followOperator(hub->subgraph(), hub->op());
    else if (hub->tensor() >= 0)
        followTensor(hub->subgraph(), hub->tensor());
}

void MemoryTimeline::setRamBudget(qint64 bytes)
{
    m_ramBudget = std::max<qint64>(0, bytes);
    updateHorizontalLines();
    updateRanges();
    updatePeakMarker();
    m_plot->replot(QCustomPlot::rpQueuedRefresh);
}

void MemoryTimeline::rebuild()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_seriesGraphs.clear();
    m_totalGraph = nullptr;
    m_hoverStep = -1;

    if (m_document) {
        auto& cached = m_cache[static_cast<std::size_t>(m_plan)];
        if (!cached) {
            const PlanRef ref = planOf(m_document->memory, m_plan);
            cached = buildTimelineData(m_document->model, *ref.problem, *ref.plan);
        }
        m_data = *cached;
    } else {
        m_data = TimelineData();
    }
    updateStepEdges();
    const bool measured = timeAxis() == TimelineAxis::MeasuredTime;

    const bool dark = paletteIsDark();
    const QColor text = textColor(this);

    // Stacked series: cumulative values, each filled down to the one below it. Step edges sit half-way between
    // operators: point i spans [x_i - 0.5, x_(i+1) - 0.5), plus a closing point at the last step + 0.5.
    const int samples = static_cast<int>(m_data.x.size());
    QVector<double> keys;
    keys.reserve(samples + 1);
    for (double x : m_data.x)
        keys << stepLeft(static_cast<int>(x));
    if (samples > 0)
        keys << stepRight(static_cast<int>(m_data.x.back()));
    QVector<double> cumulative(keys.size(), 0.0);
    QList<QCPGraph*> created;
    for (std::size_t k = 0; k < m_data.series.size(); ++k) {
        const TimelineSeries& s = m_data.series[k];
        for (int i = 0; i < samples; ++i)
            cumulative[i] += s.bytes[static_cast<std::size_t>(i)];
        if (samples > 0)
            cumulative[samples] = cumulative[samples - 1];
        auto* g = new StackGraph(m_plot->xAxis, m_plot->yAxis);
        const bool other = s.buffer < 0;
        QColor fill = other ? MemoryPlotStyle::blend(m_plot->palette().color(QPalette::Base), text, 0.18)
                            : seriesColor(static_cast<int>(k), dark);
        g->setLineStyle(QCPGraph::lsStepLeft);
        // Hundreds of steps per plot width: antialiased outlines would cost tens of milliseconds per replot for
        // nothing visible (step lines are horizontal and vertical).
        g->setAntialiased(samples <= kSmoothSamples);
        g->setAntialiasedFill(samples <= kSmoothSamples);
        g->setPen(QPen(fill.darker(dark ? 80 : 125), 1));
        g->setBrush(fill);
        g->setChannelFillGraph(m_seriesGraphs.isEmpty() ? nullptr : m_seriesGraphs.last());
        g->setData(keys, cumulative, true);
        const QString name
            = QFontMetrics(m_plot->legend->font()).elidedText(shortBufferLabel(s.label), Qt::ElideMiddle, 220);
        g->setName(other ? tr("other buffers") : name);
        g->setSelectable(QCP::stNone);
        m_seriesGraphs << g;
    }
    // Legend top-down like the stack: "other" first, the largest buffer last.
    m_plot->legend->clearItems();
    for (auto it = m_seriesGraphs.crbegin(); it != m_seriesGraphs.crend(); ++it)
        (*it)->addToLegend();

    if (samples > 0) {
        QVector<double> total(keys.size());
        for (int i = 0; i < samples; ++i)
            total[i] = m_data.liveBytes[static_cast<std::size_t>(i)];
        total[samples] = total[samples - 1];
        m_totalGraph = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
        m_totalGraph->setLineStyle(QCPGraph::lsStepLeft);
        m_totalGraph->setAntialiased(samples <= kSmoothSamples);
        m_totalGraph->setPen(QPen(text, 1.6));
        m_totalGraph->setData(keys, total, true);
        m_totalGraph->setName(tr("live bytes"));
        m_totalGraph->setSelectable(QCP::stNone);
        m_totalGraph->removeFromLegend();
    }
    m_plot->legend->setVisible(m_plot->legend->itemCount() > 0);

    // Shading of a selected tensor's lifetime, below the data lines.
    m_lifetimeBand = new QCPItemRect(m_plot);
    m_lifetimeBand->setLayer(QStringLiteral("grid"));
    QColor band = m_plot->palette().color(QPalette::Highlight);
    band.setAlpha(45);
    m_lifetimeBand->setPen(Qt::NoPen);
    m_lifetimeBand->setBrush(band);
    m_lifetimeBand->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_lifetimeBand->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_lifetimeBand->setVisible(false);
    m_lifetimeBand->setSelectable(false);

    // Items are drawn in the order they are made: cursor and lines first, their labels on top.
    m_cursor = new QCPItemStraightLine(m_plot);
    m_cursor->setPen(QPen(m_plot->palette().color(QPalette::Highlight), 2));
    m_cursor->setSelectable(false);
    m_cursor->setVisible(false);
    m_cursorStep = -1;

    QColor labelBack = m_plot->palette().color(QPalette::Base);
    labelBack.setAlpha(215);
    const QColor arenaColor = MemoryPlotStyle::blend(m_plot->palette().color(QPalette::Base), text, 0.8);
    const QColor red = dark ? QColor(255, 100, 90) : QColor(205, 30, 30);
    m_arenaLine = new QCPItemStraightLine(m_plot);
    m_arenaLine->setPen(QPen(arenaColor, 1.3, Qt::DashLine));
    m_arenaLine->setSelectable(false);
    m_budgetLine = new QCPItemStraightLine(m_plot);
    m_budgetLine->setPen(QPen(red, 1.6));
    m_budgetLine->setSelectable(false);
    m_peakArrow = new QCPItemLine(m_plot);
    m_peakArrow->setPen(QPen(text, 1));
    m_peakArrow->setHead(QCPLineEnding(QCPLineEnding::esDisc, 6));
    m_peakArrow->setSelectable(false);

    auto makeLabel = [&](const QColor& color) {
        auto* label = new QCPItemText(m_plot);
        label->setColor(color);
        label->setBrush(labelBack);
        label->setPadding(QMargins(3, 0, 3, 0));
        label->setSelectable(false);
        return label;
    };
    // Both line labels sit at the right end, where the activations of a network are usually small.
    m_arenaText = makeLabel(arenaColor);
    m_arenaText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_budgetText = makeLabel(red);
    m_budgetText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_peakText = makeLabel(text);
    QFont bold = m_plot->font();
    bold.setBold(true);
    m_peakText->setFont(bold);
    m_peakText->setPadding(QMargins(4, 1, 4, 1));
    m_peakText->position->setTypeY(QCPItemPosition::ptAxisRectRatio);

    if (measured) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        m_plot->xAxis->setTickLabelRotation(0);
        const Profiler::LatencyProfile& latency = *usableLatency();
        m_plot->xAxis->setLabel(tr("measured time (%1): each operator as wide as its median latency, %2")
                                    .arg(latencyUnit(latency), runsSummary(latency)));
    } else {
        MemoryPlotStyle::updateStepTicks(m_plot->xAxis, m_data.stepLabels, {});
        m_plot->xAxis->setLabel(m_data.bucketSize > 1
                ? tr("operator, in execution order (%1 steps, the largest of every %2 shown)")
                      .arg(m_data.stepCount)
                      .arg(m_data.bucketSize)
                : tr("operator, in execution order"));
    }

    if (m_document) {
        const Profiler::MemoryProblem& p = *planOf(m_document->memory, m_plan).problem;
        m_summary->setText(tr("Arena %1 · peak live %2 · lower bound %3 · %4 buffers in %5 steps")
                               .arg(formatBytes(m_data.arenaBytes), formatBytes(m_data.peakBytes),
                                   formatBytes(Profiler::memoryLowerBound(p)))
                               .arg(p.buffers.size())
                               .arg(m_data.stepCount));
    } else {
        m_summary->setText(tr("No model: open one with File > Open"));
    }

    updateHorizontalLines();
    updateRanges();
    updatePeakMarker();
    // Lay out and draw the plot now, but leave the widget's repaint to the event loop: an immediate repaint would
    // paint the whole window (the graph of a large model included) inside the caller's stall.
    m_plot->replot(QCustomPlot::rpQueuedRefresh);
    // The reordered plan has its own steps: the cursor stays on the same operator, not the same step index.
    followHub();
}

double MemoryTimeline::yRangeTop() const
{
    double top = std::max<double>(m_data.peakBytes, m_data.arenaBytes);
    if (m_ramBudget > 0 && !budgetAboveThePlot())
        top = std::max<double>(top, m_ramBudget);
    if (top <= 0)
        top = 1024;
    // Head room above the data, in pixels: the peak label (at the top of the plot, its arrow pointing down) and,
    // under it, the label of the highest line (arena or budget, written above its line), so that they never overlap.
    // A fifth of the plot at least; half at most, on a plot too short for both.
    // A RAM budget far above the data is a note at the very top, and the peak label goes under it: one line more.
    const int rectHeight = m_plot->axisRect()->height();
    const int lineHeight = QFontMetrics(m_peakText ? m_peakText->font() : m_plot->font()).height();
    const double lines = budgetAboveThePlot() ? 3.0 : 2.0;
    double share = 0.18;
    if (rectHeight > 0)
        share = std::clamp((0.02 * rectHeight + lines * lineHeight + 10.0) / rectHeight, 0.18, 0.6);
    return top / (1.0 - share);
}

bool MemoryTimeline::budgetAboveThePlot() const
{
    const double top = std::max<double>(m_data.peakBytes, m_data.arenaBytes);
    return m_ramBudget > 0 && top > 0 && m_ramBudget > 4 * top;
}

void MemoryTimeline::updateRanges()
{
    m_fittedTop = yRangeTop();
    m_plot->yAxis->setRange(0, m_fittedTop);
    if (timeAxis() == TimelineAxis::MeasuredTime && m_edges.size() >= 2 && m_edges.back() > m_edges.front())
        m_plot->xAxis->setRange(m_edges.front(), m_edges.back());
    else
        m_plot->xAxis->setRange(-0.5, std::max(1, m_data.stepCount) - 0.5);
}

void MemoryTimeline::updateHorizontalLines()
{
    const bool hasData = m_data.stepCount > 0;
    m_arenaLine->setVisible(hasData);
    m_arenaText->setVisible(hasData);
    if (hasData) {
        m_arenaLine->point1->setCoords(0, static_cast<double>(m_data.arenaBytes));
        m_arenaLine->point2->setCoords(1, static_cast<double>(m_data.arenaBytes));
        m_arenaText->setText(tr("%1 arena %2").arg(planShortName(m_plan), formatBytes(m_data.arenaBytes)));
        // Above the line, unless a RAM budget line is just above it: then below.
        const bool below = m_ramBudget > m_data.arenaBytes && m_ramBudget < m_data.arenaBytes * 1.15;
        m_arenaText->setPositionAlignment(Qt::AlignRight | (below ? Qt::AlignTop : Qt::AlignBottom));
        m_arenaText->position->setCoords(0.995, static_cast<double>(m_data.arenaBytes));
    }
    const bool budget = m_ramBudget > 0;
    m_budgetLine->setVisible(budget);
    m_budgetText->setVisible(budget);
    if (budget) {
        m_budgetLine->point1->setCoords(0, m_ramBudget);
        m_budgetLine->point2->setCoords(1, m_ramBudget);
        const bool offScale = budgetAboveThePlot();
        // In KiB or MiB when it is that large, in grouped bytes like the arena label otherwise.
        const std::int64_t unit = byteAxisUnit(static_cast<double>(m_ramBudget));
        const QString text = tr("RAM budget %1")
                                 .arg(unit == 1 ? formatBytes(m_ramBudget)
                                                : byteAxisLabel(static_cast<double>(m_ramBudget), unit));
        if (offScale) {
            // Far above the data: say so at the top instead of squashing the plot.
            m_budgetText->setText(text + tr(" (above the plot)"));
            m_budgetText->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            m_budgetText->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
            m_budgetText->position->setCoords(0.995, 0.01);
        } else {
            // Below its line when the arena line (labelled above) is higher, above it otherwise.
            m_budgetText->setText(text);
            m_budgetText->position->setTypeY(QCPItemPosition::ptPlotCoords);
            const bool below = hasData && m_ramBudget < m_data.arenaBytes;
            m_budgetText->setPositionAlignment(Qt::AlignRight | (below ? Qt::AlignTop : Qt::AlignBottom));
            m_budgetText->position->setCoords(0.995, static_cast<double>(m_ramBudget));
        }
    }
}

void MemoryTimeline::updatePeakMarker()
{
    const bool hasPeak = m_data.peakStep >= 0;
    m_peakText->setVisible(hasPeak);
    m_peakArrow->setVisible(hasPeak);
    if (!hasPeak)
        return;
    const double share = m_data.stepCount > 1 ? m_data.peakStep / static_cast<double>(m_data.stepCount - 1) : 0.5;
    const Qt::Alignment h = share < 0.2 ? Qt::AlignLeft : share > 0.8 ? Qt::AlignRight : Qt::AlignHCenter;
    m_peakText->setPositionAlignment(h | Qt::AlignTop);
    m_peakText->setText(m_data.peakLabel);
    // At the top of the plot (the y range leaves head room above the data), the arrow down to the peak; under the
    // note of a RAM budget far above the data, when there is one, 2 px below it.
    const bool underNote = m_budgetText && budgetAboveThePlot();
    m_peakText->position->setParentAnchorY(underNote ? m_budgetText->bottom : nullptr);
    m_peakText->position->setTypeY(underNote ? QCPItemPosition::ptAbsolute : QCPItemPosition::ptAxisRectRatio);
    m_peakText->position->setCoords(h == Qt::AlignLeft ? stepLeft(m_data.peakStep)
            : h == Qt::AlignRight                      ? stepRight(m_data.peakStep)
                                                       : stepCentre(m_data.peakStep),
        underNote ? 2.0 : 0.02);
    m_peakArrow->start->setParentAnchor(m_peakText->bottom);
    m_peakArrow->start->setCoords(0, 0);
    m_peakArrow->end->setCoords(stepCentre(m_data.peakStep), static_cast<double>(m_data.peakBytes));
}

double MemoryTimeline::arenaLineBytes() const
{
    return m_arenaLine && m_arenaLine->visible() ? m_arenaLine->point1->coords().y() : -1;
}

double MemoryTimeline::ramBudgetLineBytes() const
{
    return m_budgetLine && m_budgetLine->visible() ? m_budgetLine->point1->coords().y() : -1;
}

QString MemoryTimeline::peakText() const
{
    return m_peakText && m_peakText->visible() ? m_peakText->text() : QString();
}

int MemoryTimeline::stepAt(const QPoint& pos) const
{
    if (m_data.stepCount <= 0 || !m_plot->axisRect()->rect().contains(pos))
        return -1;
    const double x = m_plot->xAxis->pixelToCoord(pos.x());
    if (timeAxis() == TimelineAxis::Steps) {
        const int step = static_cast<int>(std::floor(x + 0.5));
        return step >= 0 && step < m_data.stepCount ? step : -1;
    }
    // The step whose [left, right) holds x: steps that take no time are never hit.
    const auto it = std::upper_bound(m_edges.begin(), m_edges.end(), x);
    if (it == m_edges.begin() || it == m_edges.end())
        return -1;
    const int step = static_cast<int>(it - m_edges.begin()) - 1;
    return step < m_data.stepCount ? step : -1;
}

QString MemoryTimeline::toolTipForStep(int step) const
{
    const Profiler::MemoryProblem* p = problem();
    if (!p)
        return {};
    QString text = stepToolTip(m_document->model, *p, m_data, step);
    const Profiler::LatencyProfile* latency = usableLatency();
    if (latency && step >= 0 && static_cast<std::size_t>(step) < p->steps.size()) {
        const Profiler::MemoryStep& s = p->steps[static_cast<std::size_t>(step)];
        if (s.op >= 0 && s.subgraph == latency->subgraph && static_cast<std::size_t>(s.op) < latency->layers.size()) {
            const Profiler::LayerLatency& l = latency->layers[static_cast<std::size_t>(s.op)];
            text += l.measured() ? tr("\nmeasured: %1 median, %2 of the time")
                                       .arg(formatLatency(*latency, l.medianTicks), formatShare(l.share))
                                 : tr("\nmeasured: no sample");
        }
    }
    return text;
}

void MemoryTimeline::selectStep(int step)
{
    const Profiler::MemoryProblem* p = problem();
    if (!p || step < 0 || static_cast<std::size_t>(step) >= p->steps.size())
        return;
    const Profiler::MemoryStep& s = p->steps[static_cast<std::size_t>(step)];
    SelectionHub* hub = m_hub.data();
    if (hub)
        hub->selectOperator(s.subgraph, s.op);
    // The hub follows with the operator's step; entry steps have no operator, so place the cursor here.
    if (!hub || s.op < 0)
        setCursorStep(step);
}

void MemoryTimeline::setCursorStep(int step)
{
    m_cursorStep = step;
    const bool visible = step >= 0;
    m_cursor->setVisible(visible);
    if (visible) {
        const double x = stepCentre(step);
        m_cursor->point1->setCoords(x, 0);
        m_cursor->point2->setCoords(x, 1);
        // Bring the step into view when zoomed in.
        const QCPRange r = m_plot->xAxis->range();
        if (!r.contains(x))
            m_plot->xAxis->setRange(x - r.size() / 2, x + r.size() / 2);
    }
    m_plot->replot();
}

void MemoryTimeline::followOperator(int subgraph, int op)
{
    m_lifetimeBand->setVisible(false);
    const Profiler::MemoryProblem* p = problem();
    const std::vector<int> steps = p ? stepsOfOperator(*p, subgraph, op) : std::vector<int>();
    setCursorStep(steps.empty() ? -1 : steps.front());
}

void MemoryTimeline::followTensor(int subgraph, int tensor)
{
    m_cursorStep = -1;
    m_cursor->setVisible(false);
    m_lifetimeBand->setVisible(false);
    if (const Profiler::MemoryProblem* p = problem()) {
        for (const Profiler::MemoryBuffer& b : p->buffers) {
            if (b.kind == Profiler::MemoryBuffer::Kind::Tensor && b.subgraph == subgraph && b.tensor == tensor
                && b.last >= std::max(0, b.first)) {
                m_lifetimeBand->topLeft->setCoords(stepLeft(std::max(0, b.first)), 0);
                m_lifetimeBand->bottomRight->setCoords(stepRight(b.last), 1);
                m_lifetimeBand->setVisible(true);
                break;
            }
        }
    }
    m_plot->replot();
}

bool MemoryTimeline::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Leave) {
        m_hoverStep = -1;
        QToolTip::hideText();
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Widgets
