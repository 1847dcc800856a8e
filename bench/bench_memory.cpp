// SPDX-License-Identifier: GPL-3.0-or-later
// Prints, for every model: TFLM's arena head, the lower bound, TinyScope's best plan, the reordered plan and the
// saving, with the time each step took. Figures only: nothing here asserts a time.
//
//   build/release/bench/bench_memory [--dnn N ...] [--runs N] [model.tflite ...]
//   build/release/bench/bench_memory --dump FILE [--dnn N ...] [model.tflite ...]
//
// Default: every model in ../shared/models. --dnn N adds a generated DNN-like model of N operators (seed 1,
// bench/dnngenerator). --runs N times each planner N times and prints the median (default 1).
// --dump FILE writes every offset of TFLM's plan and of the best plan, for the file's order and for the order given
// by the reordering search, one line per plan, so that a change to the planners can be checked against the plans of
// the code before it (`diff` of two dumps; the reordered lines can only differ where the search ran out of its time
// budget and so found another order, which the dump's "order" line shows).
#include "dnngenerator.h"

#include "memory/arenamodel.h"
#include "memory/arenaplanners.h"
#include "memory/reorder.h"
#include "tflite/tfliteloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Profiler;

namespace {

double ms(const QElapsedTimer& t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

/** Median time in ms of `runs` calls of `f`. */
double timed(int runs, const std::function<void()>& f)
{
    std::vector<double> times;
    for (int i = 0; i < std::max(1, runs); ++i) {
        QElapsedTimer t;
        t.start();
        f();
        times.push_back(ms(t));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void dumpPlan(QTextStream& out, const QString& name, const char* what, const MemoryPlan& plan)
{
    out << name << ' ' << what << " arena " << plan.arenaBytes << " optimal " << (plan.provenOptimal ? 1 : 0)
        << " offsets";
    for (std::int64_t o : plan.offsets)
        out << ' ' << o;
    out << '\n';
}

struct Input
{
    QString name;
    QString path; ///< empty for a generated model
    int operators = 0;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments().mid(1);
    std::vector<Input> inputs;
    QString dumpPath;
    int runs = 1;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--dump") && i + 1 < args.size()) {
            dumpPath = args[++i];
        } else if (args[i] == QLatin1String("--runs") && i + 1 < args.size()) {
            runs = args[++i].toInt();
        } else if (args[i] == QLatin1String("--dnn") && i + 1 < args.size()) {
            const int n = args[++i].toInt();
            inputs.push_back({ QStringLiteral("dnn-%1").arg(n), QString(), n });
        } else {
            inputs.push_back({ QFileInfo(args[i]).fileName(), args[i], 0 });
        }
    }
    const bool onlyGenerated = !inputs.empty()
        && std::all_of(inputs.begin(), inputs.end(), [](const Input& in) { return in.path.isEmpty(); });
    if (inputs.empty() || (onlyGenerated && !dumpPath.isEmpty())) {
        const QDir dir(QStringLiteral(TINYSCOPE_SHARED_MODELS));
        for (const QString& f : dir.entryList({ QStringLiteral("*.tflite") }, QDir::Files, QDir::Name))
            inputs.push_back({ f, dir.filePath(f), 0 });
    }
    QFile dumpFile(dumpPath);
    QTextStream dump(&dumpFile);
    if (!dumpPath.isEmpty() && !dumpFile.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write %s: %s\n", qPrintable(dumpPath), qPrintable(dumpFile.errorString()));
        return 1;
    }

    std::printf("%-46s %7s %10s %10s %10s %10s %8s %6s | %9s %9s %9s %9s %9s\n", "model", "buffers", "tflm", "lower",
        "best", "reordered", "saving", "exact", "plan ms", "lower ms", "best ms", "order ms", "replan ms");
    for (const Input& in : inputs) {
        const auto loaded = in.path.isEmpty() ? loadTfliteData(Bench::generateDnnModel(in.operators, 1), in.name)
                                              : loadTfliteFile(in.path);
        if (!loaded.ok()) {
            std::printf("%-46s error: %s\n", qPrintable(in.name), qPrintable(loaded.error().userMessage));
            continue;
        }
        const Model& model = loaded.value();
        const MemoryProblem problem = buildTflmProblem(model);
        MemoryPlan tflm;
        const double planMs = timed(runs, [&] { tflm = planTflmGreedy(problem); });
        std::int64_t lower = 0;
        const double lowerMs = timed(runs, [&] { lower = memoryLowerBound(problem); });
        MemoryPlan best;
        const double bestMs = timed(runs, [&] { best = planBest(problem); });
        QElapsedTimer t;
        t.start();
        const ReorderResult reorder = reorderOperators(model, 0);
        const double orderMs = ms(t);
        ArenaOptions options;
        options.order = reorder.order;
        const MemoryProblem reorderedProblem = buildTflmProblem(model, options);
        MemoryPlan reordered;
        const double replanMs = timed(runs, [&] { reordered = planBest(reorderedProblem); });
        const std::int64_t bestReordered = std::min(reordered.arenaBytes, best.arenaBytes);
        std::printf("%-46s %7zu %10lld %10lld %10lld %10lld %8lld %6s | %9.2f %9.2f %9.2f %9.1f %9.2f\n",
            qPrintable(in.name), problem.buffers.size(), static_cast<long long>(tflm.arenaBytes),
            static_cast<long long>(lower), static_cast<long long>(best.arenaBytes),
            static_cast<long long>(bestReordered), static_cast<long long>(best.arenaBytes - bestReordered),
            reorder.exact ? "yes" : "no", planMs, lowerMs, bestMs, orderMs, replanMs);
        std::fflush(stdout);
        if (!dumpPath.isEmpty()) {
            dump << in.name << " buffers " << problem.buffers.size() << " lower " << lower << '\n';
            dumpPlan(dump, in.name, "tflm", tflm);
            dumpPlan(dump, in.name, "best", best);
            dump << in.name << " order";
            for (int op : reorder.order)
                dump << ' ' << op;
            dump << '\n';
            dumpPlan(dump, in.name, "reordered-tflm", planTflmGreedy(reorderedProblem));
            dumpPlan(dump, in.name, "reordered-best", reordered);
            dump.flush();
        }
    }
    return 0;
}
