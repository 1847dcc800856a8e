// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-make-dnn N SEED OUT.tflite: writes a generated DNN-like model with N operators (see dnngenerator.h).
#include "dnngenerator.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    bool okCount = false, okSeed = false;
    const int operators = args.size() == 4 ? args[1].toInt(&okCount) : 0;
    const quint32 seed = args.size() == 4 ? args[2].toUInt(&okSeed) : 0;
    if (!okCount || !okSeed || operators < 4) {
        std::fprintf(stderr, "usage: tinyscope-make-dnn OPERATORS SEED OUT.tflite   (OPERATORS >= 4)\n");
        return 2;
    }
    const QByteArray bytes = Bench::generateDnnModel(operators, seed);
    QSaveFile file(args[3]);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(args[3]), qPrintable(file.errorString()));
        return 1;
    }
    std::printf("%s: %d operators, %lld bytes\n", qPrintable(args[3]), operators, static_cast<long long>(bytes.size()));
    return 0;
}
