// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: a .tflite file from bytes, then everything TinyScope computes from it when a model opens
// (per-layer analysis of every subgraph, the memory analysis with its planners and the operator reordering, the
// layout of small graphs, and the JSON/CSV reports). Any crash, sanitizer report, hang or huge allocation is a bug:
// bad input must end in a Result error.
#include "analysis/layeranalysis.h"
#include "layout/graphlayout.h"
#include "memory/memoryanalysis.h"
#include "report/analysisreport.h"
#include "report/layoutjson.h"
#include "report/memoryreportjson.h"
#include "tflite/tfliteloader.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

// Bounds that keep one input in the milliseconds: the searches are budgeted in states, not time, so a run is
// reproducible. Real models get the full budgets in the app; here they would only slow the fuzzer down. The reordering
// search keeps maxStates / operators states per step, so 2,000 still makes it prune (and leave the exact path) on
// any graph with a few dozen operators and branches; at 20,000 it took 70 % of the time per input, sorting candidate
// sets with every comparison traced by the fuzzer's instrumentation, and the target ran 4.5 times slower.
constexpr std::int64_t kReorderStates = 2'000;
constexpr int kExactBuffers = 10;
constexpr std::int64_t kExactNodes = 20'000;
constexpr std::size_t kMaxSubgraphsAnalysed = 8;
constexpr std::size_t kMaxOperatorsLaidOut = 300;

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "fuzz_model: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace Profiler;
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const Result<Model> loaded = loadTfliteData(bytes, QStringLiteral("fuzz.tflite"));
    if (!loaded) {
        // The promise to the user: every refusal says what and why, naming the file.
        if (!loaded.error().userMessage.contains(QStringLiteral("fuzz.tflite")))
            fail("an error message does not name the file");
        return 0;
    }
    const Model& model = loaded.value();
    for (std::size_t s = 0; s < model.subgraphs.size() && s < kMaxSubgraphsAnalysed; ++s) {
        const ModelAnalysis analysis = analyzeModel(model, static_cast<int>(s));
        if (analysis.layers.size() != model.subgraphs[s].operators.size())
            fail("analyzeModel() lost or invented layers");
        if (s == 0) {
            const QByteArray csv = analysisToCsv(model, analysis);
            (void)analysisToJson(model, analysis);
            if (csv.isEmpty())
                fail("empty CSV report");
        }
    }
    if (model.subgraphs.empty())
        return 0;

    MemoryOptions options;
    options.best.exactMaxBuffers = kExactBuffers;
    options.best.exactNodeBudget = kExactNodes;
    options.reorder.maxStates = kReorderStates;
    const MemoryReport memory = analyzeMemory(model, options);
    if (memory.best.arenaBytes > memory.tflm.arenaBytes)
        fail("planBest() is larger than TFLM's greedy plan");
    if (memory.lowerBound > memory.best.arenaBytes)
        fail("a plan is below the lower bound");
    if (memory.reorder.reorderedPeak > memory.reorder.originalPeak)
        fail("the reordering made the peak worse");
    (void)memoryToJson(model, memory);

    if (model.subgraphs[0].operators.size() <= kMaxOperatorsLaidOut) {
        const ModelGraph graph = layoutModelGraph(model, 0);
        if (graph.layout.nodes.size() != graph.nodes.size())
            fail("the layout lost nodes");
        (void)layoutToJson(model, graph);
    }
    return 0;
}
