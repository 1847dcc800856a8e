// SPDX-License-Identifier: GPL-3.0-or-later
#include "documents.h"

namespace TestHelpers {

QString sharedModelPath(const QString& dir, QAnyStringView file)
{
    return dir + QLatin1Char('/') + file.toString();
}

Profiler::ModelDocumentPtr openDocument(const QString& path)
{
    auto r = Profiler::openModelDocument(path);
    if (!r.ok())
        qFatal("%s", qPrintable(r.error().userMessage));
    return r.value();
}

Profiler::ModelDocumentPtr openSharedDocument(const QString& dir, QAnyStringView file)
{
    return openDocument(sharedModelPath(dir, file));
}

} // namespace TestHelpers
