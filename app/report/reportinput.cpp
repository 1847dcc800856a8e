// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportinput.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace Report {

const Profiler::ModelAnalysis* ReportInput::analysis() const
{
    if (!document || subgraph < 0 || static_cast<std::size_t>(subgraph) >= document->analyses.size())
        return nullptr;
    return &document->analyses[static_cast<std::size_t>(subgraph)];
}

Devices::FitInput fitInputFromDocument(const Profiler::ModelDocument& document)
{
    Devices::FitInput in;
    in.modelBytes = document.model.fileSize;
    if (in.modelBytes <= 0 && !document.analyses.empty())
        in.modelBytes = document.analyses[0].summary.weightBytes;

    QStringList types;
    for (const auto& subgraph : document.model.subgraphs) {
        for (const auto& op : subgraph.operators)
            types << op.type;
    }
    in.runtimeCodeBytes = Devices::estimateTflmCodeSize(types).totalBytes;
    in.arenaBytes = document.memory.tflm.arenaBytes;
    in.persistentBytes = document.memory.persistent.totalBytes;
    in.reorderedArenaBytes
        = document.memory.reorderedBest.arenaBytes > 0 ? document.memory.reorderedBest.arenaBytes : -1;
    for (const auto& analysis : document.analyses) {
        for (const auto& layer : analysis.layers) {
            if (layer.support.status == Profiler::SupportStatus::Unsupported
                && !in.unsupportedOperators.contains(layer.type))
                in.unsupportedOperators << layer.type;
        }
    }
    return in;
}

BoardFit judgeBoard(const Profiler::ModelDocument& document, const Devices::BoardProfile& board)
{
    return BoardFit { board, Devices::judgeFit(fitInputFromDocument(document), board) };
}

Profiler::ModelDocumentPtr buildReportDocument(Profiler::Model model)
{
    auto doc = std::make_shared<Profiler::ModelDocument>();
    doc->model = std::move(model);
    for (std::size_t s = 0; s < doc->model.subgraphs.size(); ++s)
        doc->analyses.push_back(Profiler::analyzeModel(doc->model, static_cast<int>(s)));
    doc->memory = Profiler::analyzeMemory(doc->model);
    return doc;
}

QString sha256Hex(const QByteArray& data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QString sha256OfFile(const QString& path, QString* error)
{
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file)) {
        if (error)
            *error = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

Devices::BoardResult<Devices::BoardProfile> findBoard(const QString& nameOrPath)
{
    using Result = Devices::BoardResult<Devices::BoardProfile>;
    const QString wanted = nameOrPath.trimmed();
    const Devices::BoardList builtin = Devices::builtinBoards();
    for (const Devices::BoardProfile& b : builtin.boards) {
        if (b.id.compare(wanted, Qt::CaseInsensitive) == 0 || b.name.compare(wanted, Qt::CaseInsensitive) == 0)
            return Result::success(b);
    }
    const QFileInfo file(wanted);
    if (file.isFile())
        return Devices::loadBoardProfileFile(wanted);
    QStringList ids;
    for (const Devices::BoardProfile& b : builtin.boards)
        ids << b.id;
    if (wanted.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return Result::failure(QStringLiteral("%1: no such board file").arg(wanted));
    return Result::failure(QStringLiteral("unknown board \"%1\"; known boards: %2 (or give a board JSON file)")
                               .arg(wanted, ids.join(QStringLiteral(", "))));
}

} // namespace Report
