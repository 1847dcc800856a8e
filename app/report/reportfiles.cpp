// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportfiles.h"

#include "htmlreport.h"
#include "layerexport.h"
#include "modelexplorerjson.h"
#include "report/memoryreportjson.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <utility>

namespace Report {

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString imageSuffix(const QString& mimeType)
{
    if (mimeType == QLatin1String("image/png"))
        return QStringLiteral("png");
    if (mimeType == QLatin1String("image/svg+xml"))
        return QStringLiteral("svg");
    return {};
}

ReportFilesResult writeReportFiles(const ReportInput& input, const QString& dir)
{
    ReportFilesResult result;
    const Profiler::ModelAnalysis* analysis = input.analysis();
    if (!input.document || !analysis) {
        result.error = QStringLiteral("%1: nothing to report (no analysed model, or no subgraph %2)")
                           .arg(dir)
                           .arg(input.subgraph);
        return result;
    }
    if (QFileInfo::exists(dir) && !QFileInfo(dir).isDir()) {
        result.error = QStringLiteral("%1: is a file; the report needs a folder to write its files in").arg(dir);
        return result;
    }
    if (!QDir().mkpath(dir)) {
        result.error = QStringLiteral("%1: cannot create the folder").arg(dir);
        return result;
    }
    const QDir out(dir);
    const auto write = [&](const QString& name, const QByteArray& data) {
        if (!result.ok())
            return;
        const QString path = out.filePath(name);
        if (writeFileAtomically(path, data, &result.error))
            result.written << path;
    };
    const Profiler::Model& model = input.document->model;
    const Profiler::LatencyProfile* latency = input.latency.get();

    write(QLatin1String(Files::kLayersCsv), layerTableCsv(model, *analysis, latency));
    write(QLatin1String(Files::kLayersJson),
        QJsonDocument(layerTableJson(model, *analysis, latency)).toJson(QJsonDocument::Indented));
    write(QLatin1String(Files::kMemoryJson),
        QJsonDocument(Profiler::memoryToJson(model, input.document->memory)).toJson(QJsonDocument::Indented));
    for (const NodeMetric metric : availableNodeMetrics(latency)) {
        write(QLatin1String(Files::kModelExplorerPrefix) + nodeMetricKey(metric) + QStringLiteral(".json"),
            QJsonDocument(modelExplorerNodeData(*analysis, metric, latency)).toJson(QJsonDocument::Indented));
    }
    if (input.session) {
        const Profiler::Subgraph& sg = model.subgraphs[static_cast<std::size_t>(analysis->summary.subgraph)];
        write(QLatin1String(Files::kSessionCsv), sessionCsv(*input.session, sg, latency ? latency->warmupRun : -1));
    }
    for (const auto& [name, image] : { std::pair { Files::kGraphImage, &input.graphImage },
             std::pair { Files::kTimelineImage, &input.timelineImage } }) {
        const QString suffix = imageSuffix(image->mimeType);
        if (!image->isEmpty() && !suffix.isEmpty())
            write(QLatin1String(name) + QLatin1Char('.') + suffix, image->data);
    }
    // The HTML last: when it exists, the data files beside it are complete.
    write(QLatin1String(Files::kHtml), htmlReport(input));
    return result;
}

} // namespace Report
