// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QGraphicsItem;
class QGraphicsScene;
class QGraphicsView;
class QToolButton;

namespace Widgets {

class GraphCanvas;
class GraphHeatLegend;
class GraphMinimap;
class GraphNodeItem;
class GraphScene;
class GraphSearchBar;
class SelectionHub;

/** The model graph of one subgraph: operators as boxes in their category colour, inputs and outputs as pills, tensors
 *  as arrows. Zoom (Ctrl+wheel, +/-, toolbar), fit, pan (drag, wheel), a minimap, find (Ctrl+F) and a subgraph
 *  selector. Clicks go to the SelectionHub and the view follows its signals. */
class GraphView : public QWidget
{
    Q_OBJECT

public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    void setDocument(Profiler::ModelDocumentPtr document);
    Profiler::ModelDocumentPtr document() const { return m_document; }
    /** The hub this view reports clicks to and follows; without one, clicks select locally. */
    void setSelectionHub(SelectionHub* hub);
    SelectionHub* selectionHub() const { return m_hub; }

    int subgraph() const { return m_subgraph; }
    QGraphicsScene* scene() const;
    GraphScene* graphScene() const { return m_scene; }
    QGraphicsView* canvas() const;
    GraphSearchBar* searchBar() const { return m_searchBar; }
    GraphMinimap* minimap() const { return m_minimap; }
    QComboBox* subgraphSelector() const { return m_subgraphBox; }

    /** Scale of the view: 1.0 shows the graph at its layout size (100 %). */
    double zoom() const;
    /** Sets the scale, keeping the centre of the view; clamped to [minimumZoom(), maximumZoom()]. */
    void setZoom(double zoom);
    double minimumZoom() const;
    double maximumZoom() const;
    /** The scale fitToView() would choose for the current size: the whole graph, never above 100 %. */
    double fitZoom() const;

    /** The operator (-1: none), and the input/output tensor (-1: none), selected in this view. */
    int currentOperator() const { return m_currentOperator; }
    int currentTensor() const { return m_currentTensor; }

    /** Searches operator names and types for `text` (case-insensitive). A new text starts at the first match, the
     *  same text moves on, wrapping around. Selects and centres the match; returns its operator index, or -1. */
    int findNext(const QString& text);
    /** As findNext(), backwards; a new text starts at the last match. */
    int findPrevious(const QString& text);
    int searchMatchCount() const { return static_cast<int>(m_matches.size()); }
    int currentSearchMatch() const { return m_currentMatch; } ///< 0-based, -1 when none was visited
    const std::vector<int>& searchMatches() const { return m_matches; }

    /** Paints measured latency on the graph (see GraphScene::setLatency()) with a legend in the top-left corner;
     *  nullptr clears it. Keeps zoom, scroll position, selection and search: call it on every new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);
    Profiler::LatencyProfilePtr latency() const;
    /** The legend overlay (visible while latency is painted on the shown subgraph). */
    QWidget* heatLegend() const;

    /** Renders `sceneRect` of the graph (default: all of it, with a margin) into `target` (default: the painter's
     *  device), keeping the aspect ratio: the scene's own drawing at the painter's scale, without the toolbar,
     *  minimap or search bar. The current selection and search highlights are drawn as on screen. */
    void renderTo(QPainter* painter, const QRectF& target = {}, const QRectF& sceneRect = {}) const;

public Q_SLOTS:
    /** Shows subgraph `subgraph` (without telling the hub) and fits it into the view. */
    void showSubgraph(int subgraph);
    void fitToView();
    /** What a model opens with: fit when the labels stay readable, else the top of the graph at a readable zoom. */
    void showInitialView();
    void zoomIn();
    void zoomOut();
    void showSearchBar();
    void hideSearchBar();
    /** Selects operator `op` (-1: none) of the shown subgraph here and centres it if it is off-screen. Does not tell
     *  the hub: this is what the view does when the hub reports a selection. */
    void selectOperator(int op);
    /** Selects the input/output nodes and the edges of tensor `tensor`; centres them if they are off-screen. */
    void selectTensor(int tensor);
    void clearSelection();
    /** Centres the view on operator `op`. */
    void centerOnOperator(int op);

Q_SIGNALS:
    void zoomChanged(double zoom);
    void subgraphShown(int subgraph);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    friend class GraphCanvas;

    void zoomBy(double factor, const QPoint& viewportAnchor);
    void applyZoom(double zoom);
    void updateViewRect();
    void userNavigated();
    void updateChrome();
    void layoutOverlays();
    void rebuildSubgraphSelector();
    void onSubgraphActivated(int index);
    void onHubSubgraphChanged(int subgraph);
    void onHubOperatorSelected(int subgraph, int op);
    void onHubTensorSelected(int subgraph, int tensor);
    void itemClicked(QGraphicsItem* item);
    void backgroundClicked();
    void revealIfHidden(const QRectF& sceneRect);
    void search(const QString& text, int step);
    void updateMatches(const QString& text);

    Profiler::ModelDocumentPtr m_document;
    SelectionHub* m_hub = nullptr; // reset when the hub is destroyed
    int m_subgraph = 0;
    int m_currentOperator = -1;
    int m_currentTensor = -1;
    bool m_followFit = true; // refit on resize until the user zooms or pans
    bool m_followInitial = false; // keep the initial view of a tall graph on resize until the user zooms or pans
    double m_lastZoom = 0;

    GraphScene* m_scene;
    GraphCanvas* m_canvas;
    GraphMinimap* m_minimap;
    GraphHeatLegend* m_legend;
    GraphSearchBar* m_searchBar;
    QComboBox* m_subgraphBox;
    QToolButton* m_zoomLabel;
    QToolButton* m_zoomInButton;
    QToolButton* m_zoomOutButton;
    QToolButton* m_fitButton;
    QToolButton* m_findButton;

    QString m_searchText;
    std::vector<int> m_matches;
    int m_currentMatch = -1;
};

} // namespace Widgets
