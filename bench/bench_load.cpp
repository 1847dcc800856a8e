// SPDX-License-Identifier: GPL-3.0-or-later
// Prints load + analysis times and peak RSS for every model given on the command line (or every model in
// ../shared/models). Figures only: nothing here asserts a time.
//
//   build/release/bench/bench_load [--repeat N] [model.tflite ...]
#include "analysis/layeranalysis.h"
#include "tflite/tfliteloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Profiler;

namespace {

long peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    int repeat = 20;
    const auto repeatAt = args.indexOf(QStringLiteral("--repeat"));
    if (repeatAt >= 0 && repeatAt + 1 < args.size()) {
        repeat = std::max(1, args.at(repeatAt + 1).toInt());
        args.remove(repeatAt, 2);
    }
    if (args.isEmpty()) {
        const QDir dir(QStringLiteral(TINYSCOPE_SHARED_MODELS));
        for (const QString& f : dir.entryList({ QStringLiteral("*.tflite") }, QDir::Files, QDir::Name))
            args << dir.filePath(f);
    }
    if (args.isEmpty()) {
        std::fprintf(stderr, "no models given and none found in %s\n", TINYSCOPE_SHARED_MODELS);
        return 2;
    }

    std::printf("%-48s %10s %6s %10s %10s %10s\n", "model", "bytes", "ops", "load ms", "analyse ms", "total ms");
    double worst = 0;
    for (const QString& path : std::as_const(args)) {
        std::vector<double> load, analyse;
        std::int64_t ops = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            const auto model = loadTfliteFile(path);
            const double l = static_cast<double>(t.nsecsElapsed()) / 1e6;
            if (!model.ok()) {
                std::printf(
                    "%-48s error: %s\n", qPrintable(QFileInfo(path).fileName()), qPrintable(model.error().userMessage));
                break;
            }
            t.restart();
            const ModelAnalysis a = analyzeModel(model.value());
            analyse.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
            load.push_back(l);
            ops = a.summary.operators;
        }
        if (load.empty())
            continue;
        const double total = median(load) + median(analyse);
        worst = std::max(worst, total);
        std::printf("%-48s %10lld %6lld %10.3f %10.3f %10.3f\n", qPrintable(QFileInfo(path).fileName()),
            static_cast<long long>(QFileInfo(path).size()), static_cast<long long>(ops), median(load), median(analyse),
            total);
    }
    std::printf("\nmedian of %d runs each; slowest model %.3f ms; peak RSS %ld KiB\n", repeat, worst, peakRssKiB());
    return 0;
}
