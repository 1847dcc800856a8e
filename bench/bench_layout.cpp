// SPDX-License-Identifier: GPL-3.0-or-later
// Times the layered graph layout on generated DNN-like models (1k, 10k and 50k operators) or on given .tflite files
// and prints nodes, edges, dummies, ranks, the median layout time, crossings and the peak RSS so far. Figures only:
// nothing here asserts a time.
//
//   bench_layout [--runs N] [--export DIR] [--ops N ...] [model.tflite ...]
//
// --export DIR writes DIR/<model>.json per model (node sizes and edges, plus our figures) for
// bench/dagre/compare.mjs, which lays the same graph out with dagre.
#include "dnngenerator.h"

#include "layout/graphlayout.h"
#include "tflite/tfliteloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Profiler;

namespace {

/** Peak resident set size of this process in MB (VmHWM), or -1. */
double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return -1;
}

bool exportGraph(const QString& path, const ModelGraph& g, double medianMs)
{
    QJsonArray nodes;
    for (const QSizeF& size : g.graph.nodeSizes)
        nodes.append(QJsonArray { size.width(), size.height() });
    QJsonArray edges;
    for (const auto& [from, to] : g.graph.edges)
        edges.append(QJsonArray { from, to });
    QJsonObject ours;
    ours[QStringLiteral("crossings")] = static_cast<qint64>(g.layout.crossings);
    ours[QStringLiteral("milliseconds")] = medianMs;
    ours[QStringLiteral("dummies")] = g.layout.dummyCount;
    ours[QStringLiteral("ranks")] = g.layout.rankCount;
    QJsonObject root;
    root[QStringLiteral("nodes")] = nodes;
    root[QStringLiteral("edges")] = edges;
    root[QStringLiteral("tinyscope")] = ours;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) > 0;
}

/** A model to generate (operators > 0) or to read from `path`. */
struct Input
{
    QString name;
    int operators = 0;
    QString path;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    int runs = 5;
    QString exportDir;
    std::vector<int> sizes;
    std::vector<Input> inputs;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--runs") && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--export") && i + 1 < args.size())
            exportDir = args[++i];
        else if (args[i] == QLatin1String("--ops") && i + 1 < args.size())
            sizes.push_back(args[++i].toInt());
        else
            inputs.push_back({ QFileInfo(args[i]).completeBaseName(), 0, args[i] });
    }
    if (sizes.empty() && inputs.empty())
        sizes = { 1000, 10000, 50000 };
    std::vector<Input> all;
    for (int n : sizes)
        all.push_back(
            { n % 1000 == 0 ? QStringLiteral("dnn-%1k").arg(n / 1000) : QStringLiteral("dnn-%1").arg(n), n, {} });
    all.insert(all.end(), inputs.begin(), inputs.end());

    std::printf("%-28s %7s %7s %7s %8s %7s %10s %10s %9s %8s\n", "model", "ops", "nodes", "edges", "dummies", "ranks",
        "layout ms", "total ms", "crossings", "peak MB");
    for (const Input& in : all) {
        // Generated one at a time, so that the peak RSS column grows with the model.
        const auto loaded = in.path.isEmpty() ? loadTfliteData(Bench::generateDnnModel(in.operators, 1), in.name)
                                              : loadTfliteFile(in.path);
        if (!loaded.ok()) {
            std::printf("%-28s error: %s\n", qPrintable(in.name), qPrintable(loaded.error().userMessage));
            continue;
        }
        const Model& model = loaded.value();
        std::vector<double> layoutMs, totalMs;
        ModelGraph g;
        for (int r = 0; r < runs; ++r) {
            QElapsedTimer t;
            t.start();
            g = layoutModelGraph(model, 0);
            totalMs.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
            layoutMs.push_back(g.layout.milliseconds);
        }
        std::sort(layoutMs.begin(), layoutMs.end());
        std::sort(totalMs.begin(), totalMs.end());
        const double medianLayout = layoutMs[layoutMs.size() / 2];
        std::printf("%-28s %7zu %7zu %7zu %8d %7d %10.1f %10.1f %9lld %8.0f\n", qPrintable(in.name),
            model.subgraphs.empty() ? std::size_t(0) : model.subgraphs[0].operators.size(), g.nodes.size(),
            g.graph.edges.size(), g.layout.dummyCount, g.layout.rankCount, medianLayout, totalMs[totalMs.size() / 2],
            static_cast<long long>(g.layout.crossings), peakRssMb());
        std::fflush(stdout);
        if (!exportDir.isEmpty()) {
            QDir().mkpath(exportDir);
            const QString path = QDir(exportDir).filePath(in.name + QStringLiteral(".json"));
            if (!exportGraph(path, g, medianLayout))
                std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        }
    }
    return 0;
}
