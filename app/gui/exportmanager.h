// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <map>

class MainWindow;
class QAction;
class QMenu;

/**
 * Every export of the desktop app: File > Export and the context menus of the graph, the memory timeline, the arena
 * map and the layer table. Images come from widgets/imageexport (what the view shows: its subgraph, plan, axis and
 * latency colours), data files and the HTML report from app/report, the same generators as `tinyscope-cli report`.
 * Every file is written through QSaveFile, so a failed export leaves the previous file as it was; errors go to the
 * window's banner naming the file and the reason.
 */
class ExportManager : public QObject
{
    Q_OBJECT

public:
    enum class Kind {
        GraphPng,
        GraphSvg,
        TimelinePng,
        TimelineSvg,
        TimelinePdf,
        ArenaMapPng,
        ArenaMapSvg,
        ArenaMapPdf,
        LayersCsv,
        LayersJson,
        SessionCsv, ///< the measured runs behind the shown latency, one row per run x layer
        ModelExplorer, ///< one node data file per metric into a folder
        HtmlReport,
    };

    /** Creates the actions and adds them to the views' context menus; menu() is File > Export. */
    explicit ExportManager(MainWindow* window);

    QMenu* menu() const { return m_menu; }
    QAction* action(Kind kind) const;

    /** Writes `kind` to `path` without asking: a file, or for ModelExplorer a folder (created when missing).
     *  `graphScale` is the PNG scale of GraphPng. False, with the reason in the banner, when nothing was written. */
    bool exportTo(Kind kind, const QString& path, double graphScale = 1.0);

    /** The file written by the last successful exportTo() (the folder's files for ModelExplorer are listed in the
     *  status bar); for tests and the status message. */
    QStringList lastWritten() const { return m_lastWritten; }

    /** Enables what the window has data for (a model; measurements for the session CSV). */
    void updateActions();

    /** "vww-graph.png": the suggested file name of `kind` for a model file `modelPath`. */
    static QString suggestedFileName(Kind kind, const QString& modelPath);

private:
    void exportInteractively(Kind kind);
    bool writeBytes(const QString& path, const QByteArray& data, const QString& what);
    bool fail(const QString& path, const QString& what, const QString& reason);

    MainWindow* m_window;
    QMenu* m_menu;
    std::map<Kind, QAction*> m_actions;
    QStringList m_lastWritten;
};
