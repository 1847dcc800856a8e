// SPDX-License-Identifier: GPL-3.0-or-later
#include "modeldocument.h"

#include "tflite/tfliteloader.h"

namespace Profiler {

namespace {

/** Maps the 0..1000 progress of one stage onto [from, to] of the whole. */
Progress stage(const Progress& whole, int from, int to)
{
    Progress p;
    p.isCancelled = whole.isCancelled;
    if (whole.report)
        p.report = [whole, from, to](int permille) { whole.report(from + (to - from) * permille / 1000); };
    return p;
}

} // namespace

ModelDocumentPtr buildModelDocument(Model model, const Progress& progress)
{
    auto doc = std::make_shared<ModelDocument>();
    doc->model = std::move(model);
    const auto subgraphs = static_cast<int>(doc->model.subgraphs.size());
    for (int s = 0; s < subgraphs; ++s)
        doc->analyses.push_back(analyzeModel(doc->model, s));
    progress.set(50);
    if (progress.cancelled())
        return nullptr;
    doc->memory = analyzeMemory(doc->model, {}, stage(progress, 50, 600));
    if (progress.cancelled())
        return nullptr;
    for (int s = 0; s < subgraphs; ++s) {
        doc->graphs.push_back(layoutModelGraph(doc->model, s, {}, stage(progress, 600 + 400 * s / subgraphs, 600 + 400 * (s + 1) / subgraphs)));
        if (progress.cancelled())
            return nullptr;
    }
    progress.set(1000);
    return doc;
}

Result<ModelDocumentPtr> openModelDocument(const QString& path, const Progress& progress)
{
    auto loaded = loadTfliteFile(path, stage(progress, 0, 200));
    if (!loaded.ok())
        return loaded.error();
    ModelDocumentPtr doc = buildModelDocument(std::move(loaded).value(), stage(progress, 200, 1000));
    if (!doc)
        return makeError(ErrorKind::Cancelled, path + QStringLiteral(": loading cancelled"));
    return doc;
}

} // namespace Profiler
