// SPDX-License-Identifier: GPL-3.0-or-later
#include "graphview.h"

#include "categorycolors.h"
#include "graphicons.h"
#include "graphitems.h"
#include "graphminimap.h"
#include "graphscene.h"
#include "graphsearchbar.h"
#include "heatscale.h"
#include "selectionhub.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QNativeGestureEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Widgets {

namespace {
// Zoom of the first view of a graph too tall to fit with readable labels.
constexpr double kInitialReadableZoom = 0.8;
} // namespace

namespace {

constexpr double kZoomStep = 1.25;
constexpr double kMaxZoom = 4.0;
constexpr double kFitPadding = 16; // viewport pixels kept free around the fitted graph
constexpr int kOverlayMargin = 10;

QToolButton* toolButton(QWidget* parent, const QString& toolTip)
{
    auto* button = new QToolButton(parent);
    button->setAutoRaise(true);
    button->setToolTip(toolTip);
    button->setFocusPolicy(Qt::NoFocus);
    return button;
}

} // namespace

/** The QGraphicsView inside GraphView: wheel and key zoom, drag to pan, click to select. Selection and panning are
 *  handled here rather than with QGraphicsView's drag modes so that a drag never changes the selection and a click on
 *  the background clears it. */
class GraphCanvas final : public QGraphicsView
{
public:
    GraphCanvas(GraphView* owner, QGraphicsScene* scene)
        : QGraphicsView(scene, owner)
        , m_owner(owner)
    {
        setFrameShape(QFrame::NoFrame);
        setDragMode(QGraphicsView::NoDrag);
        setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        setTransformationAnchor(QGraphicsView::AnchorViewCenter);
        setResizeAnchor(QGraphicsView::AnchorViewCenter);
        setAlignment(Qt::AlignCenter);
        // Items set every pen, brush and hint they use, and their bounding rectangles include the antialiasing
        // margin: skip the save/restore and the adjustment per item.
        setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
        setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
        setFocusPolicy(Qt::StrongFocus);
        // Panning is by drag, wheel and minimap, as in other graph viewers; scroll bars would only take room.
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setMouseTracking(true);
        viewport()->setMouseTracking(true);
    }

protected:
    void paintEvent(QPaintEvent* event) override
    {
        // Zoomed out until every node is a dot, the scene draws itself from its overview index: visiting tens of
        // thousands of one-pixel items through the scene's index would take most of a frame.
        const auto* graphScene = static_cast<const GraphScene*>(scene());
        if (graphScene && graphScene->detailForScale(transform().m11()) == GraphDetail::Overview) {
            QPainter painter(viewport());
            const QRect exposed = event->region().boundingRect();
            painter.setClipRegion(event->region());
            graphScene->paintOverview(&painter, viewportTransform(), mapToScene(exposed).boundingRect());
            return;
        }
        QGraphicsView::paintEvent(event);
        if (!m_owner->document()) {
            // Nothing open (a first start whose model failed, or every load failed): say how to open one.
            QPainter painter(viewport());
            painter.setPen(palette().color(QPalette::PlaceholderText));
            painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap,
                tr("No model open.\nFile > Open, or drop a .tflite file here."));
        }
    }

    void wheelEvent(QWheelEvent* event) override
    {
        if (event->modifiers() & Qt::ControlModifier) {
            double steps = event->angleDelta().y() / 120.0;
            if (steps == 0.0)
                steps = event->pixelDelta().y() / 40.0;
            if (steps != 0.0)
                m_owner->zoomBy(std::pow(1.2, steps), event->position().toPoint());
            event->accept();
            return;
        }
        m_owner->userNavigated();
        QGraphicsView::wheelEvent(event);
    }

    bool viewportEvent(QEvent* event) override
    {
        if (event->type() == QEvent::NativeGesture) {
            auto* gesture = static_cast<QNativeGestureEvent*>(event);
            if (gesture->gestureType() == Qt::ZoomNativeGesture) {
                m_owner->zoomBy(1.0 + gesture->value(), gesture->position().toPoint());
                return true;
            }
        }
        return QGraphicsView::viewportEvent(event);
    }

    void keyPressEvent(QKeyEvent* event) override
    {
        switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            m_owner->zoomIn();
            return;
        case Qt::Key_Minus:
            m_owner->zoomOut();
            return;
        case Qt::Key_Escape:
            m_owner->backgroundClicked();
            return;
        default:
            break;
        }
        QGraphicsView::keyPressEvent(event);
    }

    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
            m_button = event->button();
            m_pressPos = event->position().toPoint();
            m_lastPos = m_pressPos;
            m_panning = event->button() == Qt::MiddleButton;
            if (m_panning)
                viewport()->setCursor(Qt::ClosedHandCursor);
            setFocus(Qt::MouseFocusReason);
            event->accept();
            return;
        }
        QGraphicsView::mousePressEvent(event);
    }

    void mouseMoveEvent(QMouseEvent* event) override
    {
        if (m_button != Qt::NoButton) {
            const QPoint pos = event->position().toPoint();
            if (!m_panning && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
                m_panning = true;
                viewport()->setCursor(Qt::ClosedHandCursor);
            }
            if (m_panning) {
                const QPoint delta = pos - m_lastPos;
                horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
                verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
                m_owner->userNavigated();
            }
            m_lastPos = pos;
            event->accept();
            return;
        }
        QGraphicsView::mouseMoveEvent(event);
    }

    void mouseReleaseEvent(QMouseEvent* event) override
    {
        if (m_button != Qt::NoButton && event->button() == m_button) {
            const bool click = !m_panning && m_button == Qt::LeftButton;
            m_button = Qt::NoButton;
            m_panning = false;
            viewport()->unsetCursor();
            if (click) {
                auto* graphScene = static_cast<GraphScene*>(scene());
                QGraphicsItem* item = graphScene->graphItemAt(mapToScene(m_pressPos), viewportTransform());
                if (item)
                    m_owner->itemClicked(item);
                else
                    m_owner->backgroundClicked();
            }
            event->accept();
            return;
        }
        QGraphicsView::mouseReleaseEvent(event);
    }

    void mouseDoubleClickEvent(QMouseEvent* event) override
    {
        // A double click is two clicks; QGraphicsView would otherwise send a press to the scene.
        mousePressEvent(event);
    }

private:
    GraphView* m_owner;
    QPoint m_pressPos;
    QPoint m_lastPos;
    Qt::MouseButton m_button = Qt::NoButton;
    bool m_panning = false;
};

/** The heat scale legend in a corner of the canvas, over the graph. Clicks go through to the graph. */
class GraphHeatLegend final : public QWidget
{
public:
    explicit GraphHeatLegend(QWidget* parent)
        : QWidget(parent)
    {
        setObjectName(QStringLiteral("heatLegend"));
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }

    void setLegend(const HeatLegend& legend)
    {
        m_legend = legend;
        resize(heatLegendSize(m_legend, font()).toSize());
        update();
    }
    const HeatLegend& legend() const { return m_legend; }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        paintHeatLegend(&painter, QRectF(rect()), m_legend, font(), palette().color(QPalette::Text),
            palette().color(QPalette::Base));
    }

private:
    HeatLegend m_legend;
};

// ---------------------------------------------------------------------------------------------------------------------

GraphView::GraphView(QWidget* parent)
    : QWidget(parent)
    , m_scene(new GraphScene(this))
    , m_canvas(new GraphCanvas(this, m_scene))
    , m_minimap(new GraphMinimap(m_canvas, m_canvas))
    , m_legend(new GraphHeatLegend(m_canvas))
    , m_searchBar(new GraphSearchBar(m_canvas))
    , m_subgraphBox(new QComboBox(this))
    , m_zoomLabel(toolButton(this, tr("Zoom to 100 %")))
    , m_zoomInButton(toolButton(this, tr("Zoom in (+)")))
    , m_zoomOutButton(toolButton(this, tr("Zoom out (-)")))
    , m_fitButton(toolButton(this, tr("Fit the graph into the view")))
    , m_findButton(toolButton(this, tr("Find operator (Ctrl+F)")))
{
    setObjectName(QStringLiteral("graphView"));
    m_canvas->setObjectName(QStringLiteral("graphCanvas"));
    m_subgraphBox->setObjectName(QStringLiteral("subgraphSelector"));
    m_subgraphBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_subgraphBox->setToolTip(tr("Subgraph to show"));
    m_zoomLabel->setMinimumWidth(m_zoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("0000 %")) + 8);

    auto* toolbar = new QWidget(this);
    toolbar->setObjectName(QStringLiteral("graphToolbar"));
    auto* bar = new QHBoxLayout(toolbar);
    bar->setContentsMargins(6, 3, 6, 3);
    bar->setSpacing(2);
    auto* subgraphLabel = new QLabel(tr("Subgraph"), toolbar);
    subgraphLabel->setBuddy(m_subgraphBox);
    bar->addWidget(subgraphLabel);
    bar->addSpacing(4);
    bar->addWidget(m_subgraphBox);
    bar->addStretch(1);
    bar->addWidget(m_findButton);
    bar->addSpacing(8);
    bar->addWidget(m_zoomOutButton);
    bar->addWidget(m_zoomLabel);
    bar->addWidget(m_zoomInButton);
    bar->addWidget(m_fitButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(m_canvas, 1);

    m_searchBar->hide();
    m_minimap->hide();
    m_legend->hide();

    connect(m_zoomInButton, &QToolButton::clicked, this, &GraphView::zoomIn);
    connect(m_zoomOutButton, &QToolButton::clicked, this, &GraphView::zoomOut);
    connect(m_fitButton, &QToolButton::clicked, this, &GraphView::fitToView);
    connect(m_zoomLabel, &QToolButton::clicked, this, [this] { setZoom(1.0); });
    connect(m_findButton, &QToolButton::clicked, this, &GraphView::showSearchBar);
    connect(m_subgraphBox, qOverload<int>(&QComboBox::activated), this, &GraphView::onSubgraphActivated);
    connect(m_minimap, &GraphMinimap::navigated, this, &GraphView::userNavigated);
    connect(m_canvas->horizontalScrollBar(), &QScrollBar::valueChanged, m_minimap, qOverload<>(&QWidget::update));
    connect(m_canvas->verticalScrollBar(), &QScrollBar::valueChanged, m_minimap, qOverload<>(&QWidget::update));

    connect(m_searchBar, &GraphSearchBar::textEdited, this, [this](const QString& text) {
        updateMatches(text);
        if (!m_matches.empty())
            search(text, +1);
    });
    connect(m_searchBar, &GraphSearchBar::nextRequested, this, [this] { search(m_searchBar->text(), +1); });
    connect(m_searchBar, &GraphSearchBar::previousRequested, this, [this] { search(m_searchBar->text(), -1); });
    connect(m_searchBar, &GraphSearchBar::closed, this, &GraphView::hideSearchBar);

    const auto addShortcut = [this](const QList<QKeySequence>& keys, auto slot) {
        auto* action = new QAction(this);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    addShortcut({ QKeySequence::Find }, [this] { showSearchBar(); });
    // F3 / Shift+F3 repeat the last search, bringing the bar back if it was closed.
    const auto repeatSearch = [this](int step) {
        if (m_searchBar->text().trimmed().isEmpty()) {
            showSearchBar();
            return;
        }
        if (!m_searchBar->isVisible()) {
            m_searchBar->show();
            layoutOverlays();
        }
        search(m_searchBar->text(), step);
    };
    addShortcut({ QKeySequence::FindNext }, [repeatSearch] { repeatSearch(+1); });
    addShortcut({ QKeySequence::FindPrevious }, [repeatSearch] { repeatSearch(-1); });
    // Ctrl++, Ctrl+- and Ctrl+0 are left to the window's View menu: the same keys here would make them ambiguous
    // (and dead) whenever the graph has focus. +, - and Ctrl+wheel work on the canvas itself.

    m_canvas->viewport()->installEventFilter(this);
    changeEvent(nullptr); // icons in the current palette
    rebuildSubgraphSelector();
    updateChrome();
}

GraphView::~GraphView() = default;

QGraphicsScene* GraphView::scene() const
{
    return m_scene;
}

QGraphicsView* GraphView::canvas() const
{
    return m_canvas;
}

void GraphView::setDocument(Profiler::ModelDocumentPtr document)
{
    m_document = std::move(document);
    m_searchText.clear();
    m_matches.clear();
    m_currentMatch = -1;
    m_subgraph = -1;
    rebuildSubgraphSelector();
    const int count = m_document ? static_cast<int>(m_document->graphs.size()) : 0;
    int subgraph = m_hub ? m_hub->subgraph() : 0;
    if (subgraph < 0 || subgraph >= count)
        subgraph = 0;
    showSubgraph(subgraph);
    if (m_hub && m_document) {
        if (m_hub->subgraph() != subgraph)
            m_hub->selectSubgraph(subgraph);
        else if (m_hub->op() >= 0)
            selectOperator(m_hub->op());
        else if (m_hub->tensor() >= 0)
            selectTensor(m_hub->tensor());
    }
}

void GraphView::setLatency(Profiler::LatencyProfilePtr latency)
{
    m_scene->setLatency(std::move(latency));
    if (m_scene->showsLatency())
        m_legend->setLegend(m_scene->heatLegend());
    layoutOverlays();
    if (m_minimap->isVisible())
        m_minimap->refresh();
}

Profiler::LatencyProfilePtr GraphView::latency() const
{
    return m_scene->latency();
}

QWidget* GraphView::heatLegend() const
{
    return m_legend;
}

void GraphView::setSelectionHub(SelectionHub* hub)
{
    if (m_hub == hub)
        return;
    if (m_hub)
        disconnect(m_hub, nullptr, this, nullptr);
    m_hub = hub;
    if (!m_hub)
        return;
    connect(m_hub, &QObject::destroyed, this, [this] { m_hub = nullptr; });
    connect(m_hub, &SelectionHub::subgraphChanged, this, &GraphView::onHubSubgraphChanged);
    connect(m_hub, &SelectionHub::operatorSelected, this, &GraphView::onHubOperatorSelected);
    connect(m_hub, &SelectionHub::tensorSelected, this, &GraphView::onHubTensorSelected);
    if (!m_document)
        return;
    onHubSubgraphChanged(m_hub->subgraph());
    if (m_hub->op() >= 0)
        selectOperator(m_hub->op());
    else if (m_hub->tensor() >= 0)
        selectTensor(m_hub->tensor());
}

void GraphView::rebuildSubgraphSelector()
{
    const QSignalBlocker blocker(m_subgraphBox);
    m_subgraphBox->clear();
    if (m_document) {
        const auto& subgraphs = m_document->model.subgraphs;
        for (std::size_t s = 0; s < subgraphs.size(); ++s) {
            const int ops = static_cast<int>(subgraphs[s].operators.size());
            const QString opsText = ops == 1 ? tr("1 operator") : tr("%1 operators").arg(ops);
            const QString name = subgraphs[s].name.isEmpty() ? tr("unnamed") : subgraphs[s].name;
            m_subgraphBox->addItem(QStringLiteral("%1: %2 (%3)").arg(QString::number(s), name, opsText));
        }
    }
    m_subgraphBox->setEnabled(m_subgraphBox->count() > 1);
    // Apply the new width now rather than on the next event loop pass, so an immediate grab() or export shows it.
    if (QLayout* layout = m_subgraphBox->parentWidget()->layout())
        layout->activate();
}

void GraphView::showSubgraph(int subgraph)
{
    const bool valid = m_document && subgraph >= 0 && subgraph < static_cast<int>(m_document->graphs.size());
    m_subgraph = valid ? subgraph : 0;
    m_currentOperator = -1;
    m_currentTensor = -1;
    m_scene->setGraph(valid ? m_document : nullptr, m_subgraph);
    {
        const QSignalBlocker blocker(m_subgraphBox);
        m_subgraphBox->setCurrentIndex(valid ? subgraph : -1);
    }
    const QString text = m_searchText;
    updateMatches(text);
    m_minimap->refresh();
    showInitialView();
    Q_EMIT subgraphShown(m_subgraph);
}

void GraphView::onSubgraphActivated(int index)
{
    if (m_hub)
        m_hub->selectSubgraph(index);
    if (index != m_subgraph)
        showSubgraph(index);
}

void GraphView::onHubSubgraphChanged(int subgraph)
{
    if (m_document && subgraph != m_subgraph && subgraph >= 0 && subgraph < static_cast<int>(m_document->graphs.size()))
        showSubgraph(subgraph);
}

void GraphView::onHubOperatorSelected(int subgraph, int op)
{
    if (!m_document)
        return;
    onHubSubgraphChanged(subgraph);
    if (subgraph == m_subgraph)
        selectOperator(op);
}

void GraphView::onHubTensorSelected(int subgraph, int tensor)
{
    if (!m_document)
        return;
    onHubSubgraphChanged(subgraph);
    if (subgraph == m_subgraph)
        selectTensor(tensor);
}

void GraphView::selectOperator(int op)
{
    m_currentTensor = -1;
    m_currentOperator = op;
    if (op < 0) {
        m_scene->clearCurrent();
        return;
    }
    if (GraphNodeItem* item = m_scene->setCurrentOperator(op))
        revealIfHidden(item->mapRectToScene(item->rect()));
    else
        m_currentOperator = -1;
}

void GraphView::selectTensor(int tensor)
{
    m_currentOperator = -1;
    m_currentTensor = tensor;
    const QRectF region = m_scene->setCurrentTensor(tensor);
    if (!region.isEmpty())
        revealIfHidden(region);
}

void GraphView::clearSelection()
{
    m_currentOperator = -1;
    m_currentTensor = -1;
    m_scene->clearCurrent();
}

void GraphView::revealIfHidden(const QRectF& sceneRect)
{
    const QRectF visible = m_canvas->mapToScene(m_canvas->viewport()->rect()).boundingRect();
    if (!visible.contains(sceneRect))
        m_canvas->centerOn(sceneRect.center());
}

void GraphView::centerOnOperator(int op)
{
    if (GraphNodeItem* item = m_scene->nodeForOperator(op)) {
        m_canvas->centerOn(item->mapRectToScene(item->rect()).center());
        m_minimap->update();
    }
}

void GraphView::itemClicked(QGraphicsItem* item)
{
    int op = -1;
    int tensor = -1;
    if (item->type() == GraphNodeItem::Type) {
        const auto* node = static_cast<const GraphNodeItem*>(item);
        op = node->operatorIndex();
        tensor = node->tensorIndex();
    } else if (item->type() == GraphEdgeItem::Type) {
        tensor = static_cast<const GraphEdgeItem*>(item)->tensorIndex();
    }
    // The hub emits nothing when it already holds this selection; the view then selects by itself.
    if (op >= 0) {
        if (m_hub)
            m_hub->selectOperator(m_subgraph, op);
        if (m_currentOperator != op)
            selectOperator(op);
    } else if (tensor >= 0) {
        if (m_hub)
            m_hub->selectTensor(m_subgraph, tensor);
        if (m_currentTensor != tensor)
            selectTensor(tensor);
    }
}

void GraphView::backgroundClicked()
{
    if (m_hub)
        m_hub->clear();
    else
        clearSelection();
}

// Zoom ----------------------------------------------------------------------------------------------------------------

double GraphView::zoom() const
{
    return m_canvas->transform().m11();
}

double GraphView::maximumZoom() const
{
    return kMaxZoom;
}

double GraphView::minimumZoom() const
{
    return std::min(0.1, fitZoom()) * 0.5;
}

double GraphView::fitZoom() const
{
    const QRectF rect = m_scene->sceneRect();
    const QSizeF available = QSizeF(m_canvas->viewport()->size()) - QSizeF(2 * kFitPadding, 2 * kFitPadding);
    if (rect.isEmpty() || available.width() <= 0 || available.height() <= 0)
        return 1.0;
    return std::min({ available.width() / rect.width(), available.height() / rect.height(), 1.0 });
}

void GraphView::applyZoom(double zoom)
{
    const QPointF centre = m_canvas->mapToScene(m_canvas->viewport()->rect().center());
    m_canvas->setTransform(QTransform::fromScale(zoom, zoom));
    updateViewRect();
    m_canvas->centerOn(centre);
    updateChrome();
}

void GraphView::updateViewRect()
{
    // Any part of the graph can be panned to the middle of the view, and zooming keeps the point under the cursor
    // even where the graph is smaller than the view.
    const QRectF graph = m_scene->sceneRect();
    const QSizeF half = QSizeF(m_canvas->viewport()->size()) / zoom() / 2;
    m_canvas->setSceneRect(graph.adjusted(-half.width(), -half.height(), half.width(), half.height()));
}

void GraphView::setZoom(double zoom)
{
    m_followFit = false;
    m_followInitial = false;
    applyZoom(std::clamp(zoom, minimumZoom(), maximumZoom()));
}

void GraphView::fitToView()
{
    applyZoom(fitZoom());
    m_canvas->centerOn(m_scene->sceneRect().center());
    m_followFit = true;
    m_followInitial = false;
    updateChrome();
}

void GraphView::showInitialView()
{
    if (fitZoom() >= kGraphLabelMinScale) {
        fitToView();
        m_followInitial = true; // until the view has its real size, this decision is provisional
        return;
    }
    // A tall graph fitted into the view would shrink every label away. Start where a reader starts instead: the
    // top of the graph (the model's input), at a zoom that shows the labels.
    applyZoom(std::clamp(kInitialReadableZoom, minimumZoom(), maximumZoom()));
    const QRectF bounds = m_scene->graphBounds();
    double x = bounds.center().x();
    if (const GraphNodeItem* first = m_scene->nodeForOperator(0))
        x = first->sceneBoundingRect().center().x();
    const double halfHeight = m_canvas->mapToScene(m_canvas->viewport()->rect()).boundingRect().height() / 2;
    m_canvas->centerOn(QPointF(x, bounds.top() + halfHeight - 24));
    m_followFit = false;
    m_followInitial = true;
    updateChrome();
}

void GraphView::zoomIn()
{
    zoomBy(kZoomStep, m_canvas->viewport()->rect().center());
}

void GraphView::zoomOut()
{
    zoomBy(1.0 / kZoomStep, m_canvas->viewport()->rect().center());
}

void GraphView::zoomBy(double factor, const QPoint& viewportAnchor)
{
    const QPointF before = m_canvas->mapToScene(viewportAnchor);
    const double z = std::clamp(zoom() * factor, minimumZoom(), maximumZoom());
    m_followFit = false;
    m_followInitial = false;
    applyZoom(z);
    // Keep the scene point under the anchor where it was: zoom to the cursor.
    const QPointF shift = (m_canvas->mapToScene(viewportAnchor) - before) * z;
    QScrollBar* h = m_canvas->horizontalScrollBar();
    QScrollBar* v = m_canvas->verticalScrollBar();
    h->setValue(h->value() - static_cast<int>(std::lround(shift.x())));
    v->setValue(v->value() - static_cast<int>(std::lround(shift.y())));
    updateChrome();
}

void GraphView::userNavigated()
{
    m_followFit = false;
    m_followInitial = false;
}

void GraphView::updateChrome()
{
    const double z = zoom();
    const double percent = z * 100;
    const int decimals = percent >= 10 ? 0 : percent >= 1 ? 1 : 2;
    m_zoomLabel->setText(QStringLiteral("%1 %").arg(percent, 0, 'f', decimals));
    m_zoomInButton->setEnabled(z < maximumZoom() - 1e-9);
    m_zoomOutButton->setEnabled(z > minimumZoom() + 1e-9);
    layoutOverlays();
    if (z != m_lastZoom) {
        m_lastZoom = z;
        Q_EMIT zoomChanged(z);
    }
}

void GraphView::layoutOverlays()
{
    const QRect vp = m_canvas->viewport()->geometry();
    if (m_searchBar->isVisible()) {
        m_searchBar->adjustSize();
        const int w = std::min(m_searchBar->sizeHint().width(), vp.width() - 2 * kOverlayMargin);
        m_searchBar->setGeometry(
            vp.right() - kOverlayMargin - w, vp.top() + kOverlayMargin, w, m_searchBar->sizeHint().height());
    }
    if (m_scene->showsLatency()) {
        m_legend->setLegend(m_scene->heatLegend());
        m_legend->move(vp.left() + kOverlayMargin, vp.top() + kOverlayMargin);
        m_legend->show();
        m_legend->raise();
    } else {
        m_legend->hide();
    }
    // The minimap only helps when part of the graph is out of sight.
    const QRectF visible = m_canvas->mapToScene(m_canvas->viewport()->rect()).boundingRect();
    const QRectF graph = m_scene->graphBounds();
    const bool overflow = !graph.isEmpty() && !visible.contains(graph);
    const QSize maximum(std::min(200, vp.width() / 3), std::min(160, vp.height() / 3));
    if (overflow && maximum.width() >= 40 && maximum.height() >= 40) {
        const QSize size = GraphMinimap::sizeFor(m_scene->sceneRect().size(), maximum);
        m_minimap->setGeometry(vp.right() - kOverlayMargin - size.width(), vp.bottom() - kOverlayMargin - size.height(),
            size.width(), size.height());
        m_minimap->show();
        m_minimap->raise();
        m_minimap->update();
    } else {
        m_minimap->hide();
    }
}

// Search --------------------------------------------------------------------------------------------------------------

void GraphView::showSearchBar()
{
    m_searchBar->activate();
    layoutOverlays();
    if (!m_searchBar->text().trimmed().isEmpty())
        updateMatches(m_searchBar->text());
}

void GraphView::hideSearchBar()
{
    m_searchBar->hide();
    m_searchText.clear();
    m_matches.clear();
    m_currentMatch = -1;
    m_scene->setMatches({});
    m_canvas->setFocus(Qt::OtherFocusReason);
}

void GraphView::updateMatches(const QString& text)
{
    m_searchText = text;
    m_matches = m_scene->findOperators(text);
    m_currentMatch = -1;
    m_scene->setMatches(m_matches);
    m_searchBar->setResult(-1, static_cast<int>(m_matches.size()));
}

void GraphView::search(const QString& text, int step)
{
    if (text != m_searchText || m_matches.empty())
        updateMatches(text);
    if (m_searchBar->text() != text)
        m_searchBar->setText(text);
    const int count = static_cast<int>(m_matches.size());
    if (count == 0) {
        m_searchBar->setResult(-1, 0);
        return;
    }
    if (m_currentMatch < 0)
        m_currentMatch = step > 0 ? 0 : count - 1;
    else
        m_currentMatch = ((m_currentMatch + step) % count + count) % count;
    const int op = m_matches[static_cast<std::size_t>(m_currentMatch)];
    if (m_hub)
        m_hub->selectOperator(m_subgraph, op);
    if (m_currentOperator != op)
        selectOperator(op); // no hub, or the hub held this selection already and emitted nothing
    centerOnOperator(op);
    m_searchBar->setResult(m_currentMatch, count);
}

int GraphView::findNext(const QString& text)
{
    search(text, +1);
    return m_currentMatch >= 0 ? m_matches[static_cast<std::size_t>(m_currentMatch)] : -1;
}

int GraphView::findPrevious(const QString& text)
{
    search(text, -1);
    return m_currentMatch >= 0 ? m_matches[static_cast<std::size_t>(m_currentMatch)] : -1;
}

// Rendering and events ------------------------------------------------------------------------------------------------

void GraphView::renderTo(QPainter* painter, const QRectF& target, const QRectF& sceneRect) const
{
    m_scene->renderGraph(painter, target, sceneRect);
}

bool GraphView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_canvas->viewport() && event->type() == QEvent::Resize) {
        if (m_followInitial)
            showInitialView();
        else if (m_followFit)
            fitToView();
        else
            applyZoom(zoom());
    }
    return QWidget::eventFilter(watched, event);
}

void GraphView::changeEvent(QEvent* event)
{
    if (!event || event->type() == QEvent::PaletteChange) {
        const QColor color = palette().color(QPalette::ButtonText);
        m_zoomInButton->setIcon(graphIcon(GraphIcon::ZoomIn, color));
        m_zoomOutButton->setIcon(graphIcon(GraphIcon::ZoomOut, color));
        m_fitButton->setIcon(graphIcon(GraphIcon::Fit, color));
        m_findButton->setIcon(graphIcon(GraphIcon::Find, color));
    }
    if (event && event->type() == QEvent::PaletteChange) {
        m_scene->setPalette(palette(), paletteIsDark());
        const int op = m_currentOperator;
        const int tensor = m_currentTensor;
        m_scene->setMatches(m_matches);
        if (op >= 0)
            selectOperator(op);
        else if (tensor >= 0)
            selectTensor(tensor);
        m_minimap->refresh();
    }
    if (event)
        QWidget::changeEvent(event);
}

} // namespace Widgets
