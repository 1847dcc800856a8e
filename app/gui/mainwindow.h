// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"

#include <QMainWindow>
#include <QStringList>

#include <functional>

class QAction;
class QLabel;
class QMenu;
class QMimeData;
class QProgressBar;
class QToolButton;
class ModelLoader;

namespace Widgets {
class ArenaMap;
class BoardFitPanel;
class GraphView;
class LayerTableView;
class MemoryTimeline;
class MessageBanner;
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
    /** Opens the first local file of dropped data; false when there is none. */
    bool openDropped(const QMimeData* mime);

Q_SIGNALS:
    /** A model finished loading and every view shows it. */
    void documentShown(const QString& path);

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
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    std::function<void()> m_defaultLayout; ///< dock sizes for a first start
    Profiler::ModelDocumentPtr m_document;
    QString m_path;
};
