// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "reportinput.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Report {

/** Writes `data` to `path` through QSaveFile: the old file stays in place until the new one is complete. On failure
 *  returns false and sets `error` to "PATH: cannot write: reason". */
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error);

/** What writing a report folder did. */
struct ReportFilesResult
{
    QStringList written; ///< paths, in writing order
    QString error; ///< empty on success; names the file and the reason
    bool ok() const { return error.isEmpty(); }
};

/** "png" for image/png, "svg" for image/svg+xml, empty for anything else. */
QString imageSuffix(const QString& mimeType);

/** File names inside the report folder (docs/reports.md). */
namespace Files {
inline const char kHtml[] = "report.html";
inline const char kLayersCsv[] = "layers.csv";
inline const char kLayersJson[] = "layers.json";
inline const char kMemoryJson[] = "memory.json";
inline const char kSessionCsv[] = "session.csv";
inline const char kModelExplorerPrefix[] = "model-explorer-"; ///< + metric key + ".json"
inline const char kGraphImage[] = "graph"; ///< + ".png" or ".svg", when the input has a graph image
inline const char kTimelineImage[] = "timeline"; ///< + ".png" or ".svg", when the input has a timeline image
} // namespace Files

/**
 * Writes every report file into `dir` (created when missing): report.html, layers.csv, layers.json, memory.json, one
 * model-explorer-<metric>.json per available metric, session.csv when the input has a session, and graph.png|svg and
 * timeline.png|svg for the images it has. Each file is written atomically; the first failure stops and is reported.
 */
ReportFilesResult writeReportFiles(const ReportInput& input, const QString& dir);

} // namespace Report
