// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QMenu;
class QMimeData;
class QProgressBar;
class QToolButton;
class ModelLoader;
class ExportManager;
class QDockWidget;
class QTimer;

namespace Devices {
class SerialSession;
class SimulatedBoard;
struct SerialSettings;
} // namespace Devices

namespace Widgets {
class ArenaMap;
class BoardFitPanel;
class GraphView;
class LatencyComparisonView;
class LayerTableView;
class MemoryTimeline;
class MessageBanner;
class ProfilingPanel;
class PropertiesPanel;
class SelectionHub;
} // namespace Widgets

/** TinyScope's window: wires the views to one document and one selection. Holds no numbers of its own. */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /** Starts loading `path` in the background; the current model stays shown until the new one is ready. */
    void openModel(const QString& path);
    /** The example model built into the application. */
    static QString exampleModelPath();

    Profiler::ModelDocumentPtr document() const { return m_document; }
    QString currentPath() const { return m_path; }
    Widgets::SelectionHub* selectionHub() const { return m_hub; }
    Widgets::MessageBanner* banner() const { return m_banner; }
    ModelLoader* loader() const { return m_loader; }
    QStringList recentFiles() const;
    /** What opens when no model is named on the command line: the bundled example on the first start, without
     *  recent files or for a simulated board; the most recent file otherwise, or the example with a note in the
     *  banner when that file is gone (and it leaves the recent files). */
    void openStartModel(bool forSimulatedBoard);
    /** Takes `path` off the recent files (a file that is no longer there). */
    void forgetRecentFile(const QString& path);
    /** Opens the first local file of dropped data; false when there is none. */
    bool openDropped(const QMimeData* mime);

    Widgets::GraphView* graphView() const { return m_graph; }
    Widgets::LayerTableView* layerTable() const { return m_table; }
    Widgets::MemoryTimeline* memoryTimeline() const { return m_timeline; }
    Widgets::PropertiesPanel* propertiesPanel() const { return m_properties; }
    Widgets::ArenaMap* arenaMap() const { return m_arenaMap; }
    Widgets::BoardFitPanel* boardFitPanel() const { return m_boardFit; }
    /** File > Export and the views' context menus (docs/reports.md). */
    ExportManager* exportManager() const { return m_exports; }

    // Live profiling (docs/live-profiling.md).
    Widgets::ProfilingPanel* profilingPanel() const { return m_profilingPanel; }
    Widgets::LatencyComparisonView* comparisonView() const { return m_comparison; }
    Devices::SerialSession* serialSession() const { return m_session; }
    /** The in-process simulated board, while one is connected (or reconnecting); null otherwise. */
    Devices::SimulatedBoard* simulatedBoard() const;
    /** The measured latency every view shows, or null. */
    Profiler::LatencyProfilePtr latency() const { return m_latency; }
    /** The measurements behind latency(): the live capture, an imported log or an opened session. */
    const Profiler::MeasuredSession& measuredSession() const { return m_measured; }
    /** Where session files are written: AppDataLocation/sessions. */
    static QString sessionDirectory();

    /** Starts a simulated board for the open model (cost-model latencies) on a pseudo-terminal, connects the
     *  session to it and asks for `runs` runs (0: until Stop). False, with the reason in the banner, without a
     *  model or when the pseudo-terminal cannot be opened. */
    bool connectSimulatedBoard(quint32 runs);
    /** Replaces the shown measurements with a TFLM MicroProfiler log; errors go to the banner. */
    bool importTflmLog(const QString& path);
    /** Replaces the shown measurements with a session file; errors go to the banner. */
    bool openSession(const QString& path);
    /** Compares the shown measurements (A) with a session file or TFLM log (B) in the comparison dock. */
    bool compareWith(const QString& path);
    /** Forgets the shown measurements (session files on disk stay). */
    void clearMeasurements();

Q_SIGNALS:
    /** A model finished loading and every view shows it. */
    void documentShown(const QString& path);
    /** The views were given a new latency profile (null when cleared). */
    void latencyChanged();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createViews();
    void createActions();
    void restoreSettings();
    void showDocument(const QString& path, Profiler::ModelDocumentPtr document);
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void updateStatus();
    void openDialog();
    void showAbout();
    void applyTheme(const QString& theme);
    void createProfiling();
    void createProfilingActions(QMenu* menu);
    void prepareConnection(const Devices::SerialSettings& settings);
    void scheduleLatencyUpdate();
    void updateLiveLatency();
    void recomputeLatency();
    void applyLatency(Profiler::LatencyProfilePtr profile);
    void showConversionWarnings(const QString& what, const QStringList& warnings);
    void dropSimulatedBoard();
    void updateProfilingActions();
    QString pickMeasurementFile(const QString& title, const QString& filter);
    int profiledOperatorCount() const;
    std::vector<qint64> profiledMacs() const;
    /** SHA-256 (hex) and model id of the open model's file; empty when it cannot be read. */
    std::optional<std::pair<QString, quint32>> modelFingerprint() const;

    Widgets::SelectionHub* m_hub;
    ModelLoader* m_loader;
    Widgets::MessageBanner* m_banner = nullptr;
    Widgets::GraphView* m_graph = nullptr;
    Widgets::LayerTableView* m_table = nullptr;
    Widgets::PropertiesPanel* m_properties = nullptr;
    Widgets::MemoryTimeline* m_timeline = nullptr;
    Widgets::ArenaMap* m_arenaMap = nullptr;
    Widgets::BoardFitPanel* m_boardFit = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_latencySummary = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    std::function<void()> m_defaultLayout; ///< dock sizes for a first start
    Profiler::ModelDocumentPtr m_document;
    QString m_path;

    Devices::SerialSession* m_session = nullptr;
    QPointer<Devices::SimulatedBoard> m_simBoard;
    Widgets::ProfilingPanel* m_profilingPanel = nullptr;
    QDockWidget* m_profilingDock = nullptr;
    Widgets::LatencyComparisonView* m_comparison = nullptr;
    QDockWidget* m_comparisonDock = nullptr;
    QTimer* m_latencyTimer = nullptr; ///< throttles recomputation while runs stream in
    Profiler::MeasuredSession m_measured;
    Profiler::LatencyProfilePtr m_latency;
    bool m_showLive = true; ///< false while an imported log or opened session is shown
    std::size_t m_liveRunsConverted = 0; ///< runs of the session's capture already in m_measured
    bool m_liveWarningShown = false;
    std::optional<quint32> m_autoStartRuns; ///< runs to ask for once the board answers
    QAction* m_connectBoardAction = nullptr;
    QAction* m_connectSimAction = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_disconnectAction = nullptr;
    QAction* m_importLogAction = nullptr;
    QAction* m_openSessionAction = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_clearAction = nullptr;
    ExportManager* m_exports = nullptr;
};
