// SPDX-License-Identifier: GPL-3.0-or-later
#include "memoryplotwidget.h"

#include "qcustomplotinclude.h"
#include "selectionhub.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace Widgets {

namespace {

/** Byte axis: power-of-two steps of B / KiB / MiB, the unit picked from the visible range. */
class ByteTicker : public QCPAxisTicker
{
public:
    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
        QVector<double>* subTicks, QVector<QString>* tickLabels) override
    {
        m_unit = byteAxisUnit(std::max(std::abs(range.lower), std::abs(range.upper)));
        QCPAxisTicker::generate(range, locale, formatChar, precision, ticks, subTicks, tickLabels);
    }

protected:
    double getTickStep(const QCPRange& range) override { return byteTickStep(range.size(), m_unit, tickCount()); }
    int getSubTickCount(double) override { return 1; }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return byteAxisLabel(tick, m_unit); }

private:
    std::int64_t m_unit = 1;
};

/** Operator-step axis: labels of every k-th visible step, k chosen from the axis' current pixel width so that the
 *  (rotated) labels never overlap; whole-step sub ticks when there is room. */
class StepTicker : public QCPAxisTicker
{
public:
    StepTicker(QCPAxis* axis, QStringList labels, QList<QPair<double, QString>> extra)
        : m_axis(axis)
        , m_labels(std::move(labels))
        , m_extra(std::move(extra))
    { }

    void generate(const QCPRange& range, const QLocale&, QChar, int, QVector<double>& ticks, QVector<double>* subTicks,
        QVector<QString>* tickLabels) override
    {
        ticks.clear();
        if (subTicks)
            subTicks->clear();
        if (tickLabels)
            tickLabels->clear();
        const double pixels
            = m_axis->orientation() == Qt::Horizontal ? m_axis->axisRect()->width() : m_axis->axisRect()->height();
        const double pixelsPerStep = range.size() > 0 ? pixels / range.size() : 0;
        const QFontMetricsF fm(m_axis->tickLabelFont());
        // Labels no longer than the common long ones ("12 DEPTHWISE_CONV_2D"), so that a rare long type name
        // does not take the height of the plot, and no longer than a third of the plot's height, so that turned
        // labels leave a short plot (a docked one) most of its height for the data; the tooltip has the full name.
        const QFontMetrics labelMetrics(m_axis->tickLabelFont());
        const int maxWidth = std::max(labelMetrics.horizontalAdvance(QStringLiteral("000 CONV_2D")),
            std::min(labelMetrics.horizontalAdvance(QStringLiteral("000 DEPTHWISE_CONV_2D")),
                m_axis->parentPlot()->height() / 3));
        const int first = static_cast<int>(std::ceil(range.lower));
        const int last = std::min(static_cast<int>(std::floor(range.upper)), static_cast<int>(m_labels.size()) - 1);
        // Upright labels when every step shown has room for its label across (a small model, or zoomed in), so the
        // plot keeps its height; turned a quarter otherwise. Chosen here, before the axis' margin is laid out.
        const bool rotated = !labelsFitAcross(first, last, range, pixelsPerStep, labelMetrics, maxWidth);
        m_axis->setTickLabelRotation(rotated ? -90 : 0);
        const double labelPixels = rotated ? fm.height() + 3 : fm.horizontalAdvance(QStringLiteral("000 MMMMM")) + 6;
        for (const auto& [position, label] : m_extra) {
            if (range.contains(position)) {
                ticks << position;
                if (tickLabels)
                    *tickLabels << label;
            }
        }
        // Ticks on operators 0, k, 2k, ...: step 0 is the entry, so operators start at step 1.
        const std::vector<int> steps = labelledSteps(first, last, pixelsPerStep, labelPixels, 1);
        for (int s : steps) {
            ticks << s;
            if (tickLabels)
                *tickLabels << labelMetrics.elidedText(m_labels.at(s), Qt::ElideRight, maxWidth);
        }
        if (subTicks && pixelsPerStep >= 4 && steps.size() >= 2 && steps[1] - steps[0] > 1) {
            for (int s = std::max(0, first); s <= last; ++s) {
                if (!std::binary_search(steps.begin(), steps.end(), s))
                    *subTicks << s;
            }
        }
    }

private:
    /** Whether the labels of steps first..last (and the extra ticks in `range`) each fit, across, inside the width of
     *  one step with a little space to spare. */
    bool labelsFitAcross(int first, int last, const QCPRange& range, double pixelsPerStep, const QFontMetrics& metrics,
        int maxWidth) const
    {
        const int gap = metrics.horizontalAdvance(QLatin1Char('M'));
        if (pixelsPerStep < 4 * gap || last < first)
            return false; // far too narrow for any label: not worth measuring thousands of them
        const auto fits = [&](const QString& label) {
            return std::min(metrics.horizontalAdvance(label), maxWidth) + gap <= pixelsPerStep;
        };
        for (int s = std::max(0, first); s <= last; ++s) {
            if (!fits(m_labels.at(s)))
                return false;
        }
        for (const auto& [position, label] : m_extra) {
            if (range.contains(position) && !fits(label))
                return false;
        }
        return true;
    }

    QCPAxis* m_axis;
    QStringList m_labels;
    QList<QPair<double, QString>> m_extra;
};

} // namespace

namespace MemoryPlotStyle {

QColor blend(const QColor& a, const QColor& b, double share)
{
    auto channel = [share](float x, float y) {
        return static_cast<float>(static_cast<double>(x) * (1 - share) + static_cast<double>(y) * share);
    };
    return QColor::fromRgbF(
        channel(a.redF(), b.redF()), channel(a.greenF(), b.greenF()), channel(a.blueF(), b.blueF()));
}

void apply(QCustomPlot* plot)
{
    const QPalette pal = plot->palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor axisColor = MemoryPlotStyle::blend(base, text, 0.55);
    const QColor gridColor = MemoryPlotStyle::blend(base, text, 0.12);
    plot->setBackground(base);
    plot->setAntialiasedElements(QCP::aeFills | QCP::aePlottables | QCP::aeItems);
    plot->setNoAntialiasingOnDrag(true);
    QFont tickFont = plot->font();
    tickFont.setPointSizeF(tickFont.pointSizeF() * 0.9);
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis }) {
        axis->setBasePen(QPen(axisColor, 1));
        axis->setTickPen(QPen(axisColor, 1));
        axis->setSubTickPen(QPen(axisColor, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->setTickLabelFont(tickFont);
        axis->setLabelFont(plot->font());
        axis->setTickLengthIn(0);
        axis->setTickLengthOut(4);
        axis->setSubTickLengthIn(0);
        axis->setSubTickLengthOut(2);
        axis->grid()->setPen(QPen(gridColor, 1));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    plot->xAxis->grid()->setVisible(false);
    plot->xAxis2->setVisible(false);
    plot->yAxis2->setVisible(false);
    plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new ByteTicker));
    plot->yAxis->ticker()->setTickCount(5);
    plot->legend->setFont(tickFont);
    plot->legend->setTextColor(text);
    plot->legend->setBrush(base);
    plot->legend->setBorderPen(Qt::NoPen);
    // Icons a little taller than the text: an item is as tall as its icon or text, and its text is clipped to it,
    // so with a text-high item the underscores of tensor names disappear.
    const int textHeight = QFontMetrics(tickFont).height();
    plot->legend->setIconSize(textHeight - 2, textHeight + 3);
    plot->legend->setRowSpacing(0);
}

void updateStepTicks(QCPAxis* axis, const QStringList& stepLabels, const QList<QPair<double, QString>>& extraTicks)
{
    // The ticker turns the labels a quarter when they do not fit across.
    axis->setTickLabelRotation(-90);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new StepTicker(axis, stepLabels, extraTicks)));
}

void fillPlanCombo(QComboBox* combo, const Profiler::MemoryReport* report)
{
    const QSignalBlocker blocker(combo);
    const int current = combo->currentIndex();
    combo->clear();
    if (!report)
        return;
    for (PlanKind kind : { PlanKind::Tflm, PlanKind::Best, PlanKind::Reordered })
        combo->addItem(planTitle(*report, kind), static_cast<int>(kind));
    combo->setCurrentIndex(std::max(0, current));
}

} // namespace MemoryPlotStyle

MemoryPlotWidget::MemoryPlotWidget(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* bar = new QHBoxLayout;
    m_bar = bar;
    bar->setContentsMargins(6, 4, 6, 0);
    auto* planLabel = new QLabel(tr("&Plan:"), this);
    m_planCombo = new QComboBox(this);
    m_planCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_planCombo->setToolTip(tr("Which arena plan to show: TFLM's own planner, TinyScope's best plan for the file's "
                               "operator order, or the best plan after reordering the operators"));
    planLabel->setBuddy(m_planCombo);
    // The combo keeps the width of its longest entry; the summary wraps instead of squeezing it in a narrow dock.
    m_planCombo->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    bar->addWidget(planLabel);
    bar->addWidget(m_planCombo);
    bar->addSpacing(12);
    bar->addWidget(m_summary, 1);
    layout->addLayout(bar);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(220);
    layout->addWidget(m_plot, 1);
    MemoryPlotStyle::apply(m_plot);
    m_plot->xAxis->setVisible(false); // until there is a model (setDocument)
    m_plot->yAxis->setVisible(false);

    // Legend in its own column right of the plot, top-aligned; a spacer below takes the remaining height.
    m_plot->legend->setVisible(true);
    auto* side = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 1, side);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    side->addElement(0, 0, m_plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(m_plot));
    side->setRowStretchFactor(0, 0.001);
    side->setMargins(QMargins(0, 8, 4, 0));
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    // For the subclasses' eventFilter(): the hovered item is forgotten when the mouse leaves the plot.
    m_plot->installEventFilter(this);

    connect(m_planCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        if (index >= 0)
            setPlan(static_cast<PlanKind>(m_planCombo->itemData(index).toInt()));
    });
}

MemoryPlotWidget::~MemoryPlotWidget() = default;

void MemoryPlotWidget::setDocument(Profiler::ModelDocumentPtr document)
{
    m_document = std::move(document);
    MemoryPlotStyle::fillPlanCombo(m_planCombo, m_document ? &m_document->memory : nullptr);
    m_planCombo->setCurrentIndex(m_planCombo->findData(static_cast<int>(m_plan)));
    // Without a model, no axes with made-up ranges: an empty plot under the summary's "No model".
    m_plot->xAxis->setVisible(m_document != nullptr);
    m_plot->yAxis->setVisible(m_document != nullptr);
    rebuild();
}

void MemoryPlotWidget::setSelectionHub(SelectionHub* hub)
{
    if (m_hub)
        disconnect(m_hub, nullptr, this, nullptr);
    m_hub = hub;
    if (!hub)
        return;
    connect(hub, &SelectionHub::operatorSelected, this, &MemoryPlotWidget::followOperator);
    connect(hub, &SelectionHub::tensorSelected, this, &MemoryPlotWidget::followTensor);
    connect(hub, &SelectionHub::subgraphChanged, this, [this](int) { followOperator(-1, -1); });
}

void MemoryPlotWidget::setPlan(PlanKind kind)
{
    if (kind == m_plan)
        return;
    m_plan = kind;
    {
        const QSignalBlocker blocker(m_planCombo);
        m_planCombo->setCurrentIndex(m_planCombo->findData(static_cast<int>(kind)));
    }
    rebuild();
    Q_EMIT planChanged(kind);
}

const Profiler::MemoryProblem* MemoryPlotWidget::problem() const
{
    return m_document ? planOf(m_document->memory, m_plan).problem : nullptr;
}

QString MemoryPlotWidget::summaryText() const
{
    return m_summary->text();
}

} // namespace Widgets
