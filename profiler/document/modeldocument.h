// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/layeranalysis.h"
#include "common/progress.h"
#include "common/result.h"
#include "layout/graphlayout.h"
#include "memory/memoryanalysis.h"
#include "model/model.h"

#include <QString>

#include <memory>
#include <vector>

namespace Profiler {

/** Everything the views show about one opened model, computed once, off the GUI thread, and never changed. */
struct ModelDocument
{
    Model model;
    std::vector<ModelAnalysis> analyses; ///< one per subgraph
    MemoryReport memory;                 ///< arena plans of the whole model
    std::vector<ModelGraph> graphs;      ///< one laid-out graph per subgraph
};

using ModelDocumentPtr = std::shared_ptr<const ModelDocument>;

/** Builds the document of an already loaded model. */
ModelDocumentPtr buildModelDocument(Model model, const Progress& progress = {});

/** Loads `path` and builds its document; the error names the file and the reason. */
Result<ModelDocumentPtr> openModelDocument(const QString& path, const Progress& progress = {});

} // namespace Profiler
