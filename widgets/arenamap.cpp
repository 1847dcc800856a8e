// SPDX-License-Identifier: GPL-3.0-or-later
#include "arenamap.h"

#include "categorycolors.h"
#include "qcustomplotinclude.h"
#include "selectionhub.h"

#include <QLabel>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <map>

namespace Widgets {

/** Paints one colour group of the arena map's rectangles straight onto the plot: no item per buffer, culled to the
 *  visible area, labels where a rectangle has room for them. Not selectable: ArenaMap does its own hit testing. */
class ArenaRectsLayer : public QCPAbstractPlottable
{
public:
    ArenaRectsLayer(
        QCPAxis* keyAxis, QCPAxis* valueAxis, const std::vector<ArenaRect>* rects, const std::vector<bool>* highlighted)
        : QCPAbstractPlottable(keyAxis, valueAxis)
        , m_rects(rects)
        , m_highlighted(highlighted)
    {
        setSelectable(QCP::stNone);
        setAntialiasedFill(false);
    }

    void setLook(const QColor& fill, const QColor& text, const QColor& highlight, bool hatched)
    {
        m_fill = fill;
        m_text = text;
        m_highlight = highlight;
        m_hatched = hatched;
        setBrush(fill);
        setPen(QPen(fill.darker(140), 1));
    }
    void add(int buffer) { m_indices.push_back(buffer); }
    int count() const { return static_cast<int>(m_indices.size()); }

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }

    QCPRange getKeyRange(bool& foundRange, QCP::SignDomain) const override
    {
        QCPRange range;
        foundRange = !m_indices.empty();
        for (std::size_t i = 0; i < m_indices.size(); ++i) {
            const ArenaRect& r = rect(m_indices[i]);
            range = i == 0 ? QCPRange(r.x0, r.x1) : QCPRange(std::min(range.lower, r.x0), std::max(range.upper, r.x1));
        }
        return range;
    }
    QCPRange getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const override
    {
        double top = 0;
        for (int b : m_indices)
            top = std::max(top, static_cast<double>(rect(b).offset + rect(b).size));
        foundRange = !m_indices.empty();
        return QCPRange(0, top);
    }

protected:
    void draw(QCPPainter* painter) override
    {
        const QRectF clip = clipRect();
        QFont font = mParentPlot->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        painter->setFont(font);
        const QFontMetricsF fm(font);
        const bool anyHighlight = !m_highlighted->empty();
        QColor faded = m_fill;
        faded.setAlpha(70);
        const QColor border = m_fill.darker(150);
        QColor fadedBorder = border;
        fadedBorder.setAlpha(70);
        const QBrush hatch(m_fill.darker(170), Qt::BDiagPattern);
        for (int b : m_indices) {
            const ArenaRect& r = rect(b);
            QRectF px = QRectF(coordsToPixels(r.x0, static_cast<double>(r.offset)),
                coordsToPixels(r.x1, static_cast<double>(r.offset + r.size)))
                            .normalized();
            if (!px.intersects(clip))
                continue;
            // Keep every buffer visible: at least one pixel high and wide.
            if (px.height() < 1)
                px.setHeight(1);
            if (px.width() < 1)
                px.setWidth(1);
            const bool lit = anyHighlight && (*m_highlighted)[static_cast<std::size_t>(b)];
            const bool dim = anyHighlight && !lit;
            const bool outlined = px.width() >= 4 && px.height() >= 4;
            painter->setPen(outlined ? QPen(dim ? fadedBorder : border, 1) : QPen(Qt::NoPen));
            painter->setBrush(dim ? QBrush(faded) : QBrush(m_fill));
            painter->drawRect(px);
            if (m_hatched && !dim) {
                painter->setPen(Qt::NoPen);
                painter->setBrush(hatch);
                painter->drawRect(px);
            }
            if (lit) {
                painter->setPen(QPen(m_highlight, 2.5));
                painter->setBrush(Qt::NoBrush);
                painter->drawRect(px.adjusted(1, 1, -1, -1));
            }
            if (px.width() > 30 && px.height() > fm.height() + 1)
                drawLabel(painter, fm, r, px.intersected(clip).adjusted(4, 0, -4, 0), dim);
        }
    }

    /** The most telling text that fits unshortened: name and size, name, the name's first part, or the size. */
    void drawLabel(
        QCPPainter* painter, const QFontMetricsF& fm, const ArenaRect& r, const QRectF& inner, bool dim) const
    {
        const QString size = byteAxisLabel(static_cast<double>(r.size), byteAxisUnit(static_cast<double>(r.size)));
        const QString name = r.shortLabel;
        const QString head = name.section(QLatin1Char('/'), 0, 0);
        auto fits = [&](const QString& text) { return fm.horizontalAdvance(text) <= inner.width(); };
        QString text;
        if (inner.height() >= 2 * fm.lineSpacing() + 2 && fits(name) && fits(size))
            text = name + QLatin1Char('\n') + size;
        else if (fits(name))
            text = name;
        else if (head != name && fits(head))
            text = head;
        else if (fits(size))
            text = size;
        if (text.isEmpty())
            return;
        QColor c = m_text;
        if (dim)
            c.setAlpha(90);
        painter->setPen(c);
        painter->drawText(inner, Qt::AlignLeft | Qt::AlignVCenter, text);
    }

    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override
    {
        const double side = std::min(rect.width(), rect.height() - 2);
        const QRectF swatch(rect.left(), rect.center().y() - side / 2, side, side);
        painter->setPen(QPen(m_fill.darker(150), 1));
        painter->setBrush(m_fill);
        painter->drawRect(swatch);
        if (m_hatched) {
            painter->setBrush(QBrush(m_fill.darker(170), Qt::BDiagPattern));
            painter->drawRect(swatch);
        }
    }

private:
    const ArenaRect& rect(int buffer) const { return (*m_rects)[static_cast<std::size_t>(buffer)]; }

    const std::vector<ArenaRect>* m_rects;
    const std::vector<bool>* m_highlighted;
    std::vector<int> m_indices;
    QColor m_fill;
    QColor m_text;
    QColor m_highlight;
    bool m_hatched = false;
};

namespace {

// Colour groups of the map: operator categories, then subgraph inputs, then scratch buffers.
constexpr int kInputGroup = 1000;
constexpr int kScratchGroup = 1001;

int groupOf(const ArenaRect& r)
{
    if (r.scratch)
        return kScratchGroup;
    return r.hasCategory ? static_cast<int>(r.category) : kInputGroup;
}

} // namespace

ArenaMap::ArenaMap(QWidget* parent)
    : MemoryPlotWidget(parent)
{
    m_plot->yAxis->setLabel(tr("arena offset"));
    m_plot->xAxis->setLabel(tr("operator, in execution order"));
    m_plot->yAxis->grid()->setVisible(false);

    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) { m_pressPos = e->pos(); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* e) {
        if (e->button() != Qt::LeftButton || (e->pos() - m_pressPos).manhattanLength() > 4)
            return;
        if (m_plot->axisRect()->rect().contains(e->pos()))
            selectBuffer(bufferAt(e->pos()));
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        resetRanges();
        m_plot->replot();
    });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const int buffer = bufferAt(e->pos());
        if (buffer == m_hoverBuffer)
            return;
        m_hoverBuffer = buffer;
        if (buffer < 0)
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), toolTipForBuffer(buffer), m_plot);
    });
    rebuild();
}

ArenaMap::~ArenaMap()
{
    // The layers point into m_rects and m_highlighted: remove them while those still exist.
    m_plot->clearPlottables();
}

void ArenaMap::rebuild()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_layers.clear();
    m_hoverBuffer = -1;
    m_rects.clear();
    m_arenaBytes = 0;
    if (m_document) {
        const PlanRef ref = planOf(m_document->memory, m_plan);
        m_rects = buildArenaRects(m_document->model, *ref.problem, *ref.plan);
        m_arenaBytes = ref.plan->arenaBytes;
    }
    m_highlighted.clear();

    const bool dark = paletteIsDark();
    const QColor base = m_plot->palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    const QColor highlight = palette().color(QPalette::Highlight);

    // One layer per colour group, in a stable order: categories as declared, then inputs, then scratch.
    std::map<int, ArenaRectsLayer*> layers;
    for (const ArenaRect& r : m_rects) {
        const int group = groupOf(r);
        auto it = layers.find(group);
        if (it == layers.end()) {
            auto* layer = new ArenaRectsLayer(m_plot->xAxis, m_plot->yAxis, &m_rects, &m_highlighted);
            if (group == kScratchGroup) {
                layer->setLook(MemoryPlotStyle::blend(base, text, 0.22), text, highlight, true);
                layer->setName(tr("scratch (kernel working memory)"));
            } else if (group == kInputGroup) {
                layer->setLook(MemoryPlotStyle::blend(base, text, 0.08), text, highlight, false);
                layer->setName(tr("model input"));
            } else {
                const auto category = static_cast<Profiler::OpCategory>(group);
                layer->setLook(categoryColor(category, dark), text, highlight, false);
                layer->setName(categoryLabel(category));
            }
            it = layers.emplace(group, layer).first;
        }
        it->second->add(r.buffer);
    }
    for (const auto& [group, layer] : layers)
        m_layers.push_back(layer);
    m_plot->legend->setVisible(!m_layers.empty());

    m_minX = -0.5;
    m_maxX = 0.5;
    bool neverRuns = false;
    for (const ArenaRect& r : m_rects) {
        neverRuns = neverRuns || r.neverRuns;
        m_maxX = std::max(m_maxX, r.x1);
    }
    if (const Profiler::MemoryProblem* p = problem())
        m_maxX = std::max(m_maxX, static_cast<double>(p->steps.size()) - 0.5);
    if (neverRuns)
        m_minX = -1.5;

    QStringList labels;
    if (const Profiler::MemoryProblem* p = problem()) {
        for (const Profiler::MemoryStep& s : p->steps)
            labels << stepLabel(m_document->model, s);
    }
    QList<QPair<double, QString>> extra;
    if (neverRuns)
        extra << qMakePair(-1.0, tr("never runs"));
    MemoryPlotStyle::updateStepTicks(m_plot->xAxis, labels, extra);

    // Shading of the hub's selected step, under the rectangles.
    m_stepBand = new QCPItemRect(m_plot);
    m_stepBand->setLayer(QStringLiteral("grid"));
    QColor band = highlight;
    band.setAlpha(50);
    m_stepBand->setPen(Qt::NoPen);
    m_stepBand->setBrush(band);
    m_stepBand->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_stepBand->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_stepBand->setVisible(false);
    m_stepBand->setSelectable(false);
    m_highlightStep = -1;

    const QColor lineColor = MemoryPlotStyle::blend(base, text, 0.8);
    m_topLine = new QCPItemStraightLine(m_plot);
    m_topLine->setPen(QPen(lineColor, 1.3, Qt::DashLine));
    m_topLine->setSelectable(false);
    m_topText = new QCPItemText(m_plot);
    m_topText->setColor(lineColor);
    m_topText->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_topText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_topText->setSelectable(false);
    const bool hasArena = m_document && m_arenaBytes > 0;
    m_topLine->setVisible(hasArena);
    m_topText->setVisible(hasArena);
    if (hasArena) {
        m_topLine->point1->setCoords(0, static_cast<double>(m_arenaBytes));
        m_topLine->point2->setCoords(1, static_cast<double>(m_arenaBytes));
        m_topText->setText(tr("arena top %1 (%2)").arg(formatBytes(m_arenaBytes), planShortName(m_plan)));
        m_topText->position->setCoords(0.995, static_cast<double>(m_arenaBytes));
    }

    if (m_document) {
        const PlanRef ref = planOf(m_document->memory, m_plan);
        const std::int64_t peak = Profiler::buildTimeline(*ref.problem).peakBytes;
        const std::int64_t unused = m_arenaBytes - peak;
        QString summary = tr("Arena %1 · %2 buffers").arg(formatBytes(m_arenaBytes)).arg(m_rects.size());
        if (unused > 0 && m_arenaBytes > 0)
            summary += tr(" · %1 (%2%) above the live peak: fragmentation")
                           .arg(formatBytes(unused))
                           .arg(std::lround(100.0 * static_cast<double>(unused) / static_cast<double>(m_arenaBytes)));
        else
            summary += tr(" · no gaps at the peak");
        m_summary->setText(summary);
    } else {
        m_summary->setText(tr("No model: open one with File > Open"));
    }

    resetRanges();
    // One read of the guarded pointer: the compiler cannot tell that QPointer stays non-null between reads.
    const SelectionHub* hub = m_hub.data();
    if (hub && hub->tensor() >= 0)
        followTensor(hub->subgraph(), hub->tensor());
    else if (hub && hub->op() >= 0)
        followOperator(hub->subgraph(), hub->op());
    else
        m_plot->replot();
}

void ArenaMap::resetRanges()
{
    m_plot->xAxis->setRange(m_minX, m_maxX);
    const double top = m_arenaBytes > 0 ? static_cast<double>(m_arenaBytes) : 1024.0;
    // Room above the arena top for its label.
    m_plot->yAxis->setRange(0, top * 1.12);
}

double ArenaMap::arenaTopBytes() const
{
    return m_topLine && m_topLine->visible() ? m_topLine->point1->coords().y() : -1;
}

std::vector<int> ArenaMap::highlightedBuffers() const
{
    std::vector<int> buffers;
    for (std::size_t i = 0; i < m_highlighted.size(); ++i) {
        if (m_highlighted[i])
            buffers.push_back(static_cast<int>(i));
    }
    return buffers;
}

int ArenaMap::bufferAt(const QPoint& pos) const
{
    if (m_rects.empty() || !m_plot->axisRect()->rect().contains(pos))
        return -1;
    const double x = m_plot->xAxis->pixelToCoord(pos.x());
    const double y = m_plot->yAxis->pixelToCoord(pos.y());
    // Tolerance of two pixels, so that buffers thinner than a pixel can still be hit.
    const double dx = std::abs(m_plot->xAxis->pixelToCoord(pos.x() + 2) - x);
    const double dy = std::abs(m_plot->yAxis->pixelToCoord(pos.y() - 2) - y);
    int best = -1;
    double bestDistance = 0;
    for (const ArenaRect& r : m_rects) {
        const double top = static_cast<double>(r.offset + r.size);
        const double bottom = static_cast<double>(r.offset);
        if (x < r.x0 - dx || x > r.x1 + dx || y < bottom - dy || y > top + dy)
            continue;
        // Inside beats near; among overlapping (offline) buffers the smaller one wins.
        const double outside = std::max({ r.x0 - x, x - r.x1, 0.0 }) / std::max(dx, 1e-9)
            + std::max({ bottom - y, y - top, 0.0 }) / std::max(dy, 1e-9);
        const double distance = outside * 1e12 + static_cast<double>(r.size);
        if (best < 0 || distance < bestDistance) {
            best = r.buffer;
            bestDistance = distance;
        }
    }
    return best;
}

QString ArenaMap::toolTipForBuffer(int buffer) const
{
    const Profiler::MemoryProblem* p = problem();
    if (!p || buffer < 0 || static_cast<std::size_t>(buffer) >= m_rects.size())
        return {};
    return arenaRectToolTip(m_document->model, *p, m_rects[static_cast<std::size_t>(buffer)]);
}

void ArenaMap::selectBuffer(int buffer)
{
    SelectionHub* hub = m_hub.data();
    if (buffer < 0 || static_cast<std::size_t>(buffer) >= m_rects.size()) {
        if (hub)
            hub->clear();
        else
            followOperator(-1, -1);
        return;
    }
    const ArenaRect& r = m_rects[static_cast<std::size_t>(buffer)];
    if (r.scratch) {
        if (hub)
            hub->selectOperator(r.subgraph, r.producer);
        else
            followOperator(r.subgraph, r.producer);
    } else {
        if (hub)
            hub->selectTensor(r.subgraph, r.tensor);
        else
            followTensor(r.subgraph, r.tensor);
    }
}

void ArenaMap::followTensor(int subgraph, int tensor)
{
    m_highlighted.assign(m_rects.size(), false);
    bool any = false;
    for (const ArenaRect& r : m_rects) {
        if (!r.scratch && r.subgraph == subgraph && r.tensor == tensor) {
            m_highlighted[static_cast<std::size_t>(r.buffer)] = true;
            any = true;
        }
    }
    if (!any)
        m_highlighted.clear();
    m_highlightStep = -1;
    applyHighlight();
}

void ArenaMap::followOperator(int subgraph, int op)
{
    m_highlighted.clear();
    m_highlightStep = -1;
    const Profiler::MemoryProblem* p = problem();
    const std::vector<int> steps = p ? stepsOfOperator(*p, subgraph, op) : std::vector<int>();
    if (!steps.empty()) {
        m_highlightStep = steps.front();
        m_highlighted.assign(m_rects.size(), false);
        for (const ArenaRect& r : m_rects) {
            if (!r.neverRuns && r.x0 < m_highlightStep && m_highlightStep < r.x1)
                m_highlighted[static_cast<std::size_t>(r.buffer)] = true;
        }
    }
    applyHighlight();
}

void ArenaMap::applyHighlight()
{
    m_stepBand->setVisible(m_highlightStep >= 0);
    if (m_highlightStep >= 0) {
        m_stepBand->topLeft->setCoords(m_highlightStep - 0.5, 0);
        m_stepBand->bottomRight->setCoords(m_highlightStep + 0.5, 1);
    }
    m_plot->replot();
}

bool ArenaMap::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Leave) {
        m_hoverBuffer = -1;
        QToolTip::hideText();
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Widgets
