// SPDX-License-Identifier: GPL-3.0-or-later
// Prints, for every model: TFLM's arena head, the lower bound, TinyScope's best plan, the reordered plan and the
// saving, with the time each step took. Figures only: nothing here asserts a time.
//
//   build/release/bench/bench_memory [model.tflite ...]     (default: every model in ../shared/models)
#include "memory/arenamodel.h"
#include "memory/arenaplanners.h"
#include "memory/reorder.h"
#include "tflite/tfliteloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <cstdio>

using namespace Profiler;

namespace {

double ms(const QElapsedTimer& t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList models = QCoreApplication::arguments().mid(1);
    if (models.isEmpty()) {
        const QDir dir(QStringLiteral(TINYSCOPE_SHARED_MODELS));
        for (const QString& f : dir.entryList({ QStringLiteral("*.tflite") }, QDir::Files, QDir::Name))
            models << dir.filePath(f);
    }
    std::printf("%-46s %10s %10s %10s %10s %8s %6s | %8s %8s %8s %9s\n", "model", "tflm", "lower", "best", "reordered",
        "saving", "exact", "plan ms", "best ms", "order ms", "replan ms");
    for (const QString& path : std::as_const(models)) {
        const auto loaded = loadTfliteFile(path);
        if (!loaded.ok()) {
            std::printf(
                "%-46s error: %s\n", qPrintable(QFileInfo(path).fileName()), qPrintable(loaded.error().userMessage));
            continue;
        }
        const Model& model = loaded.value();
        QElapsedTimer t;
        t.start();
        const MemoryProblem problem = buildTflmProblem(model);
        const MemoryPlan tflm = planTflmGreedy(problem);
        const double planMs = ms(t);
        const std::int64_t lower = memoryLowerBound(problem);
        t.restart();
        const MemoryPlan best = planBest(problem);
        const double bestMs = ms(t);
        t.restart();
        const ReorderResult reorder = reorderOperators(model, 0);
        const double orderMs = ms(t);
        t.restart();
        ArenaOptions options;
        options.order = reorder.order;
        const MemoryPlan reordered = planBest(buildTflmProblem(model, options));
        const double replanMs = ms(t);
        const std::int64_t bestReordered = std::min(reordered.arenaBytes, best.arenaBytes);
        std::printf("%-46s %10lld %10lld %10lld %10lld %8lld %6s | %8.2f %8.2f %8.1f %9.2f\n",
            qPrintable(QFileInfo(path).fileName()), static_cast<long long>(tflm.arenaBytes),
            static_cast<long long>(lower), static_cast<long long>(best.arenaBytes),
            static_cast<long long>(bestReordered), static_cast<long long>(best.arenaBytes - bestReordered),
            reorder.exact ? "yes" : "no", planMs, bestMs, orderMs, replanMs);
    }
    return 0;
}
